"""Fails when a lazyviz module imports one of a higher stage, or imports form a cycle.

Stages, lowest first (a module may import its own stage and the ones below):
the record, the PyTorch adapter, the Keras adapter (Keras 3 runs on torch),
the choice between adapters, initializers, export (pages, pictures), the
widgets, and the package's front door (``__init__``, ``cli``, ``models``).
Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "lazyviz"
STAGES = ["record", "torch", "keras", "adapters", "inits", "export", "widgets", "top"]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage(module: str) -> int:
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else "top"
    return STAGES.index(name) if name in STAGES else STAGES.index("top")


def _run_time_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except what sits under ``if TYPE_CHECKING:`` (types only, never imported)."""
    out: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        for child in ast.iter_child_nodes(node):
            test = getattr(child, "test", None)
            types_only = isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
            if isinstance(child, ast.If) and types_only:
                todo.extend(child.orelse)
                continue
            todo.append(child)
    return out


def imports(path: Path) -> set[str]:
    found = set()
    for node in _run_time_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "lazyviz":
                found.update(f"lazyviz.{a.name}" for a in node.names)
            elif node.module.startswith("lazyviz."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("lazyviz."))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, done, path = [], set(), []

    def visit(m: str) -> None:
        if m in path:
            found.append([*path[path.index(m) :], m])
            return
        if m in done:
            return
        path.append(m)
        for n in sorted(graph.get(m, ())):
            visit(n)
        path.pop()
        done.add(m)

    for m in sorted(graph):
        visit(m)
    return found


def main() -> int:
    graph = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}
    graph = {m: {d for d in deps if d in graph} for m, deps in graph.items()}
    problems = [
        f"{m} (stage {STAGES[stage(m)]}) imports {d} (stage {STAGES[stage(d)]})"
        for m, deps in sorted(graph.items())
        for d in sorted(deps)
        if stage(d) > stage(m)
    ]
    problems += ["cycle: " + " -> ".join(c) for c in cycles(graph)]
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print(f"layers ok: {len(graph)} modules, {sum(map(len, graph.values()))} imports")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
