"""Layers shared by every family: norms, MLPs, rotary positions, masked multi-head attention.

Export constraints (onnxruntime-web WebGPU, see webgpu_ops.py): causal masks come from arange + comparison
(torch.triu exports as Trilu, which runs on CPU there); positions are int32, because WebGPU has Range and
comparisons for int32 but not int64 (an int64 mask would be built on CPU, N x N per layer); masked scores take a
scalar fill (full_like exports as ConstantOfShape, which WebGPU lacks). No data-dependent Python control flow,
no .item().
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -1e9  # added to masked scores; finite so a fully masked row cannot produce NaN


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def make_norm(kind, d):
    return RMSNorm(d) if kind == "rmsnorm" else nn.LayerNorm(d)


class MLP(nn.Module):
    """relu / gelu / squared-relu (Primer, Perceiver AR) / swiglu (Transformer++)."""

    def __init__(self, d, d_ff, activation):
        super().__init__()
        self.activation = activation
        self.up = nn.Linear(d, d_ff)
        self.gate = nn.Linear(d, d_ff) if activation == "swiglu" else None
        self.down = nn.Linear(d_ff, d)

    def forward(self, x):
        h = self.up(x)
        if self.activation == "relu":
            h = F.relu(h)
        elif self.activation == "gelu":
            h = F.gelu(h)
        elif self.activation == "squared-relu":
            h = F.relu(h).square()
        elif self.activation == "swiglu":
            h = F.silu(self.gate(x)) * h
        else:
            raise ValueError(self.activation)
        return self.down(h)


class Rotary(nn.Module):
    """Rotary embedding on the first `fraction` of each head's channels, absolute positions, as in the official
    Perceiver AR (fraction_to_rotate=0.5, longest wavelength = max context)."""

    def __init__(self, head_dim, max_wavelength, fraction=0.5):
        super().__init__()
        self.rot = int(head_dim * fraction) // 2 * 2
        exponents = torch.arange(0, self.rot, 2, dtype=torch.float32) / self.rot
        self.register_buffer("inv_freq", 1.0 / (float(max_wavelength) ** exponents), persistent=False)

    def forward(self, x, pos):
        """x [B,H,T,dh], pos [T] (int32 absolute positions)."""
        return rotate(x, pos, self.inv_freq, self.rot)


class NoRotary(nn.Module):
    """Stands in for Rotary when positions are absolute embeddings instead (Perceiver AR's copy-task config)."""

    rot = 0
    inv_freq = torch.zeros(0)

    def forward(self, x, pos):
        return x


def rotate(x, pos, inv_freq, rot: int):
    """Rotary.forward as a function (TorchScript loops call it: perceiver_ar.py); rot 0 leaves x as it is."""
    if rot == 0:
        return x
    ang = pos.to(torch.float32)[:, None] * inv_freq[None, :]  # [T, rot/2]
    cos, sin = ang.cos(), ang.sin()
    # "rotate half" pairing (channel i with i + rot/2), as in GPT-NeoX: plain slices export cheaply.
    half = rot // 2
    x1, x2, xp = x[..., :half], x[..., half:rot], x[..., rot:]
    rotated = torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
    return torch.cat([rotated, xp], dim=-1)


def sinusoid(pos, d, max_scale=10000.0):
    """[T, d] fixed sinusoidal features of absolute positions, as the official generate_sinusoidal_features
    (sines in the first half of the channels, cosines in the second, scales 1 .. max_scale)."""
    half = d // 2
    div = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(max_scale) / (half - 1)))
    ang = pos.to(torch.float32)[:, None] * div[None, :]
    return torch.cat([ang.sin(), ang.cos()], dim=-1)


def causal_allowed(q_pos, k_pos):
    """[Tq, Tk] bool: query at absolute position p may see keys at positions <= p."""
    return k_pos[None, :] <= q_pos[:, None]


def split_heads(x, h):
    b, t, d = x.shape
    return x.view(b, t, h, d // h).transpose(1, 2)


def merge_heads(x):
    b, h, t, dh = x.shape
    return x.transpose(1, 2).reshape(b, t, h * dh)


def masked(scores, allowed):
    """scores where allowed, else NEG: a scalar fill exports as Where with a constant, not an N x N tensor."""
    return torch.where(allowed, scores, scores.new_tensor(NEG))


def all_of(*conds):
    """Elementwise AND of broadcastable bool masks, as int32 arithmetic: onnxruntime-web's WebGPU has no And kernel,
    and one Where over the scores with the combined mask is cheaper than one Where per condition."""
    total = conds[0].to(torch.int32)
    for c in conds[1:]:
        total = total + c.to(torch.int32)
    return total == torch.tensor(len(conds), dtype=torch.int32)  # an int32 constant: a Python int exports as int64


def score(q, k):
    """Scaled dot products q [.., Tq, dh] x k [.., Tk, dh] -> [.., Tq, Tk]: every family computes its attention
    scores here, so a test can count how many score elements a forward materialises."""
    return torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1])


def attention_row(q, k, q_pos, k_pos):
    """q [B,H,1,dh] (one query at absolute position q_pos [1]), k [B,H,Tk,dh] -> [B,Tk]: its softmax attention
    weights, averaged over heads (so they sum to 1): the analysis graphs' "where the model reads"."""
    return masked(score(q, k), causal_allowed(q_pos, k_pos)).softmax(-1).mean(1)[:, 0]


def larger(a, b):
    """Elementwise max as a Where (torch.maximum exports as Max, which has no WebGPU kernel)."""
    return torch.where(a > b, a, b)


def attend_cached(q, keys, values, past, k, v, allowed):
    """Attention of S new rows over a cache read where it lies and over themselves: q, k, v [1,H,S,dh] (q and k
    rotated), keys/values [R,H,dh] the cached rows, rows outermost (rows < past hold positions 0..past-1; a caller
    feeds only those, and one zero row when there are none), allowed [S,S] which new rows each new row sees
    -> [1,H,S,dh].

    The cache is never sliced, concatenated or split: on WASM each of those copies it (64 MiB at 65,536 bytes), and a
    decode step is otherwise two products over it. ORT reads the rows-outermost layout in place (its Transpose +
    MatMul fusion: FusedMatMul with transBatchB). Cached rows need no causal mask, only one that drops rows at or past
    `past`; one softmax runs over both parts, merged by their common maximum."""
    written = positions(keys.shape[0]) < past.to(torch.int32)
    old = masked(score(q[0], keys.transpose(0, 1)), written)  # [H,S,R]
    new = masked(score(q, k), allowed)[0]  # [H,S,S]
    top = larger(old.amax(-1, keepdim=True), new.amax(-1, keepdim=True))
    old, new = (old - top).exp(), (new - top).exp()
    out = torch.matmul(old, values.transpose(0, 1)) + torch.matmul(new, v[0])
    return (out / (old.sum(-1, keepdim=True) + new.sum(-1, keepdim=True)))[None]


def attend(q, k, v, allowed):
    """q [B,H,Tq,dh], k/v [B,H,Tk,dh], allowed [Tq,Tk] -> [B,H,Tq,dh]. Plain softmax attention: the full
    score matrix is materialised, which is exactly the O(N^2) memory the playground measures."""
    return torch.matmul(masked(score(q, k), allowed).softmax(-1), v)


def blocks(x, size):
    """[B,H,T,dh] -> [B,H,T'/size,size,dh] with T' = T rounded up to a multiple of size (zero rows appended at the
    end: causal attention never lets a real position see them)."""
    b, h, t, dh = x.shape
    x = F.pad(x, (0, 0, 0, (size - t % size) % size))
    return x.reshape(b, h, -1, size, dh)


def unblocks(x, t):
    """[B,H,nb,size,dh] -> [B,H,t,dh]: the first t rows (drops the padding `blocks` added)."""
    b, h, nb, size, dh = x.shape
    return x.reshape(b, h, nb * size, dh)[:, :, :t]


class CausalConv(nn.Module):
    """Primer's depthwise convolution over the sequence: kernel k per channel, no bias, left padded so
    position t sees t-k+1..t only. depthwise=False: every output channel mixes every input channel of the k rows
    (a dense causal convolution, one d x d matrix per tap)."""

    def __init__(self, d, kernel=3, depthwise=True):
        super().__init__()
        self.kernel = kernel
        self.conv = nn.Conv1d(d, d, kernel, groups=d if depthwise else 1, bias=False)

    def forward(self, x):  # [B,T,d]
        y = F.pad(x.transpose(1, 2), (self.kernel - 1, 0))
        return self.conv(y).transpose(1, 2)

    def step(self, x, state):
        """x [1,S,d] new rows, state [1,k-1,d] the k-1 rows before them (zeros at the start: the left padding)
        -> (y [1,S,d], the new state)."""
        seen = torch.cat([state, x], dim=1)
        return self.conv(seen.transpose(1, 2)).transpose(1, 2), seen[:, -(self.kernel - 1) :]


class SelfAttention(nn.Module):
    """Projections, heads and rotary positions; `attention` (a forward over every position) and `cached_attention`
    (a step over new positions with a state) are how the heads mix positions (full causal softmax here). Families
    with another attention pattern subclass it and override those two, so they keep the Transformer's parameters."""

    def __init__(self, d, n_heads, rotary, primer_kernel=0):
        super().__init__()
        self.h = n_heads
        self.q, self.k, self.v = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.o = nn.Linear(d, d)
        self.rotary = rotary
        self.convs = nn.ModuleList([CausalConv(d, primer_kernel) for _ in range(3)]) if primer_kernel else None

    def attention(self, q, k, v, pos):
        """q, k, v [B,H,T,dh] before positions, pos [T] int32 -> [B,H,T,dh]."""
        return attend(self.rotary(q, pos), self.rotary(k, pos), v, causal_allowed(pos, pos))

    def has_softmax_row(self):
        """Whether attention_row gives the weights `attention` mixes with: true of the full causal softmax here and of
        a subclass that computes that same softmax another way (it sets exact_softmax = True); not of another
        pattern (sparse) or no softmax at all (linear)."""
        return type(self).attention is SelfAttention.attention or type(self).__dict__.get("exact_softmax", False)

    def attention_row(self, x, pos, query):
        """Attention weights of the position `query` (int64 tensor [1]) over every position, heads averaged."""
        q, k = self.q(x), self.k(x)
        if self.convs is not None:
            q, k = self.convs[0](q), self.convs[1](k)
        q = self.rotary(split_heads(q, self.h), pos).index_select(2, query)
        k = self.rotary(split_heads(k, self.h), pos)
        return attention_row(q, k, pos.index_select(0, query), pos)

    def forward(self, x, pos):
        q, k, v = self.q(x), self.k(x), self.v(x)
        if self.convs is not None:
            q, k, v = (conv(t) for conv, t in zip(self.convs, (q, k, v)))
        q, k, v = split_heads(q, self.h), split_heads(k, self.h), split_heads(v, self.h)
        return self.o(merge_heads(self.attention(q, k, v, pos)))

    exact_softmax = False  # a subclass whose `attention` is this one's softmax computed another way says so

    @property
    def steps(self):
        """Whether step() decodes this module: it computes the full causal softmax, so a subclass that changes
        `attention` needs its own cached_attention() (or step()), or to be that softmax (exact_softmax), not to inherit
        a wrong graph."""
        cls = type(self)
        own = cls.cached_attention is not SelfAttention.cached_attention or cls.step is not SelfAttention.step
        return own or cls.attention is SelfAttention.attention or cls.exact_softmax

    def step(self, x, pos, past, keys, values, convs=None):
        """Cached attention for S new rows x [1,S,d] at absolute positions pos [S] (int32, for rotary). keys/values
        [H,cap,dh]: rows 0..past-1 are the earlier positions (keys rotated); the new rows attend to them and causally
        to each other. convs [3,k-1,d]: Primer's last pre-convolution rows of q, k, v.
        -> (out, the new rows' keys and values [H,S,dh], the new convs)."""
        q, k, v = self.q(x), self.k(x), self.v(x)
        if self.convs is not None:
            (q, cq), (k, ck), (v, cv) = (conv.step(t, c[None]) for conv, t, c in zip(self.convs, (q, k, v), convs))
            convs = torch.cat([cq, ck, cv])
        out, keys, values = self.cached_attention(split_heads(q, self.h), split_heads(k, self.h), split_heads(v, self.h),
                                                  pos, past, keys, values)
        return self.o(merge_heads(out)), keys, values, convs

    def cached_attention(self, q, k, v, pos, past, keys, values):
        """The step's attention: q, k, v [1,H,S,dh] of the new rows before positions; keys/values [R,H,dh] the
        cached rows 0..past-1 (keys rotated; rows outermost, only those fed) -> (out [1,H,S,dh], the new rows' keys
        and values [S,H,dh]). A family with another attention pattern overrides this (and may carry another state
        in keys/values)."""
        q, k = self.rotary(q, pos), self.rotary(k, pos)
        out = attend_cached(q, keys, values, past, k, v, causal_allowed(pos, pos))
        return out, new_rows(k), new_rows(v)


class Block(nn.Module):
    """Pre-norm decoder block: x + attn(norm(x)), then x + mlp(norm(x)). `attn` builds the attention module
    (SelfAttention or a subclass with another attention pattern) from (d, n_heads, rotary)."""

    def __init__(self, d, n_heads, d_ff, activation, norm, rotary, primer_kernel=0, attn=SelfAttention):
        super().__init__()
        self.norm1, self.norm2 = make_norm(norm, d), make_norm(norm, d)
        self.attn = attn(d, n_heads, rotary, primer_kernel)
        self.mlp = MLP(d, d_ff, activation)

    def forward(self, x, pos):
        x = x + self.attn(self.norm1(x), pos)
        return x + self.mlp(self.norm2(x))

    def step(self, x, pos, past, keys, values, convs=None):
        a, keys, values, convs = self.attn.step(self.norm1(x), pos, past, keys, values, convs)
        x = x + a
        return x + self.mlp(self.norm2(x)), keys, values, convs


def positions(n, device=None):
    """Absolute positions 0..n-1 as int32 (WebGPU has kernels for int32 Range and comparisons, not int64)."""
    return torch.arange(n, dtype=torch.int32, device=device)


def positions_of(n):
    """positions() for a count held in a 0-d int64 tensor (a step graph's valid length): the Range runs on int32."""
    return torch.arange(n.to(torch.int32), dtype=torch.int32)


def new_rows(x):
    """[1,H,S,dh] -> [S,H,dh]: a step's new keys or values in the cache's rows-outermost layout."""
    return x[0].transpose(0, 1)


def cached_rows(cache, new, valid, first=0):
    """cached() for a rows-outermost cache [R,H,dh] (the decoders' and Perceiver AR's): rows first..valid-1, then
    the new rows [1,H,S,dh] -> [1,H,valid-first+S,dh]. A copy of those rows: for patterns that read a few of them
    (a window, summaries); full attention reads the cache in place (attend_cached)."""
    return torch.cat([cache[first:valid].transpose(0, 1)[None], new], dim=2)


def cached(cache, new, valid, first=0):
    """Keys or values for cached attention: the valid rows first..valid-1 of cache [H,cap,dh] (capacity chosen by
    the caller), then the new rows [1,H,S,dh] -> [1,H,valid-first+S,dh]. Only the valid rows are read: attention
    costs O(valid), not O(capacity). The graph returns just the new rows; the caller writes them into its cache."""
    return torch.cat([cache[None, :, first:valid], new], dim=2)
