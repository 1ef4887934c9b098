"""Based (models/based.py): the Taylor feature map is the paper's kernel, the chunked linear attention is the
recurrence, decoding keeps a state of one size whatever N, the reach of each mixer, and a matched parameter budget.
The generic tests take based-tiny and based-recall from the registry too: causality, cached decoding = forward
(greedy bytes), chunked prefill, the export on WebGPU."""
import math

import pytest
import torch

from based import EPS, TaylorLinearAttention, taylor, taylor_kernel
from configs import CONFIGS, build_model
from test_step import Cached

torch.manual_seed(0)


@pytest.mark.parametrize("f", [8, 16])
def test_taylor_features_dot_product_is_the_second_order_expansion_of_exp(f):
    """phi(q).phi(k) = 1 + s + s^2/2 with s = q.k/sqrt(f), from the 1 + f + f^2 features (and taylor_kernel, which the
    forward uses inside a chunk, computes the same without them)."""
    g = torch.Generator().manual_seed(f)
    q, k = torch.randn(50, f, generator=g), torch.randn(50, f, generator=g)
    fq, fk = taylor(q), taylor(k)
    assert fq.shape == (50, 1 + f + f * f)
    s = (q * k).sum(-1) / math.sqrt(f)
    assert torch.allclose((fq * fk).sum(-1), 1 + s + s * s / 2, rtol=1e-5, atol=1e-5)
    assert torch.allclose(taylor_kernel(q, k), fq @ fk.T, rtol=1e-5, atol=1e-4)
    # exp's expansion, not exp: they agree only near s = 0
    assert torch.allclose(taylor_kernel(q * 0.05, k * 0.05).diagonal(), torch.exp((q * k * 0.0025).sum(-1) / math.sqrt(f)), atol=1e-4)


@pytest.mark.parametrize("n", [1, 15, 64, 100])
def test_chunked_taylor_attention_equals_the_recurrence(n):
    """The paper's recurrent view, position by position: S += phi(k) v^T, z += phi(k), out = phi(q) S / phi(q).z."""
    heads, f, dh = 2, 4, 8
    g = torch.Generator().manual_seed(n)
    q, k = torch.randn(1, heads, n, f, generator=g), torch.randn(1, heads, n, f, generator=g)
    v = torch.randn(1, heads, n, dh, generator=g)
    got = TaylorLinearAttention(heads * dh, heads, f, chunk=16).attention(q, k, v)
    fq, fk = taylor(q), taylor(k)
    F = 1 + f + f * f
    s, z, want = torch.zeros(1, heads, F, dh), torch.zeros(1, heads, F), []
    for t in range(n):
        s = s + fk[:, :, t, :, None] * v[:, :, t, None, :]
        z = z + fk[:, :, t]
        want.append(torch.einsum("bhf,bhfd->bhd", fq[:, :, t], s) / ((fq[:, :, t] * z).sum(-1, keepdim=True) + EPS))
    assert torch.allclose(got, torch.stack(want, 2), atol=1e-4)


def test_decoding_state_has_one_size_whatever_n():
    """The step graph's state has no symbolic axis, and decoding 300 bytes keeps it at the size it started with; the
    logits still equal the forward's (the window buffer has wrapped many times)."""
    model = build_model("based-tiny").eval()
    sig = model.step_signature()
    assert all(isinstance(d, int) for t in sig.inputs[2:] for d in t["dims"])
    assert [s["name"] for s in sig.state] == ["convs", "kv_state", "k_state", "window_keys", "window_values"]
    dec = Cached(model, capacity=1)  # the capacity sizes nothing
    sizes = [t.numel() for t in dec.state]
    tokens = torch.randint(0, 256, (1, 300))
    rows = torch.cat([dec.append(tokens[:, :37])] + [dec.append(tokens[:, i : i + 1]) for i in range(37, 300)], dim=1)
    assert [t.numel() for t in dec.state] == sizes
    with torch.no_grad():
        assert torch.allclose(rows, model(tokens), atol=1e-4)


def test_window_reach_is_bounded_and_linear_attention_reaches_the_first_byte():
    """Window-only layers would forget byte 0 after L x (w - 1) + convolutions; the linear attention layer does not:
    changing byte 0 still changes the last prediction of 2,000 bytes (and the window alone, its layer's linear
    attention cut, does not)."""
    model = build_model("based-tiny").eval()
    a = torch.randint(0, 256, (1, 2000))
    b = a.clone()
    b[0, 0] = (b[0, 0] + 1) % 256
    with torch.no_grad():
        assert (model(a)[0, -1] - model(b)[0, -1]).abs().max() > 1e-6
        for block in model.blocks:
            if isinstance(block.mixer, TaylorLinearAttention):
                block.mixer.o.weight.zero_()  # the linear attention's output cut: only windows and convolutions left
        assert (model(a)[0, -1] - model(b)[0, -1]).abs().max() == 0


def test_recall_size_matches_the_other_recall_models():
    """Same width, depth, heads, MLP and crop as the Transformer's recall model, and its parameter count within 2%."""
    based, tf = CONFIGS["based-recall"]["config"], CONFIGS["transformer-recall"]["config"]
    for key in ("dModel", "nLayers", "nHeads", "dFf", "trainedContext", "task", "activation", "norm"):
        assert based[key] == tf[key], key
    count = lambda i: sum(p.numel() for p in build_model(i).parameters())
    assert abs(count("based-recall") / count("transformer-recall") - 1) < 0.02
