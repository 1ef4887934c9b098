"""Based (Arora, Eyuboglu, Zhang, Timalsina, Alberti, Zinsley, Zou, Rudra, Re 2024, "Simple linear attention language
models balance the recall-throughput tradeoff"), after HazyResearch/based (based/models/mixers/linear_attention.py,
slide_attention.py, convolution.py) and Zoology's zoology/mixers/based.py + base_conv.py.

Three mixers, each cheap, together a recall-capable model with a constant-size decoding state:
- Linear attention with the 2nd-order Taylor feature map: q and k are projected to f dimensions per head (f = 16),
  phi(x) = [1, x / f^(1/4), (x (x) x) / (sqrt 2 sqrt f)] (1 + f + f^2 = 273 features, the official full outer product),
  so phi(q).phi(k) = 1 + s + s^2 / 2 with s = q.k / sqrt f: the Taylor expansion of exp(s), softmax's kernel, to
  second order. Always positive (>= 1/2), so the normaliser needs no trick. No positions (as the official code).
  Computed in chunks with a carried state (as linear_transformer.py): inside a chunk the C x C kernel computed from s
  directly, across chunks the prefix sum of the chunks' states phi(k)^T v ([1 + f + f^2, dh] per head).
- Exact sliding-window softmax attention over the last `window` positions (64), rotary positions: sliding_window.py's
  block-wise band.
- A short gated convolution before each mixer (Zoology's BaseConv at this size: a depthwise causal convolution of
  kernel 3, times a linear projection of the same input), which gives every position the bytes just before it.

Layers: the official LM configs interleave whole layers (based-360m: BaseConv in 3 of every 5 layers, then one
Taylor linear attention and one sliding window of 256 per period); Zoology's 2-layer recall config alternates
BaseConv and Based linear attention. Here every block is a short convolution, then its mixer (config.attention.layers:
"window" or "linear"), then the MLP, so two blocks hold all three; the recall size puts the window first and the linear
attention second, Zoology's order (local mixing first, so the linear attention's keys carry the bytes before them).

Cached decoding: the state is the linear attention's sum of phi(k) v^T and of phi(k), the window's last window - 1
keys and values, and each convolution's last kernel - 1 input rows: constant in N.
"""
import math

import torch
import torch.nn as nn

from layers import CausalConv, MLP, Rotary, all_of, attend, blocks, make_norm, merge_heads, positions, split_heads, unblocks
from manifest import StepSignature, tensor
from sliding_window import WindowAttention
from transformer import Transformer

EPS = 1e-12  # the official eps; the normaliser is >= 1/2 per position anyway


def taylor(x):
    """[..., f] -> [..., 1 + f + f^2]: the 2nd-order Taylor feature map (official TaylorExp), phi(q).phi(k) =
    1 + s + s^2/2 with s = q.k / sqrt(f)."""
    f = x.shape[-1]
    x2 = (x.unsqueeze(-1) * x.unsqueeze(-2)).flatten(-2) / math.sqrt(2)
    # ones from x (the official code takes x ** 0): ones_like exports as ConstantOfShape, which WebGPU lacks, and
    # WGSL's pow(0, 0) is undefined, padded rows are zeros
    return torch.cat([x[..., :1] * 0 + 1, x / f**0.25, x2 / math.sqrt(f)], dim=-1)


def taylor_kernel(q, k):
    """phi(q).phi(k) for every pair, from s = q.k / sqrt(f) without the 1 + f + f^2 features: [.., Tq, f] x
    [.., Tk, f] -> [.., Tq, Tk]."""
    s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    return 1 + s + s * s / 2


class TaylorLinearAttention(nn.Module):
    """Based's linear attention: h heads of f query/key features and d/h value channels; no biases (official)."""

    def __init__(self, d, heads, feature_dim, chunk):
        super().__init__()
        self.h, self.f, self.chunk = heads, feature_dim, chunk
        self.q = nn.Linear(d, heads * feature_dim, bias=False)
        self.k = nn.Linear(d, heads * feature_dim, bias=False)
        self.v = nn.Linear(d, d, bias=False)
        self.o = nn.Linear(d, d, bias=False)

    def heads(self, x):
        return split_heads(self.q(x), self.h), split_heads(self.k(x), self.h), split_heads(self.v(x), self.h)

    def forward(self, x, pos):
        return self.o(merge_heads(self.attention(*self.heads(x))))

    def attention(self, q, k, v):
        """q, k [B,h,T,f], v [B,h,T,dh] -> [B,h,T,dh], causal. Padded rows (zeros, phi = [1, 0, 0]) sit after every
        real position: no real query sees them inside a chunk, and the last chunk's state is never read."""
        t, c = q.shape[2], self.chunk
        fq, fk = taylor(q), taylor(k)
        q, k, fq, fk, v = (blocks(x, c) for x in (q, k, fq, fk, v))  # [B,h,nc,C,.]
        i = positions(c, q.device)
        causal = (i[None, :] <= i[:, None]).to(q.dtype)  # [C,C]
        a = taylor_kernel(q, k) * causal
        num, den = torch.matmul(a, v), a.sum(-1)
        # what each chunk starts from: the earlier chunks' states (exclusive prefix sum)
        s = torch.matmul(fk.transpose(-1, -2), v)  # [B,h,nc,F,dh]
        z = fk.sum(3)  # [B,h,nc,F]
        num = num + torch.matmul(fq, s.cumsum(2) - s)
        den = den + (fq * (z.cumsum(2) - z)[:, :, :, None]).sum(-1)
        return unblocks(num / (den[..., None] + EPS), t)

    def step(self, x, pos, past, state, norm):
        """S new rows x [1,S,d]; state [h,F,dh] = sum of phi(k) v^T and norm [h,F] = sum of phi(k) over every earlier
        position -> (out [1,S,d], the new state, the new norm). The recurrence; inside the call one chunk."""
        q, k, v = self.heads(x)
        fq, fk = taylor(q), taylor(k)
        i = positions(q.shape[2])
        a = taylor_kernel(q, k) * (i[None, :] <= i[:, None]).to(q.dtype)
        num = torch.matmul(a, v) + torch.matmul(fq, state[None])
        den = a.sum(-1) + (fq * norm[None, :, None, :]).sum(-1)
        out = self.o(merge_heads(num / (den[..., None] + EPS)))
        return out, state + torch.matmul(fk.transpose(-1, -2), v)[0], norm + fk.sum(2)[0]


class LocalAttention(WindowAttention):
    """sliding_window.py's band in the forward; cached decoding keeps only the last window - 1 keys and values (a
    fixed-size buffer instead of a cache of every position)."""

    def step(self, x, pos, past, keys, values):
        """keys, values [w-1,H,dh]: positions past-w+1 .. past-1 (keys rotated; those before 0 are zeros, masked)
        -> (out [1,S,d], the new buffers: the last w-1 rows of [buffer; new rows])."""
        w = self.window
        q, k, v = (split_heads(p(x), self.h) for p in (self.q, self.k, self.v))
        q, k = self.rotary(q, pos), self.rotary(k, pos)
        k = torch.cat([keys.transpose(0, 1)[None], k], dim=2)  # [1,H,w-1+S,dh]
        v = torch.cat([values.transpose(0, 1)[None], v], dim=2)
        key_pos = positions(k.shape[2]) + (past - (w - 1)).to(torch.int32)
        kp, qp = key_pos[None, :], pos[:, None]
        allowed = all_of(kp <= qp, kp > qp - w, kp >= torch.tensor(0, dtype=torch.int32))
        out = self.o(merge_heads(attend(q, k, v, allowed)))
        return out, k[0, :, -(w - 1) :].transpose(0, 1), v[0, :, -(w - 1) :].transpose(0, 1)


class ShortConv(nn.Module):
    """Zoology's BaseConv at this size: a depthwise causal convolution (short kernel) gated by a linear projection."""

    def __init__(self, d, kernel):
        super().__init__()
        self.conv = CausalConv(d, kernel)
        self.proj = nn.Linear(d, d)

    def forward(self, u):
        return self.conv(u) * self.proj(u)

    def step(self, u, rows):
        """u [1,S,d], rows [k-1,d]: the inputs before them -> (out, the new rows)."""
        y, rows = self.conv.step(u, rows[None])
        return y * self.proj(u), rows[0]


class BasedBlock(nn.Module):
    """Pre-norm: x + conv(norm(x)), x + mixer(norm(x)), x + mlp(norm(x))."""

    def __init__(self, cfg, mixer):
        super().__init__()
        d = cfg["dModel"]
        self.norm0, self.norm1, self.norm2 = (make_norm(cfg["norm"], d) for _ in range(3))
        self.conv = ShortConv(d, cfg["attention"]["shortConv"])
        self.mixer = mixer
        self.mlp = MLP(d, cfg["dFf"], cfg["activation"])

    def forward(self, x, pos):
        x = x + self.conv(self.norm0(x))
        x = x + self.mixer(self.norm1(x), pos)
        return x + self.mlp(self.norm2(x))

    def step(self, x, pos, past, rows, *state):
        c, rows = self.conv.step(self.norm0(x), rows)
        x = x + c
        a, *state = self.mixer.step(self.norm1(x), pos, past, *state)
        x = x + a
        return x + self.mlp(self.norm2(x)), rows, state


class Based(Transformer):
    """The Transformer's embedding, output layer, forward, signature and reference; Based blocks and its own step."""

    def __init__(self, cfg):
        nn.Module.__init__(self)  # not the Transformer's blocks: its forward runs over these
        self.cfg = cfg
        a, d, H = cfg["attention"], cfg["dModel"], cfg["nHeads"]
        assert len(a["layers"]) == cfg["nLayers"], "config.attention.layers names every layer's mixer"
        self.embed = nn.Embedding(cfg["vocabSize"], d)
        rotary = Rotary(d // H, cfg.get("rotaryWavelength", cfg["maxContext"]))

        def mixer(kind):
            if kind == "linear":
                return TaylorLinearAttention(d, a["linearHeads"], a["featureDim"], a["chunk"])
            return LocalAttention(d, H, rotary, window=a["window"])

        self.blocks = nn.ModuleList(BasedBlock(cfg, mixer(kind)) for kind in a["layers"])
        self.norm = make_norm(cfg["norm"], d)
        self.head = nn.Linear(d, cfg["vocabSize"])

    def attention_signature(self):
        return None  # no layer's weights are one softmax row over every position

    def state_specs(self):
        """The decoding state, whole tensors of a fixed size (no row axis: nothing grows with N)."""
        a, d, H, L = self.cfg["attention"], self.cfg["dModel"], self.cfg["nHeads"], self.cfg["nLayers"]
        n_lin = a["layers"].count("linear")
        n_win = L - n_lin
        h, w = a["linearHeads"], a["window"]
        specs = [tensor("convs", "float32", [L, a["shortConv"] - 1, d])]
        if n_lin:
            F = 1 + a["featureDim"] + a["featureDim"] ** 2
            specs += [tensor("kv_state", "float32", [n_lin, h, F, d // h]), tensor("k_state", "float32", [n_lin, h, F])]
        if n_win:
            specs += [tensor(f"window_{x}", "float32", [n_win, w - 1, H, d // H]) for x in ("keys", "values")]
        return specs

    def step(self, tokens, past, convs, *state):
        """tokens [1,S] at positions past..past+S-1, convs [L,k-1,d], then (kv_state, k_state) if any layer is
        linear, then (window_keys, window_values) if any is a window -> (logits [1,S,V], the new state, whole)."""
        lin = list(state[:2]) if "linear" in self.cfg["attention"]["layers"] else []
        win = list(state[len(lin) :])
        pos = positions(tokens.shape[1]) + past.to(torch.int32)
        x = self.embed(tokens)
        new_convs, new = [], {"linear": [[], []], "window": [[], []]}
        counts = {"linear": 0, "window": 0}
        for i, (kind, block) in enumerate(zip(self.cfg["attention"]["layers"], self.blocks)):
            j = counts[kind]
            counts[kind] += 1
            src = lin if kind == "linear" else win
            x, rows, (s0, s1) = block.step(x, pos, past, convs[i], src[0][j], src[1][j])
            new_convs.append(rows)
            new[kind][0].append(s0)
            new[kind][1].append(s1)
        out = [self.head(self.norm(x)), torch.stack(new_convs)]
        for kind in ("linear", "window"):
            if counts[kind]:
                out += [torch.stack(new[kind][0]), torch.stack(new[kind][1])]
        return tuple(out)

    def step_signature(self):
        specs = self.state_specs()
        V = self.cfg["vocabSize"]
        return StepSignature(
            args=(torch.randint(0, 256, (1, 5)), torch.tensor(7, dtype=torch.int32), *[torch.randn(*t["dims"]) for t in specs]),
            inputs=[tensor("tokens", "int64", [1, "new"]), tensor("past", "int32", [])] + specs,
            outputs=[tensor("logits", "float32", [1, "new", V])] + [dict(t, name="new_" + t["name"]) for t in specs],
            state=[dict(name=t["name"]) for t in specs])
