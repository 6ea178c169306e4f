"""A bad command line gets one clear line on stderr and exit code 2 (usage) or 1 (runtime), never a traceback."""

import socket
import subprocess
import sys

import orjson
import pytest

from harness import ROOT
from worker import __version__


def worker(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worker", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env=env)


@pytest.mark.parametrize("args, words", [
    (("run", "--guarantee", "maybe"), "--guarantee"),
    (("run", "--log-level", "loud"), "--log-level"),
    (("run", "--processes", "-3"), "--processes must be 0 or more"),
    (("run", "--recycle-after", "0"), "--recycle-after must be positive"),
    (("topics", "--processes", "2"), "unrecognized arguments: --processes"),  # topics takes only what it uses
    (("dlq", "stats", "--max-in-flight", "3"), "unrecognized arguments"),
])
def test_a_bad_command_line_is_one_line_and_exit_code_2(args, words):
    result = worker(*args)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr and "Traceback" not in result.stderr


def test_a_bad_setting_from_the_environment_is_refused_the_same_way():
    result = worker("run", env={"WORKER_PROCESSES": "-1", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--processes" in result.stderr


def test_a_missing_input_file_is_one_line_and_exit_code_1(tmp_path):
    result = worker("extract", str(tmp_path / "missing.jsonl"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"python -m worker extract: cannot open {tmp_path / 'missing.jsonl'}: no such file"]


def test_a_metrics_port_in_use_says_which_and_how_to_choose_another():
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = worker("run", "--metrics-port", str(port), "--bootstrap-servers", "127.0.0.1:1")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in map(orjson.loads, result.stderr.splitlines()) if line["level"] == "error"]
    assert len(errors) == 1 and str(port) in errors[0]["msg"] and "--metrics-port" in errors[0]["msg"]


def test_version():
    result = worker("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"article-worker {__version__}"
