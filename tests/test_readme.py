"""The README documents what the code has: every setting, every metric, every dead-letter reason."""

import re

from harness import ROOT
from worker.core.model import Reason
from worker.settings import OPTIONS
from worker.stream.telemetry import PREFIX, Metrics

README = (ROOT / "README.md").read_text()


def test_every_setting_is_in_the_configuration_table():
    for name, (env, _) in OPTIONS.items():
        assert re.search(rf"\| {name} \| `--{name.replace('_', '-')}` \| `{env}` \|", README), name


def test_every_metric_is_documented():
    # ours; prometheus-client's standard process_* and python_* are named as families
    names = {metric.name for metric in Metrics().registry.collect() if metric.name.startswith(PREFIX)}
    for name in names:
        documented = name + "_total" if f"`{name}_total" in README else name
        assert f"`{documented}" in README, name


def test_every_dead_letter_reason_is_documented():
    for reason in Reason:
        assert f"| `{reason.value}` |" in README, reason.value


def test_the_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
