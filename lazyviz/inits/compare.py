"""Compare initializers on the user's own model: :func:`compare_inits` (schema ``lazyviz.inits/1``).

One private copy of the model is made and materialized by one run of the
batch; then, for each initializer in turn, every parameter of that copy is
re-drawn in place, binned (one parameter at a time) and the batch run again
to record each layer's activation statistics. With ``grads=True`` (the
default) that same run is made under grad mode and followed by one backward
pass of a stated loss, and each parameter's gradient is summarized. Memory is
the model once (twice with gradients) plus one parameter's worth of scratch,
whatever the number of initializers.

Everything happens under a forked RNG seeded with ``seed`` (re-seeded for
each initializer, so an initializer's result does not depend on which others
are compared), so the user's model and ``torch.get_rng_state()`` are left
exactly as they were.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from lazyviz.inits.defer import strip_defer_hooks
from lazyviz.inits.drawers import Entry, KerasDraw, TorchDraw, torch_entries
from lazyviz.inits.histograms import histogram, moments, summary
from lazyviz.inits.registry import resolve_inits
from lazyviz.keras import is_keras_model
from lazyviz.record.graph import Node, Trace
from lazyviz.torch.copying import private_copy
from lazyviz.torch.flatten import Args, Kwargs, iter_tensors
from lazyviz.torch.laws import Law
from lazyviz.torch.rng import private_random
from lazyviz.torch.shapes import is_uninitialized
from lazyviz.torch.trace import Session, _clone_inputs, eager_module

__all__ = [
    "DEFAULT_INITS",
    "compare_data",
    "histograms_by_node",
    "node_histograms",
]

SCHEMA = "lazyviz.inits/1"

SUM_OF_OUTPUTS = "sum of outputs"
"""The ``"loss"`` of a record made without ``loss_fn``: every floating output entry, summed."""

DEFAULT_INITS: tuple[str, ...] = ("default", "xavier_uniform", "kaiming_normal", "normal(std=0.01)")
"""What :func:`compare_inits` compares when ``inits`` is not given."""

MAX_NUMEL = 1 << 20
"""Above this many entries a parameter is binned from an evenly strided sample of about this size.

A million draws pin 80 bins and the std to well under a percent; binning all of
a 16M-entry weight would cost more than drawing it."""


Drawer = TorchDraw | KerasDraw


def compare_data(
    model: nn.Module,
    args: Args,
    kwargs: Mapping[str, Any] | None = None,
    *,
    inits: Any = DEFAULT_INITS,
    seed: int | None = 0,
    bins: int | None = None,
    max_numel: int = MAX_NUMEL,
    grads: bool = True,
    loss_fn: Callable[..., Any] | None = None,
    target: Any = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The ``lazyviz.inits/1`` record and ``{path: module type}``; see :func:`compare_inits`.

    A Keras 3 model (torch backend) gives the same record: its layers' paths and
    node ids as in its trace records, its weights in Keras' layouts with Keras'
    fans (:mod:`lazyviz.keras.inits`).
    """
    keras = is_keras_model(model)
    if not keras:
        model = eager_module(model)[0]  # TypeError for what cannot be traced
    specs = resolve_inits(inits)
    kwargs = dict(kwargs or {})
    if not args and not kwargs:
        raise ValueError(
            "compare_inits needs a batch to resolve the shapes: compare_inits(model, X)"
        )
    if max_numel < 1:
        raise ValueError(f"max_numel must be positive, got {max_numel}")
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    if target is not None and loss_fn is None:
        raise ValueError("target is passed to loss_fn: give loss_fn(output, target) too")
    if not grads and (loss_fn is not None or target is not None):
        raise ValueError("loss_fn and target are for the gradients: leave grads=True")
    loss = _Loss(loss_fn, target) if grads else None
    # Inside the caller's inference_mode, tensors made here could not be saved for backward.
    grad_ok = torch.inference_mode(False) if grads else contextlib.nullcontext()
    with grad_ok, _private_rng(keras=keras):
        torch.manual_seed(torch.seed() if seed is None else seed)
        base_seed = torch.initial_seed()
        session, trace, drawer = _prepared(model, args, kwargs, keras=keras)
        entries = drawer.entries
        params = [_param_record(e, drawer) for e in entries]
        activations: dict[str, list[dict[str, Any]]] = {}
        gradients: dict[str, list[dict[str, Any]]] = {}
        losses: dict[str, float | None] = {}
        grad_errors: dict[str, str] = {}
        in_order = _forward_order(entries, trace.events)
        for spec in specs:
            torch.manual_seed(base_seed)
            drawer.fill(spec)
            for entry, record in zip(entries, params, strict=True):
                law = drawer.law(spec, entry)
                record["per_init"][spec.label] = _histogram(entry.param, law, bins, max_numel)
            if loss is None:
                activations[spec.label] = _activations(session, args, kwargs)
                continue
            run = _activations_and_gradients(session, args, kwargs, in_order, loss)
            activations[spec.label], gradients[spec.label] = run.activations, run.gradients
            losses[spec.label] = run.loss
            if run.error is not None:
                grad_errors[spec.label] = run.error
    types = {n.path: n.type for n in trace.nodes.values() if n.kind in ("module", "op")}
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "inits": [s.label for s in specs],
        "params": params,
        "activations": activations,
    }
    if loss is not None:
        data["loss"] = loss.name
        data["losses"] = losses
        data["gradients"] = gradients
        if grad_errors:
            data["grad_errors"] = grad_errors
    return data, types


def _cuda_devices() -> list[int]:
    return list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []


@contextlib.contextmanager
def _private_rng(*, keras: bool) -> Iterator[None]:
    """torch's RNG forked; for Keras also Python's ``random`` (Keras draws its seeds there)."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(torch.random.fork_rng(devices=_cuda_devices()))
        if keras:
            from lazyviz.keras.session import keras_random

            stack.enter_context(keras_random())
        yield


# ----------------------------------------------------------------- the copy
def _prepared(model: Any, args: Args, kwargs: Kwargs, *, keras: bool) -> tuple[Any, Trace, Drawer]:
    """Our own full copy, materialized by one run of the batch, and how to draw its parameters.

    The copy runs "in place": its parameters are re-drawn between runs, so they
    share no storage with the user's model.
    """
    args, kwargs = _clone_inputs(args), _clone_inputs(kwargs)
    if keras:
        from lazyviz.keras.inits import built_copy, keras_weights

        keras_session, trace = built_copy(model, args, kwargs)
        _raise_failure(trace)
        found = keras_weights(keras_session.model)
        entries = [Entry(trace.nodes[n], lay, up, name, t) for n, lay, up, name, t in found]
        return keras_session, trace, KerasDraw(entries)
    mine = private_copy(model)
    strip_defer_hooks(mine)  # a deferred init would fire in the copy
    session = Session(mine, inplace=True)
    trace = session.run(args, kwargs)
    _raise_failure(trace)
    entries = torch_entries(session.model, list(trace.nodes.values()))
    return session, trace, TorchDraw(session.model, entries)


def _raise_failure(trace: Trace) -> None:
    if trace.error is not None:
        err = trace.error
        raise ValueError(
            f"compare_inits: the model failed on this batch in {err['path'] or '(root)'} "
            f"({err['type']}: {err['message']})"
        )


# ----------------------------------------------------------------- records
def _param_record(entry: Entry, drawer: Drawer) -> dict[str, Any]:
    shape = list(entry.param.shape)
    fan_in, fan_out = drawer.fans(entry)
    return {
        "node": entry.node.id,
        "path": entry.node.path,
        "param": entry.name,
        "shape": shape,
        "fan_in": fan_in,
        "fan_out": fan_out,
        "per_init": {},
    }


def _histogram(
    values: torch.Tensor, law: Law | None, bins: int | None, max_numel: int
) -> dict[str, Any]:
    """The histogram record of ``values`` drawn from ``law`` (None: no closed form)."""
    param = values.detach()
    sampled: int | None = None
    if param.is_meta:  # nothing was drawn: draw from the law instead
        n = min(param.numel(), max_numel)
        values = law.sample(n) if law is not None else torch.empty(0)
        sampled = values.numel()
    elif param.numel() > max_numel:
        step = math.ceil(param.numel() / max_numel)
        values = param.reshape(-1)[::step]
        sampled = values.numel()
    else:
        values = param
    record = histogram(values, bins)
    record["expected_std"] = law.std if law is not None else None
    record["theory"] = law.theory() if law is not None else None
    if sampled is not None:
        record["sampled"] = sampled
    return record


def _activations(session: Any, args: Args, kwargs: Kwargs) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}

    def on_output(node: Node, outputs: list[torch.Tensor]) -> None:
        if node.id in rows:  # a module called twice: its first call
            return
        tensor = next((t for t in outputs if t.is_floating_point() or t.is_complex()), None)
        if tensor is None:
            tensor = outputs[0] if outputs else None
        if tensor is None or tensor.is_meta:
            stats: dict[str, Any] = {"mean": None, "std": None, "zero_frac": None}
        else:
            stats = summary(tensor)
        rows[node.id] = {"path": node.path, **stats}

    # A fresh copy of the batch per run: the model may write into its input.
    session.run(_clone_inputs(args), _clone_inputs(kwargs), on_output=on_output)
    return list(rows.values())


# ----------------------------------------------------------------- gradients
class _Loss:
    """The stated loss of the gradient runs: ``loss_fn(output, target)`` or the sum of outputs."""

    def __init__(self, fn: Callable[..., Any] | None, target: Any) -> None:
        self.fn = fn
        self.target = target
        self.name = SUM_OF_OUTPUTS if fn is None else _callable_name(fn)

    def __call__(self, output: Any) -> torch.Tensor | None:
        """The scalar loss, or None when no floating output depends on anything trainable."""
        if self.fn is None:
            total: torch.Tensor | None = None
            for t in iter_tensors(output):
                if t.is_floating_point() and t.requires_grad:
                    part = t.sum(dtype=torch.float32)
                    total = part if total is None else total + part.to(total.device)
            return total
        target = _clone_inputs(self.target)  # the loss cannot touch the user's tensor
        try:
            value = self.fn(output) if target is None else self.fn(output, target)
        except Exception as exc:
            raise ValueError(
                f"compare_inits: loss_fn {self.name} failed on the model's output "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            got = f"shape {tuple(value.shape)}" if isinstance(value, torch.Tensor) else type(value)
            raise ValueError(
                f"compare_inits: loss_fn {self.name} must return a scalar tensor, got {got}"
            )
        return value.reshape(()) if value.requires_grad else None


def _callable_name(fn: Callable[..., Any]) -> str:
    """``CrossEntropyLoss`` for a module, ``my_loss`` for a function, a partial's function."""
    if isinstance(fn, nn.Module):
        return type(fn).__name__
    inner = getattr(fn, "func", fn)  # functools.partial
    name = getattr(inner, "__name__", None)
    return str(name) if name else type(fn).__name__


@dataclass
class _Run:
    activations: list[dict[str, Any]]
    gradients: list[dict[str, Any]]
    loss: float | None
    error: str | None


def _forward_order(entries: list[Entry], events: list[dict[str, Any]]) -> list[Entry]:
    """``entries`` by first entry of their module in the batch (graph order among equals)."""
    first: dict[str, int] = {}
    for event in events:
        if event["kind"] == "enter":
            first.setdefault(event["node"], event["seq"])
    never = len(events)
    ranked = sorted(enumerate(entries), key=lambda ie: (first.get(ie[1].node.id, never), ie[0]))
    return [e for _, e in ranked]


def _activations_and_gradients(
    session: Any, args: Args, kwargs: Kwargs, entries: list[Entry], loss: _Loss
) -> _Run:
    """One recorded forward under grad mode (the activations), then one backward of ``loss``."""
    for param in session.model.parameters():
        param.grad = None  # nothing carried over from the user's model or an earlier run
    outputs: list[Any] = []
    handle = session.model.register_forward_hook(lambda _m, _a, out: outputs.append(out))
    try:
        with torch.enable_grad():  # even when the caller is in no_grad
            activations = _activations(session, args, kwargs)
    finally:
        handle.remove()
    error: str | None = None
    value: float | None = None
    with torch.enable_grad():
        scalar = loss(outputs[0]) if outputs else None
        if scalar is not None:
            value = float(scalar.detach())
            value = value if math.isfinite(value) else None
            try:
                scalar.backward()
            except Exception as exc:  # e.g. an in-place op autograd refuses
                error = f"{type(exc).__name__}: {exc}"
    outputs.clear()
    gradients = [_grad_row(e, failed=error is not None) for e in entries]
    for param in session.model.parameters():
        param.grad = None  # free them before the next initializer
    return _Run(activations, gradients, value, error)


def _grad_row(entry: Entry, *, failed: bool) -> dict[str, Any]:
    """The row of the entry's gradient: mean, std and norm; if there is none, nulls and why."""
    row: dict[str, Any] = {"path": entry.node.path, "param": entry.name}
    grad = entry.param.grad
    reason = None
    if failed:
        reason = "failed"
    elif not entry.param.requires_grad:
        reason = "frozen"
    elif grad is None:
        reason = "not reached"
    elif grad.is_meta:
        reason = "meta"
    if reason is not None or grad is None:
        row.update(mean=None, std=None, norm=None, no_grad=reason)
        return row
    row.update(moments(grad.to_dense() if grad.is_sparse else grad))
    return row


def histograms_by_node(data: Mapping[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """A ``lazyviz.inits/1`` record regrouped as ``{node_id: {param: {init_label: hist}}}``.

    That is the shape of ``LazyViz.histograms`` (``docs/widget-state.md``).
    """
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for p in data["params"]:
        out.setdefault(p["node"], {})[p["param"]] = dict(p["per_init"])
    return out


def node_histograms(
    module: Any,
    parent: Any,
    path: str,
    *,
    inits: Any = DEFAULT_INITS,
    seed: int = 0,
    bins: int | None = None,
    max_numel: int = MAX_NUMEL,
) -> dict[str, dict[str, Any]]:
    """``{param: {init_label: histogram}}`` for one materialized module's own parameters.

    What the widget's details panel shows for a selected node, computed on
    demand: a private copy of the module is filled with each initializer in
    turn (re-seeded for each, on a private generator), so neither the user's
    module nor the global RNG is touched. A Keras layer's variables (``kernel``,
    ``bias``...) are drawn into new tensors instead (:class:`KerasDraw`), never
    written.
    """
    if is_keras_model(module):
        return _keras_node_histograms(module, parent, path, inits, seed, bins, max_numel)
    own = [
        n
        for n, p in module._parameters.items()
        if p is not None and not is_uninitialized(p) and p.is_floating_point()
    ]
    if not own:
        return {}
    specs = resolve_inits(inits)
    mine = private_copy(module)
    strip_defer_hooks(mine)
    node = Node(id="", path=path, type=type(module).__name__, kind="module", parent=None)
    entries = [Entry(node, mine, parent, name, mine._parameters[name]) for name in own]
    drawer = TorchDraw(mine, entries)
    out: dict[str, dict[str, Any]] = {name: {} for name in own}
    for spec in specs:
        with private_random(seed):
            drawer.fill(spec)
            for e in entries:
                law = drawer.law(spec, e)
                out[e.name][spec.label] = _histogram(e.param, law, bins, max_numel)
    return out


def _keras_node_histograms(
    layer: Any, parent: Any, path: str, inits: Any, seed: int, bins: int | None, max_numel: int
) -> dict[str, dict[str, Any]]:
    from lazyviz.keras.inits import own_weights

    own = own_weights(layer)
    if not own:
        return {}
    specs = resolve_inits(inits)
    node = Node(id="", path=path, type=type(layer).__name__, kind="module", parent=None)
    drawer = KerasDraw([Entry(node, layer, parent, name, t) for name, t in own])
    out: dict[str, dict[str, Any]] = {name: {} for name, _ in own}
    for spec in specs:
        with private_random(seed):
            for e in drawer.entries:
                law = drawer.law(spec, e)
                out[e.name][spec.label] = _histogram(drawer.values(spec, e), law, bins, max_numel)
    return out
