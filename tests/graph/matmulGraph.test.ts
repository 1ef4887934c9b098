// The generated MatMul graph is a valid ONNX model that multiplies (onnxruntime-node runs it).
import { expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { matmulGraph } from '../../src/engine/matmulGraph';

it('computes A·B for any shapes', async () => {
  const session = await ort.InferenceSession.create(matmulGraph());
  expect(session.inputNames).toEqual(['A', 'B']);
  const a = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
  const b = new ort.Tensor('float32', Float32Array.from([1, 0, 0, 1, 2, -1]), [3, 2]);
  const { C } = await session.run({ A: a, B: b });
  expect(C.dims).toEqual([2, 2]);
  expect(Array.from(C.data as Float32Array)).toEqual([7, -1, 16, -1]);
  const big = 300;
  const ones = new ort.Tensor('float32', new Float32Array(big * big).fill(1), [big, big]);
  const { C: c2 } = await session.run({ A: ones, B: ones });
  expect((c2.data as Float32Array)[big * big - 1]).toBe(big);
});
