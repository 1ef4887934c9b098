"""The Python side of the manifest contract: builds the manifest.json that src/catalog/manifest.ts validates.
Keep this file and src/catalog/manifest.ts in step.

Each model class describes its own graphs: `io` (how the browser drives it), `signature()` (example arguments and
the tensor specs of its exported forward graph) and `reference(tokens)` (the inputs and outputs of reference.json).
export.py is generic over them.
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


def graph_entry(file, blob, opset, sig, webgpu_unsupported):
    return dict(file=file, bytes=len(blob), sha256=hashlib.sha256(blob).hexdigest(), opset=opset,
                inputs=sig.inputs, outputs=sig.outputs, webgpuUnsupportedOps=webgpu_unsupported)


def build(model_id, entry, model, graph, reference, training, evaluation, simplifications):
    """entry: the configs.CONFIGS entry (family, size, config, name, paper)."""
    return dict(
        schemaVersion=1, id=model_id, family=entry["family"], familyName=entry["name"], size=entry["size"],
        displayName=f"{entry['name']} ({entry['size']})", defaultSelected=entry["default"], paper=entry["paper"],
        simplifications=simplifications + ([] if training else ["Random weights (not trained): for latency, memory and browser tests only."]),
        config=entry["config"], parameters=sum(p.numel() for p in model.parameters()), io=model.io,
        graph=graph, reference=reference, training=training, evaluation=evaluation,
    )
