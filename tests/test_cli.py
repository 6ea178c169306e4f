import signal
import subprocess
import sys

import pytest

from harness import ROOT
from tests.contract import valid_extract_line
from tests.factories import envelope, story
from worker.settings import OPTIONS, Settings, add_arguments, from_arguments


def test_extract_writes_one_line_per_input_in_order():
    lines = [envelope(*story(1)), b"{broken", envelope("https://example.com/pdf", body=b"%PDF-1.4")]
    result = subprocess.run([sys.executable, "-m", "worker", "extract", "-"], input=b"\n".join(lines) + b"\n",
                            capture_output=True, cwd=ROOT, check=True)
    outputs = [valid_extract_line(line) for line in result.stdout.splitlines()]
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


def test_config_file_sits_between_environment_and_defaults(tmp_path):
    import argparse

    config = tmp_path / "worker.toml"
    config.write_text('input_topic = "from-file"\noutput_topic = "from-file"\nsasl_password = "s3cret"\nprocesses = 4\n')
    parser = argparse.ArgumentParser()
    add_arguments(parser, {"WORKER_OUTPUT_TOPIC": "from-env"}, argv=["--config", str(config)])
    settings = from_arguments(parser.parse_args(["--config", str(config), "--processes", "2"]))
    assert (settings.input_topic, settings.output_topic, settings.processes) == ("from-file", "from-env", 2)
    assert settings.sasl_password == "s3cret"


def test_unknown_keys_in_the_config_file_are_refused(tmp_path):
    import argparse

    config = tmp_path / "worker.toml"
    config.write_text('input_topik = "typo"\n')
    with pytest.raises(SystemExit, match="input_topik"):
        add_arguments(argparse.ArgumentParser(), {}, argv=["--config", str(config)])


def test_secrets_never_reach_the_log_or_help():
    settings = Settings(sasl_mechanism="SCRAM-SHA-256", sasl_username="worker", sasl_password="s3cret",
                        security_protocol="SASL_SSL", ssl_cafile="/etc/ca.pem")
    assert settings.redacted()["sasl_password"] == "***" and "s3cret" not in str(settings.redacted())
    assert settings.kafka_options == {
        "bootstrap_servers": "localhost:9092", "security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": "worker", "sasl_plain_password": "s3cret", "ssl_cafile": "/etc/ca.pem"}
    help_text = subprocess.run([sys.executable, "-m", "worker", "run", "--help"], capture_output=True, text=True,
                               cwd=ROOT, env={"KAFKA_SASL_PASSWORD": "s3cret", "PATH": "/usr/bin:/bin"},
                               check=True).stdout
    assert "s3cret" not in help_text


@pytest.fixture
def signal_handlers():
    """serve() installs its SIGTERM and SIGINT handlers in the test process: put pytest's own back after the test."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_the_start_up_log_line_is_redacted(monkeypatch, caplog, signal_handlers):
    import logging

    from worker.stream import service

    monkeypatch.setattr(service, "extractor_pool", None)  # stop right after the start-up line
    with caplog.at_level(logging.INFO), pytest.raises(TypeError):
        service.serve(Settings(sasl_password="s3cret", metrics_port=0))
    started = next(r for r in caplog.records if r.getMessage() == "starting")
    assert started.settings["sasl_password"] == "***"
