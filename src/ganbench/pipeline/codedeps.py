"""The code a stage runs: its script and the ganbench modules in the script's import closure.

Both front ends declare these files as the stage's dependencies, so editing any module a stage
imports reruns that stage, and nothing else. The closure is read statically from the source
(`ast`): every `import ganbench...` / `from ganbench... import ...`, at module level or inside a
function, followed transitively; imports under `if TYPE_CHECKING:` are skipped (they never run).
Two rules shape it:
- a registry package (`REGISTRIES`, e.g. `ganbench.training.models`) counts whole: any use of it depends on
  every builder in it, because the name in params.yaml picks one at run time;
- an exempt module (`EXEMPT`) cannot change what a stage writes, so it is neither listed nor
  followed: `cli` (argument parsing, one-line error printing) and `errors` (exception classes).
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

PACKAGE = "ganbench"
SRC = Path("src")
REGISTRIES = ("ganbench.training.models",)
EXEMPT = ("ganbench.cli", "ganbench.errors")


def module_file(module: str, root: Path = Path(".")) -> Path | None:
    """src/ganbench/x/y.py or src/ganbench/x/y/__init__.py for module `ganbench.x.y`, if it exists."""
    base = root / SRC / Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING" or \
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imported(tree: ast.AST) -> set[str]:
    """Dotted names a module's code may import from ganbench (a `from a import b` yields a and a.b:
    b may be a submodule; names that are not modules are dropped by `module_file`)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")}


def _parents(module: str) -> list[str]:
    """`ganbench.evaluation.metrics.fid` -> ganbench, ganbench.evaluation.metrics: importing a module runs its packages."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _registry_of(module: str) -> str | None:
    return next((r for r in REGISTRIES if module == r or module.startswith(r + ".")), None)


@lru_cache(maxsize=None)
def _closure(script: str, root: str) -> tuple[str, ...]:
    base = Path(root)
    seen: set[str] = set()
    pending = set(_imported(ast.parse((base / script).read_text(), script)))
    while pending:
        module = pending.pop()
        if module in seen or module in EXEMPT or module_file(module, base) is None:
            continue
        seen.add(module)
        registry = _registry_of(module)
        members = [registry] + [f"{registry}.{p.stem}" for p in (base / SRC / Path(*registry.split("."))).glob("*.py")
                                if p.stem != "__init__"] if registry else []
        pending.update(_parents(module), members)
        path = module_file(module, base)
        pending.update(_imported(ast.parse(path.read_text(), str(path))))
    files = {str(module_file(m, base).relative_to(base)) for m in seen}
    return (script, *sorted(files))


def code_deps(script: str, root: Path = Path(".")) -> list[str]:
    """[script, *sorted ganbench source files it runs], paths relative to `root` (the repository)."""
    return list(_closure(script, str(root)))
