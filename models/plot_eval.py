"""Draws models/plots/eval.png from models/eval/<id>.json: held-out bits per byte vs context, copy accuracy
vs distance, one line per compare-size family; models trained on the paper's mirrored copy task add a dashed line
to the copy panel."""
import glob
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.5))
paths = [p for p in sorted(glob.glob(os.path.join(HERE, "eval", "*.json"))) if not p.endswith(("eval-set.json", "-tiny.json"))]
for i, path in enumerate(paths):
    name = os.path.basename(path)[: -len(".json")].removesuffix("-compare")
    color = f"C{i}"  # one colour per model in both panels
    ev = json.load(open(path))["evaluation"]
    mirror = [(c["distance"], c["perByte"]) for c in ev.get("mirroredCopyAccuracy", []) if c["perByte"] is not None]
    if mirror:
        a2.plot(*zip(*mirror), marker="s", linestyle="--", color=color, label=f"{name} (mirrored copy task)")
    bpb = [(e["context"], e["bpb"]) for e in ev["heldOutBitsPerByte"] if e["bpb"] is not None]
    cp = [(c["distance"], c["perByte"]) for c in ev["copyAccuracy"] if c["perByte"] is not None]
    if bpb:
        a1.plot(*zip(*bpb), marker="o", color=color, label=name)
    if cp:
        a2.plot(*zip(*cp), marker="o", color=color, label=name)
a2.axvline(16384, color="grey", linestyle=":", linewidth=1, label="full-attention decoders' limit (16,384)")
a1.set(xscale="log", xlabel="context N (bytes)", ylabel="bits per byte (last 255 bytes)", title="Held-out Brown text")
a2.set(xscale="log", xlabel="copy distance d (bytes)", ylabel="per-byte accuracy", title="Copy task", ylim=(-0.02, 1.02))
a1.set_xscale("log", base=2)
a2.set_xscale("log", base=2)
for a in (a1, a2):
    a.grid(True, alpha=0.3)
    a.legend(fontsize=8)
fig.suptitle("npm run models:eval: compare-size models, trained on this project's CPU", fontsize=10)
fig.tight_layout()
os.makedirs(os.path.join(HERE, "plots"), exist_ok=True)
fig.savefig(os.path.join(HERE, "plots", "eval.png"), dpi=100)
