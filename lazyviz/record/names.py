"""Qualified names, the record's one way of naming a module's parameter or child.

A path is ``""`` for the root, so the root's own ``weight`` is ``"weight"``,
not ``".weight"``: the names ``named_parameters()`` gives, which the record's
``shared_with`` (docs/trace-schema.md) and the comparison's ``selected``
(docs/inits-schema.md) use.
"""

from __future__ import annotations

__all__ = ["qualname"]


def qualname(path: str, name: str) -> str:
    """``name`` inside the module at ``path``: ``"encoder.weight"``, or ``"weight"`` at the root."""
    return f"{path}.{name}" if path else name
