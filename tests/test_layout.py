"""The folders show the architecture: the core does no I/O and knows nothing of the shell."""

import ast
import subprocess
import sys
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



def loaded_by(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`, with their top-level packages."""
    shown = subprocess.run([sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
                           capture_output=True, text=True, check=True, timeout=60).stdout.split()
    return set(shown) | {name.split(".")[0] for name in shown}


def test_the_daemon_leaves_the_pipeline_to_its_extractor_processes():
    # The parent only builds the task: trafilatura loaded there is start-up time and memory for nothing.
    daemon = loaded_by("import worker.__main__, worker.stream.service, worker.extractors as e, worker.settings as s\n"
                       "e.Extract(); s.Settings()")
    assert not daemon & {"trafilatura", "worker.core.pipeline"}
    assert {"kafka", "worker.task"} <= daemon  # the check sees what is loaded


def test_extract_offline_loads_neither_the_pipeline_nor_a_kafka_client():
    offline = loaded_by("import worker.__main__, worker.tools.extract, worker.tools.inputs, worker.tools.outputs\n"
                        "import worker.extractors as e, worker.settings as s; e.Extract(); s.Settings()")
    assert not offline & {"kafka", "trafilatura", "worker.core.pipeline"}
