"""trace on what real users run: other threads, gradients inside forward, Hugging Face models."""

from __future__ import annotations

import os
import threading

import pytest
import torch
from fixture_models import mlp
from torch import nn

import lazyviz


def test_a_trace_does_not_roll_back_another_threads_random_draws() -> None:
    """A fork of the global RNG would restore it afterwards, and the other thread's
    draws made meanwhile would come again (its dropout masks repeat)."""
    masks: list[tuple[bool, ...]] = []
    done = threading.Event()

    def draw() -> None:
        dropout = nn.Dropout(0.5)
        while not done.is_set() or len(masks) < 3000:
            masks.append(tuple((dropout(torch.ones(64)) > 0).tolist()))

    worker = threading.Thread(target=draw)
    worker.start()
    try:
        for _ in range(30):
            model = nn.Sequential(nn.LazyLinear(64), nn.Dropout(0.3), nn.LazyLinear(8))
            lazyviz.trace(model, torch.rand(4, 16))
    finally:
        done.set()
        worker.join()
    assert len(set(masks)) == len(masks), "some masks of the other thread repeated"


def test_the_private_copy_draws_nothing_from_the_global_generator() -> None:
    model = nn.Sequential(nn.LazyLinear(64), nn.Dropout(0.3), nn.LazyLinear(8))
    model.train()
    batch = torch.rand(4, 16)
    state = torch.get_rng_state()
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    lazyviz.trace(model, batch)
    assert torch.equal(torch.rand(3), expected)
    torch.set_rng_state(state)


class GradInForward(nn.Module):
    """Computes a gradient inside its forward (physics-informed nets, gradient penalties)."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.LazyLinear(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.detach().requires_grad_(True)
        y = self.fc(x).sum()
        (dx,) = torch.autograd.grad(y, x, create_graph=True)
        return dx


def test_the_batch_runs_under_the_callers_grad_mode() -> None:
    t = lazyviz.trace(GradInForward(), torch.rand(2, 3))
    assert t.error is None, t.error
    assert t.to_dict()["outputs"][0]["shape"] == [2, 3]
    with torch.no_grad():
        failed = lazyviz.trace(GradInForward(), torch.rand(2, 3))
    assert failed.error is not None, "under no_grad the model itself cannot differentiate"


def test_a_modules_input_shapes_follow_the_order_of_its_call() -> None:
    class Attend(nn.Module):
        def forward(self, *, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
            return query @ key.transpose(-1, -2)

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attend = Attend()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.attend(query=x, key=x[:, :2])

    t = lazyviz.trace(Model(), torch.rand(1, 5, 4))
    assert t.node_at("attend").input_shapes == [[1, 5, 4], [1, 2, 4]]  # query, then key


def test_hugging_face_gpt2_with_use_cache_false() -> None:
    transformers = pytest.importorskip("transformers")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    config = transformers.GPT2Config(n_layer=2, n_head=2, n_embd=32, vocab_size=100)
    model = transformers.GPT2LMHeadModel(config).eval()
    ids = torch.randint(0, 100, (1, 8))
    t = lazyviz.trace(model, input_ids=ids, use_cache=False)
    assert t.error is None, t.error
    record = t.to_dict()
    assert record["inputs"] == [{"shape": [1, 8], "dtype": "int64"}]
    assert record["outputs"][0]["shape"] == [1, 8, 100]
    assert t.node_at("transformer.h.1.attn") is not None
    w = lazyviz.watch(model)
    for _ in range(3):
        model(input_ids=ids, use_cache=False)
    assert [h["forwards"] for h in w.history] == [3]
    w.detach()


def test_a_trace_of_a_model_in_another_thread_leaves_both_intact() -> None:
    results: dict[str, lazyviz.Trace] = {}

    def run(name: str) -> None:
        results[name] = lazyviz.trace(mlp(), torch.rand(2, 20))

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert all(r.error is None for r in results.values())
    assert results["a"].to_dict()["nodes"] == results["b"].to_dict()["nodes"]


def _interrupt(x: torch.Tensor) -> torch.Tensor:
    raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["torch.nn layer", "user layer", "lazy layer"])
def test_ctrl_c_in_a_trace_leaves_no_mode_on_torchs_stacks(where: str) -> None:
    from torch.utils._python_dispatch import _get_current_dispatch_mode_stack

    class UserLayer(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return _interrupt(x)

    layer: nn.Module
    if where == "torch.nn layer":  # the private-random mode stepped aside inside it
        layer = nn.ReLU()
        layer.forward = _interrupt  # type: ignore[method-assign]
    elif where == "user layer":
        layer = UserLayer()
    else:
        layer = nn.LazyLinear(3)
        layer.register_forward_hook(lambda *a: _interrupt(a[0]))
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.1), layer)
    with pytest.raises(KeyboardInterrupt):
        lazyviz.trace(model, torch.rand(2, 3))
    assert not _get_current_dispatch_mode_stack()
    assert not torch.overrides._get_current_function_mode_stack()
    assert lazyviz.trace(nn.Sequential(nn.LazyLinear(2)), torch.rand(1, 3)).error is None
