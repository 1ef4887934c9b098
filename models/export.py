"""Exports every model to public/models/<id>/: model.onnx (opset 17, dynamic sequence axis), manifest.json
(the contract in src/catalog/manifest.ts) and reference.json (PyTorch inputs/outputs for parity tests).

    /usr/bin/python3 models/export.py --all        or   --only transformer-tiny

Weights come from models/checkpoints/<id>.pt when it exists (trained), else a seeded random init.
"""
import argparse
import hashlib
import json
import os
import shutil

import onnx
import torch

from configs import CONFIGS, NAMES, PAPERS, SIMPLIFICATIONS, COMMON_SIMPLIFICATIONS, build_model
from webgpu_ops import unsupported

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "public", "models")
CKPT = os.path.join(HERE, "checkpoints")
EVAL = os.path.join(HERE, "eval")
OPSET = 17
TRAINING_LOG = "training-log.json"


def signature(model, cfg):
    """(example args, input names, output names, dynamic axes, manifest tensor specs)."""
    io = model.io
    if io == "full":
        args = (torch.randint(0, 256, (1, 40)),)
        ins, outs = ["tokens"], ["logits"]
        dyn = {"tokens": {1: "seq"}, "logits": {1: "seq"}}
        specs_in = [dict(name="tokens", dtype="int64", dims=[1, "seq"])]
        specs_out = [dict(name="logits", dtype="float32", dims=[1, "seq", cfg["vocabSize"]])]
    elif io == "latents":
        args = (torch.randint(0, 256, (1, 40)), torch.tensor(8))
        ins, outs = ["tokens", "num_latents"], ["logits"]
        dyn = {"tokens": {1: "seq"}, "logits": {1: "latents"}}
        specs_in = [dict(name="tokens", dtype="int64", dims=[1, "seq"]), dict(name="num_latents", dtype="int64", dims=[])]
        specs_out = [dict(name="logits", dtype="float32", dims=[1, "latents", cfg["vocabSize"]])]
    else:
        L, mem, d = cfg["nLayers"], cfg["memoryLength"], cfg["dModel"]
        args = (torch.randint(0, 256, (1, 12)), torch.randn(L, 1, mem, d), torch.tensor(5))
        ins, outs = ["tokens", "mems", "mem_valid"], ["logits", "new_mems"]
        dyn = {"tokens": {1: "seg"}, "logits": {1: "seg"}}
        specs_in = [dict(name="tokens", dtype="int64", dims=[1, "seg"]),
                    dict(name="mems", dtype="float32", dims=[L, 1, mem, d]),
                    dict(name="mem_valid", dtype="int64", dims=[])]
        specs_out = [dict(name="logits", dtype="float32", dims=[1, "seg", cfg["vocabSize"]]),
                     dict(name="new_mems", dtype="float32", dims=[L, 1, mem, d])]
    return args, ins, outs, dyn, specs_in, specs_out


def reference(model, cfg):
    """Small fixed inputs and PyTorch outputs; for XL the inputs are a second segment with a real memory."""
    g = torch.Generator().manual_seed(7)
    tokens = torch.randint(0, 256, (1, 48), generator=g)
    with torch.no_grad():
        if model.io == "full":
            inputs = dict(tokens=tokens)
            outputs = dict(logits=model(tokens))
        elif model.io == "latents":
            m = torch.tensor(min(cfg["latents"], 24))
            inputs = dict(tokens=tokens, num_latents=m)
            outputs = dict(logits=model(tokens, m))
        else:
            seg = min(cfg["segmentLength"], 24)
            first, second = tokens[:, :seg], tokens[:, seg : 2 * seg]
            _, mems = model(first, model.empty_mems(), torch.tensor(0))
            valid = torch.tensor(min(cfg["memoryLength"], seg))
            logits, new_mems = model(second, mems, valid)
            inputs = dict(tokens=second, mems=mems, mem_valid=valid)
            outputs = dict(logits=logits, new_mems=new_mems)

    def pack(t):
        return dict(dims=list(t.shape), data=[float(f"{x:.6g}") for x in t.flatten().tolist()])

    return dict(inputs={k: pack(v) for k, v in inputs.items()}, outputs={k: pack(v) for k, v in outputs.items()},
                tolerance=dict(atol=1e-4, rtol=1e-3))


def export(model_id):
    entry = CONFIGS[model_id]
    fam, size, cfg = entry["family"], entry["size"], entry["config"]
    torch.manual_seed(0)
    model = build_model(model_id)
    ckpt = os.path.join(CKPT, f"{model_id}.pt")
    training = None
    out_dir = os.path.join(OUT, model_id)
    os.makedirs(out_dir, exist_ok=True)
    if os.path.exists(ckpt):
        model.load_state_dict(torch.load(ckpt))
        with open(os.path.join(CKPT, f"{model_id}.train.json")) as f:
            training = json.load(f)
        # the loss curves travel next to the manifest, so the page can draw them
        shutil.copyfile(os.path.join(CKPT, training["log"]), os.path.join(out_dir, TRAINING_LOG))
        training["log"] = TRAINING_LOG
    model.eval()
    path = os.path.join(out_dir, "model.onnx")
    args, ins, outs, dyn, specs_in, specs_out = signature(model, cfg)
    with torch.no_grad():
        torch.onnx.export(model, args, path, opset_version=OPSET, input_names=ins, output_names=outs,
                          dynamic_axes=dyn, do_constant_folding=True)
    graph = onnx.load(path)
    onnx.checker.check_model(graph)
    ops = sorted({n.op_type for n in graph.graph.node})
    assert "Trilu" not in ops, "causal masks must not export as Trilu (CPU-only on ORT-web)"
    blob = open(path, "rb").read()
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(reference(model, cfg), f)
    evaluation = None
    eval_path = os.path.join(EVAL, f"{model_id}.json")
    if os.path.exists(eval_path):
        with open(eval_path) as f:
            ev = json.load(f)
        # an evaluation only belongs to the exact graph it measured
        if ev.get("sha256") == hashlib.sha256(blob).hexdigest():
            evaluation = ev["evaluation"]
    manifest = dict(
        schemaVersion=1, id=model_id, family=fam, size=size,
        displayName=f"{NAMES[fam]} ({size})", paper=PAPERS[fam],
        simplifications=COMMON_SIMPLIFICATIONS + SIMPLIFICATIONS.get(model_id, SIMPLIFICATIONS[fam]) + ([] if training else ["Random weights (not trained): for latency, memory and browser tests only."]),
        config=cfg, parameters=sum(p.numel() for p in model.parameters()), io=model.io,
        graph=dict(file="model.onnx", bytes=len(blob), sha256=hashlib.sha256(blob).hexdigest(), opset=OPSET,
                   inputs=specs_in, outputs=specs_out, webgpuUnsupportedOps=unsupported(graph)),
        reference="reference.json", training=training, evaluation=evaluation,
    )
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
    print(f"{model_id}: {len(blob) / 1e6:.2f} MB, {manifest['parameters']} params, ops {ops}, "
          f"unsupported on WebGPU: {manifest['graph']['webgpuUnsupportedOps']}, trained: {training is not None}")


def write_index():
    ids = [i for i in CONFIGS if os.path.exists(os.path.join(OUT, i, "manifest.json"))]
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(dict(models=ids), f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--only", action="append", default=[])
    args = ap.parse_args()
    for model_id in (list(CONFIGS) if args.all else args.only):
        export(model_id)
    write_index()


if __name__ == "__main__":
    main()
