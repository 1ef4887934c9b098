// What an ONNX file says about itself, read from its protobuf bytes without onnxruntime: the graph's inputs and
// outputs (names, element types, shapes), the external data files its weights live in, its operators and the
// largest weight. A Hub graph is read this way before its weights are fetched (an external-data graph is a small
// file) and before any session exists, so a repo the page cannot run is refused without downloading gigabytes.
// Pure: bytes in, facts out (onnx.proto3 field numbers are cited where they are read).

export interface OnnxTensorInfo {
  name: string;
  dtype: string; // onnxruntime-web's names: float32, float16, int64, int32, bool, ...
  dims: (number | string)[]; // numbers are fixed sizes, strings symbolic ones ("" when the dim is unnamed)
}

export interface OnnxGraphInfo {
  irVersion: number;
  opsets: Record<string, number>; // domain ("" = ai.onnx) -> version
  inputs: OnnxTensorInfo[]; // graph inputs that are not initializers
  outputs: OnnxTensorInfo[];
  externalData: string[]; // the files (relative to the graph) its external initializers name, in order of first use
  ops: string[]; // operator types, subgraphs included; a custom domain's as "domain:Op"
  largestWeightBytes: number; // the biggest initializer (what one GPU buffer must hold)
  weightBytes: number; // all initializers, inline and external
  weightElements: number; // their elements (parameters, where the weights are not packed)
}

/** TensorProto.DataType -> onnxruntime-web's type names (and bytes per element). */
const ELEM: Record<number, [string, number]> = {
  1: ['float32', 4], 2: ['uint8', 1], 3: ['int8', 1], 4: ['uint16', 2], 5: ['int16', 2], 6: ['int32', 4], 7: ['int64', 8],
  8: ['string', 0], 9: ['bool', 1], 10: ['float16', 2], 11: ['float64', 8], 12: ['uint32', 4], 13: ['uint64', 8],
  16: ['bfloat16', 2], 21: ['uint4', 0.5], 22: ['int4', 0.5],
};

/** A protobuf message: its fields in order, each a varint (number) or bytes. */
class Reader {
  private pos: number;
  constructor(
    private buf: Uint8Array,
    start = 0,
    private end = buf.length,
  ) {
    this.pos = start;
  }
  *fields(): Generator<{ field: number; wire: number; value: number; start: number; end: number }> {
    while (this.pos < this.end) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (wire === 0) yield { field, wire, value: this.varint(), start: 0, end: 0 };
      else if (wire === 2) {
        const len = this.varint();
        const start = this.pos;
        this.pos += len;
        if (this.pos > this.end) throw new Error('truncated protobuf');
        yield { field, wire, value: len, start, end: this.pos };
      } else if (wire === 1) (this.pos += 8), yield { field, wire, value: 0, start: this.pos - 8, end: this.pos };
      else if (wire === 5) (this.pos += 4), yield { field, wire, value: 0, start: this.pos - 4, end: this.pos };
      else throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
  done(): boolean {
    return this.pos >= this.end;
  }
  /** Varints up to 2^53 (sizes and dims); larger ones lose precision, which no dim reaches. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated protobuf varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  }
}

const utf8 = new TextDecoder();
const text = (buf: Uint8Array, f: { start: number; end: number }) => utf8.decode(buf.subarray(f.start, f.end));
const sub = (buf: Uint8Array, f: { start: number; end: number }) => new Reader(buf, f.start, f.end);

/** ValueInfoProto (name 1, type 2) -> TypeProto (tensor_type 1) -> Tensor (elem_type 1, shape 2) -> dims. */
function valueInfo(buf: Uint8Array, vi: Reader): OnnxTensorInfo {
  let name = '';
  let dtype = 'unknown';
  const dims: (number | string)[] = [];
  for (const f of vi.fields()) {
    if (f.field === 1) name = text(buf, f);
    else if (f.field === 2)
      for (const t of sub(buf, f).fields()) {
        if (t.field !== 1) {
          dtype = t.field === 4 ? 'sequence' : t.field === 5 ? 'map' : t.field === 9 ? 'optional' : 'non-tensor';
          continue;
        }
        for (const tt of sub(buf, t).fields()) {
          if (tt.field === 1) dtype = ELEM[tt.value]?.[0] ?? `type ${tt.value}`;
          else if (tt.field === 2)
            for (const d of sub(buf, tt).fields()) {
              if (d.field !== 1) continue;
              let dim: number | string = '';
              for (const x of sub(buf, d).fields()) {
                if (x.field === 1) dim = x.value;
                else if (x.field === 2) dim = text(buf, x);
              }
              dims.push(dim);
            }
        }
      }
  }
  return { name, dtype, dims };
}

/** TensorProto: dims 1, data_type 2, name 8, external_data 13 (key 1, value 2), data_location 14. */
function initializer(buf: Uint8Array, r: Reader): { name: string; bytes: number; elements: number; location?: string } {
  let name = '';
  let type = 0;
  let count = 1;
  let location: string | undefined;
  let external = false;
  for (const f of r.fields()) {
    if (f.field === 1) {
      if (f.wire === 0) count *= f.value;
      else for (const p = sub(buf, f); !p.done(); ) count *= p.varint(); // packed dims
    } else if (f.field === 2) type = f.value;
    else if (f.field === 8) name = text(buf, f);
    else if (f.field === 14) external = f.value === 1;
    else if (f.field === 13) {
      let key = '';
      let value = '';
      for (const e of sub(buf, f).fields()) e.field === 1 ? (key = text(buf, e)) : e.field === 2 && (value = text(buf, e));
      if (key === 'location') location = value;
    }
  }
  return { name, bytes: count * (ELEM[type]?.[1] ?? 4), elements: count, location: external ? location : undefined };
}

function readGraph(buf: Uint8Array, g: Reader, info: OnnxGraphInfo, top: boolean, ops: Set<string>, initNames: Set<string>) {
  const inputs: OnnxTensorInfo[] = [];
  for (const f of g.fields()) {
    if (f.field === 1) readNode(buf, sub(buf, f), info, ops, initNames);
    else if (f.field === 5) {
      const t = initializer(buf, sub(buf, f));
      initNames.add(t.name);
      info.weightBytes += t.bytes;
      info.weightElements += t.elements;
      info.largestWeightBytes = Math.max(info.largestWeightBytes, t.bytes);
      if (t.location && !info.externalData.includes(t.location)) info.externalData.push(t.location);
    } else if (top && f.field === 11) inputs.push(valueInfo(buf, sub(buf, f)));
    else if (top && f.field === 12) info.outputs.push(valueInfo(buf, sub(buf, f)));
  }
  if (top) info.inputs = inputs.filter((t) => !initNames.has(t.name)); // IR < 4 lists initializers as inputs too
}

/** NodeProto: op_type 4, domain 7, attribute 5 (AttributeProto: g 6, graphs 11) for If/Loop/Scan bodies. */
function readNode(buf: Uint8Array, n: Reader, info: OnnxGraphInfo, ops: Set<string>, initNames: Set<string>) {
  let op = '';
  let domain = '';
  for (const f of n.fields()) {
    if (f.field === 4) op = text(buf, f);
    else if (f.field === 7) domain = text(buf, f);
    else if (f.field === 5)
      for (const a of sub(buf, f).fields()) if (a.field === 6 || a.field === 11) readGraph(buf, sub(buf, a), info, false, ops, initNames);
  }
  ops.add(domain && domain !== 'ai.onnx' ? `${domain}:${op}` : op);
}

/** ModelProto: ir_version 1, graph 7, opset_import 8 (domain 1, version 2). Throws on bytes that are not ONNX. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraphInfo {
  const info: OnnxGraphInfo = { irVersion: 0, opsets: {}, inputs: [], outputs: [], externalData: [], ops: [], largestWeightBytes: 0, weightBytes: 0, weightElements: 0 };
  const ops = new Set<string>();
  let sawGraph = false;
  for (const f of new Reader(bytes).fields()) {
    if (f.field === 1 && f.wire === 0) info.irVersion = f.value;
    else if (f.field === 7 && f.wire === 2) {
      sawGraph = true;
      readGraph(bytes, sub(bytes, f), info, true, ops, new Set());
    } else if (f.field === 8 && f.wire === 2) {
      let domain = '';
      let version = 0;
      for (const o of sub(bytes, f).fields()) o.field === 1 ? (domain = text(bytes, o)) : o.field === 2 && (version = o.value);
      info.opsets[domain] = version;
    }
  }
  if (!sawGraph || !info.irVersion) throw new Error('not an ONNX model (no graph)');
  info.ops = [...ops].sort();
  return info;
}
