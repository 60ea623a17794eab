"""The end of a run: what the hooks saw becomes the finished record.

After the forward returns, modules created during it join the graph,
parameters set outside their own module's call get their ``materialize``
events, ties are named again, output nodes are added and operations whose
result went nowhere are dropped. After it raises, the failing node gets
PyTorch's error and the doctor's hint (:mod:`lazyviz.torch.doctor`), and the
modules the batch never reached keep their known order.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from lazyviz.record.names import qualname
from lazyviz.torch.doctor import error_entry, remember_sized
from lazyviz.torch.flatten import iter_tensors, shapes
from lazyviz.torch.op_mode import no_torch_function
from lazyviz.torch.recording import Recording, holdings
from lazyviz.torch.shapes import is_uninitialized
from lazyviz.torch.structure import output_node, param_owners, sequential_edges, shared_with


def finish(recording: Recording, output: Any) -> None:
    """Close a run that returned ``output``."""
    with no_torch_function():
        _late_materialized(recording)
        _add_outputs(recording, output)
        _prune_dead_ops(recording)
        _remember_sized(recording)


def fail(recording: Recording, exc: BaseException) -> None:
    """Close a run that raised ``exc``: the innermost module whose call raised it failed."""
    with no_torch_function():
        _late_materialized(recording)
        _prune_dead_ops(recording)
        _unreached_chain(recording)
        _remember_sized(recording)
        _close_with_error(recording, exc)


def fail_at(recording: Recording, module: nn.Module, exc: BaseException) -> None:
    """Close a run with a failure known to have happened in ``module``."""
    node = recording.nodes.get(id(module), recording.nodes[id(recording.model)])
    recording.failed[id(exc)] = node
    node.error = error_entry(module, node.path, [], exc)
    fail(recording, exc)


def seen_from_outside(recording: Recording, output: Any, exc: BaseException | None) -> None:
    """Close a forward seen only from outside (a compiled graph hides the layers).

    The root is entered and left; every parameter that became known meanwhile
    is a ``materialize`` event, found by comparing with the record.
    """
    node = recording.nodes[id(recording.model)]
    node.calls = 1
    node.input_shapes = [list(i["shape"]) for i in recording.trace.inputs]
    recording.emit("enter", node, shapes=node.input_shapes)
    if exc is not None:
        fail(recording, exc)
        return
    node.output_shapes = shapes(iter_tensors(output))
    finish(recording, output)
    recording.emit("exit", node, shapes=node.output_shapes)


# ------------------------------------------------------------------ parameters
def _late_materialized(recording: Recording) -> None:
    """Modules created during the run join the graph; a parameter the record does not
    know yet, set from outside its module's call (a parent assigning ``child.weight``),
    is a ``materialize`` event; tied parameters are named again if any changed."""
    modules = list(recording.model.modules())
    nodes = recording.nodes
    if any(id(module) not in nodes for module in modules):
        _adopt_the_rest(recording)
    for module in modules:
        if not module._parameters:
            continue
        node = nodes[id(module)]
        for name, param in module._parameters.items():
            if param is None or is_uninitialized(param):
                continue
            entry = node.param(name)
            if entry is None or entry.shape is None or entry.shape != list(param.shape):
                recording.materialized(node, module, name, param)
    if holdings(modules) != recording.holdings:
        _refresh_sharing(recording)


def _adopt_the_rest(recording: Recording) -> None:
    """Submodules created during the run that were never called still join the graph."""
    for path, module in recording.model.named_modules():
        if id(module) not in recording.nodes:
            node = recording.new_module_node(module, path, path.rpartition(".")[0])
            for name, param in module._parameters.items():
                if param is not None:
                    recording.materialized(node, module, name, param)


def _refresh_sharing(recording: Recording) -> None:
    owners = param_owners(recording.model)
    for module in recording.model.modules():
        node = recording.nodes[id(module)]
        for entry in node.params:
            param = module._parameters.get(entry.name)
            if param is not None:
                names = owners.get(id(param), [])
                entry.shared_with = shared_with(qualname(node.path, entry.name), names)


def _remember_sized(recording: Recording) -> None:
    """Tell the doctor which modules this batch sized: a later batch of another size
    fails on them because of it."""
    sized = {e["node"] for e in recording.trace.events if e["kind"] == "materialize"}
    if sized:
        nodes = recording.nodes
        remember_sized(m for m in recording.model.modules() if nodes[id(m)].id in sized)


# ----------------------------------------------------------------- the graph
def _add_outputs(recording: Recording, output: Any) -> None:
    trace = recording.trace
    for i, tensor in enumerate(iter_tensors(output)):
        info, node = output_node(i, tensor)
        trace.outputs.append(info)
        trace.nodes[node.id] = node
        recording.link([tensor], node)


def _prune_dead_ops(recording: Recording) -> None:
    """Drop operations whose result reached no module and no output (``x.sum() > 0`` tests)."""
    if not recording.ops:
        return
    trace = recording.trace
    pruned = False
    while True:
        sources = {src for src, _ in trace.edges}
        dead = {n.id for n in trace.nodes.values() if n.kind == "op" and n.id not in sources}
        if not dead:
            break
        pruned = True
        for node_id in dead:
            del trace.nodes[node_id]
        trace.edges[:] = [(s, d) for s, d in trace.edges if s not in dead and d not in dead]
        trace.events[:] = [e for e in trace.events if e["node"] not in dead]
    if pruned:  # events are numbered as emitted: only a removal leaves gaps
        for seq, event in enumerate(trace.events):
            event["seq"] = seq


def _unreached_chain(recording: Recording) -> None:
    """After a failure, keep the modules the batch never reached in their known order.

    The data stopped, so no tensor carries an edge past the failing node;
    the chains of ``nn.Sequential`` are known without running and say where
    the data would have gone.
    """
    node_ids = {key: node.id for key, node in recording.nodes.items()}
    for src, dst in sequential_edges(recording.model, node_ids):
        if recording.trace.nodes[dst].calls == 0:
            recording.add_edge(src, dst)


# ------------------------------------------------------------------ the error
def _close_with_error(recording: Recording, exc: BaseException) -> None:
    """The failing node's ``error``, the trace's ``error`` and the closing ``error`` event."""
    root = recording.nodes[id(recording.model)]
    node = recording.failed.get(id(exc), root)
    if node.error is None:
        node.error = error_entry(recording.model, node.path, [], exc)
    error = {
        "path": node.path,
        "type": type(exc).__name__,
        "message": str(exc),
        "hint": node.error.get("hint"),
    }
    recording.trace._error = {"node": node.id, **error}
    recording.emit("error", node, **error)
