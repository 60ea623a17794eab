"""Gluon-style deferred initialization for PyTorch: :func:`defer_init`.

``net.initialize(init=MyInit())`` in Gluon waits for the first forward to
know the shapes, then initializes every parameter once. PyTorch's lazy
modules materialize with their own ``reset_parameters``; :func:`defer_init`
adds the waiting initializer through forward hooks on the user's model:

- a forward *pre*-hook on every module, registered after the lazy module's
  own (which materializes the parameters), so the init is applied before the
  module computes with its new weights;
- a forward hook on every module, for custom layers that create an
  ``nn.Parameter`` inside ``forward`` (the init is applied as the call ends);
- on the root, a forward hook that looks at every module once more, for a
  parameter assigned to a module from outside its own call.

Which parameters are done is kept on each module (``_lazyviz_deferred``), so a
private copy of the model (``lazyviz.trace``) carries it along and applies the
pending inits in the copy, where the trace records them as ``init`` events.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import torch
from torch import nn
from torch.utils.hooks import RemovableHandle

from lazyviz.inits.registry import Init, resolve_init
from lazyviz.record.names import qualname
from lazyviz.torch.shapes import is_uninitialized
from lazyviz.torch.trace import eager_module, record_init

__all__ = ["DeferHandle", "defer_init"]

_MARK = "_lazyviz_deferred"
_HOOK_MARK = "__lazyviz_defer__"  # set on defer_init's hook functions, so a copy can drop them


@dataclass
class _ModuleMark:
    """Kept on each module: its qualified name and its parameters already initialized."""

    prefix: str
    is_root: bool
    done: set[str] = field(default_factory=set)


@dataclass
class _Deferral:
    """What the hooks of one :func:`defer_init` call apply; ``active`` turns them off."""

    init: Init
    active: bool = True


class DeferHandle:
    """Returned by :func:`defer_init`; ``remove()`` undoes the deferral.

    After ``remove()`` the parameters that are still lazy materialize with
    PyTorch's own initialization, as if ``defer_init`` had never been called.
    Parameters it already initialized keep their values.
    """

    def __init__(self, model: nn.Module, deferral: _Deferral, hooks: list[RemovableHandle]):
        self._model = model
        self._deferral = deferral
        self._hooks = hooks

    @property
    def label(self) -> str:
        """The label of the deferred init (as shown in ``init`` events)."""
        return self._deferral.init.label

    @property
    def active(self) -> bool:
        """True until ``remove()`` (or a later ``defer_init`` on the same model replaced it)."""
        return self._deferral.active and _ACTIVE.get(self._model) is self

    @property
    def pending(self) -> list[str]:
        """Qualified names of the parameters still waiting for their first forward."""
        return [n for n, p in self._model.named_parameters() if is_uninitialized(p)]

    def remove(self) -> None:
        """Remove every hook; lazy parameters keep PyTorch's own initialization."""
        self._deferral.active = False
        for hook in self._hooks:
            hook.remove()
        self._hooks.clear()
        if _ACTIVE.get(self._model) is self:
            del _ACTIVE[self._model]

    def __repr__(self) -> str:
        state = "active" if self.active else "removed"
        return f"<lazyviz.DeferHandle {self.label!r} {state}, {len(self.pending)} pending>"


_ACTIVE: WeakKeyDictionary[nn.Module, DeferHandle] = WeakKeyDictionary()


def defer_init(model: nn.Module, init: Any, force: bool = False) -> DeferHandle:
    """Initialize every parameter of ``model`` with ``init``, each lazy one at its first forward.

    Parameters
    ----------
    model : torch.nn.Module
        The model. Hooks are added to its modules (removed by the handle).
    init : str, callable, Initializer or one-entry ``{label: init}`` dict
        A registry name (``"xavier_uniform"``, ``"normal(std=0.01)"``...), a
        function that fills a tensor in place like ``torch.nn.init.*_``, or a
        :class:`lazyviz.Initializer`. A plain init fills parameters of two or
        more dimensions; biases get zeros and normalization scales ones. An
        Initializer's ``init_weight``/``init_bias`` receive the qualified name
        (``"0.weight"``).
    force : bool
        Re-initialize every known parameter now, including those a previous
        call already initialized (Gluon's ``force_reinit``).

    Returns
    -------
    DeferHandle
        ``remove()`` takes the hooks away.

    Warns
    -----
    UserWarning
        Parameters a previous call already initialized are skipped unless
        ``force=True``.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"defer_init expects a torch.nn.Module, got {type(model).__name__}")
    model = eager_module(model)[0]  # a compiled model's parameters live in its eager module
    spec = _one_init(init)
    previous = _ACTIVE.get(model)
    if previous is not None:
        previous.remove()  # the new init replaces the pending one, as in Gluon
    deferral = _Deferral(spec)
    marks = _mark_modules(model)
    skipped = _initialize_known(model, marks, spec, force)
    if skipped:
        shown = ", ".join(repr(n) for n in skipped[:5]) + (" ..." if len(skipped) > 5 else "")
        warnings.warn(
            f"defer_init: {len(skipped)} parameter(s) already initialized, ignoring: {shown}. "
            "Set force=True to re-initialize.",
            UserWarning,
            stacklevel=2,
        )
    hooks = _attach(model, deferral)
    handle = DeferHandle(model, deferral, hooks)
    _ACTIVE[model] = handle
    return handle


def _one_init(init: Any) -> Init:
    if isinstance(init, dict):
        if len(init) != 1:
            raise ValueError("defer_init takes one init; a dict may only relabel it: {label: init}")
        ((label, value),) = init.items()
        return resolve_init(value, label=label)
    return resolve_init(init)


def _mark_modules(model: nn.Module) -> dict[int, _ModuleMark]:
    marks: dict[int, _ModuleMark] = {}
    for prefix, module in model.named_modules():
        mark = module.__dict__.get(_MARK)
        if not isinstance(mark, _ModuleMark):
            mark = _ModuleMark(prefix=prefix, is_root=module is model)
            module.__dict__[_MARK] = mark
        else:
            mark.prefix, mark.is_root = prefix, module is model
        marks[id(module)] = mark
    return marks


def _initialize_known(
    model: nn.Module, marks: dict[int, _ModuleMark], spec: Init, force: bool
) -> list[str]:
    skipped: list[str] = []
    for module in model.modules():
        mark = marks[id(module)]
        for name, param in list(module._parameters.items()):
            if param is None or is_uninitialized(param):
                continue
            if name in mark.done and not force:
                skipped.append(qualname(mark.prefix, name))
                continue
            _apply(module, mark, name, param, spec)
    return skipped


def _attach(model: nn.Module, deferral: _Deferral) -> list[RemovableHandle]:
    def before(module: nn.Module, args: Any) -> None:
        if deferral.active:
            _apply_new(module, deferral.init)

    def after(module: nn.Module, args: Any, output: Any) -> None:
        if not deferral.active:
            return
        mark = module.__dict__.get(_MARK)
        if isinstance(mark, _ModuleMark) and mark.is_root:
            for sub in module.modules():
                _apply_new(sub, deferral.init)
        else:
            _apply_new(module, deferral.init)

    setattr(before, _HOOK_MARK, True)
    setattr(after, _HOOK_MARK, True)
    hooks = []
    for module in model.modules():
        hooks.append(module.register_forward_pre_hook(before))
        hooks.append(module.register_forward_hook(after))
    return hooks


def _apply_new(module: nn.Module, spec: Init) -> None:
    """Initialize the parameters of ``module`` that became known and are not done yet."""
    mark = module.__dict__.get(_MARK)
    if not isinstance(mark, _ModuleMark):  # a module added after defer_init
        mark = _ModuleMark(prefix="", is_root=False)
        module.__dict__[_MARK] = mark
    for name, param in list(module._parameters.items()):
        if param is None or is_uninitialized(param) or name in mark.done:
            continue
        _apply(module, mark, name, param, spec)


def _apply(
    module: nn.Module, mark: _ModuleMark, name: str, param: torch.Tensor, spec: Init
) -> None:
    filled = spec.fill(module, name, qualname(mark.prefix, name), param)
    mark.done.add(name)
    # A plain init leaves 1-D parameters that are neither biases nor scales as PyTorch made them.
    # The event carries the init's label (its "init", docs/trace-schema.md) and, where the Gluon
    # rule filled something else (zeros for a bias), what the parameter really got.
    got = spec.applied_label(module, name, param.dim()) if filled else "default"
    record_init(module, name, spec.label, fill=got)


def strip_defer_hooks(model: nn.Module) -> None:
    """Remove :func:`defer_init` hooks from a (private copy of a) model."""
    for module in model.modules():
        for hooks in (module._forward_pre_hooks, module._forward_hooks):
            for key in [k for k, h in hooks.items() if getattr(h, _HOOK_MARK, False)]:
                del hooks[key]
