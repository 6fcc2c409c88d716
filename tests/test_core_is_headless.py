"""The core (everything but afscope.tui) never imports Textual.

One bridge is allowed: the ``open`` command starts the TUI by importing ``afscope.tui``
inside its function body, so importing the CLI (or any core module) loads no Textual.
"""

import ast
import subprocess
import sys
from pathlib import Path

import afscope

PACKAGE = Path(afscope.__file__).resolve().parent
TUI_LAUNCHER = "cli/explore_cmd.py"


def _core_modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "tui" not in p.relative_to(PACKAGE).parts]


def _imports(tree: ast.AST):
    """(module name, at module level?) for every import statement."""
    top = {id(node) for node in getattr(tree, "body", [])}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in top
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, id(node) in top


def test_no_core_module_imports_textual():
    offenders = []
    for path in _core_modules():
        relative = path.relative_to(PACKAGE).as_posix()
        for name, top_level in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            root = name.split(".")[0]
            if root in ("textual", "textual_plotext") or (
                name.startswith("afscope.tui") and (top_level or relative != TUI_LAUNCHER)
            ):
                offenders.append(f"{relative}: {name}")
    assert len(_core_modules()) > 10
    assert offenders == []


def test_importing_every_core_module_loads_no_textual():
    modules = sorted(
        "afscope." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in _core_modules()
        if p.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m.removesuffix('.__init__'))\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual','textual_plotext'))\n"
        "print(bad)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
