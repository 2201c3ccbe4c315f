"""The layers: core is pure domain logic (no Dagster, nothing of the assets, resources or command line), so it is
unit-tested directly and reused by the CLI outside Dagster."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "miracle_dagster"
ABOVE_CORE = ("dagster", "dagster_webserver", "dagster_graphql", "miracle_dagster.assets", "miracle_dagster.resources",
              "miracle_dagster.definitions", "miracle_dagster.cli", "miracle_dagster.demo")  # fmt: skip


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module and not node.level}


def test_core_imports_nothing_of_dagster_or_the_layers_above():
    files = sorted((PACKAGE / "core").rglob("*.py"))
    offending = {str(f.relative_to(PACKAGE)): sorted(m for m in _imports(f) if m.startswith(ABOVE_CORE) or m.endswith("_cli"))
                 for f in files}  # fmt: skip
    assert len(files) > 50 and not {f: m for f, m in offending.items() if m}
