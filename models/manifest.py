"""The Python side of the manifest contract: builds the manifest.json that src/catalog/manifest.ts validates.
Keep this file and src/catalog/manifest.ts in step.

Each model class describes its own graphs: `io` (how the browser drives it), `signature()` (example arguments and
the tensor specs of its exported forward graph), `reference(tokens)` (the inputs and outputs of reference.json),
`step(...)` and `step_signature()` (its cached-decoding graph and state). export.py is generic over them.
"""
import hashlib
from dataclasses import dataclass


def tensor(name, dtype, dims):
    """A manifest tensor spec; string dims are symbolic (dynamic axes of the exported graph)."""
    return dict(name=name, dtype=dtype, dims=list(dims))


@dataclass
class Signature:
    """What torch.onnx.export needs for one graph, and what the manifest says about it."""
    args: tuple  # example arguments for tracing
    inputs: list  # tensor specs, in the graph's input order
    outputs: list

    @property
    def input_names(self):
        return [t["name"] for t in self.inputs]

    @property
    def output_names(self):
        return [t["name"] for t in self.outputs]

    def dynamic_axes(self):
        axes = {t["name"]: {i: d for i, d in enumerate(t["dims"]) if isinstance(d, str)} for t in self.inputs + self.outputs}
        return {name: dims for name, dims in axes.items() if dims}


@dataclass
class StepSignature(Signature):
    """A step graph's signature. `state`: the inputs that are the decoding state, as dict(name, axis=None). Each has
    an output "new_<name>": with an axis, only the rows this call computed along that axis (the caller writes them
    into its state, whose size on that axis it chose: "capacity" positions, or M latents); without, the whole new
    state."""
    state: list = None
    extra: dict = None  # family-specific manifest fields (Perceiver AR's refill)


# The most new bytes a step call takes (a family may allow more in its signature's extra): prefill runs in chunks of
# this size. 512: a full-attention chunk scores chunk x N per head, its wall moves with it.
MAX_CHUNK = 512


def step_entry(file, blob, weights, opset, sig, webgpu_unsupported):
    """The manifest's `step`: the cached-decoding graph. Its weights are read from `weights` (ONNX external data)."""
    return dict(file=file, bytes=len(blob), sha256=hashlib.sha256(blob).hexdigest(), opset=opset, weights=weights,
                inputs=sig.inputs, outputs=sig.outputs, state=sig.state, **dict(dict(maxChunk=MAX_CHUNK), **(sig.extra or {})),
                webgpuUnsupportedOps=webgpu_unsupported)


def graph_entry(file, blob, opset, sig, webgpu_unsupported):
    return dict(file=file, bytes=len(blob), sha256=hashlib.sha256(blob).hexdigest(), opset=opset,
                inputs=sig.inputs, outputs=sig.outputs, webgpuUnsupportedOps=webgpu_unsupported)


def build(model_id, entry, model, graph, step, reference, training, evaluation, simplifications):
    """entry: the configs.CONFIGS entry (family, size, config, name, paper)."""
    manifest = dict(
        schemaVersion=1, id=model_id, family=entry["family"], familyName=entry["name"], size=entry["size"],
        displayName=f"{entry['name']} ({entry['size']})", defaultSelected=entry["default"], paper=entry["paper"],
        simplifications=simplifications + ([] if training else ["Random weights (not trained): for latency, memory and browser tests only."]),
        config=entry["config"], parameters=sum(p.numel() for p in model.parameters()),
        graph=graph, step=step, reference=reference, training=training, evaluation=evaluation,
    )
    if step is None:  # no cached decoding for this model: the field is absent
        del manifest["step"]
    return manifest
