"""The package's layers (src/ganbench/__init__.py): imports only run downward.

Every `import ganbench...` in every module, at module level, inside a function or under
`if TYPE_CHECKING:`, is read statically and checked against the layer order.
"""
import ast
from pathlib import Path

from helpers import REPO

LAYERS = ("foundation", "data", "evaluation", "training", "reporting", "pipeline", "commands")
PACKAGES = {"data", "evaluation", "training", "reporting", "pipeline"}
COMMANDS = {"cli", "console", "__main__"}


def layer(module: str) -> int:
    """Layer index of `ganbench.x[.y...]`: a subpackage's own, `cli`/`console` on top, the rest foundation."""
    parts = module.split(".")
    if len(parts) < 2:
        return 0
    head = parts[1]
    return LAYERS.index(head if head in PACKAGES else "commands" if head in COMMANDS else "foundation")


def module_name(path: Path, src: Path) -> str:
    parts = path.relative_to(src).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update({node.module} | {f"{node.module}.{a.name}" for a in node.names})
    return {name for name in found if name.startswith("ganbench.")}


def upward_imports(src: Path) -> list[str]:
    """`importer -> imported` for every import of a higher layer by a lower one under `src`."""
    problems = []
    for path in sorted(src.rglob("*.py")):
        importer = module_name(path, src.parent)
        for imported in sorted(imports(path)):
            if layer(imported) > layer(importer):
                problems.append(f"{importer} ({LAYERS[layer(importer)]}) -> {imported} ({LAYERS[layer(imported)]})")
    return problems


def test_no_layer_imports_a_higher_one():
    assert upward_imports(REPO / "src/ganbench") == []


def test_every_subpackage_says_what_it_owns_and_may_import():
    for package in PACKAGES:
        doc = ast.get_docstring(ast.parse((REPO / "src/ganbench" / package / "__init__.py").read_text()))
        assert doc and "Layer" in doc and "import" in doc, package


def test_an_upward_import_is_caught(tmp_path):
    pkg = tmp_path / "ganbench"
    for name in ("__init__", "data/__init__", "data/splits", "reporting/__init__", "reporting/plots", "io"):
        (pkg / f"{name}.py").parent.mkdir(parents=True, exist_ok=True)
        (pkg / f"{name}.py").write_text("")
    (pkg / "data/splits.py").write_text("def f():\n    from ganbench.reporting import plots\n")
    (pkg / "io.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import ganbench.data.splits\n")
    (pkg / "reporting/plots.py").write_text("from ganbench.data import splits\nfrom ganbench import io\n")
    assert upward_imports(pkg) == [
        "ganbench.data.splits (data) -> ganbench.reporting (reporting)",
        "ganbench.data.splits (data) -> ganbench.reporting.plots (reporting)",
        "ganbench.io (foundation) -> ganbench.data.splits (data)"]
