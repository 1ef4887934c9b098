"""Draws results/bench.json as latency and memory vs context (log-log), one line per model x backend."""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

src, dst = sys.argv[1], sys.argv[2]
data = json.load(open(src))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
keys = sorted({(p["modelId"], p["backend"]) for p in data["points"]})
for model, backend in keys:
    pts = [p for p in data["points"] if p["modelId"] == model and p["backend"] == backend]
    ok = [p for p in pts if p["ok"]]
    label = f"{model} ({backend})"
    if ok:
        line, = ax1.plot([p["contextLength"] for p in ok], [p["medianMs"] for p in ok], marker="o", label=label)
        mem = [(p["contextLength"], p["memory"].get("gpuAllocatedPeakBytes") or p["memory"].get("wasmHeapBytes")) for p in ok]
        mem = [(n, b) for n, b in mem if b]
        if mem:
            ax2.plot(*zip(*[(n, b / 2**20) for n, b in mem]), marker="o", color=line.get_color(), label=f"{label} measured")
        est = [(p["contextLength"], p["estimate"]["totalBytes"] / 2**20) for p in ok]
        ax2.plot(*zip(*est), linestyle="--", color=line.get_color(), label=f"{label} estimate")
    for p in pts:
        if not p["ok"]:
            ax1.axvline(p["contextLength"], linestyle=":", color="grey")
            ax1.annotate(f"{model}: {p['failure']['kind']}", (p["contextLength"], ax1.get_ylim()[1] if ok else 1), fontsize=7, rotation=90)
for ax, title, unit in ((ax1, "median latency", "ms"), (ax2, "memory (solid measured, dashed estimate)", "MiB")):
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("context length N (bytes)")
    ax.set_ylabel(unit)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
ax1.legend(fontsize=7)
ax2.legend(fontsize=6)
gpu = (data.get("env") or {}).get("gpu") or {}
fig.suptitle(f"npm run bench, {data['stamp'][:19]}: WebGPU adapter {gpu.get('description') or gpu.get('vendor') or 'none'}"
             f"{' (software fallback)' if gpu.get('isFallbackAdapter') else ''}", fontsize=9)
fig.tight_layout()
fig.savefig(dst, dpi=110)
