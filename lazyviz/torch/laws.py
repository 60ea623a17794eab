"""PyTorch's initialization laws: what each ``torch.nn.init`` function and each
module's own ``reset_parameters`` draws from, exactly (standard deviation and
density where a closed form exists), and which role a parameter plays.

Fans are computed exactly as ``torch.nn.init._calculate_fan_in_and_fan_out``
computes them (the receptive field of a convolution included). This is the
torch adapter's knowledge; the user-facing registry is :mod:`lazyviz.inits.registry`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from lazyviz.torch.shapes import is_uninitialized


# --------------------------------------------------------------------- laws
@dataclass(frozen=True)
class Law:
    """The distribution every entry of a filled parameter follows.

    ``kind`` is ``"uniform"`` (on ``[lo, hi]``), ``"normal"`` (``loc``,
    ``scale``), ``"trunc_normal"`` (``loc``, ``scale`` cut to ``[lo, hi]``),
    ``"orthogonal"`` (one coordinate of a uniform unit vector in ``n``
    dimensions, times ``scale``) or ``"point"`` (the value ``loc``).
    """

    kind: str
    loc: float = 0.0
    scale: float = 1.0
    lo: float = 0.0
    hi: float = 0.0
    n: int = 0

    @property
    def mean(self) -> float:
        if self.kind == "uniform":
            return (self.lo + self.hi) / 2
        if self.kind == "trunc_normal":
            alpha, beta, z = self._trunc()
            return self.loc + self.scale * (_phi(alpha) - _phi(beta)) / z
        if self.kind == "orthogonal":
            return 0.0
        return self.loc

    @property
    def std(self) -> float:
        """The exact standard deviation of one entry."""
        if self.kind == "uniform":
            return (self.hi - self.lo) / math.sqrt(12.0)
        if self.kind == "normal":
            return self.scale
        if self.kind == "trunc_normal":
            alpha, beta, z = self._trunc()
            ratio = (_phi(alpha) - _phi(beta)) / z
            spread = (alpha * _phi(alpha) - beta * _phi(beta)) / z
            return self.scale * math.sqrt(max(0.0, 1.0 + spread - ratio * ratio))
        if self.kind == "orthogonal":
            return abs(self.scale) / math.sqrt(self.n)
        return 0.0

    def _trunc(self) -> tuple[float, float, float]:
        alpha = (self.lo - self.loc) / self.scale
        beta = (self.hi - self.loc) / self.scale
        return alpha, beta, _cdf(beta) - _cdf(alpha)

    def theory(self) -> dict[str, Any]:
        """``{"x", "pdf"}`` (the density, integrating to 1 over ``x``) or ``{"point": v}``."""
        if self.kind == "point" or self.std == 0.0:
            return {"point": self.mean if self.kind != "uniform" else self.lo}
        if self.kind == "uniform":
            return _steps(self.lo, self.hi, [], [], 1.0 / (self.hi - self.lo))
        if self.kind == "normal":
            xs = [self.loc + self.scale * (i / 10.0) for i in range(-60, 61)]
            return _curve(xs, [_phi((x - self.loc) / self.scale) / self.scale for x in xs])
        if self.kind == "trunc_normal":
            return self._trunc_theory()
        return self._orthogonal_theory()

    def _trunc_theory(self) -> dict[str, Any]:
        _, _, z = self._trunc()
        left = max(self.lo, self.loc - 7 * self.scale)
        right = min(self.hi, self.loc + 7 * self.scale)
        xs = [left + (right - left) * i / 400 for i in range(401)]
        pdf = [_phi((x - self.loc) / self.scale) / (self.scale * z) for x in xs]
        pad = (right - left) * 0.05
        if left == self.lo:  # a cut inside the visible range: the density jumps there
            xs, pdf = [left - pad, left, *xs], [0.0, 0.0, *pdf]
        if right == self.hi:
            xs, pdf = [*xs, right, right + pad], [*pdf, 0.0, 0.0]
        return _curve(xs, pdf)

    def _orthogonal_theory(self) -> dict[str, Any]:
        g, n = abs(self.scale), self.n
        if n >= 3:
            # x / g has density C (1 - t^2)^((n - 3) / 2) on [-1, 1].
            log_c = math.lgamma(n / 2) - math.lgamma((n - 1) / 2) - 0.5 * math.log(math.pi)
            reach = min(1.0, 8.0 / math.sqrt(n))
            ts = [reach * i / 120 for i in range(-120, 121)]
            dens = [
                math.exp(log_c + (n - 3) / 2 * math.log1p(-t * t)) / g if abs(t) < 1 else 0.0
                for t in ts
            ]
            if n == 3:  # uniform on [-g, g]: a step at both ends
                return _steps(-g, g, [], [], 1.0 / (2 * g))
            return _curve([g * t for t in ts], dens)
        if n == 2:  # arcsine law; a grid even in the angle, normalized on it
            ts = [math.sin(math.pi * (i / 200 - 0.5)) for i in range(1, 200)]
            dens = [1.0 / (math.pi * g * math.sqrt(1 - t * t)) for t in ts]
            return _normalized([g * t for t in ts], dens)
        width = g * 1e-3  # n == 1: +-g with probability 1/2 each, drawn as two thin boxes
        xs = [-g - width, -g - width, -g + width, -g + width, g - width, g - width]
        xs += [g + width, g + width]
        h = 0.5 / (2 * width)
        return _curve(xs, [0.0, h, h, 0.0, 0.0, h, h, 0.0])

    def sample(self, n: int) -> torch.Tensor:
        """``n`` independent draws from the law (float32, the global RNG)."""
        out = torch.empty(n)
        if self.kind == "uniform":
            return out.uniform_(self.lo, self.hi)
        if self.kind == "normal":
            return out.normal_(self.loc, self.scale)
        if self.kind == "trunc_normal":
            return nn.init.trunc_normal_(out, self.loc, self.scale, self.lo, self.hi)
        if self.kind == "orthogonal":
            if self.n == 1:
                return torch.randint(0, 2, (n,)).float().mul_(2).sub_(1).mul_(self.scale)
            # t^2 ~ Beta(1/2, (n - 1)/2) for a coordinate of a uniform unit vector
            beta = torch.distributions.Beta(torch.tensor(0.5), torch.tensor((self.n - 1) / 2))
            signs = torch.randint(0, 2, (n,)).float().mul_(2).sub_(1)
            return beta.sample((n,)).sqrt_().mul_(signs).mul_(self.scale)
        return out.fill_(self.loc)


def _phi(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _curve(xs: list[float], pdf: list[float]) -> dict[str, Any]:
    return {"x": [_round(x) for x in xs], "pdf": [_round(p) for p in pdf]}


def _steps(
    lo: float,
    hi: float,
    inner: list[float],
    dens: list[float],
    edge_lo: float,
    edge_hi: float | None = None,
) -> dict[str, Any]:
    """A density that jumps from 0 at ``lo`` and back to 0 at ``hi`` (repeated x = a jump)."""
    edge_hi = edge_lo if edge_hi is None else edge_hi
    pad = (hi - lo) * 0.05
    xs = [lo - pad, lo, lo, *inner, hi, hi, hi + pad]
    pdf = [0.0, 0.0, edge_lo, *dens, edge_hi, 0.0, 0.0]
    return {"x": xs, "pdf": [_round(p) for p in pdf]}


def _normalized(xs: list[float], pdf: list[float]) -> dict[str, Any]:
    area = sum((xs[i + 1] - xs[i]) * (pdf[i + 1] + pdf[i]) / 2 for i in range(len(xs) - 1))
    return _curve(xs, [p / area for p in pdf])


def _round(x: float) -> float:
    return float(f"{x:.7g}")


def fans(shape: Sequence[int]) -> tuple[int | None, int | None]:
    """``(fan_in, fan_out)`` as ``torch.nn.init`` computes them; ``None`` below 2 dimensions."""
    if len(shape) < 2:
        return None, None
    receptive = math.prod(shape[2:])
    return int(shape[1]) * receptive, int(shape[0]) * receptive


def _need_fans(shape: Sequence[int], name: str) -> tuple[int, int]:
    fan_in, fan_out = fans(shape)
    if fan_in is None or fan_out is None:
        raise ValueError(f"{name} needs a parameter of two or more dimensions, got {list(shape)}")
    return fan_in, fan_out


def _uniform(bound: float) -> Law:
    return Law("point", loc=0.0) if bound == 0 else Law("uniform", lo=-bound, hi=bound)


def _kaiming_std(shape: Sequence[int], kw: Mapping[str, Any]) -> float:
    fan_in, fan_out = _need_fans(shape, "kaiming")
    fan = fan_in if kw.get("mode", "fan_in") == "fan_in" else fan_out
    gain = nn.init.calculate_gain(kw.get("nonlinearity", "leaky_relu"), kw.get("a", 0))
    return gain / math.sqrt(fan)


def _xavier_std(shape: Sequence[int], kw: Mapping[str, Any]) -> float:
    fan_in, fan_out = _need_fans(shape, "xavier")
    return float(kw.get("gain", 1.0)) * math.sqrt(2.0 / (fan_in + fan_out))


def _orthogonal(shape: Sequence[int], kw: Mapping[str, Any]) -> Law:
    if len(shape) < 2:
        raise ValueError(f"orthogonal needs a parameter of two or more dimensions, got {shape}")
    rows = int(shape[0])
    cols = math.prod(shape) // rows if rows else 0
    return Law("orthogonal", scale=float(kw.get("gain", 1.0)), n=max(rows, cols, 1))


LawOf = Callable[[Sequence[int], Mapping[str, Any]], Law]

_LAWS: dict[str, LawOf] = {
    "xavier_uniform": lambda s, kw: _uniform(math.sqrt(3.0) * _xavier_std(s, kw)),
    "xavier_normal": lambda s, kw: Law("normal", scale=_xavier_std(s, kw)),
    "kaiming_uniform": lambda s, kw: _uniform(math.sqrt(3.0) * _kaiming_std(s, kw)),
    "kaiming_normal": lambda s, kw: Law("normal", scale=_kaiming_std(s, kw)),
    "normal": lambda s, kw: Law("normal", loc=kw.get("mean", 0.0), scale=kw.get("std", 1.0)),
    "uniform": lambda s, kw: Law("uniform", lo=kw.get("a", 0.0), hi=kw.get("b", 1.0)),
    "trunc_normal": lambda s, kw: Law(
        "trunc_normal",
        loc=kw.get("mean", 0.0),
        scale=kw.get("std", 1.0),
        lo=kw.get("a", -2.0),
        hi=kw.get("b", 2.0),
    ),
    "orthogonal": _orthogonal,
    "zeros": lambda s, kw: Law("point", loc=0.0),
    "ones": lambda s, kw: Law("point", loc=1.0),
    "constant": lambda s, kw: Law("point", loc=float(kw["val"])),
}


def param_role(module: nn.Module, name: str, ndim: int) -> str:
    """``"weight"`` (2+ dims), ``"bias"``, ``"scale"`` (a normalization scale) or ``"other"``."""
    if ndim >= 2:
        return "weight"
    if name.endswith("bias"):
        return "bias"
    if name == "weight" and is_norm(module):
        return "scale"
    return "other"


def is_norm(module: nn.Module) -> bool:
    norms: tuple[type, ...] = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm)
    if hasattr(nn, "RMSNorm"):
        norms += (nn.RMSNorm,)
    return isinstance(module, norms) or "norm" in type(module).__name__.lower()


_POINT_ZERO = Law("point", loc=0.0)
_POINT_ONE = Law("point", loc=1.0)


def default_law(
    module: nn.Module, name: str, shape: Sequence[int], parent: Any = None
) -> Law | None:
    """What ``reset_parameters`` of this module type draws ``<name>`` from, or None if unknown."""
    if isinstance(parent, nn.MultiheadAttention) and module is parent.out_proj and name == "bias":
        return _POINT_ZERO if parent.in_proj_bias is not None else None
    if isinstance(module, (nn.Linear, nn.modules.conv._ConvNd)):
        fan = _reset_fan(module, name, shape)
        return None if fan is None else _uniform(1.0 / math.sqrt(fan) if fan else 0.0)
    if isinstance(module, nn.Bilinear) and name in ("weight", "bias"):
        return _uniform(1.0 / math.sqrt(module.weight.size(1)))
    if is_norm(module) and name in ("weight", "bias"):
        return _POINT_ONE if name == "weight" else _POINT_ZERO
    if isinstance(module, (nn.Embedding, nn.EmbeddingBag)) and name == "weight":
        return Law("normal") if getattr(module, "padding_idx", None) is None else None
    if isinstance(module, (nn.RNNBase, nn.RNNCellBase)):
        return _uniform(1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0.0)
    if isinstance(module, nn.MultiheadAttention):
        if name in ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"):
            return _LAWS["xavier_uniform"](shape, {})
        if name == "in_proj_bias":
            return _POINT_ZERO
        if name in ("bias_k", "bias_v"):
            return _LAWS["xavier_normal"](shape, {})
    if isinstance(module, nn.PReLU) and name == "weight":
        return Law("point", loc=float(module.init))
    return None


def _is_uninitialized(t: object) -> bool:
    return is_uninitialized(t)


def _reset_fan(module: nn.Module, name: str, shape: Sequence[int]) -> int | None:
    """The fan_in of a Linear or Conv layer's ``reset_parameters`` law for ``<name>``
    (U(-1/sqrt(fan_in), 1/sqrt(fan_in)): Kaiming uniform with a = sqrt(5) for the
    weight, the weight's fan_in for the bias), or None."""
    if not isinstance(module, (nn.Linear, nn.modules.conv._ConvNd)):
        return None
    if name == "weight":
        return fans(shape)[0]
    if name == "bias" and not _is_uninitialized(module.weight):
        return fans(list(module.weight.shape))[0] or 0
    return None


def default_words(module: nn.Module, name: str, shape: Sequence[int]) -> str:
    """How PyTorch itself filled ``module.<name>`` when it got ``shape``, as a caption says it.

    ``PyTorch default: U(-1/sqrt(20), 1/sqrt(20))`` for a Linear or Conv layer
    (the law of :func:`default_law`), ``PyTorch default: zeros`` / ``ones`` for
    a point mass there (a norm's bias and scale), else that the module's
    ``reset_parameters`` did it.
    """
    fan = _reset_fan(module, name, shape)
    if fan is not None:
        return f"PyTorch default: U(-1/sqrt({fan}), 1/sqrt({fan}))"
    law = default_law(module, name, shape)
    if law is not None and law.kind == "point" and law.loc in (0.0, 1.0):
        return "PyTorch default: ones" if law.loc == 1.0 else "PyTorch default: zeros"
    return "by the module's reset_parameters()"


def reset_defaults(model: nn.Module) -> None:
    """Re-draw every parameter of ``model`` the way PyTorch's own constructors do.

    Children first, then their parents, as construction does (so
    ``MultiheadAttention`` zeroes its ``out_proj.bias`` after ``Linear`` drew it).
    """
    for module in reversed(list(model.modules())):
        reset = getattr(module, "reset_parameters", None)
        if reset is None and isinstance(module, nn.MultiheadAttention):
            reset = module._reset_parameters
        if callable(reset) and not any(_is_uninitialized(p) for p in module.parameters()):
            with torch.no_grad():
                reset()


def has_reset(module: nn.Module) -> bool:
    return callable(getattr(module, "reset_parameters", None)) or isinstance(
        module, nn.MultiheadAttention
    )
