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
import math

import torch
import torch.nn as nn

from layers import MLP, Block, NoRotary, Rotary, causal_allowed, make_norm, masked, merge_heads, positions, sinusoid, split_heads
from manifest import Signature, tensor


def attend_latents(q, k, v, z_pos):
    """Causal cross-attention of the M latents (the last M positions) over all N inputs: every latent sees every
    key before the first latent, so only the last M x M block of scores is masked, and the N - M earlier keys' scores
    go straight into the softmax. Same result as masking all M x N (layers.attend), without the mask's pass over the
    largest tensor here (it was ~8% of a WASM run at 16,384 bytes)."""
    n, m = k.shape[2], q.shape[2]
    earlier = torch.matmul(q, k[:, :, : n - m].transpose(-1, -2)) / math.sqrt(q.shape[-1])
    among = torch.matmul(q, k[:, :, n - m :].transpose(-1, -2)) / math.sqrt(q.shape[-1])
    scores = torch.cat([earlier, masked(among, causal_allowed(z_pos, z_pos))], dim=-1)
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


class PerceiverAR(nn.Module):
    io = "latents"

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d = cfg["dModel"]
        self.default_latents = cfg["latents"]
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
        x = self.embed(tokens)
        if self.absolute:
            x = x + sinusoid(x_pos, x.shape[-1])
        z_pos = x_pos[start:]
        z = self.z_linear(x[:, start:])
        z = self.cross(z, x, z_pos, x_pos)
        for block in self.blocks:
            z = block(z, z_pos)
        return self.head(self.norm(z))

    def forward_train(self, tokens, num_latents=None):
        return self(tokens, torch.tensor(num_latents or self.default_latents))

    def signature(self):
        return Signature(args=(torch.randint(0, 256, (1, 40)), torch.tensor(8)),
                         inputs=[tensor("tokens", "int64", [1, "seq"]), tensor("num_latents", "int64", [])],
                         outputs=[tensor("logits", "float32", [1, "latents", self.cfg["vocabSize"]])])

    def reference(self, tokens):
        m = torch.tensor(min(self.default_latents, 24))
        return dict(tokens=tokens, num_latents=m), dict(logits=self(tokens, m))
