"""Property test: on random lazy architectures, every shape lazyviz records is PyTorch's."""

from __future__ import annotations

from typing import Any

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

import lazyviz
from lazyviz.record.names import qualname


class Residual(nn.Module):
    def __init__(self, body: nn.Module) -> None:
        super().__init__()
        self.body = body

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class Concat(nn.Module):
    def __init__(self, a: nn.Module, b: nn.Module) -> None:
        super().__init__()
        self.a, self.b = a, b

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.a(x), self.b(x)], dim=1)


class Head(nn.Module):
    def __init__(self, out: int) -> None:
        super().__init__()
        self.fc = nn.LazyLinear(out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(x, 1))


def divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


@st.composite
def conv_spec(draw: st.DrawFn, channels: int) -> tuple[list, int]:
    """A spec of one conv layer that fits ``channels`` inputs, and its output channels."""
    groups = draw(st.sampled_from(divisors(channels)))
    out = groups * draw(st.integers(1, 3))
    kernel = draw(st.sampled_from([1, 3]))
    return ["conv", out, kernel, groups], out


@st.composite
def image_net(draw: st.DrawFn) -> list:
    channels = draw(st.integers(1, 4))
    spec: list = [["input", channels]]
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["conv", "residual", "concat", "norm", "relu"]))
        if kind == "conv":
            layer, channels = draw(conv_spec(channels))
            spec.append(layer)
        elif kind == "residual":
            spec.append(["residual", channels])
        elif kind == "concat":
            a, ca = draw(conv_spec(channels))
            b, cb = draw(conv_spec(channels))
            spec.append(["concat", a, b])
            channels = ca + cb
        else:
            spec.append([kind])
    spec.append(["head", draw(st.integers(1, 5))])
    return spec


@st.composite
def vector_net(draw: st.DrawFn) -> list:
    spec: list = [["input", draw(st.integers(1, 9))]]
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["linear", "residual", "concat", "relu"]))
        if kind == "linear":
            spec.append(["linear", draw(st.integers(1, 9))])
        elif kind == "residual":
            spec.append(["residual_linear"])
        elif kind == "concat":
            spec.append(["concat_linear", draw(st.integers(1, 5)), draw(st.integers(1, 5))])
        else:
            spec.append(["relu"])
    return spec


def build(spec: list) -> nn.Module:
    layers: list[nn.Module] = []
    for layer in spec[1:]:
        layers.append(build_layer(layer))
    return nn.Sequential(*layers)


def build_layer(layer: list) -> nn.Module:
    kind, *args = layer
    if kind == "conv":
        out, kernel, groups = args
        return nn.LazyConv2d(out, kernel, padding=kernel // 2, groups=groups)
    if kind == "residual":
        return Residual(nn.Sequential(nn.LazyConv2d(args[0], 3, padding=1), nn.LazyBatchNorm2d()))
    if kind == "concat":
        return Concat(build_layer(args[0]), build_layer(args[1]))
    if kind == "norm":
        return nn.LazyBatchNorm2d()
    if kind == "relu":
        return nn.ReLU()
    if kind == "head":
        return Head(args[0])
    if kind == "linear":
        return nn.LazyLinear(args[0])
    if kind == "residual_linear":
        return ResidualLinear()
    if kind == "concat_linear":
        return Concat(nn.LazyLinear(args[0]), nn.LazyLinear(args[1]))
    raise AssertionError(kind)


class ResidualLinear(nn.Module):
    """x + Linear(x): the width is only known once x is seen."""

    def __init__(self) -> None:
        super().__init__()
        self.fc: nn.Module | None = None
        self.gate = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.fc is None:
            self.fc = nn.Linear(x.shape[-1], x.shape[-1])
        return self.gate(x) + self.fc(x)


def batch(spec: list) -> torch.Tensor:
    width = spec[0][1]
    is_image = any(layer[0] in ("conv", "residual", "concat", "norm", "head") for layer in spec)
    return torch.rand(2, width, 6, 6) if is_image else torch.rand(3, width)


def pytorch_truth(spec: list) -> tuple[dict[str, list[int]], dict[str, list[list[int]]]]:
    """Parameter shapes and per-module output shapes of a plain forward."""
    model = build(spec)
    outputs: dict[str, list[list[int]]] = {}
    names = {id(m): n for n, m in model.named_modules()}

    def keep(module: nn.Module, args: Any, out: torch.Tensor) -> None:
        outputs.setdefault(names.get(id(module), "?"), [list(out.shape)])

    handle = nn.modules.module.register_module_forward_hook(keep)
    try:
        model(batch(spec))
    finally:
        handle.remove()
    shapes = {n: list(p.shape) for n, p in model.named_parameters()}
    return shapes, outputs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=st.one_of(image_net(), vector_net()))
def test_recorded_shapes_are_what_pytorch_materializes(spec: list) -> None:
    torch.manual_seed(0)
    t = lazyviz.trace(build(spec), batch(spec))
    assert t.error is None, (spec, t.error)
    params, outputs = pytorch_truth(spec)
    recorded = {qualname(n.path, p.name): p.shape for n in t.nodes.values() for p in n.params}
    assert recorded == params
    for node in t.nodes.values():
        if node.kind == "module" and node.path in outputs:
            assert node.output_shapes == outputs[node.path], node.path
        for p in node.params:
            assert p.numel == (None if p.shape is None else int(torch.Size(p.shape).numel()))
            before = p.shape_before
            if before is not None:  # every known dim was right before the run
                assert len(before) == len(p.shape or [])
                assert all(b is None or b == a for b, a in zip(before, p.shape or [], strict=True))
