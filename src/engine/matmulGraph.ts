// A one-node ONNX graph, C = A·B (float32, dynamic m, k, n), written as protobuf bytes here rather than shipped:
// the reference for "how fast can this backend multiply matrices at all", next to each model's GFLOP/s.
// Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, ValueInfoProto, TypeProto, TensorShapeProto).

const enc = new TextEncoder();

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const field = (num: number, wire: 0 | 2) => varint(num * 8 + wire);
const int = (num: number, n: number) => [...field(num, 0), ...varint(n)];
const bytes = (num: number, b: ArrayLike<number>) => [...field(num, 2), ...varint(b.length), ...Array.from(b)];
const str = (num: number, s: string) => bytes(num, enc.encode(s));
const msg = (num: number, ...parts: number[][]) => bytes(num, parts.flat());

const FLOAT = 1;

/** ValueInfoProto of a float32 matrix with symbolic dims. */
const matrix = (num: number, name: string, rows: string, cols: string) =>
  msg(num, str(1, name), msg(2, msg(1, int(1, FLOAT), msg(2, msg(1, str(2, rows)), msg(1, str(2, cols))))));

export function matmulGraph(): Uint8Array {
  const graph = msg(
    7,
    msg(1, str(1, 'A'), str(1, 'B'), str(2, 'C'), str(3, 'matmul'), str(4, 'MatMul')),
    str(2, 'peak'),
    matrix(11, 'A', 'm', 'k'),
    matrix(11, 'B', 'k', 'n'),
    matrix(12, 'C', 'm', 'n'),
  );
  return Uint8Array.from([...int(1, 8), ...str(2, 'long-context-playground'), ...graph, ...msg(8, str(1, ''), int(2, 17))]);
}

/** 2·n³ multiply-adds counted as FLOPs, as the cost model counts them. */
export const matmulFlops = (n: number) => 2 * n ** 3;
