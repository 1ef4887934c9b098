"""Every model id -> its family, size, config (camelCase keys, the same as the manifest's `config`), display name,
paper and simplifications. How a model is exported belongs to its class (see manifest.py).

"compare" sizes share width, depth, heads, MLP width, vocabulary, data and training budget, so latency,
memory and quality differences come from the architecture. Adding a family: a file and an entry here.
"""
from perceiver_ar import PerceiverAR
from primer import Primer
from transformer import Transformer
from transformer_xl import TransformerXL

PAPERS = {
    "perceiver-ar": dict(title="General-purpose, long-context autoregressive modeling with Perceiver AR",
                         authors="Hawthorne, Jaegle, Cangea, et al.", year=2022, url="https://arxiv.org/abs/2202.07765"),
    "transformer": dict(title="Attention Is All You Need", authors="Vaswani et al.", year=2017,
                        url="https://arxiv.org/abs/1706.03762"),
    "transformer-gelu": dict(title="Gaussian Error Linear Units (GELUs)", authors="Hendrycks, Gimpel", year=2016,
                             url="https://arxiv.org/abs/1606.08415"),
    "transformer-pp": dict(title="GLU Variants Improve Transformer", authors="Shazeer", year=2020,
                           url="https://arxiv.org/abs/2002.05202"),
    "primer": dict(title="Primer: Searching for Efficient Transformers for Language Modeling",
                   authors="So, Mańke, Liu, Dai, Shazeer, Le", year=2021, url="https://arxiv.org/abs/2109.08668"),
    "transformer-xl": dict(title="Transformer-XL: Attentive Language Models Beyond a Fixed-Length Context",
                           authors="Dai, Yang, Yang, Carbonell, Le, Salakhutdinov", year=2019,
                           url="https://arxiv.org/abs/1901.02860"),
}

NAMES = {
    "perceiver-ar": "Perceiver AR", "transformer": "Transformer", "transformer-gelu": "Transformer + GELU",
    "transformer-pp": "Transformer++", "primer": "Primer-EZ", "transformer-xl": "Transformer-XL",
}

ROTARY = "rotary on 50% of head channels, absolute positions (same for every non-XL family)"
COMMON_SIMPLIFICATIONS = [
    "Byte-level vocabulary (256 symbols), no dropout, small width and depth so it trains on a laptop CPU.",
]
SIMPLIFICATIONS = {
    "perceiver-ar": ["Depth counts the one cross-attention layer: 1 cross-attend + (layers-1) latent self-attention layers, "
                     "so the parameter budget matches the decoders.", "No cross-attend dropout in training."],
    "transformer": ["Rotary positions instead of the paper's sinusoids, for a fair comparison with Perceiver AR.",
                    "Pre-LayerNorm (the paper used post-LN)."],
    "transformer-gelu": ["Rotary positions, pre-LayerNorm, as the vanilla Transformer here."],
    "transformer-pp": ["SwiGLU hidden width set to 2/3 of 4d (rounded) so parameters match the others."],
    "primer": ["Primer-EZ only (squared ReLU + depthwise conv on Q/K/V); rotary positions as the others."],
    "transformer-xl": ["Pre-LayerNorm (official pre_lnorm option), no adaptive softmax.",
                       "The memory is a fixed-length buffer with a validity count, so one step graph serves every segment."],
}

ACTIVATION = {"perceiver-ar": "squared-relu", "transformer": "relu", "transformer-gelu": "gelu",
              "transformer-pp": "swiglu", "primer": "squared-relu", "transformer-xl": "relu"}


def _config(family, size):
    tiny = size == "tiny"
    d, heads, layers, ff = (32, 2, 2, 64) if tiny else (128, 4, 4, 512)
    cfg = dict(vocabSize=256, dModel=d, nHeads=heads, nLayers=layers, dFf=ff, activation=ACTIVATION[family],
               norm="layernorm", positions=ROTARY, maxContext=1024 if tiny else 8192,
               trainedContext=512)
    if not tiny and family not in ("perceiver-ar", "transformer-xl"):
        # The limit is the memory wall, found by measuring, not a table size: allow 16k, keep the rotary
        # wavelengths the models were trained with.
        cfg.update(maxContext=16384, rotaryWavelength=8192)
    if family == "transformer-pp":
        cfg.update(norm="rmsnorm", dFf=(2 * ff // 3 + 7) // 8 * 8)
    if family == "primer":
        cfg.update(convKernel=3)
    if family == "perceiver-ar":
        cfg.update(nLayers=layers - 1, latents=16 if tiny else 256,
                   latentOptions=[8, 16, 32] if tiny else [64, 128, 256, 512, 1024],
                   maxContext=1024 if tiny else 65536, trainedContext=2048)
        if not tiny:
            # Linear in N: 262,144 bytes ran in the 4 GiB wasm32 heap (2.6 GB measured; the cost model puts 524,288
            # past it). The rotary wavelength stays the 65,536 it was trained with, so the graph is the same.
            cfg.update(maxContext=262144, rotaryWavelength=65536)
    if family == "transformer-xl":
        seg = 16 if tiny else 256
        cfg.update(positions="relative (Transformer-XL: sinusoid R, shared r_w/r_r biases)", segmentLength=seg,
                   memoryLength=seg, maxContext=1024 if tiny else 65536, trainedContext=1024)
    return cfg


CLASSES = {"perceiver-ar": PerceiverAR, "transformer": Transformer, "transformer-gelu": Transformer,
           "transformer-pp": Transformer, "primer": Primer, "transformer-xl": TransformerXL}


def _entry(family, size, config, simplifications=None):
    return dict(family=family, size=size, config=config, name=NAMES[family], paper=PAPERS[family],
                simplifications=COMMON_SIMPLIFICATIONS + (simplifications or SIMPLIFICATIONS[family]))


FAMILIES = list(NAMES)
CONFIGS = {f"{fam}-{size}": _entry(fam, size, _config(fam, size)) for size in ("compare", "tiny") for fam in FAMILIES}
# The paper's copy-task configuration: the compare size, absolute sinusoidal positions instead of rotary, trained only
# on mirrored sequences of exactly maxContext bytes (train_copy.py), so its mirror point is fixed.
CONFIGS["perceiver-ar-copy"] = _entry("perceiver-ar", "copy", dict(
    {k: v for k, v in _config("perceiver-ar", "compare").items() if k != "rotaryWavelength"}, positions="absolute sinusoidal, added to the embeddings (no rotary)",
    positionEncoding="absolute-sinusoidal", latents=256, maxContext=65536, trainedContext=65536, task="mirrored-copy",
    window="prefix"), [
    "The paper's copy-task configuration (official random_mirrored_* sweeps): absolute sinusoidal positions added to "
    "the embeddings, no rotary. Trained only on the copy task: it predicts noise on text.",
    "Trained on one sequence length, 65,536 bytes: 32,768 random bytes, then the same bytes reversed. Its positions "
    "count from the first byte, so it reads the FIRST N bytes of the input (the others read the last N).",
    "Trained in stages on a 2-core CPU (the manifest's training.stages): a curriculum of crops centred on the mirror "
    "point that double in length (256 to 65,536), then random crops that score every copy distance; the paper used "
    "random crops from the start, 131,072 positions, 1,024 latents, 6 layers and far more compute.",
])


def family_of(model_id):
    return CONFIGS[model_id]["family"]


def build_model(model_id):
    entry = CONFIGS[model_id]
    return CLASSES[entry["family"]](entry["config"])
