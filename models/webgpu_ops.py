"""Which nodes of an exported graph would leave WebGPU in onnxruntime-web (JSEP) and run on the CPU.

Op names: the operator table onnxruntime-web ships (node_modules/onnxruntime-web/docs/webgpu-operators.md).
Types: JSEP kernels are registered for float/int32 (not int64) in most ops, so a comparison or Range over int64
runs on CPU even though its name is in the table (onnxruntime js_data_types.cc). ORT keeps int64 shape arithmetic
on CPU by design (Shape, and scalars computed from it): that moves no activations and is not listed.
"""
import os
import re

import onnx
from onnx import TensorProto, shape_inference

TABLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                     "node_modules", "onnxruntime-web", "docs", "webgpu-operators.md")
SHAPE_OPS = {"Shape", "Constant", "Identity"}  # host-side by design; Identity is removed by ORT's optimizer
INT32_ONLY = {"Range", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Equal"}  # int64 inputs fall back to CPU


def jsep_ops():
    with open(TABLE) as f:
        return {m.group(1) for m in re.finditer(r"^\| (\w+) \| ai\.onnx", f.read(), re.M)}


def _graphs(g):
    """g and every subgraph inside it (Loop / If bodies): ORT places a body's nodes on their own."""
    yield g
    for node in g.node:
        for a in node.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                yield from _graphs(a.g)


def unsupported(graph: onnx.ModelProto):
    """Sorted 'Op' or 'Op(int64)' entries for nodes that would run on CPU, subgraphs included; shape-only ops
    excluded."""
    ops = jsep_ops()
    inferred = shape_inference.infer_shapes(graph)
    graphs = list(_graphs(inferred.graph))
    types = {v.name: v.type.tensor_type.elem_type for g in graphs for v in list(g.value_info) + list(g.input) + list(g.output)}
    for g in graphs:
        for init in g.initializer:
            types[init.name] = init.data_type
    out = set()
    for node in (n for g in graphs for n in g.node):
        if node.op_type in SHAPE_OPS:
            continue
        if node.op_type in INT32_ONLY and any(types.get(i) == TensorProto.INT64 for i in node.input):
            out.add(f"{node.op_type}(int64)")
        elif node.op_type not in ops and not all(types.get(o) == TensorProto.INT64 for o in node.output):
            out.add(node.op_type)  # int64-only outputs are shape arithmetic (pads, slice bounds, M = min(...))
    return sorted(out)
