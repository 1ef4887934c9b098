"""Which ONNX ops of our graphs have a WebGPU kernel in onnxruntime-web's JSEP build.

Source: the operator table of onnxruntime's js/web (js/web/docs/webgpu-operators.md, ORT 1.2x series), written
down by hand here because the package does not ship it. Ops that only ever see int64 shape tensors run on CPU by
design in ORT (it keeps shape computation on the host); they are listed apart and do not move activations.
"""
WEBGPU = {
    "Abs", "Add", "Cast", "Concat", "Conv", "Cos", "CumSum", "Div", "Einsum", "Equal", "Erf", "Exp", "Expand",
    "Gather", "GatherElements", "Gelu", "Gemm", "Greater", "GreaterOrEqual", "LayerNormalization", "Less",
    "LessOrEqual", "MatMul", "Max", "Min", "Mul", "Neg", "Not", "And", "Or", "Pad", "Pow", "Range", "Reciprocal",
    "ReduceMean", "ReduceSum", "ReduceMax", "Relu", "Reshape", "Sigmoid", "Sin", "Slice", "Softmax", "Split",
    "Sqrt", "Squeeze", "Sub", "Tanh", "Tile", "Transpose", "Unsqueeze", "Where", "Flatten", "Identity",
}
# Shape arithmetic: int64 scalars/vectors computed on CPU by design, never activations.
SHAPE_ONLY = {"Shape", "Constant", "ConstantOfShape"}


def unsupported(op_types):
    return sorted(set(op_types) - WEBGPU - SHAPE_ONLY)
