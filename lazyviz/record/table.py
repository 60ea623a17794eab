"""``print(trace)``: the record as a plain-text table for terminals and scripts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lazyviz.record.names import qualname

if TYPE_CHECKING:  # the record's types; graph.py imports this module for Trace.__str__
    from lazyviz.record.graph import Node, Trace


def render_table(trace: Trace) -> str:
    rows = [("path", "type", "parameters (before -> after)", "output")]
    for node in trace.nodes.values():
        if node.kind in ("module", "op"):
            rows.append(_row(node))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [_title(trace)]
    for i, row in enumerate(rows):
        cells = [row[j].ljust(widths[j]) for j in range(3)] + [row[3]]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in [*widths, len(rows[0][3])]))
    if trace.error:
        err = trace.error
        lines.append(f"error in {err['path'] or '(root)'}: {err['type']}: {err['message']}")
    return "\n".join(lines)


def _title(trace: Trace) -> str:
    ins = ", ".join(format_shape(i["shape"]) for i in trace.inputs) or "no input"
    outs = ", ".join(format_shape(o["shape"]) for o in trace.outputs)
    known, pending = param_counts(trace)
    title = f"{trace.model}  in {ins}" + (f"  out {outs}" if outs else "")
    title += f"  params {known:,} known"
    if pending:
        title += f" + ? pending ({pending} tensor{'' if pending == 1 else 's'})"
    return title


def param_counts(trace: Trace) -> tuple[int, int]:
    """Parameter entries whose shape is known, and tensors whose shape is not (yet).

    A shape is known after the run, or before it when the module already knew
    every dimension (a lazy layer's bias ``(256)``); a tied tensor counts once.
    The widget's header counts the same way at the end of the animation.
    """
    known, pending, seen = 0, 0, set()
    for node in trace.nodes.values():
        for p in node.params:
            name = qualname(node.path, p.name)
            seen.add(name)
            if p.shared_with is not None and p.shared_with in seen:
                continue
            shape = p.shape if p.shape is not None else p.shape_before
            dims = [d for d in shape or [] if d is not None]
            if shape is None or len(dims) < len(shape):
                pending += 1
            else:
                known += math.prod(dims)
    return known, pending


def _row(node: Node) -> tuple[str, str, str, str]:
    depth = node.path.count(".") + (1 if node.path else 0) if node.kind == "module" else 0
    path = node.path or "(root)"
    label = "  " * max(depth - 1, 0) + path
    params = "; ".join(_param_text(p.name, p.shape_before, p.shape) for p in node.params)
    if node.error:
        out = f"ERROR {node.error['type']}"
    else:
        out = ", ".join(format_shape(s) for s in node.output_shapes)
    return (label, node.type, params, out)


def _param_text(
    name: str, before: Sequence[int | None] | None, after: Sequence[int | None] | None
) -> str:
    text = f"{name} {format_shape(before)}"
    if after is not None and after != before:
        text += f" -> {format_shape(after)}"
    return text


def format_shape(shape: Sequence[int | None] | None) -> str:
    """``(256, ?)`` for ``[256, None]``; ``?`` for an unknown shape."""
    if shape is None:
        return "?"
    dims = ["?" if d is None else str(d) for d in shape]
    return "(" + ", ".join(dims) + ")"
