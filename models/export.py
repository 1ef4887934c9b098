"""Exports every model to public/models/<id>/: model.onnx (opset 17, dynamic sequence axis), step.onnx (cached
decoding; its weights are read from model.onnx as ONNX external data), manifest.json (the contract in
src/catalog/manifest.ts), reference.json (PyTorch inputs/outputs for parity tests) and, for families with an
attention view, attention.onnx (the analysis graph; its weights also read from model.onnx).

    /usr/bin/python3 models/export.py --all        or   --only transformer-tiny
    /usr/bin/python3 models/export.py --manifests --all     manifests only, from the graphs already exported

Weights come from models/checkpoints/<id>.pt when it exists (trained), else a seeded random init; a config entry with
`weightsFrom` takes that model's weights (and training record).

This is the one writer of manifest.json: everything in it comes from the registry (configs.py), the model classes,
the exported graphs, the training record (checkpoints/<id>.train.json) and the evaluation (eval/<id>.json, written by
scripts/evaluate.ts and taken only when its sha256 is the graph's). `--manifests` rewrites them without tracing or
touching a graph, after an evaluation or a change to the manifest's shape.
"""
import argparse
import hashlib
import json
import os
import shutil

import onnx
import torch

from configs import CONFIGS, build_model
from manifest import build as build_manifest, graph_entry, step_entry
from webgpu_ops import unsupported

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "public", "models")
CKPT = os.path.join(HERE, "checkpoints")
EVAL = os.path.join(HERE, "eval")
OPSET = 17
TRAINING_LOG = "training-log.json"
SHARE_MIN = 1024  # initializers smaller than this stay inline in step.onnx


def pack(t):
    return dict(dims=list(t.shape), data=[float(f"{x:.6g}") for x in t.flatten().tolist()])


def reference(model):
    """Small fixed inputs and the PyTorch outputs for them (the model chooses its inputs from these tokens)."""
    tokens = torch.randint(0, 256, (1, 48), generator=torch.Generator().manual_seed(7))
    with torch.no_grad():
        inputs, outputs = model.reference(tokens)
    return dict(inputs={k: pack(v) for k, v in inputs.items()}, outputs={k: pack(v) for k, v in outputs.items()},
                tolerance=dict(atol=1e-4, rtol=1e-3))


def export_graph(model, sig, path):
    """torch.onnx.export of `model` (its forward) with the signature's names and dynamic axes; returns the
    checked ONNX graph and its bytes."""
    with torch.no_grad():
        torch.onnx.export(model, sig.args, path, opset_version=OPSET, input_names=sig.input_names,
                          output_names=sig.output_names, dynamic_axes=sig.dynamic_axes(), do_constant_folding=True)
    graph = onnx.load(path)
    onnx.checker.check_model(graph)
    assert "Trilu" not in {n.op_type for n in graph.graph.node}, "causal masks must not export as Trilu (CPU-only on ORT-web)"
    with open(path, "rb") as f:
        return graph, f.read()


class _Step(torch.nn.Module):
    """A model's step() as the forward of a module, for torch.onnx.export."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, *args):
        return self.model.step(*args)


def share_weights(graph, blob, file):
    """Points each initializer of `graph` whose bytes occur in `blob` (the forward graph, saved as `file` in the same
    folder) at those bytes as ONNX external data, so the two graphs store their weights once. Content-addressed: any
    occurrence of the same bytes is the same tensor. Returns the bytes left inline."""
    inline = 0
    for init in graph.graph.initializer:
        raw = init.raw_data
        at = blob.find(raw) if len(raw) >= SHARE_MIN else -1
        if at < 0:
            inline += len(raw)
            continue
        init.ClearField("raw_data")
        init.data_location = onnx.TensorProto.EXTERNAL
        for key, value in (("location", file), ("offset", str(at)), ("length", str(len(raw)))):
            entry = init.external_data.add()
            entry.key, entry.value = key, value
    return inline


def export_step(model, out_dir, forward_blob):
    """step.onnx: the model's step graph, its weights read from model.onnx; None for a model without one."""
    sig = model.step_signature()
    path = os.path.join(out_dir, "step.onnx")
    if sig is None:
        if os.path.exists(path):
            os.remove(path)
        return None
    graph, _ = export_graph(_Step(model), sig, path)
    inline = share_weights(graph, forward_blob, "model.onnx")
    onnx.save(graph, path)
    onnx.checker.check_model(path)
    with open(path, "rb") as f:
        blob = f.read()
    return sig, graph, blob, inline


class _Attention(torch.nn.Module):
    """A model's attention_map as the forward of a module, for torch.onnx.export."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, *args):
        return self.model.attention_map(*args)


def export_attention(model, out_dir, forward_blob):
    """attention.onnx, the analysis graph (never the timed one): the weights with which one query position reads
    every input position, heads averaged. Its weights are read from model.onnx, as step.onnx's.
    -> (manifest entry, reference inputs/outputs), or (None, None) for a model without an attention view."""
    sig = model.attention_signature() if hasattr(model, "attention_signature") else None
    if sig is None:
        return None, None
    path = os.path.join(out_dir, "attention.onnx")
    graph, _ = export_graph(_Attention(model), sig, path)
    share_weights(graph, forward_blob, "model.onnx")
    onnx.save(graph, path)
    onnx.checker.check_model(path)
    with open(path, "rb") as f:
        blob = f.read()
    with torch.no_grad():
        out = model.attention_map(*sig.args)
    entry = dict(graph_entry("attention.onnx", blob, OPSET, sig, unsupported(graph)), weights="model.onnx",
                 layer=model.attention_layer)
    ref = dict(inputs={t["name"]: pack(a) for t, a in zip(sig.inputs, sig.args)}, outputs=dict(attention=pack(out)))
    return entry, ref


def weights_source(model_id):
    """The model whose parameters this one uses: itself, or its `weightsFrom` (the same weights computed another way)."""
    return CONFIGS[model_id].get("weightsFrom", model_id)


def checkpoint(model_id):
    return os.path.join(CKPT, f"{weights_source(model_id)}.pt")


def saved(out_dir, file):
    """A graph exported earlier: (onnx graph without its external data, bytes), or None."""
    path = os.path.join(out_dir, file)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return onnx.load(path, load_external_data=False), f.read()


def export(model_id, graphs=True):
    """Exports the model's graphs (graphs=False: takes those already in public/models/<id>/) and writes its manifest."""
    entry = CONFIGS[model_id]
    source = weights_source(model_id)
    torch.manual_seed(0)
    model = build_model(model_id)
    if source != model_id:
        torch.manual_seed(0)
        model.load_state_dict(build_model(source).state_dict())
    ckpt = checkpoint(model_id)
    training = None
    out_dir = os.path.join(OUT, model_id)
    os.makedirs(out_dir, exist_ok=True)
    if os.path.exists(ckpt):
        if graphs:
            model.load_state_dict(torch.load(ckpt))
        with open(os.path.join(CKPT, f"{source}.train.json")) as f:
            training = json.load(f)
        # the loss curves travel next to the manifest, so the page can draw them
        shutil.copyfile(os.path.join(CKPT, training["log"]), os.path.join(out_dir, TRAINING_LOG))
        training["log"] = TRAINING_LOG
    model.eval()
    sig = model.signature()
    if graphs:
        graph, blob = export_graph(model, sig, os.path.join(out_dir, "model.onnx"))
        attention, attention_ref = export_attention(model, out_dir, blob)
        with open(os.path.join(out_dir, "reference.json"), "w") as f:
            json.dump(dict(reference(model), **({"attention": attention_ref} if attention_ref else {})), f)
    else:
        graph, blob = saved(out_dir, "model.onnx")
        attention_sig = model.attention_signature() if hasattr(model, "attention_signature") else None
        kept = attention_sig and saved(out_dir, "attention.onnx")
        attention = kept and dict(graph_entry("attention.onnx", kept[1], OPSET, attention_sig, unsupported(kept[0])),
                                  weights="model.onnx", layer=model.attention_layer)
    evaluation = None
    eval_path = os.path.join(EVAL, f"{model_id}.json")
    if os.path.exists(eval_path):
        with open(eval_path) as f:
            ev = json.load(f)
        # an evaluation only belongs to the exact graph it measured
        if ev.get("sha256") == hashlib.sha256(blob).hexdigest():
            evaluation = ev["evaluation"]
    if graphs:
        exported_step = export_step(model, out_dir, blob)
    else:
        step_sig = model.step_signature()
        kept = step_sig and saved(out_dir, "step.onnx")
        exported_step = kept and (step_sig, kept[0], kept[1], None)
    step = None
    if exported_step:
        step_sig, step_graph, step_blob, inline = exported_step
        step = step_entry("step.onnx", step_blob, "model.onnx", OPSET, step_sig, unsupported(step_graph))
    manifest = build_manifest(
        model_id, entry, model, graph_entry("model.onnx", blob, OPSET, sig, unsupported(graph)), step,
        reference="reference.json", training=training, evaluation=evaluation, simplifications=entry["simplifications"])
    if attention:
        manifest["attentionGraph"] = attention
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
    if not graphs:
        print(f"{model_id}: manifest rewritten (graphs kept: model.onnx {manifest['graph']['sha256'][:12]}, "
              f"evaluation: {evaluation is not None})")
        return
    ops = sorted({n.op_type for n in graph.graph.node})
    print(f"{model_id}: {len(blob) / 1e6:.2f} MB, {manifest['parameters']} params, ops {ops}, "
          f"unsupported on WebGPU: {manifest['graph']['webgpuUnsupportedOps']}, trained: {training is not None}; "
          + (f"step.onnx {len(step_blob) / 1e3:.0f} kB ({inline / 1e3:.1f} kB of weights inline, the rest read from "
             f"model.onnx), unsupported on WebGPU: {step['webgpuUnsupportedOps']}" if step else "no step graph"))


def write_index():
    ids = [i for i in CONFIGS if os.path.exists(os.path.join(OUT, i, "manifest.json"))]
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(dict(models=ids), f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--manifests", action="store_true", help="rewrite manifest.json only, from the graphs already exported")
    args = ap.parse_args()
    # --all: every tiny model (random weights, for tests) and every model whose weights exist; a compare model that
    # was never trained is skipped, never bundled with random weights.
    ids = [i for i in CONFIGS if i.endswith("-tiny") or os.path.exists(checkpoint(i))] if args.all else args.only
    if args.manifests:  # only models whose graphs were exported
        ids = [i for i in ids if os.path.exists(os.path.join(OUT, i, "model.onnx"))]
    for model_id in ids:
        export(model_id, graphs=not args.manifests)
    write_index()


if __name__ == "__main__":
    main()
