"""The shape-error doctor: a failed run's error names the likely fix in code."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

import lazyviz


class Viewer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x).view(2, 100)


def lenet(side: int) -> tuple[nn.Module, torch.Tensor]:
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.Sigmoid(),
        nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.Sigmoid(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
    )
    return net, torch.rand(2, 1, side, side)


# (model, batch, failing path, words the hint must contain)
CORPUS: dict[str, Callable[[], tuple[nn.Module, torch.Tensor, str, list[str]]]] = {
    "linear in the middle": lambda: (
        nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(32, 10)),
        torch.rand(2, 20),
        "2",
        ["expects 32", "got 64", "nn.Linear(64, 10)", "nn.LazyLinear(10)"],
    ),
    "linear first": lambda: (
        nn.Sequential(nn.Linear(784, 10)),
        torch.rand(2, 785),
        "0",
        ["expects 784", "got 785", "nn.Linear(785, 10)", "nn.LazyLinear(10)"],
    ),
    "lenet on 32x32": lambda: (
        *lenet(32),
        "7",
        ["expects 400", "got 576", "nn.Linear(576, 120)", "nn.LazyLinear(120)"],
    ),
    "conv channels": lambda: (
        nn.Sequential(nn.Conv2d(3, 8, 3)),
        torch.rand(1, 1, 28, 28),
        "0",
        ["expects 3 input channels", "got 1", "nn.Conv2d(1, 8, kernel_size=3)", "nn.LazyConv2d(8"],
    ),
    "conv 1d channels": lambda: (
        nn.Sequential(nn.Conv1d(4, 8, 5)),
        torch.rand(2, 6, 50),
        "0",
        ["expects 4 input channels", "got 6", "nn.Conv1d(6, 8, kernel_size=5)"],
    ),
    "conv gets a flat batch": lambda: (
        nn.Sequential(nn.Conv2d(1, 4, 3)),
        torch.rand(2, 784),
        "0",
        ["4-D batch", "(2, 784)"],
    ),
    "transposed conv channels": lambda: (
        nn.Sequential(nn.ConvTranspose2d(8, 4, 2)),
        torch.rand(1, 6, 5, 5),
        "0",
        ["expects 8 input channels", "got 6", "nn.ConvTranspose2d(6, 4, kernel_size=2)"],
    ),
    "batch norm after conv": lambda: (
        nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(16)),
        torch.rand(2, 3, 10, 10),
        "1",
        ["expects 16 channels", "got 8", "nn.BatchNorm2d(8)", "nn.LazyBatchNorm2d()"],
    ),
    "batch norm after linear": lambda: (
        nn.Sequential(nn.Linear(20, 32), nn.BatchNorm1d(64)),
        torch.rand(4, 20),
        "1",
        ["expects 64 channels", "got 32", "nn.BatchNorm1d(32)"],
    ),
    "layer norm": lambda: (
        nn.Sequential(nn.LayerNorm(32)),
        torch.rand(2, 5, 16),
        "0",
        ["(32,)", "(16,)", "nn.LayerNorm(16)"],
    ),
    "group norm": lambda: (
        nn.Sequential(nn.Conv2d(3, 6, 1), nn.GroupNorm(2, 8)),
        torch.rand(1, 3, 4, 4),
        "1",
        ["expects 8 channels", "got 6", "nn.GroupNorm(2, 6)"],
    ),
    "embedding index": lambda: (
        nn.Sequential(nn.Embedding(10, 4)),
        torch.tensor([[1, 2, 12]]),
        "0",
        ["10 rows", "index 12", "nn.Embedding(13, 4)"],
    ),
    "embedding of floats": lambda: (
        nn.Sequential(nn.Embedding(10, 4)),
        torch.rand(2, 3),
        "0",
        ["integer", "ids.long()"],
    ),
    "attention width": lambda: (
        nn.Sequential(nn.TransformerEncoderLayer(16, 2, 32, batch_first=True)),
        torch.rand(2, 5, 8),
        "0.self_attn",
        ["embed_dim", "got 8", "nn.MultiheadAttention(8, 2)"],
    ),
    "view of the wrong size": lambda: (
        Viewer(),
        torch.rand(2, 1, 6, 6),
        "",
        ["(2, 100)", "200", "96", "x.flatten(1)", "nn.LazyLinear"],
    ),
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_the_hint_names_layer_sizes_and_fix(case: str) -> None:
    model, batch, path, words = CORPUS[case]()
    t = lazyviz.trace(model, batch)
    error = t.error
    assert error is not None, "the corpus model must fail"
    assert error["path"] == path
    hint = error["hint"]
    assert isinstance(hint, str)
    assert f"Layer {path}" in hint or f"In {path or '(root)'}" in hint
    for word in words:
        assert word in hint, (word, hint)
    node = next(n for n in t.to_dict()["nodes"] if n["path"] == path)
    assert node["error"]["hint"] == hint


def test_an_input_changed_after_the_lazy_model_was_sized() -> None:
    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    w = lazyviz.LazyViz(net, torch.rand(2, 20))
    w.feed(torch.rand(2, 30))
    hint = w.to_dict()["error"]["hint"]
    assert "Layer 0 was sized by the model's first batch" in hint
    assert "expects 20" in hint and "gives 30" in hint and "re-create the model" in hint
    watched = nn.Sequential(nn.LazyLinear(8))
    ww = lazyviz.watch(watched)
    watched(torch.rand(2, 4))
    with pytest.raises(RuntimeError):
        watched(torch.rand(2, 5))
    assert "sized by the model's first batch" in ww.to_dict()["error"]["hint"]
    ww.detach()


def test_a_failure_the_doctor_does_not_know_has_a_null_hint() -> None:
    class Raises(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            raise ValueError("something else")

    error = lazyviz.trace(nn.Sequential(Raises()), torch.rand(1)).error
    assert error is not None and error["hint"] is None
    assert lazyviz.trace(nn.Sequential(nn.Linear(2, 2)), torch.rand(1, 2)).error is None
