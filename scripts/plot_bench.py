"""Draws results/bench.json: latency, memory and achieved GFLOP/s against context (log-log), one line per model x
variant (backend, build, WASM threads); the GFLOP/s panel marks each variant's MatMul peak."""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

src, dst = sys.argv[1], sys.argv[2]
data = json.load(open(src))
fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(19, 5.5))
keys = sorted({(p["modelId"], p["variant"]) for p in data["points"]})
for model, variant in keys:
    pts = [p for p in data["points"] if p["modelId"] == model and p["variant"] == variant]
    ok = [p for p in pts if p["ok"]]
    label = f"{model} ({variant})"
    if ok:
        line, = ax1.plot([p["contextLength"] for p in ok], [p["medianMs"] for p in ok], marker="o", label=label)
        mem = [(p["contextLength"], p["memory"].get("gpuAllocatedPeakBytes") or p["memory"].get("wasmHeapBytes")) for p in ok]
        mem = [(n, b) for n, b in mem if b]
        if mem:
            ax2.plot(*zip(*[(n, b / 2**20) for n, b in mem]), marker="o", color=line.get_color(), label=f"{label} measured")
        est = [(p["contextLength"], p["estimate"]["totalBytes"] / 2**20) for p in ok]
        ax2.plot(*zip(*est), linestyle="--", color=line.get_color(), label=f"{label} estimate")
        ax3.plot([p["contextLength"] for p in ok], [p["estimate"]["flops"] / p["medianMs"] / 1e6 for p in ok], marker="o",
                 color=line.get_color(), label=label)
    for p in pts:
        if not p["ok"]:
            ax1.axvline(p["contextLength"], linestyle=":", color="grey")
            ax1.annotate(f"{model}: {p['failure']['kind']}", (p["contextLength"], ax1.get_ylim()[1] if ok else 1), fontsize=7, rotation=90)
for peak in data.get("peaks", []):
    if peak.get("ok"):
        ax3.axhline(peak["gflops"], linestyle=":", color="black", alpha=0.5)
        ax3.annotate(f"MatMul peak, {peak['variant']}", (256, peak["gflops"]), fontsize=7)
if data.get("nativePeak"):
    ax3.axhline(data["nativePeak"]["gflops"], linestyle="-.", color="black", alpha=0.5)
    ax3.annotate("MatMul peak, native", (256, data["nativePeak"]["gflops"]), fontsize=7)
for ax, title, unit in ((ax1, "median latency", "ms"), (ax2, "memory (solid measured, dashed estimate)", "MiB"),
                        (ax3, "achieved GFLOP/s (analytic FLOPs / median)", "GFLOP/s")):
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("context length N (bytes)")
    ax.set_ylabel(unit)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
ax1.legend(fontsize=6)
ax2.legend(fontsize=5)
gpu = (data.get("env") or {}).get("gpu") or {}
load = data.get("loadAverage", {}).get("start", [])
fig.suptitle(f"npm run bench, {data['stamp'][:19]}: WebGPU adapter {gpu.get('description') or gpu.get('vendor') or 'none'}"
             f"{' (software fallback)' if gpu.get('isFallbackAdapter') else ''}; load average at start {' '.join(f'{x:.1f}' for x in load)}",
             fontsize=9)
fig.tight_layout()
fig.savefig(dst, dpi=110)
