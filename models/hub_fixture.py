"""Hugging Face Hub repositories made here, for testing the playground's Hub loading without the Hub (issue 20).

A tiny random decoder exported in exactly the layout Optimum writes and transformers.js reads (a Llama: RMSNorm,
rotary positions from `position_ids`, grouped-query attention whose key-value heads are expanded in the graph,
SiLU-gated MLP), with a real byte-level BPE tokenizer.json learned here, laid out as Hub repos under one folder:

    <out>/lcp-test/tiny-llama/          config.json (as transformers writes it, with transformers.js_config),
                                         generation_config.json, tokenizer.json, tokenizer_config.json,
                                         onnx/model.onnx + onnx/model.onnx_data (fp32, external data),
                                         onnx/model_quantized.onnx (q8: int8 weights, DynamicQuantizeLinear + MatMulInteger)
    <out>/lcp-test/tiny-llama-merged/   onnx/decoder_model.onnx, decoder_with_past_model.onnx, decoder_model_merged.onnx
                                         (the older Optimum layout; merged = an If on `use_cache_branch`)
    <out>/lcp-test/tiny-llama-nocache/  onnx/model.onnx without a cache (input_ids, attention_mask -> logits)
    <out>/lcp-test/...                  repos the page must refuse, each for one reason (see NEGATIVE)
    <out>/fixture.json                  what the tests check against: the PyTorch model's greedy tokens and logits, the
                                         tokenizer's ids for a sample text, and the server's per-repo behaviour

Every repo with the tiny model shares its weights (one seed). `--bench` writes instead the 24M-parameter Llama of
research/hub.md (8 layers, width 256, 8 query and 2 key-value heads, vocabulary 32,000; ~96 MB fp32), for
scripts/hub-bench.ts; it is generated, never committed.

    /usr/bin/python3 models/hub_fixture.py [--out DIR] [--bench]

Nothing here reaches the network; the output is deterministic for a given torch build.
"""
import argparse
import collections
import hashlib
import json
import math
import os
import re
import shutil
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, ".cache", "hub")
OPSET = 17
ORG = "lcp-test"
TOKENIZER_TEXT = os.path.join(os.path.dirname(HERE), "public", "data", "heldout.txt")
SAMPLE = "The jury said it did find that many of the registration and election laws were outmoded."

TINY = dict(vocab=512, d=64, layers=2, heads=4, kv_heads=2, ffn=128, max_positions=4096, theta=10000.0, seed=20)
BENCH = dict(vocab=32000, d=256, layers=8, heads=8, kv_heads=2, ffn=1024, max_positions=32768, theta=10000.0, seed=24)


# --- the model (transformers' LlamaForCausalLM, written out small) -------------------------------------------------

class RMSNorm(torch.nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h, self.kv, self.hd = c["heads"], c["kv_heads"], c["d"] // c["heads"]
        self.q_proj = torch.nn.Linear(c["d"], self.h * self.hd, bias=False)
        self.k_proj = torch.nn.Linear(c["d"], self.kv * self.hd, bias=False)
        self.v_proj = torch.nn.Linear(c["d"], self.kv * self.hd, bias=False)
        self.o_proj = torch.nn.Linear(self.h * self.hd, c["d"], bias=False)

    def repeat_kv(self, x):
        # transformers' repeat_kv: each key-value head serves h / kv query heads (Expand + Reshape in the graph)
        b, kv, s, hd = x.shape
        return x[:, :, None, :, :].expand(b, kv, self.h // kv, s, hd).reshape(b, self.h, s, hd)

    def forward(self, x, cos, sin, mask, past):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        scores = q @ self.repeat_kv(k).transpose(2, 3) / math.sqrt(self.hd) + mask
        out = torch.softmax(scores, dim=-1) @ self.repeat_kv(v)
        return self.o_proj(out.transpose(1, 2).reshape(b, t, self.h * self.hd)), (k, v)


class Block(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c["d"])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c["d"])
        self.gate_proj = torch.nn.Linear(c["d"], c["ffn"], bias=False)
        self.up_proj = torch.nn.Linear(c["d"], c["ffn"], bias=False)
        self.down_proj = torch.nn.Linear(c["ffn"], c["d"], bias=False)

    def forward(self, x, cos, sin, mask, past):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, past)
        x = x + a
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(torch.nn.functional.silu(self.gate_proj(h)) * self.up_proj(h)), present


class Llama(torch.nn.Module):
    """forward(input_ids, attention_mask, position_ids, past) -> logits, presents; past: [(key, value)] per layer,
    [batch, kv_heads, past, head_dim] each, or None (no cache). The mask is transformers': a key j is seen by the
    query at position past + i when j <= past + i and attention_mask[j] == 1."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = torch.nn.Embedding(c["vocab"], c["d"])
        self.layers = torch.nn.ModuleList([Block(c) for _ in range(c["layers"])])
        self.norm = RMSNorm(c["d"])
        self.lm_head = torch.nn.Linear(c["d"], c["vocab"], bias=False)
        hd = c["d"] // c["heads"]
        self.register_buffer("inv_freq", 1.0 / (c["theta"] ** (torch.arange(0, hd, 2).float() / hd)), persistent=False)
        g = torch.Generator().manual_seed(c["seed"])
        # Random, but with peaked logits (weights ~ 1/sqrt(fan_in), embeddings and head larger), so greedy tokens
        # do not hinge on float rounding: near-ties would make "cached equals full" a coin toss.
        for name, p in self.named_parameters():
            if name.endswith("layernorm.weight") or name == "norm.weight":
                continue
            fan_in = p.shape[1] if p.dim() == 2 else 1
            scale = 1.0 if "embed" in name else (4.0 if "lm_head" in name else 1.0) / math.sqrt(fan_in)
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=g) * scale)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        b, t = input_ids.shape
        total = attention_mask.shape[1]
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        query_pos = torch.arange(t)[:, None] + (total - t)
        allowed = (torch.arange(total)[None, :] <= query_pos)[None, None] & (attention_mask[:, None, None, :] > 0)
        mask = torch.where(allowed, torch.tensor(0.0), torch.tensor(torch.finfo(torch.float32).min))
        x = self.embed_tokens(input_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            x, present = layer(x, cos, sin, mask, None if past is None else past[i])
            presents.append(present)
        return self.lm_head(self.norm(x)), presents


def positions(mask):
    """transformers.js create_position_ids: cumsum(attention_mask) - 1, masked positions set to 1."""
    p = mask.long().cumsum(-1) - 1
    return p.masked_fill(mask == 0, 1)


class WithPast(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, *flat):
        past = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(flat) // 2)]
        logits, presents = self.m(input_ids, attention_mask, position_ids, past)
        return (logits, *[t for kv in presents for t in kv])


class NoPast(torch.nn.Module):
    """decoder_model.onnx: no past inputs, the presents as outputs (the merged decoder's first-call branch)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids):
        logits, presents = self.m(input_ids, attention_mask, position_ids)
        return (logits, *[t for kv in presents for t in kv])


class NoCache(torch.nn.Module):
    """A graph without a cache (Optimum's task text-generation, no -with-past; positions from the mask)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m(input_ids, attention_mask, positions(attention_mask))[0]


def cache_names(n):
    past = [f"past_key_values.{i}.{kv}" for i in range(n) for kv in ("key", "value")]
    return past, [p.replace("past_key_values", "present") for p in past]


def export(module, c, path, kind):
    """torch.onnx.export with Optimum's names and dynamic axes; kind: with-past, no-past or no-cache."""
    L, kv, hd = c["layers"], c["kv_heads"], c["d"] // c["heads"]
    past, present = cache_names(L)
    ids = torch.tensor([[5, 9, 3]])
    names = ["input_ids", "attention_mask"] + ([] if kind == "no-cache" else ["position_ids"])
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"}, "logits": {0: "batch_size", 1: "sequence_length"}}
    if kind == "with-past":
        mask = torch.ones(1, 5, dtype=torch.long)
        args = (ids, mask, torch.tensor([[2, 3, 4]])) + tuple(torch.randn(1, kv, 2, hd) for _ in past)
        names += past
        axes["attention_mask"] = {0: "batch_size", 1: "past_sequence_length + sequence_length"}
        axes.update({p: {0: "batch_size", 2: "past_sequence_length"} for p in past})
    else:
        args = (ids, torch.ones(1, 3, dtype=torch.long)) + (() if kind == "no-cache" else (torch.tensor([[0, 1, 2]]),))
        axes["attention_mask"] = {0: "batch_size", 1: "sequence_length"}
    if kind != "no-cache":
        axes["position_ids"] = {0: "batch_size", 1: "sequence_length"}
        axes.update({p: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for p in present})
    outputs = ["logits"] + ([] if kind == "no-cache" else present)
    with torch.no_grad():
        torch.onnx.export(module, args, path, opset_version=OPSET, input_names=names, output_names=outputs,
                          dynamic_axes=axes, do_constant_folding=True)
    g = onnx.load(path)
    onnx.checker.check_model(g)
    return g


# --- graph transformations: external data, q8, the merged decoder -------------------------------------------------

def save(model, path, external=False):
    """Writes `model`; external: every initializer of 1 KiB or more into `<file>_data` next to it (Optimum's
    naming, which transformers.js's use_external_data_format expects)."""
    if external:  # onnx converts the tensors it writes out in place: save a copy
        copy = onnx.ModelProto()
        copy.CopyFrom(model)
        onnx.save_model(copy, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=os.path.basename(path) + "_data", size_threshold=1024)
    else:
        onnx.save_model(model, path)
    onnx.checker.check_model(path)


def quantize_q8(model):
    """Dynamic int8 quantization of every MatMul with a 2-D float weight, as onnxruntime's quantize_dynamic writes
    it (the q8 / `_quantized` files of transformers.js repos): the activation goes through DynamicQuantizeLinear,
    the weight is int8 (symmetric, per tensor), MatMulInteger multiplies, and the product is scaled back."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    nodes = []
    for n in g.node:
        w = inits.get(n.input[1]) if n.op_type == "MatMul" else None
        if w is None or len(w.dims) != 2 or w.data_type != TensorProto.FLOAT:
            nodes.append(n)
            continue
        a = numpy_helper.to_array(w)
        scale = max(float(np.abs(a).max()), 1e-8) / 127.0
        q = f"{w.name}_quantized"
        g.initializer.extend([
            numpy_helper.from_array(np.clip(np.round(a / scale), -127, 127).astype(np.int8), q),
            numpy_helper.from_array(np.array(scale, dtype=np.float32), f"{w.name}_scale"),
            numpy_helper.from_array(np.array(0, dtype=np.int8), f"{w.name}_zero_point"),
        ])
        x, y, p = n.input[0], n.output[0], f"{n.output[0]}_q8"
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [x], [f"{p}_x", f"{p}_x_scale", f"{p}_x_zp"], name=f"{p}/quantize"),
            helper.make_node("MatMulInteger", [f"{p}_x", q, f"{p}_x_zp", f"{w.name}_zero_point"], [f"{p}_int"], name=f"{p}/matmul"),
            helper.make_node("Cast", [f"{p}_int"], [f"{p}_float"], to=TensorProto.FLOAT, name=f"{p}/cast"),
            helper.make_node("Mul", [f"{p}_x_scale", f"{w.name}_scale"], [f"{p}_scale"], name=f"{p}/scale"),
            helper.make_node("Mul", [f"{p}_float", f"{p}_scale"], [y], name=f"{p}/rescale"),
        ]
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(m)
    return m


def merge_decoders(no_past, with_past):
    """decoder_model_merged.onnx as Optimum's merge_decoders makes it: one graph whose If on `use_cache_branch`
    runs the with-past graph (true) or the no-past graph (false), the two sharing their weights (deduplicated by
    content, moved to the outer graph)."""
    shared, by_hash = [], {}

    def canonical(t):
        key = hashlib.sha256(t.SerializeToString(deterministic=True).replace(t.name.encode(), b"")).hexdigest()
        if key not in by_hash:
            c = onnx.TensorProto()
            c.CopyFrom(t)
            c.name = f"w{len(by_hash)}_{t.name.replace('::', '_')}"
            by_hash[key] = c.name
            shared.append(c)
        return by_hash[key]

    outer = {i.name for i in with_past.graph.input} | {"use_cache_branch"}

    def branch(model, prefix):
        g = model.graph
        rename = {t.name: canonical(t) for t in g.initializer}
        local = lambda name: name if (not name or name in outer or name in rename) else f"{prefix}/{name}"
        nodes = []
        for n in g.node:
            c = onnx.NodeProto()
            c.CopyFrom(n)
            c.name = f"{prefix}/{n.name}"
            del c.input[:]
            c.input.extend(rename.get(i, local(i)) for i in n.input)
            del c.output[:]
            c.output.extend(local(o) for o in n.output)
            nodes.append(c)
        outputs = []
        for o in g.output:
            v = onnx.ValueInfoProto()
            v.CopyFrom(o)
            v.name = local(o.name)
            v.type.tensor_type.ClearField("shape")
            outputs.append(v)
        return helper.make_graph(nodes, f"{prefix}_branch", [], outputs)

    then_g, else_g = branch(with_past, "with_past"), branch(no_past, "no_past")
    inputs = list(with_past.graph.input) + [helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])]
    outputs = list(with_past.graph.output)
    node = helper.make_node("If", ["use_cache_branch"], [o.name for o in outputs], then_branch=then_g, else_branch=else_g,
                            name="optimum::if")
    graph = helper.make_graph([node], "merged_decoder", inputs, outputs, initializer=shared)
    merged = helper.make_model(graph, opset_imports=with_past.opset_import, producer_name="lcp hub_fixture (merge_decoders)")
    merged.ir_version = with_past.ir_version
    onnx.checker.check_model(merged)
    return merged


# --- the tokenizer: byte-level BPE (GPT-2's byte mapping and pre-tokenizer), merges learned here --------------------

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE = bytes_to_unicode()
# GPT-2's split with Python's `re` (\p{L} ~ [^\W\d_], \p{N} ~ \d): equal on ASCII text, close elsewhere; the
# library applies the tokenizer.json pattern itself, so this only shapes which merges are learned.
SPLIT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")
SPECIAL = "<|endoftext|>"


def train_bpe(text, vocab_size):
    """Byte-level BPE: vocabulary = the special token, the 256 bytes, then vocab_size - 257 merges, each the most
    frequent adjacent pair (ties: the first pair in order), as the tokenizers library trains it."""
    words = collections.Counter("".join(BYTE[b] for b in w.encode()) for w in SPLIT.findall(text))
    split = {w: list(w) for w in words}
    vocab = {SPECIAL: 0}
    for b in range(256):
        vocab[BYTE[b]] = len(vocab)
    merges = []
    while len(vocab) < vocab_size:
        pairs = collections.Counter()
        for w, n in words.items():
            s = split[w]
            for a, b in zip(s, s[1:]):
                pairs[a, b] += n
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merges.append((a, b))
        vocab[a + b] = len(vocab)
        for w in words:
            s, out, i = split[w], [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            split[w] = out
    return vocab, merges


def bpe_encode(text, vocab, merges):
    """The ids tokenizers gives for `text` (no special tokens added): merges applied by rank within each word."""
    rank = {m: i for i, m in enumerate(merges)}
    ids = []
    for w in SPLIT.findall(text):
        s = [BYTE[b] for b in w.encode()]
        while len(s) > 1:
            best = min(range(len(s) - 1), key=lambda i: rank.get((s[i], s[i + 1]), math.inf))
            if (s[best], s[best + 1]) not in rank:
                break
            s[best:best + 2] = [s[best] + s[best + 1]]
        ids += [vocab[t] for t in s]
    return ids


def tokenizer_files(vocab, merges, max_length):
    special = dict(id=0, content=SPECIAL, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
    byte_level = dict(type="ByteLevel", add_prefix_space=False, trim_offsets=True, use_regex=True)
    tok = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": [special], "normalizer": None,
        "pre_tokenizer": byte_level, "post_processor": byte_level, "decoder": byte_level,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }
    config = {
        "add_bos_token": False, "add_prefix_space": False, "added_tokens_decoder": {"0": {k: v for k, v in special.items() if k != "id"}},
        "bos_token": SPECIAL, "clean_up_tokenization_spaces": False, "eos_token": SPECIAL, "errors": "replace",
        "model_max_length": max_length, "tokenizer_class": "GPT2Tokenizer", "unk_token": SPECIAL,
    }
    return tok, config


# --- the repos -----------------------------------------------------------------------------------------------------

def hf_config(c, external=None):
    """config.json as transformers (4.46) writes a LlamaConfig, plus the transformers.js_config block that
    onnx-community repos carry (external data: files per graph)."""
    cfg = {
        "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0, "bos_token_id": 0,
        "eos_token_id": 0, "head_dim": c["d"] // c["heads"], "hidden_act": "silu", "hidden_size": c["d"],
        "initializer_range": 0.02, "intermediate_size": c["ffn"], "max_position_embeddings": c["max_positions"],
        "mlp_bias": False, "model_type": "llama", "num_attention_heads": c["heads"], "num_hidden_layers": c["layers"],
        "num_key_value_heads": c["kv_heads"], "pretraining_tp": 1, "rms_norm_eps": 1e-06, "rope_scaling": None,
        "rope_theta": c["theta"], "tie_word_embeddings": False, "torch_dtype": "float32",
        "transformers_version": "4.46.0", "use_cache": True, "vocab_size": c["vocab"],
    }
    if external:
        cfg["transformers.js_config"] = {"use_external_data_format": external}
    return cfg


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def common_files(repo, c, tok, tok_config, external=None):
    write_json(os.path.join(repo, "config.json"), hf_config(c, external))
    write_json(os.path.join(repo, "generation_config.json"), {"bos_token_id": 0, "eos_token_id": 0, "transformers_version": "4.46.0"})
    write_json(os.path.join(repo, "tokenizer.json"), tok)
    write_json(os.path.join(repo, "tokenizer_config.json"), tok_config)


def greedy(model, prompt, steps):
    """Greedy tokens by full forwards (no cache), and the logits of the prompt's last position."""
    ids = list(prompt)
    with torch.no_grad():
        first = None
        for _ in range(steps):
            x = torch.tensor([ids])
            mask = torch.ones_like(x)
            logits = model(x, mask, positions(mask))[0][0, -1]
            first = logits if first is None else first
            ids.append(int(logits.argmax()))
    return ids[len(prompt):], first


def tiny_graph(path, inputs, outputs):
    """A small valid graph with the given I/O (name, elem type, dims): each output a constant of its shape's
    symbolic size 1, enough for the page's layout checks, which refuse these repos before running anything."""
    nodes, outs = [], []
    for name, et, dims in outputs:
        shape = [1 if isinstance(d, str) else d for d in dims]
        nodes.append(helper.make_node("ConstantOfShape", [f"{name}_shape"], [name], value=helper.make_tensor("v", et, [1], [0])))
        nodes.insert(0, helper.make_node("Constant", [], [f"{name}_shape"], value=numpy_helper.from_array(np.array(shape, dtype=np.int64))))
        outs.append(helper.make_tensor_value_info(name, et, dims))
    ins = [helper.make_tensor_value_info(n, et, dims) for n, et, dims in inputs]
    m = helper.make_model(helper.make_graph(nodes, "fixture", ins, outs), opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(m)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save_model(m, path)


I64, F32 = TensorProto.INT64, TensorProto.FLOAT
SEQ = ["batch_size", "sequence_length"]


def negative_repos(out, tok, tok_config, c):
    """Repos the page must refuse, each with the reason the test expects it to say (fixture.json `refusals`)."""
    r = {}

    def repo(name, config, reason):
        path = os.path.join(out, ORG, name)
        write_json(os.path.join(path, "config.json"), config)
        r[f"{ORG}/{name}"] = reason
        return path

    # no ONNX files at all: a PyTorch-only repo
    p = repo("no-onnx", hf_config(c), "no-onnx")
    write_json(os.path.join(p, "tokenizer.json"), tok)
    with open(os.path.join(p, "model.safetensors"), "wb") as f:
        f.write(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    # an encoder-decoder (T5): encoder_model.onnx + decoder_model_merged.onnx with cross-attention inputs
    p = repo("tiny-t5", {"architectures": ["T5ForConditionalGeneration"], "model_type": "t5", "is_encoder_decoder": True,
                         "d_model": 64, "num_layers": 1, "num_heads": 4, "vocab_size": 512}, "encoder-decoder")
    write_json(os.path.join(p, "tokenizer.json"), tok)
    tiny_graph(os.path.join(p, "onnx", "encoder_model.onnx"), [("input_ids", I64, SEQ), ("attention_mask", I64, SEQ)],
               [("last_hidden_state", F32, SEQ + [64])])
    dec_in = [("encoder_attention_mask", I64, ["batch_size", "encoder_sequence_length"]), ("input_ids", I64, SEQ),
              ("encoder_hidden_states", F32, ["batch_size", "encoder_sequence_length", 64])]
    dec_in += [(f"past_key_values.0.{w}.{kv}", F32, ["batch_size", 4, f"past_{w}_sequence_length", 16]) for w in ("decoder", "encoder") for kv in ("key", "value")]
    dec_in += [("use_cache_branch", TensorProto.BOOL, [1])]
    tiny_graph(os.path.join(p, "onnx", "decoder_model_merged.onnx"), dec_in, [("logits", F32, SEQ + [512])])
    # a vision model: pixel_values in
    p = repo("tiny-vit", {"architectures": ["ViTForImageClassification"], "model_type": "vit", "image_size": 32, "num_labels": 10}, "vision")
    tiny_graph(os.path.join(p, "onnx", "model.onnx"), [("pixel_values", F32, ["batch_size", 3, 32, 32])], [("logits", F32, ["batch_size", 10])])
    # an encoder (BERT for feature extraction): ONNX, but no decoder among the files
    p = repo("tiny-bert", {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 64, "vocab_size": 512}, "no-decoder")
    write_json(os.path.join(p, "tokenizer.json"), tok)
    tiny_graph(os.path.join(p, "onnx", "model.onnx"), [("input_ids", I64, SEQ), ("attention_mask", I64, SEQ), ("token_type_ids", I64, SEQ)],
               [("last_hidden_state", F32, SEQ + [64])])
    # a decoder that takes inputs_embeds instead of input_ids (a vision-language model's text half)
    p = repo("embeds-decoder", hf_config(c), "inputs")
    write_json(os.path.join(p, "tokenizer.json"), tok)
    tiny_graph(os.path.join(p, "onnx", "model.onnx"),
               [("inputs_embeds", F32, SEQ + [c["d"]]), ("attention_mask", I64, ["batch_size", "total_sequence_length"]), ("position_ids", I64, SEQ)],
               [("logits", F32, SEQ + [c["vocab"]])])
    # a tokenizer the library cannot read (a model type it does not know), with a graph that is fine
    p = repo("bad-tokenizer", hf_config(c), "tokenizer")
    write_json(os.path.join(p, "tokenizer.json"), {**tok, "model": {"type": "SentencePieceBPE", "model_file": "spiece.model"}})
    tiny_graph(os.path.join(p, "onnx", "model.onnx"), [("input_ids", I64, SEQ), ("attention_mask", I64, SEQ)], [("logits", F32, SEQ + [c["vocab"]])])
    return r


def build(final, c, bench=False):
    # written beside the final folder, then moved into place: a reader (or a second generator running at the same
    # time, as parallel test files may) never sees half a fixture
    out = f"{final}.tmp-{os.getpid()}"
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    torch.manual_seed(c["seed"])
    model = Llama(c).eval()
    with open(TOKENIZER_TEXT, encoding="utf-8") as f:
        text = f.read()[:120_000]
    vocab, merges = train_bpe(text, min(c["vocab"], 512))
    tok, tok_config = tokenizer_files(vocab, merges, c["max_positions"])
    past, _ = cache_names(c["layers"])
    with open(__file__, "rb") as f:  # scripts/lib/hubFixture.ts regenerates when this file changes
        generator = hashlib.sha256(f.read()).hexdigest()
    meta = dict(generator=generator, config=c, org=ORG, repos={}, server={})

    main = os.path.join(out, ORG, "bench-llama" if bench else "tiny-llama")
    common_files(main, c, tok, tok_config, external={"model.onnx": 1})
    os.makedirs(os.path.join(main, "onnx"))
    with tempfile.TemporaryDirectory() as tmp:
        with_past = export(WithPast(model), c, os.path.join(tmp, "wp.onnx"), "with-past")
        save(with_past, os.path.join(main, "onnx", "model.onnx"), external=True)
        save(quantize_q8(with_past), os.path.join(main, "onnx", "model_quantized.onnx"))
        meta["repos"][f"{ORG}/{os.path.basename(main)}"] = {"layout": "with-past", "variants": ["fp32", "q8"]}
        if not bench:
            no_past = export(NoPast(model), c, os.path.join(tmp, "np.onnx"), "no-past")
            merged_repo = os.path.join(out, ORG, "tiny-llama-merged")
            common_files(merged_repo, c, tok, tok_config)
            os.makedirs(os.path.join(merged_repo, "onnx"))
            save(no_past, os.path.join(merged_repo, "onnx", "decoder_model.onnx"))
            save(with_past, os.path.join(merged_repo, "onnx", "decoder_with_past_model.onnx"))
            save(merge_decoders(no_past, with_past), os.path.join(merged_repo, "onnx", "decoder_model_merged.onnx"))
            meta["repos"][f"{ORG}/tiny-llama-merged"] = {"layout": "merged", "variants": ["fp32"]}
            nocache_repo = os.path.join(out, ORG, "tiny-llama-nocache")
            common_files(nocache_repo, c, tok, tok_config)
            os.makedirs(os.path.join(nocache_repo, "onnx"))
            save(export(NoCache(model), c, os.path.join(tmp, "nc.onnx"), "no-cache"), os.path.join(nocache_repo, "onnx", "model.onnx"))
            meta["repos"][f"{ORG}/tiny-llama-nocache"] = {"layout": "no-cache", "variants": ["fp32"]}
    if not bench:
        meta["refusals"] = negative_repos(out, tok, tok_config, c)
        # the local server's test doubles of the Hub's behaviour (scripts/hub-server.ts)
        meta["server"] = {
            f"{ORG}/private-llama": {"status": 401},
            f"{ORG}/tiny-llama-flaky": {"alias": f"{ORG}/tiny-llama", "cutAfterBytes": 4096},
            # the listing states 5 GiB of weights: over what wasm32 addresses (nothing that large is served)
            f"{ORG}/huge-llama": {"alias": f"{ORG}/tiny-llama", "sizes": {"onnx/model.onnx_data": 5 * 2**30}},
        }
        prompt = bpe_encode(SAMPLE, vocab, merges)
        tokens, logits = greedy(model, prompt, 16)
        meta["reference"] = dict(text=SAMPLE, ids=prompt, greedy=tokens, lastLogits=[round(float(x), 5) for x in logits],
                                 note="PyTorch: greedy tokens by full forwards after the prompt; logits of its last position")
    write_json(os.path.join(out, "fixture.json"), meta)
    if os.path.isdir(final):
        shutil.rmtree(final, ignore_errors=True)
    try:
        os.rename(out, final)
    except OSError:  # another generator moved its (identical) fixture in first
        shutil.rmtree(out, ignore_errors=True)
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=None)
    ap.add_argument("--bench", action="store_true", help="the 24M-parameter Llama for scripts/hub-bench.ts")
    a = ap.parse_args()
    out = a.out or (DEFAULT_OUT + "-bench" if a.bench else DEFAULT_OUT)
    meta = build(out, BENCH if a.bench else TINY, bench=a.bench)
    print(f"wrote {out}: {', '.join(meta['repos'])}")


if __name__ == "__main__":
    main()
