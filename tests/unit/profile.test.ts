import { describe, expect, it } from 'vitest';
import { classify, opsFromGpuRecords, opsFromTrace, parseTrace, summarize, type OpTiming, type TraceEvent } from '../../src/engine/profile';

const op = (name: string, opType: string, inputShapes: number[][], outputShapes: number[][], ms = 1): OpTiming => ({
  name, opType, ms, count: 1, inputShapes, outputShapes, device: 'cpu',
});

describe('operator categories', () => {
  it('tells attention from projections by what is multiplied', () => {
    const ops = [
      op('/cross/q/MatMul', 'MatMul', [[1, 256, 128], [128, 128]], [[1, 256, 128]]), // JSEP lists the weight
      op('/cross/k/MatMul', 'MatMul', [[1, 4096, 128]], [[1, 4096, 128]]), // ORT's CPU trace omits it
      op('/cross/MatMul', 'FusedMatMul', [[1, 4, 256, 32], [1, 4, 32, 4096]], [[1, 4, 256, 4096]]),
      op('/cross/MatMul_1', 'MatMul', [[1, 4, 256, 4096], [1, 4, 4096, 32]], [[1, 4, 256, 32]]),
      op('/blocks.0/attn/Einsum_1', 'Einsum', [[1, 256, 4, 32], [512, 4, 32]], [[1, 4, 256, 512]]), // XL position scores
      op('/blocks.0/attn/Div', 'Div', [[1, 4, 256, 512], []], [[1, 4, 256, 512]]),
      op('/cross/Softmax', 'Softmax', [[1, 4, 256, 4096]], [[1, 4, 256, 4096]]),
      op('/cross/Where', 'Where', [[256, 4096], [1, 4, 256, 4096], []], [[1, 4, 256, 4096]]),
      op('/cross/rotary_1/Mul_2', 'Mul', [[1, 4096, 4, 8], [1, 4096, 1, 8]], [[1, 4096, 4, 8]]),
      op('/cross/mlp/Relu', 'Relu', [[1, 256, 512]], [[1, 256, 512]]),
      op('/blocks.0/attn/Transpose', 'Transpose', [[1, 256, 4, 32]], [[1, 4, 256, 32]]),
      op('/embed/Gather', 'Gather', [[1, 4096]], [[1, 4096, 128]]),
      op('/blocks.0/norm1/LayerNormalization', 'LayerNormalization', [[1, 256, 128]], [[1, 256, 128]]),
      op('/blocks.0/Add', 'Add', [[1, 256, 128], [1, 256, 128]], [[1, 256, 128]]),
      op('/blocks.0/attn/convs.0/conv/Conv', 'Conv', [[1, 128, 258]], [[1, 128, 256]]),
    ];
    expect(classify(ops)).toEqual([
      'projections and MLP',
      'projections and MLP',
      'attention scores',
      'weighted values',
      'attention scores',
      'attention scores',
      'softmax',
      'masks, positions, gathers and casts',
      'masks, positions, gathers and casts',
      'projections and MLP',
      'layout',
      'masks, positions, gathers and casts',
      'other',
      'other',
      'projections and MLP',
    ]);
  });
});

const ev = (name: string, ts: number, dur: number, opName?: string): TraceEvent => ({
  cat: opName ? 'Node' : 'Session',
  name,
  ts,
  dur,
  args: opName ? { op_name: opName, provider: 'CPUExecutionProvider', input_type_shape: [{ float: [2, 3] }], output_type_shape: [{ float: [2, 3] }] } : undefined,
});

describe('ORT trace', () => {
  it('parses the array endProfiling prints, skipping other console lines', () => {
    const lines = ['something else', '[', '{"cat":"Session","name":"model_run","ts":1,"dur":2},', '{"cat":"Session","name":"model_run","ts":5,"dur":2}', ']', 'later'];
    expect(parseTrace(lines)).toHaveLength(2);
    expect(() => parseTrace(['nothing'])).toThrow(/no profile/);
  });

  it('averages the last windows only, summing the session runs of each window', () => {
    // 3 windows of 2 session runs; the first window (a warm-up) is slow and left out
    const events: TraceEvent[] = [];
    let t = 0;
    for (let w = 0; w < 3; w++)
      for (let r = 0; r < 2; r++) {
        events.push(ev('model_run', t, 100));
        events.push(ev('/a/MatMul_kernel_time', t + 1, w === 0 ? 90_000 : 30_000, 'Softmax'));
        events.push(ev('/b/Transpose_kernel_time', t + 50, 2_000, 'Transpose'));
        t += 200;
      }
    const ops = opsFromTrace(events, 2, 2);
    expect(ops.map((o) => [o.name, o.ms, o.count])).toEqual([
      ['/a/MatMul', 60, 2],
      ['/b/Transpose', 4, 2],
    ]);
    expect(() => opsFromTrace(events, 2, 4)).toThrow(/holds 6 runs, expected 8/);
    const s = summarize(ops, 1);
    expect(s.top).toEqual([{ name: '/a/MatMul', opType: 'Softmax', category: 'softmax', ms: 60, shape: '2x3' }]);
    expect(s.kernels).toBe(4);
    expect(s.opsMs).toBe(64);
  });

  it("counts a Loop's body once: its nodes apart, the Loop only for the rest of its time", () => {
    const events = [
      ev('model_run', 0, 10_000),
      ev('/x/MatMul_kernel_time', 100, 1_000, 'MatMul'),
      ev('Loop_1_kernel_time', 2_000, 6_000, 'Loop'), // its body: two nodes inside its interval
      ev('Sub_2_kernel_time', 2_100, 2_000, 'Sub'),
      ev('Exp_3_kernel_time', 4_200, 3_000, 'Exp'),
    ];
    const ms = Object.fromEntries(opsFromTrace(events, 1, 1).map((o) => [o.name, o.ms]));
    expect(ms).toEqual({ '/x/MatMul': 1, Loop_1: 1, Sub_2: 2, Exp_3: 3 });
    expect(Object.values(ms).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10); // never more than the run
  });
});

describe('JSEP GPU timestamps', () => {
  it('sums the programs of a node and averages over windows', () => {
    const rec = (kernelName: string, startTime: number, endTime: number) => ({
      kernelName, kernelType: 'MatMul', programName: 'p', inputsMetadata: [{ dims: [1, 2] }], outputsMetadata: [{ dims: [1, 2] }], startTime, endTime,
    });
    const ops = opsFromGpuRecords([rec('/x', 0, 2e6), rec('/x', 3e6, 4e6), rec('/y', 0, 1e6), rec('/x', 0, 3e6)], 2);
    expect(ops.map((o) => [o.name, o.ms, o.count, o.device])).toEqual([
      ['/x', 3, 1.5, 'gpu'],
      ['/y', 0.5, 0.5, 'gpu'],
    ]);
  });
});
