"""The model registry: one entry per family in FAMILIES (its class, name, paper, what it simplifies, its config at
each size, whether the page selects it by default), and every model id -> that entry at one size in CONFIGS. How a
model is exported belongs to its class (see manifest.py); what the page and the cost model need to know about a
family travels in its manifest (config.attention, familyName, defaultSelected), so adding a family changes nothing
in src/ as long as its attention kind is one src/catalog/manifest.ts knows. Adding a family: models/README.md.

"compare" sizes share width, depth, heads, MLP width, vocabulary, data and training budget, so latency,
memory and quality differences come from the architecture.
"""
from based import Based
from compressive_transformer import CompressiveTransformer
from linear_transformer import LinearTransformer
from memory_efficient import MemoryEfficientTransformer
from perceiver_ar import KEY_BLOCK_SCORES, PerceiverAR
from perceiver_ar_conv import PerceiverARConv
from primer import Primer
from sliding_window import SlidingWindowTransformer
from sparse_transformer import SparseTransformer
from transformer import Transformer
from transformer_xl import TransformerXL

ROTARY = ("rotary on 50% of head channels, absolute positions; base W = config.rotaryWavelength, else maxContext "
          "(the slowest channel pair turns W^(-7/8) radians per byte)")
XL_POSITIONS = "relative (Transformer-XL: sinusoid R, shared r_w/r_r biases)"
COMMON_SIMPLIFICATIONS = [
    "Byte-level vocabulary (256 symbols), no dropout, small width and depth so it trains on a laptop CPU.",
]
FULL = dict(kind="full")


def latents(m):
    """Perceiver AR's attention: M latents; the forward's cross-attention runs over key blocks of blockScores score
    elements (perceiver_ar.py), which the cost model needs to estimate its memory."""
    return dict(kind="latents", latents=m, blockScores=KEY_BLOCK_SCORES)
# Compare-size decoders: the limit is the memory wall, found by measuring, not a table size; the rotary wavelengths
# are the ones they were trained with.
DECODER = dict(maxContext=16384, rotaryWavelength=8192)
# No N x N tensor: the sweep finds where memory ends.
LONG = dict(maxContext=65536, rotaryWavelength=8192)
# Based: Taylor linear attention (f query/key features per head), a sliding window, short convolutions; which mixer
# each layer has is config.attention.layers (models/based.py).
BASED = dict(kind="based", featureDim=16, linearHeads=1, window=64, shortConv=3, chunk=128)


def paper(title, authors, year, url):
    return dict(title=title, authors=authors, year=year, url=url)


def base(tiny):
    """What every family shares at a size; an entry's `config` (both sizes), `compare` and `tiny` update it."""
    d, heads, layers, ff = (32, 2, 2, 64) if tiny else (128, 4, 4, 512)
    return dict(vocabSize=256, dModel=d, nHeads=heads, nLayers=layers, dFf=ff, activation="relu", norm="layernorm",
                positions=ROTARY, maxContext=1024 if tiny else 8192, trainedContext=512)


FAMILIES = {
    "perceiver-ar": dict(
        cls=PerceiverAR, name="Perceiver AR", default=True,
        paper=paper("General-purpose, long-context autoregressive modeling with Perceiver AR",
                    "Hawthorne, Jaegle, Cangea, et al.", 2022, "https://arxiv.org/abs/2202.07765"),
        simplifications=["Depth counts the one cross-attention layer: 1 cross-attend + (layers-1) latent self-attention "
                         "layers, so the parameter budget matches the decoders.", "No cross-attend dropout in training."],
        config=dict(activation="squared-relu", trainedContext=2048),
        # Linear in N, and over key blocks (perceiver_ar.py) its memory is the inputs plus one block: 1,048,576 bytes
        # run in the 4 GiB wasm32 heap (768 MiB measured; the dense graph had needed 2.6 GB at 262,144). The rotary
        # wavelength stays the 65,536 it was trained with, so the graph is the same.
        compare=dict(nLayers=3, latentOptions=[64, 128, 256, 512, 1024], maxContext=1048576,
                     rotaryWavelength=65536, attention=latents(256)),
        tiny=dict(nLayers=1, latentOptions=[8, 16, 32], attention=latents(16))),
    "transformer": dict(
        cls=Transformer, name="Transformer", default=True,
        paper=paper("Attention Is All You Need", "Vaswani et al.", 2017, "https://arxiv.org/abs/1706.03762"),
        simplifications=["Rotary positions instead of the paper's sinusoids, for a fair comparison with Perceiver AR.",
                         "Pre-LayerNorm (the paper used post-LN)."],
        config=dict(attention=FULL), compare=DECODER),
    "transformer-gelu": dict(
        cls=Transformer, name="Transformer + GELU",
        paper=paper("Gaussian Error Linear Units (GELUs)", "Hendrycks, Gimpel", 2016, "https://arxiv.org/abs/1606.08415"),
        simplifications=["Rotary positions, pre-LayerNorm, as the vanilla Transformer here."],
        config=dict(activation="gelu", attention=FULL), compare=DECODER),
    "transformer-pp": dict(
        cls=Transformer, name="Transformer++",
        paper=paper("GLU Variants Improve Transformer", "Shazeer", 2020, "https://arxiv.org/abs/2002.05202"),
        simplifications=["SwiGLU hidden width set to 2/3 of 4d (rounded) so parameters match the others."],
        config=dict(activation="swiglu", norm="rmsnorm", attention=FULL), compare=dict(DECODER, dFf=344),
        tiny=dict(dFf=48)),
    "primer": dict(
        cls=Primer, name="Primer-EZ",
        paper=paper("Primer: Searching for Efficient Transformers for Language Modeling",
                    "So, Mańke, Liu, Dai, Shazeer, Le", 2021, "https://arxiv.org/abs/2109.08668"),
        simplifications=["Primer-EZ only (squared ReLU + depthwise conv on Q/K/V); rotary positions as the others."],
        config=dict(activation="squared-relu", convKernel=3, attention=FULL), compare=DECODER),
    "transformer-xl": dict(
        cls=TransformerXL, name="Transformer-XL",
        paper=paper("Transformer-XL: Attentive Language Models Beyond a Fixed-Length Context",
                    "Dai, Yang, Yang, Carbonell, Le, Salakhutdinov", 2019, "https://arxiv.org/abs/1901.02860"),
        simplifications=["Pre-LayerNorm (official pre_lnorm option), no adaptive softmax.",
                         "The memory is a fixed-length buffer with a validity count, so one step graph serves every "
                         "segment."],
        config=dict(positions=XL_POSITIONS, trainedContext=1024),
        compare=dict(maxContext=65536, attention=dict(kind="segments", segment=256, memory=256)),
        tiny=dict(attention=dict(kind="segments", segment=16, memory=16))),
    "sparse-transformer": dict(
        cls=SparseTransformer, name="Sparse Transformer",
        paper=paper("Generating Long Sequences with Sparse Transformers", "Child, Gray, Radford, Sutskever", 2019,
                    "https://arxiv.org/abs/1904.10509"),
        simplifications=["One head attends to the union of the local block and the summaries (the paper's merged "
                         "heads) in every layer; rotary positions instead of learned ones.",
                         "Computed block by block with dense operators, not the paper's block-sparse GPU kernels: the "
                         "scores hold N x (block + N x summaries / block) elements per head, summaries/block of full "
                         "attention's; block and summaries are fixed, so memory still grows as N^2 (the paper's "
                         "O(N sqrt N) takes a block of about sqrt N)."],
        compare=dict(LONG, attention=dict(kind="sparse-fixed", block=128, summaries=8)),
        tiny=dict(attention=dict(kind="sparse-fixed", block=16, summaries=4))),
    "linear-transformer": dict(
        cls=LinearTransformer, name="Linear Transformer",
        paper=paper("Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention",
                    "Katharopoulos, Vyas, Pappas, Fleuret", 2020, "https://arxiv.org/abs/2006.16236"),
        simplifications=["Rotary positions on the numerator's features, as RoFormer combines them with linear "
                         "attention (the paper did no text modelling to copy positions from).",
                         "Computed in chunks with the prefix sum of the chunks' states (memory and time linear in N); "
                         "the paper's CUDA kernel computes the same causal product position by position.",
                         "Linformer, the survey's other factorised attention, is not bundled: it projects the sequence "
                         "axis with a learned N x k matrix, so every projected key mixes future positions: it cannot be "
                         "causal."],
        compare=dict(LONG, attention=dict(kind="linear", chunk=64, featureMap="elu(x)+1")),
        tiny=dict(attention=dict(kind="linear", chunk=16, featureMap="elu(x)+1"))),
    "compressive-transformer": dict(
        cls=CompressiveTransformer, name="Compressive Transformer",
        paper=paper("Compressive Transformers for Long-Range Sequence Modelling",
                    "Rae, Potapenko, Jayakumar, Lillicrap", 2020, "https://arxiv.org/abs/1911.05507"),
        simplifications=["Transformer-XL as bundled here (pre-LN, relative positions) plus a compressed memory: a 1D "
                         "convolution (kernel = stride = the compression rate, one per layer) over the rows leaving the "
                         "memory; a compressed row counts as one relative position.",
                         "The convolutions add 28% parameters to Transformer-XL's.",
                         "Trained with the paper's attention-reconstruction loss (content attention, layer weights "
                         "frozen, gradients only into the convolutions) added to the language-model loss in one "
                         "optimizer; crops of 2,048 bytes (2 per step, the same 4,096 scored bytes) so that the "
                         "compressed memory fills within a crop."],
        config=dict(positions=XL_POSITIONS, trainedContext=2048),
        compare=dict(maxContext=65536,
                     attention=dict(kind="segments", segment=256, memory=256, compressedMemory=256, compressionRate=4)),
        tiny=dict(attention=dict(kind="segments", segment=16, memory=16, compressedMemory=16, compressionRate=4))),
    "memory-efficient": dict(
        cls=MemoryEfficientTransformer, name="Transformer, memory-efficient attention", weights_from="transformer",
        paper=paper("Self-attention Does Not Need O(n²) Memory", "Rabe, Staats", 2021, "https://arxiv.org/abs/2112.05682"),
        simplifications=["The Transformer's weights and predictions (not trained separately); only how the graph "
                         "computes attention differs: query chunks x key chunks with an online softmax, as ONNX Loops.",
                         "The loops run on the CPU under WebGPU (their bodies on the GPU)."],
        compare=dict(LONG, attention=dict(kind="blockwise", queryChunk=256, keyChunk=2048)),
        tiny=dict(attention=dict(kind="blockwise", queryChunk=64, keyChunk=256))),
    "sliding-window": dict(
        cls=SlidingWindowTransformer, name="Sliding-window Transformer",
        paper=paper("Longformer: The Long-Document Transformer", "Beltagy, Peters, Cohan", 2020,
                    "https://arxiv.org/abs/2004.05150"),
        simplifications=["Causal local attention only (the Sparse Transformer's 'local' mode): one window for every "
                         "layer and head, no dilation and no global tokens (Longformer adds both); rotary positions.",
                         "Computed block by block (each block of w queries scores its own block and the one before), "
                         "so memory and time grow linearly in N; L layers reach L x (window - 1) positions back."],
        compare=dict(LONG, attention=dict(kind="window", window=256)),
        tiny=dict(attention=dict(kind="window", window=32))),
    "based": dict(
        cls=Based, name="Based",
        paper=paper("Simple linear attention language models balance the recall-throughput tradeoff",
                    "Arora, Eyuboglu, Zhang, Timalsina, Alberti, Zinsley, Zou, Rudra, Ré", 2024,
                    "https://arxiv.org/abs/2402.18668"),
        simplifications=["Every block is a short gated convolution, then one mixer (config.attention.layers: Taylor "
                         "linear attention or the sliding window), then the MLP. The official LM configs interleave "
                         "whole layers (based-360m: the convolution in 3 of every 5 layers, then one linear attention "
                         "and one sliding window of 256); Zoology's 2-layer recall config alternates convolution and "
                         "linear-attention layers without MLPs. Two blocks here hold all three mixers and the MLP "
                         "every model here has; the window comes first and the linear attention second, Zoology's "
                         "order (local mixing, then the lookup over the whole context).",
                         "The short convolution is Zoology's BaseConv (a depthwise causal convolution of kernel 3 times "
                         "a linear projection of the same input), without the convolution's bias and BaseConv's extra "
                         "skip of the normalised input; the official LMs' BaseConv is larger (4x expansion, SiLU gate, "
                         "output projection).",
                         "Linear attention: one head, 16 query/key features (Zoology's recall configs; the LMs use 16 "
                         "heads of 16), the official Taylor map with its full outer product (1 + 16 + 256 = 273 "
                         "features), no positions. Computed in chunks with the prefix sum of the chunks' states in "
                         "plain ONNX operators: the 273 features per position are materialised, which the official "
                         "CUDA kernels avoid.",
                         "Sliding window of 64 (the paper's 'tiny' windows; based-360m uses 256) with rotary positions "
                         "on 50% of the head channels and biased projections, as this project's sliding-window "
                         "Transformer (official: rotary on all channels, no biases). ReLU MLP and LayerNorm as the "
                         "other models here (official: SwiGLU, RMSNorm)."],
        config=dict(positions="none in the linear attention and the convolutions (as the official code); the sliding "
                              "window: " + ROTARY),
        compare=dict(LONG, attention=dict(BASED, layers=["window", "linear", "window", "linear"])),
        recall=dict(attention=dict(BASED, layers=["window", "linear"])),
        tiny=dict(attention=dict(BASED, featureDim=8, window=16, chunk=16, layers=["window", "linear"]))),
}


# Ours, not a published family: Perceiver AR whose cross-attention keys/values (and latents) see the bytes before
# their own, through a causal convolution over the input embeddings. Only at the recall and tiny sizes.
VARIANTS = {
    "perceiver-ar-conv": dict(
        cls=PerceiverARConv, name="Perceiver AR + input conv (ours)",
        paper=FAMILIES["perceiver-ar"]["paper"],
        simplifications=FAMILIES["perceiver-ar"]["simplifications"] + [
            "Ours, not the paper's model: a causal convolution over the input embeddings (kernel 4, one d x d matrix "
            "per tap, no bias: a learned token shift), added to them, before the cross-attention and the latents' "
            "z_linear; so the key at byte j carries bytes j-3..j, not byte j alone, and can be matched on what came "
            "before it. It adds 65,536 parameters (10%). Everything else is the paper-faithful Perceiver AR's, trained "
            "identically. (Primer's depthwise convolution, one weight per channel and tap, was tried first and did not "
            "learn the recall tasks in the budget: models/README.md.)"],
        config=dict(activation="squared-relu", convKernel=4, convMixing="dense"),
        tiny=dict(nLayers=1, latentOptions=[8, 16, 32], attention=latents(16))),
}


def _entry(family, size, config, simplifications=None):
    f = FAMILIES.get(family) or VARIANTS[family]
    entry = dict(family=family, size=size, config=config, name=f["name"], paper=f["paper"],
                 simplifications=COMMON_SIMPLIFICATIONS + (simplifications or f["simplifications"]),
                 default=bool(f.get("default")) and size == "compare")
    if f.get("weights_from"):  # the same parameters as another family's model of this size
        entry["weightsFrom"] = f"{f['weights_from']}-{size}"
    return entry


def _config(family, size):
    f = FAMILIES.get(family) or VARIANTS[family]
    return {**base(size == "tiny"), **f.get("config", {}), **f.get(size, {})}


CONFIGS = {f"{fam}-{size}": _entry(fam, size, _config(fam, size)) for size in ("compare", "tiny") for fam in FAMILIES}
# The paper's copy-task configuration: the compare size, absolute sinusoidal positions instead of rotary, trained only
# on mirrored sequences of exactly maxContext bytes (train_copy.py), so its mirror point is fixed.
CONFIGS["perceiver-ar-copy"] = _entry("perceiver-ar", "copy", dict(
    {k: v for k, v in _config("perceiver-ar", "compare").items() if k != "rotaryWavelength"},  # no rotary
    positions="absolute sinusoidal, added to the embeddings (no rotary)",
    positionEncoding="absolute-sinusoidal", maxContext=65536, trainedContext=65536, task="mirrored-copy",
    window="prefix"), [
    "The paper's copy-task configuration (official random_mirrored_* sweeps): absolute sinusoidal positions added to "
    "the embeddings, no rotary. Trained only on the copy task: it predicts noise on text.",
    "Trained on one sequence length, 65,536 bytes: 32,768 random bytes, then the same bytes reversed. Its positions "
    "count from the first byte, so it reads the FIRST N bytes of the input (the others read the last N).",
    "Trained in stages on a 2-core CPU (the manifest's training.stages): a curriculum of crops centred on the mirror "
    "point that double in length (256 to 65,536), then random crops that score every copy distance; the paper used "
    "random crops from the start, 131,072 positions, 1,024 latents, 6 layers and far more compute.",
])


# The matched pair for the crop-length confound (issue 13): Perceiver AR trained like the decoders, on 512-byte crops
# with their rotary wavelength (8,192), 16 crops x 256 latents = 4,096 scored bytes a step as every compare model.
CONFIGS["perceiver-ar-512-crop"] = _entry("perceiver-ar", "512-crop", dict(
    _config("perceiver-ar", "compare"), trainedContext=512, rotaryWavelength=8192),
    FAMILIES["perceiver-ar"]["simplifications"] + [
        "A control, not the paper's setting: trained on the decoders' 512-byte crops with their rotary wavelength "
        "(8,192), so it differs from them in architecture only; its latents saw 256 to 511 bytes before them."])


CONFIGS["perceiver-ar-conv-tiny"] = _entry("perceiver-ar-conv", "tiny", _config("perceiver-ar-conv", "tiny"))


# The "recall" size (issue 18; models/train_recall.py): Zoology's recall models are 2 layers of width 64 to 256. Every
# family keeps its own attention settings of the compare size (window, blocks, segments, chunks; a `recall` entry
# updates them: Based names a mixer per layer); all are trained on the recall tasks only (models/tasks.py) with one
# budget. Rotary base 65,536 for every rotary family.
RECALL = dict(dModel=128, nHeads=4, nLayers=2, dFf=512, rotaryWavelength=65536, task="recall")
RECALL_FAMILIES = ["transformer", "perceiver-ar", "perceiver-ar-conv", "transformer-gelu", "transformer-pp", "primer",
                   "transformer-xl", "sparse-transformer", "sliding-window", "linear-transformer",
                   "compressive-transformer", "memory-efficient", "based"]
# Training crops (train_recall.py): the decoders at 128 bytes; Perceiver AR's cost is linear in N, so its crops are
# longer (both Perceiver ARs the same); XL and the Compressive Transformer need several segments for their memories.
RECALL_CROPS = {"perceiver-ar": 1024, "perceiver-ar-conv": 1024, "transformer-xl": 128, "compressive-transformer": 256}
# Transformer-XL and the Compressive Transformer at the recall size: segments and memories of 64, not the compare
# size's 256: with 256 a training step of XL (32 crops of 512) took 72 to 86 s on this CPU, 64 takes 2 s (measured).
# Two segments per crop for XL, four for the Compressive Transformer (its compressed memory gets rows from the third).
RECALL_CROP = 128
RECALL_LATENTS = dict(latentOptions=[32, 64, 128, 256], maxContext=262144,
                      attention=latents(64))


def _recall_config(family):
    f = FAMILIES.get(family) or VARIANTS[family]
    cfg = {**_config("perceiver-ar" if family == "perceiver-ar-conv" else family, "compare"), **f.get("config", {}),
           **RECALL, **f.get("recall", {})}
    if f["cls"] in (PerceiverAR, PerceiverARConv):
        cfg.update(RECALL_LATENTS)  # 1 cross-attention + 1 latent self-attention layer
    if cfg["attention"]["kind"] == "segments":
        cfg["attention"] = dict(cfg["attention"], segment=64, memory=64,
                                **({"compressedMemory": 64} if "compressedMemory" in cfg["attention"] else {}))
    cfg["trainedContext"] = RECALL_CROPS.get(family, RECALL_CROP)
    return cfg


# At the decoders' 128-byte crops the sliding window (w = 256) and the Sparse Transformer's fixed pattern (blocks of
# 128) compute exactly full causal attention, with the Transformer's parameters: trained with the same seed and data
# they would reproduce the Transformer's weights (to float rounding), so they use them (weightsFrom, like the
# memory-efficient Transformer); they differ from it only past 128 bytes, where their attention patterns begin.
RECALL_SHARED = {"sliding-window": "transformer-recall", "sparse-transformer": "transformer-recall"}
for _fam in RECALL_FAMILIES:
    CONFIGS[f"{_fam}-recall"] = _entry(_fam, "recall", _recall_config(_fam))
    if _fam in RECALL_SHARED:
        CONFIGS[f"{_fam}-recall"]["weightsFrom"] = RECALL_SHARED[_fam]
        CONFIGS[f"{_fam}-recall"]["simplifications"] = CONFIGS[f"{_fam}-recall"]["simplifications"] + [
            "The recall model uses the Transformer's (recall) weights: at the 128-byte training crops its attention is "
            "exactly full causal attention (window / block >= crop), so training it would reproduce them; it differs "
            "from the Transformer only past 128 bytes."]


def family_of(model_id):
    return CONFIGS[model_id]["family"]


def build_model(model_id):
    entry = CONFIGS[model_id]
    return (FAMILIES.get(entry["family"]) or VARIANTS[entry["family"]])["cls"](entry["config"])
