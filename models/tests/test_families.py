"""The survey's families: each attention pattern against a dense reference that materialises the N x N matrix the
family avoids, how their memory grows with N (score elements counted, not timed), their reach, the memory-efficient
graph's parity with the Transformer, and the Compressive Transformer's compressed memory."""
import math

import pytest
import torch
from torch.overrides import TorchFunctionMode

import layers
import memory_efficient
from compressive_transformer import CompressiveTransformer
from configs import CONFIGS, build_model
from layers import NEG, causal_allowed, positions
from linear_transformer import CausalLinearAttention, features
from sparse_transformer import FixedSparseAttention

torch.manual_seed(0)


def qkv(n, heads=2, dh=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(1, heads, n, dh, generator=g) for _ in range(3)]


def dense(q, k, v, allowed):
    """Reference softmax attention over an explicit [N, N] boolean pattern."""
    s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    return torch.matmul(torch.where(allowed, s, torch.tensor(NEG)).softmax(-1), v)


def module(cls, dh=16, heads=2, **kw):
    m = cls(dh * heads, heads, layers.NoRotary(), **kw)
    return m


@pytest.mark.parametrize("n", [1, 37, 128, 200])
def test_fixed_sparse_pattern_is_the_papers(n):
    l, c = 16, 4
    i, j = positions(n)[:, None], positions(n)[None, :]
    # Child et al. 2019, "fixed": A1 = same block, A2 = the last c positions of every block; causal
    pattern = (j <= i) & ((j // l == i // l) | (j % l >= l - c))
    q, k, v = qkv(n)
    got = module(FixedSparseAttention, block=l, summaries=c).attention(q, k, v, positions(n))
    assert torch.allclose(got, dense(q, k, v, pattern), atol=1e-5)


@pytest.mark.parametrize("n", [1, 40, 96, 130])
def test_sliding_window_is_a_band(n):
    from sliding_window import WindowAttention

    w = 32
    i, j = positions(n)[:, None], positions(n)[None, :]
    q, k, v = qkv(n)
    got = module(WindowAttention, window=w).attention(q, k, v, positions(n))
    assert torch.allclose(got, dense(q, k, v, (j <= i) & (j > i - w)), atol=1e-5)


@pytest.mark.parametrize("n", [1, 15, 64, 100])
def test_chunked_linear_attention_equals_the_recurrence(n):
    """The paper's RNN form, position by position: S += phi(k) v^T, z += phi(k), out = phi(q) S / phi(q).z."""
    q, k, v = qkv(n)
    got = module(CausalLinearAttention, chunk=16).attention(q, k, v, positions(n))
    fq, fk = features(q), features(k)
    s, z, want = torch.zeros(1, 2, 16, 16), torch.zeros(1, 2, 16), []
    for t in range(n):
        s = s + fk[:, :, t, :, None] * v[:, :, t, None, :]
        z = z + fk[:, :, t]
        want.append(torch.einsum("bhf,bhfd->bhd", fq[:, :, t], s) / ((fq[:, :, t] * z).sum(-1, keepdim=True) + 1e-6))
    assert torch.allclose(got, torch.stack(want, 2), atol=1e-4)


@pytest.mark.parametrize("n,qc,kc", [(1, 4, 8), (50, 16, 32), (64, 16, 16), (70, 32, 8)])
def test_chunked_exact_attention_equals_softmax_attention(n, qc, kc):
    q, k, v = qkv(n)
    got = memory_efficient.scripted_attention(q, k, v, qc, kc, 1.0 / math.sqrt(16))
    assert torch.allclose(got, dense(q, k, v, causal_allowed(positions(n), positions(n))), atol=1e-5)


def test_memory_efficient_model_predicts_what_the_transformer_does():
    for size in ("tiny", "compare"):
        tf, me = build_model(f"transformer-{size}").eval(), build_model(f"memory-efficient-{size}").eval()
        me.load_state_dict(tf.state_dict())  # same parameters, same names
        t = torch.randint(0, 256, (1, 600))
        with torch.no_grad():
            assert torch.allclose(tf(t), me(t), atol=1e-4)


class LargestTensor(TorchFunctionMode):
    """Records the largest tensor any torch function returns during a forward (elements): peak-size evidence,
    counted, never timed."""

    def __init__(self):
        super().__init__()
        self.largest = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in out if isinstance(out, (tuple, list)) else (out,):
            if isinstance(t, torch.Tensor):
                self.largest = max(self.largest, t.numel())
        return out


def largest_tensor(model_id, n):
    model = build_model(model_id).eval()
    tokens = torch.randint(0, 256, (1, n))
    with torch.no_grad(), LargestTensor() as mode:
        model.forward_train(tokens)
    return mode.largest


def score_elements(model_id, n, monkeypatch):
    """Attention-score elements one forward materialises (every family scores through layers.score)."""
    total = []
    real = layers.score

    def counting(q, k):
        out = real(q, k)
        total.append(out.numel())
        return out

    monkeypatch.setattr(layers, "score", counting)
    for mod in ("sparse_transformer", "sliding_window"):
        monkeypatch.setattr(f"{mod}.score", counting)
    model = build_model(model_id).eval()
    with torch.no_grad():
        model.forward_train(torch.randint(0, 256, (1, n)))
    return sum(total)


def test_sparse_scores_grow_as_n_times_block_plus_summaries(monkeypatch):
    cfg = CONFIGS["sparse-transformer-compare"]["config"]
    l, c, H, L = cfg["attention"]["block"], cfg["attention"]["summaries"], cfg["nHeads"], cfg["nLayers"]
    for n in (1024, 2048, 4096):
        assert score_elements("sparse-transformer-compare", n, monkeypatch) == L * H * n * (l + c * n // l)
    full = score_elements("transformer-compare", 4096, monkeypatch)
    assert full / score_elements("sparse-transformer-compare", 4096, monkeypatch) > 10


def test_sliding_window_scores_grow_linearly(monkeypatch):
    counts = [score_elements("sliding-window-compare", n, monkeypatch) for n in (1024, 2048, 4096)]
    assert counts[1] == 2 * counts[0] and counts[2] == 2 * counts[1]


@pytest.mark.parametrize("model_id", ["linear-transformer-compare", "sliding-window-compare"])
def test_largest_tensor_grows_linearly(model_id):
    """Nothing N x N and nothing N x dh^2 per head: doubling N doubles the largest tensor."""
    a, b = largest_tensor(model_id, 2048), largest_tensor(model_id, 4096)
    assert b == 2 * a
    assert largest_tensor("transformer-compare", 4096) >= 8 * b  # its score matrices: 4 x 4096^2


def test_memory_efficient_score_blocks_do_not_grow(monkeypatch):
    """The un-scripted function is the scripted graph's source: count the score blocks it makes."""
    sizes = []
    real = torch.matmul

    def counting(a, b):
        out = real(a, b)
        if out.shape[-1] != 16:  # q k^T products: [queries, keys] (p v products end in dh = 16)
            sizes.append(out.shape[-2] * out.shape[-1])
        return out

    monkeypatch.setattr(memory_efficient.torch, "matmul", counting)
    for n in (512, 1024):
        sizes.clear()
        memory_efficient.chunked_causal_attention(*qkv(n), 64, 128, 0.25)
        assert max(sizes) == 64 * 128  # one chunk pair, whatever N
        assert sum(sizes) < 0.6 * n * n  # about half of N^2: key chunks above the diagonal are skipped


@pytest.mark.parametrize("model_id", ["sparse-transformer-compare", "linear-transformer-compare"])
def test_reaches_the_first_of_4096_bytes(model_id):
    model = build_model(model_id).eval()
    a = torch.randint(0, 256, (1, 4096))
    b = a.clone()
    b[0, 0] = (b[0, 0] + 1) % 256
    with torch.no_grad():
        assert (model(a)[0, -1] - model(b)[0, -1]).abs().max() > 1e-6


def test_sliding_window_reach_is_layers_times_window():
    model = build_model("sliding-window-tiny").eval()
    w, L = model.blocks[0].attn.window, len(model.blocks)
    reach = L * (w - 1)  # position p sees p - reach at most
    a = torch.randint(0, 256, (1, reach + 10))
    b = a.clone()
    b[0, 0] = (b[0, 0] + 1) % 256
    with torch.no_grad():
        diff = (model(a) - model(b)).abs().amax(-1)[0]
    assert diff[reach] > 1e-6 and diff[reach + 1 :].max() == 0


def test_compressed_memory_reaches_past_transformer_xl():
    """A byte in the first segment still changes predictions after it left the memory (through the compressed rows),
    and does not once the compressed memory is masked."""
    model = build_model("compressive-transformer-tiny").eval()
    S, M, C, rate = model.seg_len, model.mem_len, model.cmem_len, model.rate
    segs = [torch.randint(0, 256, (1, S)) for _ in range(4)]
    changed = [segs[0].clone()] + segs[1:]
    changed[0][0, 0] = (changed[0][0, 0] + 1) % 256

    def last_logits(seq, mask_compressed):
        mems, cmems, valid, cvalid = model.empty_mems(), model.empty_cmems(), 0, 0
        for s in seq:
            logits, mems, cmems = model(s, mems, torch.tensor(valid), cmems, torch.tensor(0 if mask_compressed else cvalid))
            cvalid = min(C, cvalid + max(0, valid + S - M) // rate)
            valid = min(M, valid + S)
        return logits

    with torch.no_grad():
        # 2 layers x (memory M) reach 2 segments back at most: segment 0 is out of XL's reach from segment 3
        assert (last_logits(segs, False) - last_logits(changed, False)).abs().max() > 1e-6
        assert torch.allclose(last_logits(segs, True), last_logits(changed, True), atol=1e-6)


def test_compression_is_trained_by_reconstruction_only():
    model = build_model("compressive-transformer-tiny")
    tokens = torch.randint(0, 256, (2, 6 * model.seg_len))
    logits = model.forward_train(tokens)
    assert model.aux_loss is not None and model.aux_loss > 0
    lm = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, 256), tokens[:, 1:].reshape(-1))
    lm.backward(retain_graph=True)
    assert all(p.grad is None for p in model.compress.parameters())  # the LM loss never reaches the convolutions
    model.zero_grad()
    model.aux_loss.backward()
    assert all(p.grad is not None for p in model.compress.parameters())
    trained = [n for n, p in model.named_parameters() if p.grad is not None and p.grad.abs().max() > 0]
    assert all(n.startswith("compress.") for n in trained)  # ... and the reconstruction loss reaches nothing else


def test_webgpu_check_reads_loop_bodies():
    """A CPU-only op inside a Loop body is reported (ORT places a body's nodes one by one)."""
    from onnx import TensorProto, helper

    from webgpu_ops import unsupported

    body = helper.make_graph(
        [helper.make_node("Identity", ["cond"], ["cond_out"]), helper.make_node("Max", ["x", "x"], ["y"])], "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []), helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []), helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    loop = helper.make_node("Loop", ["n", "", "x0"], ["x1"], body=body)
    g = helper.make_graph([loop], "g", [helper.make_tensor_value_info("n", TensorProto.INT64, []),
                                        helper.make_tensor_value_info("x0", TensorProto.FLOAT, [2])],
                          [helper.make_tensor_value_info("x1", TensorProto.FLOAT, [2])])
    assert unsupported(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])) == ["Loop", "Max"]


@pytest.mark.parametrize("model_id", ["perceiver-ar-conv-tiny", "perceiver-ar-conv-recall"])
def test_perceiver_ar_conv_inputs_see_the_three_bytes_before_and_nothing_after(model_id):
    """The variant's cross-attention input at j mixes bytes j-3..j (kernel 4), never j+1 (causal) nor j-4; the
    paper-faithful Perceiver AR's input at j is byte j alone (so a key cannot be matched on what preceded it)."""
    from layers import positions

    torch.manual_seed(0)
    model, faithful = build_model(model_id).eval(), build_model("perceiver-ar-tiny").eval()
    a = torch.randint(0, 256, (1, 40))
    j = 20
    for at, sees in [(j - 4, False), (j - 3, True), (j - 1, True), (j, True), (j + 1, False)]:
        b = a.clone()
        b[0, at] = (b[0, at] + 1) % 256
        with torch.no_grad():
            changed = (model.inputs(a, positions(40)) - model.inputs(b, positions(40)))[0, j].abs().max() > 1e-6
            plain = (faithful.inputs(a, positions(40)) - faithful.inputs(b, positions(40)))[0, j].abs().max() > 1e-6
        assert bool(changed) == sees, at
        assert bool(plain) == (at == j), at
