"""How each framework's parameters are described and drawn again, for :mod:`lazyviz.inits.compare`.

A drawer knows, for the parameters of one private copy (its :class:`Entry` list),
their fans in the framework's own layout, the law an init draws each from, and
how to fill them all with an init:

- :class:`TorchDraw`: PyTorch. ``"default"`` is each module's own
  ``reset_parameters``, run module by module, children first, as construction does.
- :class:`KerasDraw`: Keras 3 (torch backend). ``"default"`` is each layer's own
  configured initializer; every other init fills the weight in PyTorch's layout
  (:mod:`lazyviz.keras.inits`), so its fans are the ones Keras computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from lazyviz.inits.registry import Init
from lazyviz.keras.inits import (
    default_law,
    default_values,
    draw_in_torch_layout,
    keras_fans,
    torch_layout,
    variable_role,
)
from lazyviz.keras.structure import layer_initializer
from lazyviz.record.graph import Node
from lazyviz.record.names import qualname
from lazyviz.torch.laws import Law, fans, has_reset, is_norm, param_role
from lazyviz.torch.shapes import is_uninitialized

__all__ = ["Entry", "KerasDraw", "TorchDraw", "torch_entries"]


@dataclass
class Entry:
    """One parameter of the private copy, in graph order (a Keras layer's variable likewise)."""

    node: Node
    module: Any  # an nn.Module, or a Keras layer
    parent: Any
    name: str
    param: torch.Tensor

    @property
    def qualname(self) -> str:
        return qualname(self.node.path, self.name)


# ----------------------------------------------------------------- PyTorch
def torch_entries(model: nn.Module, nodes: Sequence[Node]) -> list[Entry]:
    """Every floating-point parameter once (tied ones under their first owner), in graph order.

    ``nodes`` are a record of ``model``: each module node is paired with the
    module at its path (the qualified name ``named_modules()`` gives), not by
    position, so a module the run created (whose node comes last) finds its own.
    """
    modules = dict(model.named_modules())
    parents: dict[int, nn.Module] = {}
    for module in model.modules():
        for child in module.children():
            parents.setdefault(id(child), module)
    seen: set[int] = set()
    out = []
    for node in nodes:
        if node.kind != "module":
            continue
        module = modules[node.path]
        for name, param in module._parameters.items():
            if param is None or id(param) in seen or is_uninitialized(param):
                continue  # a layer the batch never reached has nothing drawn yet
            if not param.is_floating_point():
                continue
            seen.add(id(param))
            out.append(Entry(node, module, parents.get(id(module)), name, param))
    return out


class TorchDraw:
    """Draws the parameters of a PyTorch copy (``model``) with an init."""

    def __init__(self, model: nn.Module, entries: list[Entry]) -> None:
        self.model = model
        self.entries = entries
        # Parameters of modules with no ``reset_parameters``: what they are is their default.
        self.keep = {
            id(e.param): e.param.detach().clone()
            for e in entries
            if not has_reset(e.module) and not is_norm(e.module)
        }

    def fans(self, entry: Entry) -> tuple[int | None, int | None]:
        return fans(list(entry.param.shape))

    def law(self, spec: Init, entry: Entry) -> Law | None:
        return spec.law(entry.module, entry.name, list(entry.param.shape), entry.parent)

    def fill(self, spec: Init) -> None:
        """Re-draw every parameter with ``spec``, module by module, children first."""
        by_module: dict[int, list[Entry]] = {}
        for entry in self.entries:
            by_module.setdefault(id(entry.module), []).append(entry)
        for module in reversed(list(self.model.modules())):
            self._draw(module, by_module.get(id(module), []), spec)

    def _draw(self, module: nn.Module, own: list[Entry], spec: Init) -> None:
        """Fill one module's own parameters with ``spec`` (PyTorch's reset first where needed)."""
        plain_keeps = spec.initializer is None and any(
            param_role(module, e.name, e.param.dim()) == "other" for e in own
        )
        if spec.is_default or plain_keeps:
            self._reset_default(module, own)
        if not spec.is_default:
            for e in own:
                spec.fill(module, e.name, e.qualname, e.param)

    def _reset_default(self, module: nn.Module, own: list[Entry]) -> None:
        with torch.no_grad():
            if is_norm(module):  # reset_parameters would also reset the running statistics
                for e in own:
                    e.param.fill_(1.0) if e.name == "weight" else e.param.zero_()
                return
            reset = getattr(module, "reset_parameters", None)
            if isinstance(module, nn.MultiheadAttention):
                reset = module._reset_parameters
            if callable(reset):
                reset()
            for e in own:
                if id(e.param) in self.keep:
                    e.param.copy_(self.keep[id(e.param)])


# ----------------------------------------------------------------- Keras
class KerasDraw:
    """Draws the variables of Keras layers with an init (their ``param`` is the variable's
    torch Parameter). :meth:`values` leaves the variables as they are; :meth:`fill` writes."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        # Variables whose layer names no initializer: what they are is their default.
        self.keep = {
            id(e.param): e.param.detach().clone()
            for e in entries
            if layer_initializer(e.module, e.name) is None
        }

    def fans(self, entry: Entry) -> tuple[int | None, int | None]:
        return keras_fans(list(entry.param.shape))

    def law(self, spec: Init, entry: Entry) -> Law | None:
        shape = list(entry.param.shape)
        role = variable_role(entry.name, len(shape))
        if _keras_own(spec, role):
            return default_law(entry.module, entry.name, shape)
        return spec.law(entry.module, entry.name, torch_layout(shape), entry.parent, role=role)

    def values(self, spec: Init, entry: Entry) -> torch.Tensor:
        """What ``spec`` draws for the entry's variable, in Keras' layout (nothing written)."""
        param = entry.param
        role = variable_role(entry.name, param.dim())
        if _keras_own(spec, role):
            drawn = default_values(entry.module, entry.name, list(param.shape), param.dtype)
            if drawn is None:
                return self.keep.get(id(param), param.detach())
            return drawn

        def fill(tensor: torch.Tensor) -> None:
            spec.fill(entry.module, entry.name, entry.qualname, tensor, role=role)

        return draw_in_torch_layout(param, fill)

    def fill(self, spec: Init) -> None:
        """Re-draw every variable with ``spec``, in place."""
        with torch.no_grad():
            for entry in self.entries:
                entry.param.copy_(self.values(spec, entry))


def _keras_own(spec: Init, role: str) -> bool:
    """Whether the layer's own initializer fills it: ``"default"``, or a variable a plain
    init leaves alone (neither a weight, a bias nor a scale)."""
    return spec.is_default or (spec.initializer is None and role == "other")
