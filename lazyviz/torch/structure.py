"""The graph a model has before any batch: one node per module, shapes as far as known.

Each module node also carries what the front end says about it in PyTorch's
terms (the front end knows no framework): its colour family and, for a lazy
layer, which attribute it reads off its first input and from which dimension.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import torch
from torch import nn

from lazyviz.record.graph import Node, Param, Trace
from lazyviz.record.names import qualname
from lazyviz.torch.shapes import is_uninitialized, known_shape, param_shape_now


def build_structure(
    model: nn.Module,
    *,
    inputs: list[tuple[str, torch.Tensor]] | None = None,
    with_edges: bool = True,
) -> Trace:
    """A Trace with every module (containers too) as a node and no events.

    ``inputs`` (from :func:`lazyviz.torch.flatten.labelled_inputs`) adds the input
    nodes first, so nodes list in data order. ``with_edges`` adds the edges
    known without running: the chains of ``nn.Sequential`` containers.
    """
    result = Trace(model=type(model).__name__, framework="PyTorch")
    for i, (where, tensor) in enumerate(inputs or []):
        result.inputs.append({"shape": list(tensor.shape), "dtype": dtype_name(tensor.dtype)})
        result.nodes[f"in{i}"] = input_node(i, where, tensor)
    node_ids = module_nodes(model, result)
    if with_edges:
        result.edges.extend(sequential_edges(model, node_ids))
    return result


def input_node(i: int, where: str, tensor: torch.Tensor) -> Node:
    return Node(
        id=f"in{i}",
        path=f"in{i}",
        type="input",
        kind="input",
        parent=None,
        output_shapes=[list(tensor.shape)],
        calls=1,
        label=None if where == f"args[{i}]" else where,
    )


def output_node(i: int, tensor: torch.Tensor) -> tuple[dict[str, Any], Node]:
    """The record's ``outputs[i]`` entry and the output node for one output tensor."""
    info = {"shape": list(tensor.shape), "dtype": dtype_name(tensor.dtype)}
    node = Node(
        id=f"out{i}",
        path=f"out{i}",
        type="output",
        kind="output",
        parent=None,
        input_shapes=[list(tensor.shape)],
        calls=1,
    )
    return info, node


def module_nodes(model: nn.Module, result: Trace) -> dict[int, str]:
    """Add a node per module to ``result``, numbered ``n<k>`` in ``named_modules()`` order;
    returns each module's node id by ``id(module)``."""
    named = list(model.named_modules())
    owners = param_owners(model, named)
    node_ids: dict[int, str] = {}
    for index, (path, module) in enumerate(named):
        node = Node(
            id=f"n{index}",
            path=path,
            type=type(module).__name__,
            kind="module",
            parent=None if module is model else path.rpartition(".")[0],
            family=module_family(module),
        )
        for name, param in module._parameters.items():
            if param is None:  # e.g. Linear(bias=False): no such parameter
                continue
            node.params.append(make_param(module, path, name, param, owners))
            node.lazy = node.lazy or is_uninitialized(param)
        if node.lazy:
            node.infers = infers(module)
        result.nodes[node.id] = node
        node_ids[id(module)] = node.id
    return node_ids


class Families:
    """Colour families by class name: the first of ``rules`` (``(regex, family)``) that
    matches the class's name, else its base classes' names below the one named ``stop``
    (a ``class Head(nn.Linear)`` is linear). Remembered per class: a big model has few."""

    def __init__(self, rules: Iterable[tuple[str, str]], stop: str) -> None:
        self.rules = [(re.compile(pattern), family) for pattern, family in rules]
        self.stop = stop
        self._seen: weakref.WeakKeyDictionary[type, str | None] = weakref.WeakKeyDictionary()

    def __call__(self, cls: type) -> str | None:
        if cls not in self._seen:
            self._seen[cls] = self._find(cls)
        return self._seen[cls]

    def _find(self, cls: type) -> str | None:
        for klass in cls.__mro__:
            if klass.__name__ == self.stop:
                break
            for pattern, family in self.rules:
                if pattern.search(klass.__name__):
                    return family
        return None


# In this order: torch.nn names its layers this way, and most user layers follow it
# (`ConvBlock`); activations match in any case (`Softshrink`).
_TORCH_FAMILIES = Families(
    [
        (r"Norm", "norm"),
        (r"Conv", "conv"),
        (r"Attention|Transformer", "attention"),
        (r"Embedding", "embedding"),
        (r"^(RNN|LSTM|GRU)|RNNCell|LSTMCell|GRUCell", "recurrent"),
        (r"Linear|Bilinear", "linear"),
        (r"Pool", "pool"),
        (r"Dropout", "dropout"),
        (
            r"(?i:ReLU|GELU|SiLU|Sigmoid|Tanh|Softmax|Softmin|ELU|Mish|Hardswish|Hardtanh"
            r"|Hardsigmoid|Softplus|Softsign|GLU|Threshold|Swish|Tanhshrink|shrink)",
            "activation",
        ),
    ],
    stop="Module",
)


def module_family(module: nn.Module) -> str | None:
    """The record's ``family`` of a module (``"linear"``, ``"conv"``, ...), or None for others."""
    return _TORCH_FAMILIES(type(module))


def infers(module: nn.Module) -> dict[str, Any] | None:
    """What a lazy module reads off its first input: ``{"name", "dim"}``, or None.

    ``name`` is the attribute PyTorch sets (``in_features``), ``dim`` the
    dimension of the first input tensor it is read from (negative: from the
    end). A convolution's channels are the dimension before its spatial ones,
    batched or not; a normalization's are dimension 1, as ``_LazyNormBase`` reads.
    """
    if isinstance(module, nn.Linear):
        return {"name": "in_features", "dim": -1}
    if isinstance(module, nn.modules.conv._ConvNd):
        return {"name": "in_channels", "dim": -1 - len(module.kernel_size)}
    if isinstance(module, nn.modules.batchnorm._NormBase):
        return {"name": "num_features", "dim": 1}
    return None


def make_param(
    module: nn.Module, path: str, name: str, param: torch.Tensor, owners: dict[int, list[str]]
) -> Param:
    shape = param_shape_now(param)
    return Param(
        name=name,
        shape_before=known_shape(module, name, param),
        shape=shape,
        numel=None if shape is None else int(param.numel()),
        shared_with=shared_with(qualname(path, name), owners.get(id(param), [])),
    )


def param_owners(
    model: nn.Module, named: list[tuple[str, nn.Module]] | None = None
) -> dict[int, list[str]]:
    """Qualified names of each parameter object, one per owning module object.

    ``named``: ``list(model.named_modules())`` when the caller has it already.
    """
    owners: dict[int, list[str]] = defaultdict(list)
    for path, module in model.named_modules() if named is None else named:
        for name, param in module._parameters.items():
            if param is not None:
                owners[id(param)].append(qualname(path, name))
    return owners


def shared_with(name: str, names: list[str]) -> str | None:
    """The first other qualified name of the same parameter object, if it is tied."""
    return next((other for other in names if other != name), None)


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def sequential_edges(model: nn.Module, node_ids: Mapping[int, str]) -> list[tuple[str, str]]:
    """Edges known without running: consecutive children of every ``nn.Sequential``.

    ``node_ids`` maps ``id(module)`` to its node id (as :func:`module_nodes` returns it).
    """
    edges: list[tuple[str, str]] = []
    for module in model.modules():
        if not isinstance(module, nn.Sequential):
            continue
        children = list(module.children())
        for a, b in itertools.pairwise(children):
            src, dst = _end(a, last=True), _end(b, last=False)
            if src is None or dst is None or id(src) not in node_ids or id(dst) not in node_ids:
                continue
            edge = (node_ids[id(src)], node_ids[id(dst)])
            if edge not in edges:
                edges.append(edge)
    return edges


def _end(module: nn.Module, *, last: bool) -> nn.Module | None:
    """The leaf module data leaves (``last``) or enters a module through, when knowable."""
    children = list(module.children())
    if not children:
        return module
    if isinstance(module, nn.Sequential):
        return _end(children[-1] if last else children[0], last=last)
    return None
