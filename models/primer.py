"""Primer-EZ (So et al. 2021): a Transformer with squared-ReLU MLPs and a causal depthwise convolution
(kernel 3, one weight per channel, no bias) on Q, K and V right after their projections."""
from transformer import Transformer


class Primer(Transformer):
    def __init__(self, cfg):
        assert cfg["activation"] == "squared-relu"
        super().__init__(cfg, primer_kernel=cfg.get("convKernel", 3))
