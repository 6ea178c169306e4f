"""--consumer-config / --producer-config: Kafka's names, checked against kafka-python's, typed, redacted."""

import argparse
import subprocess
import sys

import pytest

from harness import ROOT
from worker import client_config
from worker.settings import Settings, add_arguments, from_arguments


def settings_from(argv: list[str], environ: dict | None = None) -> Settings:
    parser = argparse.ArgumentParser()
    add_arguments(parser, environ or {}, argv=argv)
    return from_arguments(parser.parse_args(argv))


def test_dotted_names_become_kafka_python_names_typed_from_their_defaults():
    settings = settings_from(["--consumer-config", "session.timeout.ms=45000", "--consumer-config", "client.rack=eu-1a",
                              "--consumer-config", "check_crcs=false", "--consumer-config", "api.version=3.7",
                              "--producer-config", "retries=5", "--producer-config", "linger.ms=5"])
    assert dict(settings.consumer_config) == {"session_timeout_ms": 45000, "client_rack": "eu-1a", "check_crcs": False,
                                              "api_version": (3, 7)}
    assert dict(settings.producer_config) == {"retries": 5.0, "linger_ms": 5}


def test_pass_through_settings_override_the_workers_tuning_but_not_the_connection():
    settings = Settings(bootstrap_servers="k:9092", consumer_config=[("fetch.max.bytes", "1048576")],
                        producer_config=[("linger.ms", "0")])
    options = settings.consumer_options(fetch_max_bytes=4 << 20, group_id="g")
    assert options == {"bootstrap_servers": "k:9092", "security_protocol": "PLAINTEXT", "fetch_max_bytes": 1 << 20,
                       "group_id": "g"}
    assert settings.producer_options(linger_ms=25, acks="all")["linger_ms"] == 0


def test_the_admin_client_takes_the_consumer_settings_it_knows():
    settings = Settings(consumer_config=[("request.timeout.ms", "20000"), ("client.rack", "eu-1a")])
    assert settings.admin_options["request_timeout_ms"] == 20000 and "client_rack" not in settings.admin_options


@pytest.mark.parametrize("pairs, message", [
    ([("session.timeout.msx", "1")], "no setting 'session.timeout.msx' (did you mean session.timeout.ms?)"),
    ([("sesion_timeout_ms", "1")], "(did you mean session_timeout_ms?)"),
    ([("bootstrap.servers", "x:1")], "set it with --bootstrap-servers"),
    ([("sasl.plain.password", "x")], "set it with --sasl-password"),
    ([("ssl.password", "x")], "set it with --ssl-password"),
    ([("enable.auto.commit", "true")], "the worker sets enable_auto_commit itself"),
    ([("isolation.level", "read_uncommitted")], "the worker sets isolation_level itself"),
    ([("session.timeout.ms", "soon")], "expected a number, not 'soon'"),
    ([("check.crcs", "maybe")], "expected true or false"),
    ([("selector", "x")], "takes a Python object"),
])
def test_a_bad_setting_is_one_clear_error(pairs, message):
    with pytest.raises(ValueError, match="^--consumer-config ") as raised:
        Settings(consumer_config=pairs)
    assert message in str(raised.value)


def test_a_producer_setting_is_checked_against_the_producer():
    with pytest.raises(ValueError, match="producer has no setting 'session.timeout.ms'"):
        Settings(producer_config=[("session.timeout.ms", "1")])
    with pytest.raises(ValueError, match="the worker sets acks itself"):
        Settings(producer_config=[("acks", "1")])


def test_file_table_then_environment_then_flags(tmp_path):
    config = tmp_path / "worker.toml"
    config.write_text('[consumer_config]\n"session.timeout.ms" = 30000\n"client.rack" = "from-file"\n'
                      '"heartbeat.interval.ms" = 3000\n')
    environ = {"WORKER_CONSUMER_CLIENT_RACK": "from-env", "WORKER_CONSUMER_HEARTBEAT_INTERVAL_MS": "4000",
               "WORKER_PRODUCER_LINGER_MS": "7"}
    settings = settings_from(["--config", str(config), "--consumer-config", "heartbeat.interval.ms=5000"], environ)
    assert dict(settings.consumer_config) == {"session_timeout_ms": 30000, "client_rack": "from-env",
                                              "heartbeat_interval_ms": 5000}
    assert dict(settings.producer_config) == {"linger_ms": 7}


def test_a_config_file_value_that_is_no_table_is_refused(tmp_path):
    config = tmp_path / "worker.toml"
    config.write_text('consumer_config = "session.timeout.ms=1"\n')
    with pytest.raises(SystemExit, match=r"must be a table \(\[consumer_config\]\)"):
        add_arguments(argparse.ArgumentParser(), {}, argv=["--config", str(config)])


def test_secrets_are_redacted():
    # Kafka's string secrets have settings of their own (--ssl-password, --sasl-password); the pass-through's
    # redaction stays for a secret kafka-python may add
    settings = Settings(ssl_password="s3cret", sasl_password="s3cret", consumer_config=[("client.rack", "eu-1a")])
    logged = settings.redacted()
    assert logged["ssl_password"] == logged["sasl_password"] == "***"
    assert logged["consumer_config"] == {"client_rack": "eu-1a"}
    assert "s3cret" not in str(logged)
    assert client_config.redacted((("ssl_password", "s3cret"), ("client_rack", "eu-1a"))) == {
        "ssl_password": "***", "client_rack": "eu-1a"}


@pytest.mark.parametrize("argv, message", [
    (["--consumer-config", "session.timeout.msx=1"], "did you mean session.timeout.ms?"),
    (["--producer-config", "linger.ms"], "expected KEY=VALUE, not 'linger.ms'"),
])
def test_a_typo_on_the_command_line_is_one_line_and_exit_2(argv, message):
    done = subprocess.run([sys.executable, "-m", "worker", "watch", *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_typo_in_the_environment_is_one_line_and_exit_2():
    done = subprocess.run([sys.executable, "-m", "worker", "watch"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "WORKER_CONSUMER_CLIENT_RAK": "eu"})
    assert done.returncode == 2 and "did you mean client_rack?" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
