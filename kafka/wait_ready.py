"""Exit 0 once a Kafka broker answers a metadata request, 1 after the deadline."""

import sys
import time

from kafka import KafkaAdminClient
from kafka.errors import KafkaError


def main(bootstrap: str, deadline_s: float) -> int:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
            admin.list_topics()
            admin.close()
            return 0
        except (KafkaError, OSError):
            time.sleep(0.5)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2])))
