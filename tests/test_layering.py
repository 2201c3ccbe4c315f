"""The layers: core is pure domain logic (no Dagster, nothing of the assets, resources or command line), so it is
unit-tested directly and reused by the CLI outside Dagster."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "miracle_dagster"
ABOVE_CORE = (
    "dagster",
    "dagster_webserver",
    "dagster_graphql",
    "miracle_dagster.assets",
    "miracle_dagster.resources",
    "miracle_dagster.definitions",
    "miracle_dagster.cli",
    "miracle_dagster.demo",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module and not node.level}


def test_core_imports_nothing_of_dagster_or_the_layers_above():
    files = sorted((PACKAGE / "core").rglob("*.py"))
    offending = {
        str(f.relative_to(PACKAGE)): sorted(m for m in _imports(f) if m.startswith(ABOVE_CORE) or m.endswith("_cli")) for f in files
    }
    assert len(files) > 50 and not {f: m for f, m in offending.items() if m}


def test_where_things_are_names_paths_that_exist():
    readme = (PACKAGE.parent / "README.md").read_text()
    section = readme.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    paths = set(re.findall(r"`((?:miracle_dagster|tests)/[\w/.]+)`", section))
    assert len(paths) > 40 and not sorted(p for p in paths if not (PACKAGE.parent / p).exists())


def test_long_modules_say_why_in_their_docstring():
    """A module past ~350 lines does several jobs, unless it is data (word lists, phrase pools, patterns) and says so."""
    long = {f: f.read_text() for f in PACKAGE.rglob("*.py") if len(f.read_text().splitlines()) > 350}
    unexplained = sorted(
        str(f.relative_to(PACKAGE)) for f, text in long.items() if "data" not in (ast.get_docstring(ast.parse(text)) or "").lower()
    )
    assert not unexplained
