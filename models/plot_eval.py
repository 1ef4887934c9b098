"""Draws models/plots/eval.png from models/eval/<id>.json (written by scripts/evaluate.ts): bits per byte by context
on both held-out texts with 95% intervals (solid: as the page runs the model; dashed: a sliding window of its training
crop; dotted: Transformer-XL with a longer memory), the paired difference against Perceiver AR (compare) on Brown,
and copy accuracy by distance (dashed: the paper's mirrored task, for the model trained on it). One colour per model."""
import glob
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = "perceiver-ar-compare"
TOP = {"brown": 3.0, "jargon": 5.0}  # bits per byte: decoders far past their crop are drawn at the top edge; the table has them
STYLE = {"full": "-", "sliding": "--", "memory": ":"}

runs = {}
for path in sorted(glob.glob(os.path.join(HERE, "eval", "*.json"))):
    saved = json.load(open(path))
    if "windows" in saved and not path.endswith("-tiny.json"):
        runs[os.path.basename(path)[: -len(".json")]] = saved
colors = {mid: f"C{i}" for i, mid in enumerate(runs)}
short = {mid: mid.removesuffix("-compare") for mid in runs}

fig, axes = plt.subplots(2, 2, figsize=(13, 9))
(a_brown, a_jargon), (a_diff, a_copy) = axes


def errorbars(ax, pts, key, top=float("inf"), **kw):
    pts = [p for p in pts if p.get(key) is not None]
    if not pts:
        return
    xs = [p.get("context", p.get("distance")) for p in pts]
    ys = [min(p[key], top) for p in pts]
    lo = [max(0, y - p["lo"]) if "lo" in p and p[key] <= top else 0 for y, p in zip(ys, pts)]
    hi = [max(0, p["hi"] - y) if "hi" in p and p[key] <= top else 0 for y, p in zip(ys, pts)]
    ax.errorbar(xs, ys, yerr=[lo, hi], capsize=2, marker="o", markersize=3, **kw)


for mid, saved in runs.items():
    ev = saved["evaluation"]
    for ax, text in ((a_brown, "brown"), (a_jargon, "jargon")):
        for t in ev.get("texts", []):
            if t["text"] != text:
                continue
            for row in t["rows"]:
                style = STYLE[row["variant"].split("-")[0]]
                label = short[mid] if row["variant"] == "full" else f"{short[mid]}, {row['variant']}"
                errorbars(ax, row["points"], "bpb", top=TOP[text], color=colors[mid], linestyle=style, label=label)
    errorbars(a_copy, ev["copyAccuracy"], "perByte", color=colors[mid], label=short[mid])
    if ev.get("mirroredCopyAccuracy"):
        errorbars(a_copy, ev["mirroredCopyAccuracy"], "perByte", color=colors[mid], linestyle="--", label=f"{short[mid]} (mirrored task)")

# paired differences on Brown against the reference, from the per-window values
ref = runs.get(REFERENCE)
if ref:
    import random

    def paired(a, b, resamples=2000):
        n = min(len(a), len(b))
        d = [x - y for x, y in zip(a[:n], b[:n])]
        rnd = random.Random(1)
        means = sorted(sum(rnd.choice(d) for _ in range(n)) / n for _ in range(resamples))
        return sum(d) / n, means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]

    for mid, saved in runs.items():
        if mid == REFERENCE:
            continue
        for t in saved["evaluation"].get("texts", []):
            if t["text"] != "brown":
                continue
            for row in t["rows"]:
                pts = []
                for p in row["points"]:
                    base = ref["windows"].get(f"brown|full|{p['context']}")
                    key = f"brown|{row['variant']}" if row["variant"].startswith("sliding") else f"brown|{row['variant']}|{p['context']}"
                    mine = saved["windows"].get(key)
                    if p["bpb"] is None or not base or not mine or len(mine) < 2:
                        continue
                    mine = mine[: p["n"]]
                    m, lo, hi = paired(mine, base)
                    if abs(m) < 0.6:  # far-off decoders stay in the table
                        pts.append(dict(context=p["context"], d=m, lo=lo, hi=hi))
                if pts:
                    style = STYLE[row["variant"].split("-")[0]]
                    label = short[mid] if row["variant"] == "full" else f"{short[mid]}, {row['variant']}"
                    xs, ys = [p["context"] for p in pts], [p["d"] for p in pts]
                    a_diff.errorbar(xs, ys, yerr=[[y - p["lo"] for y, p in zip(ys, pts)], [p["hi"] - y for y, p in zip(ys, pts)]],
                                    capsize=2, marker="o", markersize=3, color=colors[mid], linestyle=style, label=label)
    a_diff.axhline(0, color="black", linewidth=0.8)

a_copy.axvline(16384, color="grey", linestyle=":", linewidth=1, label="full-attention decoders' limit (16,384)")
a_brown.set(xlabel="context N (bytes)", ylabel=f"bits per byte (last 255 bytes; clipped at {TOP['brown']})", title="Held-out Brown text (95% intervals)")
a_jargon.set(xlabel="context N (bytes)", ylabel=f"bits per byte (clipped at {TOP['jargon']})", title="Jargon File (another genre, never trained on)")
a_diff.set(xlabel="context N (bytes)", ylabel="bits per byte, minus Perceiver AR (compare)",
           title="Brown: paired difference against Perceiver AR (same windows; < 0 is better)")
a_copy.set(xlabel="copy distance d (bytes)", ylabel="per-byte accuracy", title="Copy task (20 strings per distance)", ylim=(-0.02, 1.02))
a_brown.set_ylim(top=TOP["brown"] + 0.05)
a_jargon.set_ylim(top=TOP["jargon"] + 0.05)
for ax in axes.flat:
    ax.set_xscale("log", base=2)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=6, ncol=2)
fig.suptitle("npm run models:eval: compare-size models trained on this project's CPU", fontsize=10)
fig.tight_layout()
os.makedirs(os.path.join(HERE, "plots"), exist_ok=True)
fig.savefig(os.path.join(HERE, "plots", "eval.png"), dpi=100)
