"""Memory and CPU time of processes and everything below them, read from /proc."""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

CPUS = len(os.sched_getaffinity(0))
RSS_INTERVAL_S = 0.25


def status_mb(pid: int, name: str = "VmRSS") -> float:
    """A memory line of /proc/<pid>/status (VmRSS: now, VmHWM: peak) in MB; 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(name.encode() + b":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(roots: Iterable[int]) -> list[int]:
    """All processes below `roots`, found through the parent pid in /proc/*/stat (the kernel may not
    offer /proc/<pid>/task/<tid>/children)."""
    children = defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stat:
                    parent = int(stat.read().rpartition(b")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[parent].append(int(entry.name))
    found, todo = [], list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Peaks:
    parents_mb: float = 0.0  # the root processes together
    children_mb: float = 0.0  # all their descendants together
    total_mb: float = 0.0  # both, at the same sample

    def update(self, parents_mb: float, children_mb: float) -> None:
        self.parents_mb = max(self.parents_mb, parents_mb)
        self.children_mb = max(self.children_mb, children_mb)
        self.total_mb = max(self.total_mb, parents_mb + children_mb)


class RssSampler:
    """Peak RSS of some processes and their descendants, sampled at most every RSS_INTERVAL_S."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots
        self.overall = Peaks()
        self.window = Peaks()  # since the last take_window()
        self._next = 0.0

    def sample(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < self._next:
            return
        self._next = now + RSS_INTERVAL_S
        parents = sum(status_mb(pid) for pid in self.roots)
        children = sum(status_mb(pid) for pid in descendants(self.roots))
        self.overall.update(parents, children)
        self.window.update(parents, children)

    def take_window(self) -> Peaks:
        window, self.window = self.window, Peaks()
        return window


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time used so far by these processes and by their children that have exited (an
    extractor process recycled after 500 pages is one; its parent, the forkserver, reaped it)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            total += sum(map(int, fields[11:15]))  # utime, stime, cutime, cstime (fields 14 to 17 of stat)
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int) -> float:
    return cpu_seconds([root, *descendants([root])])


def broker_pids() -> list[int]:
    """Java processes running kafka.Kafka on this machine: the broker whose CPU the worker competes with."""
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                    if b"kafka.Kafka" in cmdline.read():
                        pids.append(int(entry.name))
            except OSError:
                pass
    return pids
