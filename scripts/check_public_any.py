"""Fails when a public function or method of lazyviz returns ``Any`` or has no return type.

Public means its name does not start with ``_`` (so ``__init__`` and the other dunders
are skipped too); nested functions count as well, since a closure handed back to a
caller is as much an interface as a method. ``Any`` is caught as written: ``Any``,
``typing.Any``, ``"Any"``, and unions holding it (``Any | None``, ``Optional[Any]``);
``dict[str, Any]`` (a JSON record) says what it is and passes. mypy's ``no-any-return``
checks that bodies keep the promise; this checks that the promise says something.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "lazyviz"


def _is_any(node: ast.expr) -> bool:
    """``Any``, ``typing.Any``, ``"Any"``, or a union with ``Any`` in it (``Any | None`` is Any)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _is_any(node.left) or _is_any(node.right)
    if isinstance(node, ast.Subscript) and _name(node.value) == "Optional":
        return _is_any(node.slice)
    if isinstance(node, ast.Subscript) and _name(node.value) == "Union":
        members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return any(_is_any(m) for m in members)
    return _name(node) == "Any"


def _name(node: ast.expr) -> str | None:
    """``Any`` for ``Any`` and ``typing.Any`` (likewise ``Optional``, ``Union``)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr if node.value.id == "typing" else None
    return None


def problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if node.name.startswith("_"):
            continue
        if node.returns is None:
            why = "no return type"
        elif _is_any(node.returns):
            why = "returns Any"
        else:
            continue
        rel = path.relative_to(PACKAGE.parent)
        out.append((node.lineno, f"{rel}:{node.lineno}:{node.name}: {why}"))
    return [text for _, text in sorted(out)]


def main() -> int:
    found = [p for path in sorted(PACKAGE.rglob("*.py")) for p in problems(path)]
    for p in found:
        print(p, file=sys.stderr)
    if not found:
        print("public returns ok: no public function returns Any")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
