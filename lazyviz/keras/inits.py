"""Initializers on a Keras model's weights: fans in Keras' layouts, Keras' own laws, drawing.

Keras stores a ``Dense`` kernel as ``(in, out)`` and a convolution kernel as
``(*kernel, in, out)`` (channels last); PyTorch stores ``(out, in, *kernel)``.
Fans are computed as Keras' own initializers compute them (``compute_fans``):
``fan_in = shape[-2] * receptive`` and ``fan_out = shape[-1] * receptive``,
``receptive`` being the product of the leading (kernel) dimensions; None below
two dimensions, as for torch. That is PyTorch's own rule applied to the weight
with its last two axes moved to the front, ``(out, in, *kernel)``
(:func:`torch_layout`). So a registry init, a callable or an ``Initializer``
fills a scratch tensor in that layout (``torch.nn.init`` finds the right fans
there, and draws the very numbers it would draw for the torch layer), and the
values are laid back out in Keras' order (:func:`draw_in_torch_layout`).

``"default"`` is Keras' own initializer of the variable, as the layer was
configured (``kernel_initializer``, ``bias_initializer``...): drawn again
(:func:`default_values`), with a seed taken from torch's RNG unless the
initializer was given a seed of its own, and its exact law (:func:`keras_law`).

Nothing here imports keras at import time; the functions that need it import it
when called, which only happens for a Keras model.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch

from lazyviz.keras.session import KerasSession, private_keras_copy
from lazyviz.keras.structure import KerasLayers, layer_initializer, own_variables
from lazyviz.record.graph import Trace
from lazyviz.torch.flatten import Args
from lazyviz.torch.laws import Law

__all__ = [
    "KerasWeight",
    "built_copy",
    "default_law",
    "default_values",
    "draw_in_torch_layout",
    "keras_fans",
    "keras_law",
    "keras_weights",
    "own_weights",
    "torch_layout",
    "variable_role",
]

KerasWeight = tuple[str, Any, Any, str, torch.Tensor]
"""``(node id, layer, parent layer or None, variable name, the variable's torch Parameter)``."""

COPY_ADVICE = "compare_inits fills such a copy, never the model itself."


# ------------------------------------------------------------------ layouts
def _compute_fans(
    shape: Sequence[int],
    input_axes: Sequence[int] | None = None,
    output_axes: Sequence[int] | None = None,
) -> tuple[int, int]:
    """Keras' ``compute_fans``, exactly (1-D: the length both ways; 0-D: 1)."""
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive = math.prod(shape[:-2])
    return int(shape[-2]) * receptive, int(shape[-1]) * receptive


def keras_fans(shape: Sequence[int]) -> tuple[int | None, int | None]:
    """``(fan_in, fan_out)`` of a Keras weight of ``shape``; None below two dimensions.

    ``Dense`` kernel ``(20, 256)``: ``(20, 256)``; ``Conv2D`` kernel ``(5, 5, 1, 6)``:
    ``(25, 150)``; a transposed convolution's ``(*kernel, filters, in)``: ``fan_in``
    counts the filters, as Keras (and torch for its own layout) count them.
    """
    if len(shape) < 2:
        return None, None
    return _compute_fans(shape)


def torch_layout(shape: Sequence[int]) -> list[int]:
    """``shape`` with its last two axes first, reversed: ``(in, out)`` -> ``(out, in)``,
    ``(kh, kw, in, out)`` -> ``(out, in, kh, kw)``; below two dimensions unchanged."""
    dims = [int(d) for d in shape]
    return dims if len(dims) < 2 else [dims[-1], dims[-2], *dims[:-2]]


def draw_in_torch_layout(
    current: torch.Tensor, fill: Callable[[torch.Tensor], object]
) -> torch.Tensor:
    """New values for a Keras weight: ``fill`` applied in place to a copy of ``current``
    laid out in PyTorch's order (:func:`torch_layout`), returned in Keras' order.

    The copy starts from the weight's current values, as a torch parameter filled
    in place does (a fill that only scales them sees them); ``current`` is not changed.
    """
    n = current.dim()
    order = [n - 1, n - 2, *range(n - 2)] if n >= 2 else list(range(n))
    scratch = current.detach().permute(*order).clone(memory_format=torch.contiguous_format)
    with torch.no_grad():
        fill(scratch)
    return scratch if n < 2 else scratch.permute(*range(2, n), 1, 0)


def variable_role(name: str, ndim: int) -> str:
    """``"weight"`` (two or more dimensions), ``"bias"`` (a ``bias``, a normalization's
    ``beta``), ``"scale"`` (a normalization's ``gamma``) or ``"other"``: which part of the
    Gluon rule (weights get the init, biases zeros, scales ones) a Keras variable falls under."""
    if ndim >= 2:
        return "weight"
    if name.endswith("bias") or name == "beta":
        return "bias"
    if name == "gamma":
        return "scale"
    return "other"


# ------------------------------------------------------------------ Keras' laws
_TRUNCATED_STD = 0.87962566103423978
"""The std of a standard normal cut to (-2, 2): Keras divides by it so the cut law keeps its std."""


def keras_law(init: Any, shape: Sequence[int]) -> Law | None:
    """The law every entry of ``init(shape)`` follows, or None (no closed form, or unknown).

    ``VarianceScaling`` and its named forms (``GlorotUniform``, ``HeNormal``,
    ``LecunNormal``...), ``RandomNormal``, ``RandomUniform``, ``TruncatedNormal``
    (cut at two standard deviations), ``Zeros``, ``Ones``, ``Constant`` and
    ``Orthogonal``, with the fans Keras computes for ``shape``.
    """
    import keras

    inits = keras.initializers
    dims = [int(d) for d in shape]
    if isinstance(init, inits.VarianceScaling):
        fan_in, fan_out = _compute_fans(dims, init.input_axes, init.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out}.get(init.mode, (fan_in + fan_out) / 2.0)
        scale = float(init.scale) / max(1.0, fan)
        if init.distribution == "uniform":
            bound = math.sqrt(3.0 * scale)
            return Law("uniform", lo=-bound, hi=bound)
        if init.distribution == "truncated_normal":
            return _cut_normal(0.0, math.sqrt(scale) / _TRUNCATED_STD)
        return Law("normal", scale=math.sqrt(scale))
    if isinstance(init, inits.TruncatedNormal):
        return _cut_normal(float(init.mean), float(init.stddev))
    if isinstance(init, inits.RandomNormal):
        return Law("normal", loc=float(init.mean), scale=float(init.stddev))
    if isinstance(init, inits.RandomUniform):
        return Law("uniform", lo=float(init.minval), hi=float(init.maxval))
    if isinstance(init, inits.Zeros):
        return Law("point", loc=0.0)
    if isinstance(init, inits.Ones):
        return Law("point", loc=1.0)
    if isinstance(init, inits.Constant) and isinstance(init.value, (int, float)):
        return Law("point", loc=float(init.value))
    if isinstance(init, inits.Orthogonal) and len(dims) >= 2:
        rows, cols = math.prod(dims[:-1]), dims[-1]
        return Law("orthogonal", scale=float(init.gain), n=max(rows, cols, 1))
    return None


def _cut_normal(mean: float, std: float) -> Law:
    """Keras' truncated normal: N(mean, std) redrawn outside two standard deviations."""
    return Law("trunc_normal", loc=mean, scale=std, lo=mean - 2 * std, hi=mean + 2 * std)


def default_law(layer: Any, name: str, shape: Sequence[int]) -> Law | None:
    """The law of the layer's own initializer of variable ``name`` (its Keras default)."""
    found = layer_initializer(layer, name)
    return None if found is None else keras_law(found[1], shape)


def default_values(layer: Any, name: str, shape: Sequence[int], dtype: Any) -> torch.Tensor | None:
    """Fresh values from the layer's own initializer of ``name``, or None if it has none.

    An initializer made without a seed (Keras' default) draws with a seed taken
    from torch's RNG, so a seeded caller gets the same values every time; one
    given a seed keeps it (Keras would draw the same values again).
    """
    found = layer_initializer(layer, name)
    if found is None:
        return None
    init = found[1]
    if isinstance(dtype, torch.dtype):  # Keras names dtypes as strings
        dtype = str(dtype).removeprefix("torch.")
    config: Mapping[str, Any] = init.get_config() if hasattr(init, "get_config") else {}
    if "seed" in config and config["seed"] is None and hasattr(init, "seed"):
        init = copy.copy(init)
        init.seed = int(torch.randint(1, 2**31 - 1, ()).item())
    return torch.as_tensor(init(tuple(int(d) for d in shape), dtype=dtype))


# ------------------------------------------------------------------ the copy
def built_copy(model: Any, args: Args, kwargs: Mapping[str, Any]) -> tuple[KerasSession, Trace]:
    """A private copy of ``model`` built by one run of the batch, and the trace of that run.

    The batch runs through the copy itself (``KerasSession(copy, inplace=True)``),
    so its weights can be filled again and again; the user's model is never run.
    """
    session = KerasSession(private_keras_copy(model, advice=COPY_ADVICE), inplace=True)
    return session, session.run(args, dict(kwargs))


def own_weights(layer: Any) -> list[tuple[str, torch.Tensor]]:
    """``(name, torch Parameter)`` of the layer's own floating-point trainable variables."""
    out = []
    for v in own_variables(layer):
        tensor = getattr(v, "value", None)
        if isinstance(tensor, torch.Tensor) and tensor.is_floating_point():
            out.append((v.name, tensor))
    return out


def keras_weights(model: Any) -> list[KerasWeight]:
    """Every floating-point trainable variable of ``model`` once, in node order.

    The node ids are those of the trace records of ``model`` (``KerasLayers``).
    """
    layers = KerasLayers(model)
    seen: set[int] = set()
    out: list[KerasWeight] = []
    for layer in layers:
        parent = layers.parents[id(layer)]
        owner = None if parent is None else layers.at(parent)
        for name, tensor in own_weights(layer):
            if id(tensor) in seen:  # one variable in two layers: under its first owner
                continue
            seen.add(id(tensor))
            out.append((layers.ids[id(layer)], layer, owner, name, tensor))
    return out
