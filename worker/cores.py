"""How many CPUs this process may use: its CPU affinity, capped by a cgroup CPU quota, as in a container.

A container given 2 CPUs on a 64-core host sees all 64 in its affinity; the quota (`docker run --cpus 2`,
Kubernetes `limits.cpu`) is what the kernel lets it use, and a process per visible core would only thrash.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


def available_cores(cgroup: Path = CGROUP) -> int:
    affinity = len(os.sched_getaffinity(0))
    quota = cgroup_quota(cgroup)
    return max(1, min(affinity, math.ceil(quota))) if quota else affinity


def cgroup_quota(cgroup: Path = CGROUP) -> float | None:
    """CPUs' worth of time per period that the cgroup allows (v2 `cpu.max`, else v1 `cpu.cfs_quota_us`), or
    None when it sets no limit or none can be read."""
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        try:
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    try:
        quota_us, period_us = int(quota), int(period)
    except ValueError:  # "max": no limit
        return None
    return quota_us / period_us if quota_us > 0 and period_us > 0 else None  # v1 says -1 for no limit
