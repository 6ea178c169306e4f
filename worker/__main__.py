"""Command line: `python -m worker run|extract|topics|produce|watch`."""

from __future__ import annotations

import argparse
import sys

from worker import logs
from worker.settings import add_arguments, from_arguments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m worker", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="consume raw pages, publish articles and dead letters",
                              formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add_arguments(run)

    extract = commands.add_parser("extract", help="run the pipeline offline on JSON Lines envelopes")
    extract.add_argument("file", nargs="?", default="-", help="JSON Lines file of envelopes, or - for stdin")

    topics = commands.add_parser("topics", help="create the input, output and dead-letter topics")
    add_arguments(topics)
    topics.add_argument("--partitions", type=int, default=6, help="partitions of the input topic")

    produce = commands.add_parser("produce", help="publish JSON Lines envelopes to the input topic")
    add_arguments(produce)
    produce.add_argument("file", help="JSON Lines file of envelopes")

    watch = commands.add_parser("watch", help="print articles and dead letters as they are published")
    add_arguments(watch)

    arguments = parser.parse_args(argv)
    if arguments.command == "extract":
        from worker.offline import extract_lines

        with sys.stdin.buffer if arguments.file == "-" else open(arguments.file, "rb") as lines:
            extract_lines(lines, sys.stdout.buffer)
        return 0

    settings = from_arguments(arguments)
    logs.configure(settings.log_level)
    if arguments.command == "run":
        from worker.service import serve

        return serve(settings)
    from worker import admin

    if arguments.command == "topics":
        return admin.create_topics(settings, arguments.partitions)
    if arguments.command == "watch":
        return admin.watch(settings)
    return admin.produce_file(settings, arguments.file)


if __name__ == "__main__":
    sys.exit(main())
