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


def test_the_command_line_reaches_assets_only_through_definitions():
    """The CLI runs the core and the resources; only the demo, which materializes the pipeline, loads definitions."""
    offending = {
        str(f.relative_to(PACKAGE)): sorted(m for m in _imports(f) if m.startswith("miracle_dagster.assets"))
        for f in sorted((PACKAGE / "cli").rglob("*.py"))
    }
    assert offending and not {f: m for f, m in offending.items() if m}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle_between_modules():
    """Module-level imports form no cycle (a package importing its own submodules to re-export them is not one)."""
    modules = {_module_name(f): f for f in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        body = ast.parse(path.read_text()).body
        found = {n.module for n in body if isinstance(n, ast.ImportFrom) and n.module}
        found |= {f"{n.module}.{a.name}" for n in body if isinstance(n, ast.ImportFrom) and n.module for a in n.names}
        found |= {a.name for n in body if isinstance(n, ast.Import) for a in n.names}
        graph[name] = {m for m in found if m in modules and m != name and not m.startswith(name + ".")}
    done, path, cycles = set(), [], []

    def visit(name: str) -> None:
        path.append(name)
        for dep in graph[name]:
            if dep in path:
                cycles.append(path[path.index(dep) :])
            elif dep not in done:
                visit(dep)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name)
    assert len(graph) > 100 and not cycles


def test_readme_layout_names_every_module_and_package():
    readme = (PACKAGE.parent / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("```", 2)[1]
    named = set(re.findall(r"[\w/]+\.py|\b\w+/", layout))
    top = {f.name for f in PACKAGE.glob("*.py") if f.name != "__init__.py"} | {
        f"{d.name}/" for d in PACKAGE.iterdir() if (d / "__init__.py").exists()
    }
    core = {f"{d.name}/" for d in (PACKAGE / "core").iterdir() if (d / "__init__.py").exists()}
    missing = sorted(top - named) + sorted(c for c in core if c not in named)
    assert not missing
