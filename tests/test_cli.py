import subprocess
import sys

import orjson

from tests.conftest import ROOT
from tests.factories import envelope, story
from worker.settings import OPTIONS, Settings, add_arguments, from_arguments


def test_extract_writes_one_line_per_input_in_order():
    lines = [envelope(*story(1)), b"{broken", envelope("https://example.com/pdf", body=b"%PDF-1.4")]
    result = subprocess.run([sys.executable, "-m", "worker", "extract", "-"], input=b"\n".join(lines) + b"\n",
                            capture_output=True, cwd=ROOT, check=True)
    outputs = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == 3
    assert outputs[0]["title"].startswith("Story 1")
    assert outputs[1]["reason"] == "invalid_envelope" and "text" not in outputs[1]
    assert outputs[2]["reason"] == "not_html" and outputs[2]["message"]


def test_settings_come_from_flags_then_environment_then_defaults():
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser, {"WORKER_INPUT_TOPIC": "raw", "WORKER_PROCESSES": "3"})
    settings = from_arguments(parser.parse_args(["--group-id", "g1"]))
    assert (settings.input_topic, settings.processes, settings.group_id) == ("raw", 3, "g1")
    assert settings.output_topic == Settings().output_topic


def test_run_help_documents_every_setting_and_its_variable():
    help_text = subprocess.run([sys.executable, "-m", "worker", "run", "--help"], capture_output=True, text=True,
                               cwd=ROOT, check=True).stdout
    for name, (env, _) in OPTIONS.items():
        assert "--" + name.replace("_", "-") in help_text and env in help_text
