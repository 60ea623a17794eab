"""The initializer registry: names, call syntax, what each init fills, and its exact law.

An *init* reaches lazyviz as a registry name (``"xavier_uniform"``), a name in
call syntax (``"normal(std=0.01)"``), a callable that fills a tensor in place
the way ``torch.nn.init`` functions do, an :class:`Initializer` instance, or a
``{label: init}`` dict of these. :func:`resolve_inits` turns any of them into
:class:`Init` objects that know

- how to fill one parameter (:meth:`Init.fill`), following Gluon's rule:
  parameters of two or more dimensions get the init, biases zeros and
  normalization scales ones (``"default"`` and :class:`Initializer` decide
  for themselves);
- the law that fill draws from for a given shape (:meth:`Init.law`), with its
  exact standard deviation and density, where a closed form exists.

Fans are computed exactly as ``torch.nn.init._calculate_fan_in_and_fan_out``
computes them (the receptive field of a convolution included).
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from lazyviz.torch.laws import (
    _LAWS,
    _POINT_ONE,
    _POINT_ZERO,
    Law,
    default_law,
    param_role,
)

__all__ = [
    "REGISTRY_NAMES",
    "Init",
    "Initializer",
    "parse_init",
    "resolve_init",
    "resolve_inits",
]


class Initializer:
    """Base class of a custom initializer, Gluon style.

    Override :meth:`init_weight` and/or :meth:`init_bias`; both receive the
    parameter's qualified name as in ``model.named_parameters()``
    (``"0.weight"``) and the tensor to fill in place (already under
    ``torch.no_grad()``). Biases are the parameters whose name ends in
    ``bias``; normalization scales go to :meth:`init_scale`; every other
    parameter goes to :meth:`init_weight`. The label shown for an instance is
    its class name.

    Examples
    --------
    >>> class MyInit(lazyviz.Initializer):
    ...     def init_weight(self, name, tensor):
    ...         print("Init", name, tuple(tensor.shape))
    ...         tensor.uniform_(5, 10)
    ...     def init_bias(self, name, tensor):
    ...         tensor.fill_(2)
    """

    def init_weight(self, name: str, tensor: torch.Tensor) -> None:
        """Fill a weight (any parameter that is neither a bias nor a normalization scale)."""
        raise NotImplementedError(
            f"{type(self).__name__} must override init_weight(name, tensor) to fill {name!r}"
        )

    def init_bias(self, name: str, tensor: torch.Tensor) -> None:
        """Fill a bias; zeros unless overridden."""
        tensor.zero_()

    def init_scale(self, name: str, tensor: torch.Tensor) -> None:
        """Fill a normalization scale (``BatchNorm.weight``...); ones unless overridden."""
        tensor.fill_(1.0)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


_FUNCTIONS: dict[str, Callable[..., Any]] = {name: getattr(nn.init, name + "_") for name in _LAWS}

REGISTRY_NAMES: tuple[str, ...] = ("default", *_LAWS)
"""Every name ``inits`` accepts, ``"default"`` first."""


# ------------------------------------------------------------- what gets what


@dataclass
class Init:
    """One resolved initializer with its label.

    ``kind`` is ``"registry"`` (``name`` and ``kwargs`` set), ``"callable"``
    (``fn`` set) or ``"initializer"`` (``initializer`` set).
    """

    label: str
    kind: str
    name: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    fn: Callable[..., Any] | None = None
    initializer: Initializer | None = None

    @property
    def is_default(self) -> bool:
        return self.kind == "registry" and self.name == "default"

    # ---------------------------------------------------------------- filling
    def fill(
        self,
        module: nn.Module,
        name: str,
        qualname: str,
        tensor: torch.Tensor,
        *,
        role: str | None = None,
    ) -> bool:
        """Fill ``module.<name>`` (``tensor``) in place; False if it was left as it is.

        ``"default"`` is not filled here (it is the module's own
        ``reset_parameters``, see :func:`reset_defaults`). ``role`` (``"weight"``,
        ``"bias"``, ``"scale"`` or ``"other"``) is the parameter's part in the
        Gluon rule when another framework decides it (a Keras ``gamma``);
        by default :func:`~lazyviz.torch.laws.param_role` tells.
        """
        role = role or param_role(module, name, tensor.dim())
        with torch.no_grad():
            if self.initializer is not None:
                if role == "bias":
                    self.initializer.init_bias(qualname, tensor)
                elif role == "scale":
                    self.initializer.init_scale(qualname, tensor)
                else:
                    self.initializer.init_weight(qualname, tensor)
                return True
            if self.is_default:
                return False
            if role == "bias":
                tensor.zero_()
            elif role == "scale":
                tensor.fill_(1.0)
            elif role == "weight":
                fn = self.fn if self.fn is not None else _FUNCTIONS[self.name]
                fn(tensor, **self.kwargs)
            else:
                return False
        return True

    def applied_label(self, module: nn.Module, name: str, ndim: int) -> str:
        """What :meth:`fill` actually put in ``module.<name>``, as a learner should read it.

        A plain init fills biases with zeros and normalization scales with ones
        (the Gluon rule), so those say ``zeros`` / ``ones``, not the init's label.
        """
        if self.initializer is not None:
            return self.label
        role = param_role(module, name, ndim)
        if self.is_default or role == "other":
            return "default"
        return {"bias": "zeros", "scale": "ones"}.get(role, self.label)

    # ---------------------------------------------------------------- the law
    def law(
        self,
        module: nn.Module,
        name: str,
        shape: Sequence[int],
        parent: Any = None,
        *,
        role: str | None = None,
    ) -> Law | None:
        """The :class:`Law` of ``module.<name>`` with this init, or None (no closed form).

        ``parent`` is the module that owns ``module`` (it matters for PyTorch's
        default of ``MultiheadAttention.out_proj.bias``); ``role`` as for :meth:`fill`.
        """
        role = role or param_role(module, name, len(shape))
        if self.initializer is not None:
            base = Initializer
            if role == "bias" and type(self.initializer).init_bias is base.init_bias:
                return _POINT_ZERO
            if role == "scale" and type(self.initializer).init_scale is base.init_scale:
                return _POINT_ONE
            return None
        if self.is_default or role == "other":
            return default_law(module, name, shape, parent)
        if role == "bias":
            return _POINT_ZERO
        if role == "scale":
            return _POINT_ONE
        if self.kind == "registry":
            return _LAWS[self.name](shape, self.kwargs)
        return None


# ---------------------------------------------------------------- parsing
def parse_init(text: str) -> Init:
    """``"normal(std=0.01)"`` -> an :class:`Init`; literals only, nothing is evaluated.

    Raises
    ------
    ValueError
        An unknown name (the message lists the valid ones), an argument the
        function does not take, a value that is not a literal, or
        ``"constant"`` without ``val``.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"cannot read init {text!r}: {exc.msg}. {_valid()}") from None
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    if isinstance(tree, ast.Name):
        name = tree.id
    elif isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
        name = tree.func.id
        args = [_literal(a, text) for a in tree.args]
        for kw in tree.keywords:
            if kw.arg is None:
                raise ValueError(f"init {text!r}: ** arguments are not accepted")
            kwargs[kw.arg] = _literal(kw.value, text)
    else:
        raise ValueError(
            f"cannot read init {text!r}: expected a name or name(key=value). {_valid()}"
        )
    given, name = name, name.removesuffix("_")
    if name not in REGISTRY_NAMES:
        raise ValueError(f"unknown init {given!r}. {_valid()}")
    if name == "default":
        if args or kwargs:
            raise ValueError("init 'default' takes no arguments (it is PyTorch's own init)")
        return Init(label=text, kind="registry", name="default")
    bound = _bind(name, args, kwargs, text)
    _check_values(name, bound, text)
    return Init(label=text, kind="registry", name=name, kwargs=bound)


def _literal(node: ast.AST, text: str) -> Any:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        raise ValueError(
            f"init {text!r}: arguments must be literals (numbers, strings), "
            f"got {ast.unparse(node)!r}"
        ) from None
    if not isinstance(value, (int, float, str, bool)) or value is None:
        raise ValueError(f"init {text!r}: argument {value!r} is not a number or a string")
    return value


def _bind(name: str, args: list[Any], kwargs: dict[str, Any], text: str) -> dict[str, Any]:
    params = [
        p
        for p in list(inspect.signature(_FUNCTIONS[name]).parameters.values())[1:]
        if p.name != "generator"
    ]
    names = [p.name for p in params]
    if len(args) > len(names):
        raise ValueError(f"init {text!r}: {name} takes at most {len(names)} arguments ({names})")
    bound = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key not in names:
            raise ValueError(f"init {text!r}: {name} has no argument {key!r}; it takes {names}")
        if key in bound:
            raise ValueError(f"init {text!r}: {key!r} given twice")
        bound[key] = value
    missing = [
        p.name for p in params if p.default is inspect.Parameter.empty and p.name not in bound
    ]
    if missing:
        raise ValueError(f"init {text!r}: {name} needs {', '.join(missing)} (e.g. {name}(val=0.5))")
    return bound


def _check_values(name: str, kw: dict[str, Any], text: str) -> None:
    for key, value in kw.items():
        if key in ("mode", "nonlinearity"):
            if not isinstance(value, str):
                raise ValueError(f"init {text!r}: {key} must be a string")
        elif isinstance(value, (str, bool)):
            raise ValueError(f"init {text!r}: {key} must be a number, got {value!r}")
    if "mode" in kw and kw["mode"] not in ("fan_in", "fan_out"):
        raise ValueError(f"init {text!r}: mode must be 'fan_in' or 'fan_out'")
    if "nonlinearity" in kw:
        nn.init.calculate_gain(kw["nonlinearity"], kw.get("a", 0))  # raises ValueError
    if name in ("normal", "trunc_normal", "xavier_normal") and kw.get("std", 1.0) < 0:
        raise ValueError(f"init {text!r}: std must not be negative")
    if name in ("uniform", "trunc_normal") and kw.get("a", 0.0) > kw.get("b", 1.0):
        raise ValueError(f"init {text!r}: a must not exceed b")


def _valid() -> str:
    return "Valid names: " + ", ".join(REGISTRY_NAMES) + " (or a callable, or an Initializer)."


# ---------------------------------------------------------------- resolving
InitLike = Any  # str | Callable | Initializer


def resolve_init(init: InitLike, label: str | None = None) -> Init:
    """Any accepted form of one init -> :class:`Init` (labelled ``label`` if given)."""
    if isinstance(init, Init):
        resolved = init
    elif isinstance(init, str):
        resolved = parse_init(init)
    elif isinstance(init, Initializer):
        resolved = Init(label=type(init).__name__, kind="initializer", initializer=init)
    elif isinstance(init, type) and issubclass(init, Initializer):
        raise ValueError(
            f"pass an instance of {init.__name__} ({init.__name__}()), not the class itself"
        )
    elif callable(init):
        name = getattr(init, "__name__", None) or type(init).__name__
        resolved = Init(label=name.removesuffix("_"), kind="callable", fn=init)
        for known, fn in _FUNCTIONS.items():
            if init is fn:  # torch.nn.init.xavier_uniform_ itself: its law is known
                resolved = Init(label=resolved.label, kind="registry", name=known)
    else:
        raise ValueError(
            f"an init must be a registry name, a callable or a lazyviz.Initializer, "
            f"got {type(init).__name__}. {_valid()}"
        )
    if label is not None:
        resolved = Init(**{**resolved.__dict__, "label": str(label)})
    return resolved


def resolve_inits(inits: Any) -> list[Init]:
    """A name, callable, Initializer, sequence of those or ``{label: init}`` dict -> inits."""
    if isinstance(inits, Mapping):
        items = [resolve_init(v, label=k) for k, v in inits.items()]
    elif isinstance(inits, (str, Initializer)) or callable(inits):
        items = [resolve_init(inits)]
    elif isinstance(inits, Sequence):
        items = [resolve_init(v) for v in inits]
    else:
        raise ValueError(f"inits must be a name, a list or a dict, got {type(inits).__name__}")
    if not items:
        raise ValueError(f"inits is empty. {_valid()}")
    labels = [i.label for i in items]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise ValueError(f"two inits share the label {dupes[0]!r}; use a {{label: init}} dict")
    return items
