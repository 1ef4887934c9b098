"""Perceiver AR + input conv (ours, not the paper's model): Perceiver AR whose inputs see the bytes before them.

The paper's one cross-attention reads raw byte embeddings: the key at position j knows byte j and its position,
never the bytes before it, so a latent cannot find "the byte after an earlier occurrence of this context" (associative
recall, induction). Here a causal convolution (kernel k, no bias; config.convMixing "dense": one d x d matrix per tap,
a learned token shift; "depthwise": Primer's one weight per channel and tap) runs over the input embeddings and is
added to them, before the cross-attention's keys/values and the latents' z_linear: the input at j carries bytes
j-k+1..j. Everything else is models/perceiver_ar.py.

Dense, not depthwise, because measured: trained on the recall tasks (1,500 steps, models/README.md), the depthwise
one ended at 0.43 per answer byte with up to 32 pairs (0.005 of MQAR sequences whole); the dense one passed 0.98
within 300 steps of a pilot. A depthwise tap can only scale a channel, so "A one byte back" and "A two bytes back"
share the channels of A; the dense taps put each offset in its own subspace, which one cross-attention can match.

Cached decoding: the step graph also takes prev_tokens [1, k-1], the k-1 bytes before `past` (the manifest's
step.lookback; rows before the first byte are masked to zeros, the forward's left padding), so a step recomputes its
new inputs' convolution exactly.
"""
import torch

from layers import CausalConv, positions
from manifest import tensor
from perceiver_ar import PerceiverAR


class PerceiverARConv(PerceiverAR):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.conv = CausalConv(cfg["dModel"], cfg["convKernel"], depthwise=cfg.get("convMixing", "depthwise") == "depthwise")
        self.lookback = cfg["convKernel"] - 1

    def inputs(self, tokens, x_pos, prev_tokens=None):
        """Forward: the convolution left-pads with zeros. Step: prev_tokens [1, lookback] are the bytes at positions
        x_pos[0]-lookback .. x_pos[0]-1; those at negative positions are padding (zero rows, as in the forward)."""
        x = super().inputs(tokens, x_pos)
        if prev_tokens is None:
            return x + self.conv(x)
        prev_pos = x_pos[:1] - self.lookback + positions(self.lookback, tokens.device)
        started = prev_pos >= torch.tensor(0, dtype=torch.int32)  # an int32 constant: WebGPU has no int64 comparison
        prev = super().inputs(prev_tokens, prev_pos) * started.to(x.dtype)[None, :, None]
        return x + self.conv.step(x, prev)[0]

    def step_signature(self):
        sig = super().step_signature()
        k = self.lookback
        sig.args = sig.args + (torch.randint(0, 256, (1, k)),)
        sig.inputs = sig.inputs + [tensor("prev_tokens", "int64", [1, k])]
        sig.extra = dict(sig.extra, lookback=k)
        return sig
