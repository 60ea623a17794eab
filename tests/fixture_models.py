"""Small fixture models shared by the trace tests (tests import it as ``fixture_models``)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def mlp() -> nn.Module:
    """The chapter's net: LazyLinear(256) -> ReLU -> LazyLinear(10)."""
    return nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))


class Residual(nn.Module):
    def __init__(self, width: int = 8) -> None:
        super().__init__()
        self.f = nn.LazyLinear(width)
        self.g = nn.LazyLinear(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.f(x)
        return h + self.g(h)


class Concat(nn.Module):
    """Two conv branches concatenated, a grouped conv, flatten, a linear head."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.LazyConv2d(4, 3, padding=1)
        self.b = nn.LazyConv2d(6, 1)
        self.c = nn.LazyConv2d(8, 3, groups=2)
        self.fc = nn.LazyLinear(3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.cat([self.a(x), self.b(x)], dim=1)
        return self.fc(torch.flatten(self.c(y), 1))


class BasicBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.LazyConv2d(channels, 3, padding=1, bias=False)
        self.bn1 = nn.LazyBatchNorm2d()
        self.conv2 = nn.LazyConv2d(channels, 3, padding=1, bias=False)
        self.bn2 = nn.LazyBatchNorm2d()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        y += x
        return F.relu(y)


class TinyResNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.LazyConv2d(8, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU())
        self.layer1 = nn.Sequential(BasicBlock(8), BasicBlock(8))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.LazyLinear(10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(self.layer1(self.stem(x))).flatten(1))


class SharedTwice(nn.Module):
    """One module called twice, and two modules tied to one parameter."""

    def __init__(self) -> None:
        super().__init__()
        self.shared = nn.Linear(4, 4)
        self.tied = nn.Linear(4, 4)
        self.tied.weight = self.shared.weight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.tied(self.shared(self.shared(x)))


class DictIO(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.img = nn.LazyLinear(6)
        self.txt = nn.LazyLinear(6)

    def forward(self, batch: dict, scale: torch.Tensor, *, extra: torch.Tensor) -> dict:
        a = self.img(batch["image"])
        b = self.txt(batch["text"][0])
        return {"sum": a + b, "parts": (a, b * scale), "extra": extra}


class CustomLazy(nn.Module):
    """A layer whose weight does not exist until forward sees the input (d2l's MyLinear)."""

    def __init__(self, units: int) -> None:
        super().__init__()
        self.units = units

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not hasattr(self, "weight"):
            self.weight = nn.Parameter(torch.empty(x.shape[-1], self.units))
            nn.init.kaiming_uniform_(self.weight)
            self.bias = nn.Parameter(torch.zeros(self.units))
        return F.relu(x @ self.weight + self.bias)


class Branchy(nn.Module):
    """Data-dependent Python control flow."""

    def __init__(self) -> None:
        super().__init__()
        self.pos = nn.LazyLinear(3)
        self.neg = nn.LazyLinear(5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pos(x) if x.sum() > 0 else self.neg(x)


def all_lazy() -> nn.Module:
    """Every torch.nn Lazy* class, each on a fitting input (see all_lazy_inputs)."""
    return nn.ModuleDict(
        {
            "linear": nn.LazyLinear(5),
            "conv1d": nn.LazyConv1d(4, 3),
            "conv2d": nn.LazyConv2d(4, 3, groups=2),
            "conv3d": nn.LazyConv3d(6, (1, 2, 3)),
            "convt1d": nn.LazyConvTranspose1d(4, 3),
            "convt2d": nn.LazyConvTranspose2d(6, 3, groups=3),
            "convt3d": nn.LazyConvTranspose3d(2, 2),
            "bn1d": nn.LazyBatchNorm1d(),
            "bn2d": nn.LazyBatchNorm2d(),
            "bn3d": nn.LazyBatchNorm3d(),
            "in1d": nn.LazyInstanceNorm1d(affine=True),
            "in2d": nn.LazyInstanceNorm2d(affine=True),
            "in3d": nn.LazyInstanceNorm3d(affine=True, track_running_stats=True),
        }
    )


class AllLazy(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = all_lazy()

    def forward(self, x1: torch.Tensor, x2: torch.Tensor, x3: torch.Tensor) -> list:
        out = []
        for name, layer in self.layers.items():
            x = {"1": x1, "2": x2, "3": x3}[_rank(name)]
            out.append(layer(x if "linear" not in name else x1.flatten(1)))
        return out


def _rank(name: str) -> str:
    return "1" if name.endswith("1d") or name == "linear" else name[-2]


def all_lazy_inputs() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return torch.rand(2, 6, 7), torch.rand(2, 6, 5, 5), torch.rand(2, 6, 3, 4, 5)


# ---------------------------------------------------------------- the front end's records
# Models whose golden records the JS tests read (js/test/load.ts): the same files, checked
# and rewritten by tests/test_golden.py like every other.


class ResidualCat(nn.Module):
    """A skip connection (`add`) and a concat (`cat`) around a nested container."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.LazyLinear(8)
        self.b = nn.Sequential(nn.LazyLinear(8), nn.ReLU())
        self.c = nn.LazyLinear(3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.a(x)
        h = h + self.b(h)
        return self.c(torch.cat([h, x], dim=1))


class Bottleneck(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv1 = nn.LazyConv2d(c, 3, padding=1)
        self.bn1 = nn.LazyBatchNorm2d()
        self.relu = nn.ReLU()
        self.conv2 = nn.LazyConv2d(c, 3, padding=1)
        self.bn2 = nn.LazyBatchNorm2d()
        self.conv3 = nn.LazyConv2d(c, 1)
        self.bn3 = nn.LazyBatchNorm2d()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.relu(self.bn1(self.conv1(x)))
        h = self.relu(self.bn2(self.conv2(h)))
        return self.relu(x + self.bn3(self.conv3(h)))


def resnetish() -> nn.Module:
    """A ResNet-50-shaped lazy net (3-4-6-3 bottlenecks): ~170 nodes, nested groups, skip adds."""
    stem: list[nn.Module] = [nn.LazyConv2d(8, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU()]
    stages = [nn.Sequential(*[Bottleneck(8) for _ in range(n)]) for n in (3, 4, 6, 3)]
    return nn.Sequential(*stem, *stages, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.LazyLinear(10))


def mlp_stack(pairs: int = 50) -> nn.Module:
    """``pairs`` times LazyLinear(64) -> ReLU: a long run of repeated layers."""
    return nn.Sequential(*[m for _ in range(pairs) for m in (nn.LazyLinear(64), nn.ReLU())])


def eager_mismatch() -> nn.Module:
    """An eager Linear(20, 3) after a LazyLinear(4): the batch fails there."""
    return nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.Linear(20, 3), nn.LazyLinear(2))


def hostile() -> nn.Module:
    """Module names that are markup: the page must show them as text."""
    net = nn.Sequential()
    net.add_module("<img src=x onerror=alert(1)>", nn.LazyLinear(4))
    net.add_module("</script><script>alert(2)</script>", nn.ReLU())
    net.add_module("&amp;<b>bold</b>", nn.LazyLinear(2))
    return net
