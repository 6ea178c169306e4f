"""The folders show the architecture: the core does no I/O and knows nothing of the shell."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "worker" / "core"
FORBIDDEN = {"kafka", "socket", "threading", "multiprocessing", "logging", "subprocess", "http", "asyncio"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_core_imports_neither_io_nor_the_shell():
    offenders = {}
    for path in sorted(CORE.glob("*.py")):
        bad = {name for name in imported_modules(path)
               if name.split(".")[0] in FORBIDDEN or (name.startswith("worker") and not name.startswith("worker.core"))}
        if bad:
            offenders[path.name] = sorted(bad)
    assert offenders == {}


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("import logging.handlers\nfrom worker.stream import loop\nfrom . import text\n")
    assert imported_modules(module) == {"logging.handlers", "worker.stream"}
