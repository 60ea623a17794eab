"""The graph of a Keras model before any batch: one node per layer, shapes as far as known.

Each layer node also carries what the front end says about it in Keras' terms
(the front end knows no framework): its colour family and, for an unbuilt
layer, the size its ``build`` reads off the input and from which dimension.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import torch

from lazyviz.keras import KerasLayer
from lazyviz.record.graph import Node, Param, Trace
from lazyviz.torch.structure import Families, dtype_name, input_node

__all__ = [
    "KerasLayers",
    "build_keras_structure",
    "initializer_words",
    "layer_at",
    "layer_family",
    "layer_initializer",
    "own_variables",
    "shape_before",
]


def children(layer: Any) -> list[Any]:
    """The direct sublayers of ``layer`` that are nodes (``InputLayer`` is not: the input is)."""
    flatten = getattr(layer, "_flatten_layers", None)
    kids = list(flatten(include_self=False, recursive=False)) if flatten else []
    return [k for k in kids if type(k).__name__ != "InputLayer"]


def own_variables(layer: Any) -> list[Any]:
    """The layer's own trainable variables (its sublayers' excluded): the record's params."""
    own = getattr(layer, "_trainable_variables", None)
    if own is None:  # not a Keras 3 layer as known here
        return []
    return list(own)


class KerasLayers:
    """The layers of a model in depth-first order, with their node ids and paths."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.layers: list[Any] = []
        self.paths: dict[int, str] = {}
        self.parents: dict[int, str | None] = {}
        self.ids: dict[int, str] = {}
        self.leaf: dict[int, bool] = {}
        self._by_path: dict[str, KerasLayer] = {}
        self._walk(model, "", None)

    def _walk(self, layer: Any, path: str, parent: str | None) -> None:
        if id(layer) in self.ids:  # a layer reused inside the model: one node
            return
        self.ids[id(layer)] = f"n{len(self.layers)}"
        self.layers.append(layer)
        self.paths[id(layer)] = path
        self._by_path.setdefault(path, layer)
        self.parents[id(layer)] = parent
        kids = children(layer)
        self.leaf[id(layer)] = not kids
        for kid in kids:
            self._walk(kid, f"{path}/{kid.name}" if path else kid.name, path)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.layers)

    def at(self, path: str) -> KerasLayer | None:
        """The layer whose node path is ``path`` (``""``: the model), or None."""
        return self._by_path.get(path)


def layer_at(model: Any, path: str) -> tuple[KerasLayer, KerasLayer | None] | None:
    """The layer at ``path`` (as the record names it, ``"block/dense_1"``) and its parent.

    The parent is None for the model itself; None if no layer has that path.
    """
    layers = KerasLayers(model)
    layer = layers.at(path)
    if layer is None:
        return None
    parent = layers.parents[id(layer)]
    return layer, (None if parent is None else layers.at(parent))


def build_keras_structure(
    model: Any,
    *,
    inputs: list[tuple[str, torch.Tensor]] | None = None,
    with_edges: bool = True,
    layers: KerasLayers | None = None,
) -> Trace:
    """A Trace with every layer (containers too) as a node and no events."""
    layers = layers or KerasLayers(model)
    result = Trace(model=type(model).__name__, framework="Keras")
    for i, (where, tensor) in enumerate(inputs or []):
        result.inputs.append({"shape": list(tensor.shape), "dtype": dtype_name(tensor.dtype)})
        result.nodes[f"in{i}"] = input_node(i, where, tensor)
    for layer in layers:
        node = Node(
            id=layers.ids[id(layer)],
            path=layers.paths[id(layer)],
            type=type(layer).__name__,
            kind="module",
            parent=layers.parents[id(layer)],
            family=layer_family(layer),
        )
        node.params = layer_params(layer)
        node.lazy = not getattr(layer, "built", True) and any(
            p.shape_before is None or None in p.shape_before for p in node.params
        )
        if node.lazy:
            node.infers = infers(layer)
        result.nodes[node.id] = node
    if with_edges:
        result.edges.extend(static_edges(layers))
    return result


def layer_params(layer: Any) -> list[Param]:
    """The layer's params now: its variables once built, else what its configuration says."""
    variables = own_variables(layer)
    if variables or getattr(layer, "built", False):
        return [
            Param(
                name=v.name,
                shape_before=[int(d) for d in v.shape],
                shape=[int(d) for d in v.shape],
                numel=_numel(v.shape),
            )
            for v in variables
        ]
    return [Param(name=name, shape_before=shape) for name, shape in shape_before(layer)]


def _numel(shape: Any) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _tuple(value: Any, rank: int) -> list[int]:
    if isinstance(value, int):
        return [value] * rank
    return [int(v) for v in value]


def shape_before(layer: Any) -> list[tuple[str, list[int | None] | None]]:
    """What an unbuilt layer's configuration says its trainable weights will be.

    ``Dense(256)``: kernel ``[None, 256]``, bias ``[256]`` (Keras' kernels are
    (in, out), channels-last); ``Conv2D(6, 5)``: kernel ``[5, 5, None, 6]``;
    normalization gamma/beta ``[None]``. Unknown layer types: nothing (their
    weights appear at ``materialize`` with ``shape_before`` null).
    """
    kind = type(layer).__name__
    get = layer.__dict__.get
    use_bias = bool(get("use_bias", True))
    out: list[tuple[str, list[int | None] | None]] = []
    if kind == "Dense":
        out.append(("kernel", [None, int(layer.units)]))
        if use_bias:
            out.append(("bias", [int(layer.units)]))
    elif kind == "Embedding":
        out.append(("embeddings", [int(layer.input_dim), int(layer.output_dim)]))
    elif kind in ("Conv1D", "Conv2D", "Conv3D"):
        ks = _tuple(layer.kernel_size, int(kind[-2]))
        out.append(("kernel", [*ks, None, int(layer.filters)]))
        if use_bias:
            out.append(("bias", [int(layer.filters)]))
    elif kind in ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):
        ks = _tuple(layer.kernel_size, int(kind[-11]))
        out.append(("kernel", [*ks, int(layer.filters), None]))
        if use_bias:
            out.append(("bias", [int(layer.filters)]))
    elif kind in ("DepthwiseConv1D", "DepthwiseConv2D"):
        ks = _tuple(layer.kernel_size, int(kind[-2]))
        out.append(("kernel", [*ks, None, int(layer.depth_multiplier)]))
        if use_bias:
            out.append(("bias", [None]))
    elif kind in ("BatchNormalization", "LayerNormalization", "GroupNormalization"):
        axis = getattr(layer, "axis", -1)
        dims: list[int | None] = [None] * (len(axis) if isinstance(axis, (list, tuple)) else 1)
        if kind == "GroupNormalization":
            dims = [None]
        if getattr(layer, "scale", True):
            out.append(("gamma", list(dims)))
        if getattr(layer, "center", True):
            out.append(("beta", list(dims)))
    return out


# In this order; below keras' Layer a subclass of Dense is linear too.
_KERAS_FAMILIES = Families(
    [
        (r"Normalization", "norm"),
        (r"LSTM|GRU|RNN|Bidirectional", "recurrent"),
        (r"Conv", "conv"),
        (r"Attention", "attention"),
        (r"Embedding", "embedding"),
        (r"Dense", "linear"),
        (r"Pooling", "pool"),
        (r"Dropout", "dropout"),
        (r"^(Activation|ReLU|LeakyReLU|PReLU|ELU|Softmax)$", "activation"),
    ],
    stop="Layer",
)


def layer_family(layer: Any) -> str | None:
    """The record's ``family`` of a Keras layer (``"linear"`` for Dense, ...), or None."""
    return _KERAS_FAMILIES(type(layer))


def infers(layer: Any) -> dict[str, Any] | None:
    """What an unbuilt layer's ``build`` reads off its input: ``{"name", "dim"}``, or None.

    In Keras' own words: ``input_dim`` for a Dense kernel's first dimension
    (the input's last, as Dense's docs name it) and ``input_channel`` for a
    convolution's (the channels axis of its ``data_format``, as its ``build``
    names it).
    """
    bases = {k.__name__ for k in type(layer).__mro__}
    if "Dense" in bases:
        return {"name": "input_dim", "dim": -1}
    if bases & {"BaseConv", "BaseConvTranspose", "BaseDepthwiseConv", "BaseSeparableConv"}:
        first = getattr(layer, "data_format", None) == "channels_first"
        return {"name": "input_channel", "dim": 1 if first else -1}
    return None


def layer_initializer(layer: Any, name: str) -> tuple[str, Any] | None:
    """The attribute name and the Keras initializer ``build`` fills variable ``name`` with.

    Keras keeps no initializer on a variable once it is filled; the layer keeps
    the one it was given (or its default) as ``<name>_initializer``
    (``kernel_initializer``, ``gamma_initializer``, ``embeddings_initializer``),
    ``<x>_initializer`` for a ``<x>_kernel`` (``recurrent_kernel`` ->
    ``recurrent_initializer``), or ``depthwise_initializer`` for a depthwise
    convolution's ``kernel``. None if the layer has none of these.
    """
    attrs = [f"{name}_initializer", f"{name.removesuffix('_kernel')}_initializer"]
    if name == "kernel":
        attrs.append("depthwise_initializer")
    for attr in attrs:
        init = getattr(layer, attr, None)
        if init is not None and callable(init):
            return attr, init
    return None


def initializer_words(layer: Any, name: str) -> str | None:
    """How Keras filled the layer's variable ``name`` when ``build`` created it, in words.

    ``Keras kernel_initializer: GlorotUniform``: the layer's own initializer
    (:func:`layer_initializer`), the default or the one it was given; None if it has none.
    """
    found = layer_initializer(layer, name)
    if found is None:
        return None
    attr, init = found
    return f"Keras {attr}: {type(init).__name__}"


def static_edges(layers: KerasLayers) -> list[tuple[str, str]]:
    """Edges known without running: Sequential chains and functional models' graphs."""
    edges: list[tuple[str, str]] = []

    def add(src: Any, dst: Any) -> None:
        a, b = _end(src, last=True), _end(dst, last=False)
        if a is None or b is None or id(a) not in layers.ids or id(b) not in layers.ids:
            return
        edge = (layers.ids[id(a)], layers.ids[id(b)])
        if edge not in edges:
            edges.append(edge)

    for layer in layers:
        kind = type(layer).__name__
        if kind == "Sequential":
            for a, b in itertools.pairwise(children(layer)):
                add(a, b)
        elif hasattr(layer, "operations") and hasattr(layer, "_operations"):
            members = {id(op) for op in layer.operations}
            for op in layer.operations:
                for src in _graph_parents(op, members):
                    if type(src).__name__ != "InputLayer":
                        add(src, op)
    return edges


def _graph_parents(op: Any, members: set[int]) -> list[Any]:
    for node in getattr(op, "_inbound_nodes", []):
        sources = [t._keras_history.operation for t in node.input_tensors]
        if all(id(s) in members for s in sources):
            return sources
    return []


def _end(layer: Any, *, last: bool) -> Any:
    kids = children(layer)
    if not kids:
        return layer
    if type(layer).__name__ == "Sequential":
        return _end(kids[-1] if last else kids[0], last=last)
    if hasattr(layer, "_operations"):  # functional: its single output / input layer's consumer
        ops = [o for o in layer.operations if type(o).__name__ != "InputLayer"]
        if ops:
            return _end(ops[-1] if last else ops[0], last=last)
    return None
