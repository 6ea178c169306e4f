"""Exit 0 once a Kafka broker answers a metadata request, 1 after the deadline or once the broker's process
(the optional pid) has died: a broker that exits at start-up (a bad keystore) is not waited for."""

import sys
import time
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError


def alive(pid: int) -> bool:
    """Still a process, and not a zombie waiting for broker.sh to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rpartition(b")")[2].split()[0] != b"Z"
    except OSError:
        return False


def main(bootstrap: str, deadline_s: float, pid: int | None = None) -> int:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline and (pid is None or alive(pid)):
        try:
            admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
            admin.list_topics()
            admin.close()
            return 0
        except (KafkaError, OSError):
            time.sleep(0.5)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]), *map(int, sys.argv[3:4])))
