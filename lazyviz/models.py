"""Built-in lazy models for ``lazyviz demo`` and examples, each with a sample batch.

Every model is built from ``torch.nn`` Lazy* layers, so its graph starts with
unknown shapes that the sample batch resolves.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["DEMOS", "demo", "lenet", "mlp", "resnet", "transformer"]


def mlp() -> nn.Module:
    """The chapter's net: ``LazyLinear(256) -> ReLU -> LazyLinear(10)``."""
    return nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))


def lenet() -> nn.Module:
    """LeNet-5 with lazy layers, for ``(N, 1, 28, 28)`` images."""
    return nn.Sequential(
        nn.LazyConv2d(6, kernel_size=5, padding=2),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.LazyConv2d(16, kernel_size=5),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.LazyLinear(120),
        nn.Sigmoid(),
        nn.LazyLinear(84),
        nn.Sigmoid(),
        nn.LazyLinear(10),
    )


class Residual(nn.Module):
    """A ResNet basic block; ``use_1x1conv`` projects the shortcut when the shape changes."""

    def __init__(self, channels: int, use_1x1conv: bool = False, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.LazyConv2d(channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.LazyBatchNorm2d()
        self.conv2 = nn.LazyConv2d(channels, 3, padding=1, bias=False)
        self.bn2 = nn.LazyBatchNorm2d()
        self.shortcut: nn.Module = nn.Identity()
        if use_1x1conv:
            project = nn.LazyConv2d(channels, 1, stride=stride, bias=False)
            self.shortcut = nn.Sequential(project, nn.LazyBatchNorm2d())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))  # the residual add: a visible skip connection


def resnet() -> nn.Module:
    """A small lazy ResNet for ``(N, 3, 32, 32)`` images: a stem and three stages."""
    return nn.Sequential(
        nn.Sequential(nn.LazyConv2d(16, 3, padding=1, bias=False), nn.LazyBatchNorm2d(), nn.ReLU()),
        Residual(16),
        Residual(32, use_1x1conv=True, stride=2),
        Residual(64, use_1x1conv=True, stride=2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.LazyLinear(10),
    )


class SelfAttention(nn.Module):
    """Single-head scaled dot-product attention with lazy projections."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim
        self.query = nn.LazyLinear(dim)
        self.key = nn.LazyLinear(dim)
        self.value = nn.LazyLinear(dim)
        self.out = nn.LazyLinear(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.query(x), self.key(x), self.value(x)
        weights = torch.softmax(q @ k.transpose(-2, -1) / self.dim**0.5, dim=-1)
        out: torch.Tensor = self.out(weights @ v)  # a Module's call is typed as returning Any
        return out


class EncoderBlock(nn.Module):
    """Post-norm transformer encoder block: attention and MLP, each with a residual add."""

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.attention = SelfAttention(dim)
        self.norm1 = nn.LayerNorm(dim)
        self.ffn = nn.Sequential(nn.LazyLinear(hidden), nn.ReLU(), nn.LazyLinear(dim))
        self.norm2 = nn.LayerNorm(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.norm1(x + self.attention(x))
        out: torch.Tensor = self.norm2(x + self.ffn(x))
        return out


class Transformer(nn.Module):
    """A small lazy transformer encoder over ``(N, tokens, features)`` with a class head."""

    def __init__(self, dim: int = 32, hidden: int = 64, blocks: int = 2, classes: int = 10) -> None:
        super().__init__()
        self.embed = nn.LazyLinear(dim)
        self.blocks = nn.Sequential(*(EncoderBlock(dim, hidden) for _ in range(blocks)))
        self.head = nn.LazyLinear(classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.head(self.blocks(self.embed(x)).mean(dim=1))
        return out


def transformer() -> nn.Module:
    """Two lazy encoder blocks of width 32 over ``(N, 8, 16)`` token features."""
    return Transformer()


# name -> (builder, sample batch shape)
DEMOS: dict[str, tuple[Callable[[], nn.Module], tuple[int, ...]]] = {
    "mlp": (mlp, (2, 20)),
    "lenet": (lenet, (1, 1, 28, 28)),
    "resnet": (resnet, (2, 3, 32, 32)),
    "transformer": (transformer, (2, 8, 16)),
}


class LazyAttention(nn.Module):
    """Single-head attention whose projections are all lazy."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.LazyLinear(d) for _ in range(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = torch.softmax(self.q(x) @ self.k(x).transpose(-1, -2), dim=-1)
        out: torch.Tensor = self.o(scores @ self.v(x))
        return out


class LazyTransformerLayer(nn.Module):
    """A pre-norm transformer layer: 12 modules, two residual adds (a branching graph).

    Stacks of it are the big-model case: the benchmarks and browser tests fold
    N identical layers into one box.
    """

    def __init__(self, d: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        self.attn = LazyAttention(d)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.LazyLinear(2 * d), nn.GELU(), nn.LazyLinear(d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        out: torch.Tensor = x + self.mlp(self.norm2(x))
        return out


def demo(name: str, *, seed: int = 0) -> tuple[nn.Module, torch.Tensor]:
    """A built-in model and its sample batch (drawn from a seeded generator, not the global RNG)."""
    try:
        build, shape = DEMOS[name]
    except KeyError:
        raise ValueError(f"unknown demo model {name!r}; choose one of {', '.join(DEMOS)}") from None
    generator = torch.Generator().manual_seed(seed)
    return build(), torch.rand(shape, generator=generator)
