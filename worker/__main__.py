"""Command line: `python -m worker run|extract|topics|produce|watch|dlq`."""

from __future__ import annotations

import argparse
import sys

from worker import __version__, logs
from worker.settings import CONNECTION, TOPICS, add_arguments, from_arguments
from worker.tools.dlq import moment

USAGE_ERROR = 2  # as argparse and the shells' convention: the command line was wrong
RUNTIME_ERROR = 1


class Parser(argparse.ArgumentParser):
    """A bad command line is one clear line on stderr, never the usage dump or a traceback."""

    def error(self, message: str) -> None:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m worker", description=__doc__)
    parser.add_argument("--version", action="version", version=f"article-worker {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    tools = CONNECTION + TOPICS + ("group_id",)

    run = commands.add_parser("run", help="consume raw pages, publish articles and dead letters")
    add_arguments(run, argv=argv)

    extract = commands.add_parser("extract", help="run the pipeline offline on JSON Lines envelopes")
    extract.add_argument("file", nargs="?", default="-", help="JSON Lines file of envelopes, or - for stdin")

    topics = commands.add_parser("topics", help="create the input, output and dead-letter topics")
    add_arguments(topics, argv=argv, names=CONNECTION + TOPICS)
    topics.add_argument("--partitions", type=int, default=6, help="partitions of the input topic")

    produce = commands.add_parser("produce", help="publish JSON Lines envelopes to the input topic")
    add_arguments(produce, argv=argv, names=CONNECTION + ("input_topic",))
    produce.add_argument("file", help="JSON Lines file of envelopes")

    watch = commands.add_parser("watch", help="print articles and dead letters as they are published")
    add_arguments(watch, argv=argv, names=CONNECTION + TOPICS)

    dlq = commands.add_parser("dlq", help="inspect and replay dead letters")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    for name, text in (("stats", "counts by reason, original topic and day"),
                       ("show", "print dead letters with their headers"),
                       ("replay", "re-publish dead letters to the input topic once a fix is deployed")):
        sub = dlq_commands.add_parser(name, help=text)
        add_arguments(sub, argv=argv, names=tools)
        sub.add_argument("--reason", action="append", help="only this dlq.reason (repeatable)")
        sub.add_argument("--since", type=moment, help="only dead-lettered at or after (ISO 8601)")
        sub.add_argument("--until", type=moment, help="only dead-lettered before (ISO 8601)")
        sub.add_argument("--url", help="only pages whose URL matches this regular expression")
        if name == "show":
            sub.add_argument("--limit", type=int, default=50, help="print at most this many")
        if name == "replay":
            sub.add_argument("--to", help="topic to publish to (default: the input topic)")
            sub.add_argument("--group", help="consumer group that remembers what was replayed "
                                             "(default: <group-id>-dlq-replay)")
            sub.add_argument("--max-replays", type=int, default=3, help="refuse records replayed this many times")
            sub.add_argument("--dry-run", action="store_true", help="count what would be replayed, publish nothing")

    arguments = parser.parse_args(argv)
    if arguments.command == "extract":
        from worker.tools.extract import extract_lines

        try:
            lines = sys.stdin.buffer if arguments.file == "-" else open(arguments.file, "rb")
        except OSError as err:
            print(f"{parser.prog} extract: cannot read {arguments.file}: {err.strerror}", file=sys.stderr)
            return RUNTIME_ERROR
        with lines:
            extract_lines(lines, sys.stdout.buffer)
        return 0

    try:
        settings = from_arguments(arguments)
    except ValueError as err:
        parser.error(str(err))
    logs.configure(settings.log_level)
    if arguments.command == "run":
        from worker.stream.service import serve

        return serve(settings)
    from worker.tools import admin

    if arguments.command == "topics":
        return admin.create_topics(settings, arguments.partitions)
    if arguments.command == "watch":
        return admin.watch(settings)
    if arguments.command == "dlq":
        from worker.tools import dlq as dead_letters

        return dead_letters.main(settings, arguments)
    return admin.produce_file(settings, arguments.file)


if __name__ == "__main__":
    sys.exit(main())
