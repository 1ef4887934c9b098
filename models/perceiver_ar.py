"""Perceiver AR (Hawthorne, Jaegle et al. 2022), after google-research/perceiver-ar perceiver_ar_model.py.

The last M positions are the latents. Each latent starts as a projection (z_linear) of its own token
embedding; one causal cross-attention lets the latent at absolute position p attend to every input j <= p
(the latent positions included), with a query residual and an MLP; then L causal self-attention layers run
on the M latents only. Pre-LayerNorm, final LayerNorm, squared-ReLU MLPs, rotary on half of each head's
channels over absolute positions. Logits cover the M latent positions only. The copy-task config
(positionEncoding "absolute-sinusoidal") adds fixed sinusoids to the embeddings and has no rotary, as the official
random_mirrored_* sweeps (position_encoding_type='absolute', position_encoding='sinusoidal').
Cost: O(N*M*d) for the cross-attention + O(L*M^2*d + L*M*d^2) for the stack, linear in N.
M is a run-time input: the paper trades compute for quality at test time by changing it.
"""
import torch
import torch.nn as nn

from layers import (MLP, Block, NoRotary, Rotary, attention_row, causal_allowed, make_norm, masked, merge_heads, positions,
                    score, sinusoid, split_heads)
from manifest import Signature, StepSignature, tensor


# The paper's fast decoding (Appendix E.3): each new byte becomes a latent; when M latents are cached, one forward
# refills the cache to F = max(M/2, M - margin) latents (flaxformer decoding_latent_reset_fill keeps M - 128; the
# official perceiver-ar sampler keeps M/2), then cheap steps continue. The driver (src/engine/stepRunner.ts) applies it.
REFILL = dict(
    margin=128,
    trades="When the latent cache is full (M latents), the next byte runs one full forward that refills it to F latents "
           "(default max(M/2, M - 128)) and cheap steps continue. A larger F refills more often, each step costs a "
           "little more and predictions stay closer to the trained M; a smaller F refills less often, but right after a "
           "refill the model predicts from only F latents. The logits equal a full forward with F + k latents, k steps "
           "after a refill, not one with M.",
)


# A step call's memory grows with its bytes' keys/values (S x d) and its latents' scores (at most M x N, as in a
# forward), not S x N: prefill may take longer chunks than the decoders' (each call copies the state once).
PREFILL_CHUNK = 8192
def attend_latents(q, k, v, z_pos):
    """Causal cross-attention of the M latents (the last M positions) over all N inputs: every latent sees every
    key before the first latent, so only the last M x M block of scores is masked, and the N - M earlier keys' scores
    go straight into the softmax. Same result as masking all M x N (layers.attend), without the mask's pass over the
    largest tensor here (it was ~8% of a WASM run at 16,384 bytes)."""
    n, m = k.shape[2], q.shape[2]
    scores = torch.cat([score(q, k[:, :, : n - m]), masked(score(q, k[:, :, n - m :]), causal_allowed(z_pos, z_pos))], dim=-1)
    return torch.matmul(scores.softmax(-1), v)


class CrossAttend(nn.Module):
    def __init__(self, d, n_heads, d_ff, activation, norm, rotary):
        super().__init__()
        self.h = n_heads
        self.norm_q, self.norm_kv, self.norm_mlp = make_norm(norm, d), make_norm(norm, d), make_norm(norm, d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.rotary = rotary
        self.mlp = MLP(d, d_ff, activation)

    def forward(self, z, x, z_pos, x_pos):
        kv = self.norm_kv(x)
        q = self.rotary(split_heads(self.q(self.norm_q(z)), self.h), z_pos)
        k = self.rotary(split_heads(self.k(kv), self.h), x_pos)
        v = split_heads(self.v(kv), self.h)
        z = z + self.o(merge_heads(attend_latents(q, k, v, z_pos)))  # query residual
        return z + self.mlp(self.norm_mlp(z))

    def step(self, z, x, z_pos, x_pos, past, keys, values):
        """Cached cross-attention: the latents z at z_pos attend to the cached inputs (rows < past of keys/values
        [H,cap,dh], keys rotated) and to the new inputs x [1,S,d] at x_pos (past..past+S-1) up to their own position.
        -> (z, the new inputs' keys and values [H,S,dh]).

        The cache is read where it lies, never sliced or concatenated with the new rows: each of those copies the
        whole cache (64 MiB at 65,536 bytes), and a decode step is otherwise a few MatMuls over it. Every cached input
        is before every latent, so its scores need no causal mask, only one that drops the rows not written yet (at or
        past `past`: the cache is the caller's, at its capacity); the new rows' scores are masked causally; one softmax
        runs over both parts, merged by their common maximum."""
        kv = self.norm_kv(x)
        q = self.rotary(split_heads(self.q(self.norm_q(z)), self.h), z_pos)
        k = self.rotary(split_heads(self.k(kv), self.h), x_pos)
        v = split_heads(self.v(kv), self.h)
        written = positions(keys.shape[1]) < past.to(torch.int32)
        old = masked(score(q[0], keys), written)  # [H,q,cap]
        new = masked(score(q, k), causal_allowed(z_pos, x_pos))[0]  # [H,q,S]
        top = torch.cat([old.amax(-1, keepdim=True), new.amax(-1, keepdim=True)], -1).amax(-1, keepdim=True)  # WebGPU has no Max
        old, new = (old - top).exp(), (new - top).exp()
        out = (torch.matmul(old, values) + torch.matmul(new, v[0])) / (old.sum(-1, keepdim=True) + new.sum(-1, keepdim=True))
        z = z + self.o(merge_heads(out[None]))
        return z + self.mlp(self.norm_mlp(z)), k[0], v[0]

    def attention_row(self, z, x, z_pos, x_pos):
        """z [B,1,d] one latent at z_pos [1] -> [B,N]: its cross-attention weights over the inputs, heads averaged."""
        q = self.rotary(split_heads(self.q(self.norm_q(z)), self.h), z_pos)
        k = self.rotary(split_heads(self.k(self.norm_kv(x)), self.h), x_pos)
        return attention_row(q, k, z_pos, x_pos)


class PerceiverAR(nn.Module):
    io = "latents"

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d = cfg["dModel"]
        self.default_latents = cfg["attention"]["latents"]
        self.embed = nn.Embedding(cfg["vocabSize"], d)
        self.z_linear = nn.Linear(d, d)
        self.absolute = cfg.get("positionEncoding") == "absolute-sinusoidal"
        rotary = NoRotary() if self.absolute else Rotary(d // cfg["nHeads"], cfg.get("rotaryWavelength", cfg["maxContext"]))
        self.cross = CrossAttend(d, cfg["nHeads"], cfg["dFf"], cfg["activation"], cfg["norm"], rotary)
        self.blocks = nn.ModuleList(
            Block(d, cfg["nHeads"], cfg["dFf"], cfg["activation"], cfg["norm"], rotary) for _ in range(cfg["nLayers"])
        )
        self.norm = make_norm(cfg["norm"], d)
        self.head = nn.Linear(d, cfg["vocabSize"])

    def inputs(self, tokens, x_pos):
        """The inputs the cross-attention reads (and the latents start from): byte embeddings (+ absolute sinusoids in
        the copy-task config). A subclass may mix in the bytes before each one (perceiver_ar_conv.py)."""
        x = self.embed(tokens)
        return x + sinusoid(x_pos, x.shape[-1]) if self.absolute else x

    def forward(self, tokens, num_latents, offset=0):
        """tokens [B,N] int64, num_latents int64 scalar -> logits [B,M,V] for the last M = min(num_latents, N)
        positions; row r predicts the token after position N-M+r. `offset` (training only) shifts the absolute
        positions: a crop keeps the positions it had in the full sequence, as the official use_positions_from_data."""
        n = tokens.shape[1]
        x_pos = positions(n, tokens.device)
        if offset:  # a Python int: the exported graph (offset 0) has no Add
            x_pos = x_pos + offset
        m = torch.minimum(torch.as_tensor(num_latents), torch.as_tensor(n))
        start = n - m
        x = self.inputs(tokens, x_pos)
        z_pos = x_pos[start:]
        z = self.z_linear(x[:, start:])
        z = self.cross(z, x, z_pos, x_pos)
        for block in self.blocks:
            z = block(z, z_pos)
        return self.head(self.norm(z))

    def attention_map(self, tokens, num_latents, query):
        """tokens [B,N], num_latents, query int64 [1] (a window position; clamped into the M latents) -> [B,N]:
        where that latent reads in the cross-attention (the one layer that sees the inputs), heads averaged."""
        n = tokens.shape[1]
        x_pos = positions(n, tokens.device)
        m = torch.minimum(torch.as_tensor(num_latents), torch.as_tensor(n))
        q = torch.clamp(query, min=n - m, max=n - 1)
        x = self.inputs(tokens, x_pos)
        z = self.z_linear(x.index_select(1, q))
        return self.cross.attention_row(z, x, x_pos.index_select(0, q.to(torch.int32)), x_pos)

    attention_layer = "the cross-attention (the one layer that reads the inputs)"

    def attention_signature(self):
        tokens = torch.randint(0, 256, (1, 48), generator=torch.Generator().manual_seed(11))
        return Signature(args=(tokens, torch.tensor(min(self.default_latents, 24)), torch.tensor([40])),
                         inputs=[tensor("tokens", "int64", [1, "seq"]), tensor("num_latents", "int64", []),
                                 tensor("query", "int64", [1])],
                         outputs=[tensor("attention", "float32", [1, "seq"])])

    def forward_train(self, tokens, num_latents=None):
        return self(tokens, torch.tensor(num_latents or self.default_latents))

    def step(self, tokens, past, num_latents, cross_keys, cross_values, latent_valid, latent_keys, latent_values, *before):
        """Cached decoding (the paper's Appendix E.3). tokens [1,S] at positions past..past+S-1; cross_keys/values
        [H,cap,dh] hold the cross-attention keys/values of positions < past; the last q = num_latents of the new
        positions (1 <= q <= S) become latents and attend to every input up to their own position and to the cached
        latents (rows < latent_valid of latent_keys/values [L,H,M,dh]) and each other, causally.
        -> (logits [1,q,V] of the new latents, the new rows: cross keys/values [H,S,dh], latent keys/values [L,H,q,dh]).
        A refill (the latent cache reset to F latents) is a call with the last F bytes, past = n - F, latent_valid = 0:
        only those F positions are recomputed, the cached cross-attention keys/values of the others are reused.
        before: what a subclass's inputs() needs of the bytes before `past` (the conv variant's prev_tokens)."""
        s = tokens.shape[1]
        x_pos = positions(s, tokens.device) + past.to(torch.int32)
        x = self.inputs(tokens, x_pos, *before)
        start = s - num_latents
        z_pos = x_pos[start:]
        z = self.z_linear(x[:, start:])
        z, cross_k, cross_v = self.cross.step(z, x, z_pos, x_pos, past, cross_keys, cross_values)
        new = []
        for i, block in enumerate(self.blocks):
            z, k, v, _ = block.step(z, z_pos, latent_valid, latent_keys[i], latent_values[i])
            new.append((k, v))
        return (self.head(self.norm(z)), cross_k, cross_v, torch.stack([k for k, _ in new]), torch.stack([v for _, v in new]))

    def step_signature(self):
        L, d, V, H = self.cfg["nLayers"], self.cfg["dModel"], self.cfg["vocabSize"], self.cfg["nHeads"]
        dh, cap, lat = d // H, 40, 12
        cross = [tensor(n, "float32", [H, "capacity", dh]) for n in ("cross_keys", "cross_values")]
        latent = [tensor(n, "float32", [L, H, "latentCapacity", dh]) for n in ("latent_keys", "latent_values")]
        return StepSignature(
            args=(torch.randint(0, 256, (1, 6)), torch.tensor(9), torch.tensor(4), torch.randn(H, cap, dh),
                  torch.randn(H, cap, dh), torch.tensor(3), torch.randn(L, H, lat, dh), torch.randn(L, H, lat, dh)),
            inputs=[tensor("tokens", "int64", [1, "new"]), tensor("past", "int64", []), tensor("num_latents", "int64", []),
                    *cross, tensor("latent_valid", "int64", []), *latent],
            outputs=[tensor("logits", "float32", [1, "newLatents", V])]
                    + [dict(t, name="new_" + t["name"], dims=[H, "new", dh]) for t in cross]
                    + [dict(t, name="new_" + t["name"], dims=[L, H, "newLatents", dh]) for t in latent],
            state=[dict(name=t["name"], axis=1) for t in cross] + [dict(name=t["name"], axis=2) for t in latent],
            extra=dict(refill=REFILL, maxChunk=PREFILL_CHUNK))

    def signature(self):
        return Signature(args=(torch.randint(0, 256, (1, 40)), torch.tensor(8)),
                         inputs=[tensor("tokens", "int64", [1, "seq"]), tensor("num_latents", "int64", [])],
                         outputs=[tensor("logits", "float32", [1, "latents", self.cfg["vocabSize"]])])

    def reference(self, tokens):
        m = torch.tensor(min(self.default_latents, 24))
        return dict(tokens=tokens, num_latents=m), dict(logits=self(tokens, m))
