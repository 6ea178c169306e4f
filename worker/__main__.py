"""Command line: `python -m worker run|extract|topics|produce|watch|dlq`."""

from __future__ import annotations

import argparse
import sys

from worker import __version__, extractors, logs
from worker.core.timestamps import utc_moment
from worker.settings import CONNECTION, TOPICS, Settings, add_arguments, from_arguments

USAGE_ERROR = 2  # as argparse and the shells' convention: the command line was wrong
RUNTIME_ERROR = 1
EXTRACT = ("processes", "extraction_timeout_s", "recycle_after", "max_page_bytes", "max_elements", "page_types",
           "log_level")


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

    extract = commands.add_parser("extract", help="run the pipeline offline on envelopes, HTML or WARC files")
    add_arguments(extract, argv=argv, names=EXTRACT)
    extract.add_argument("files", nargs="*", metavar="FILE",
                         help="JSON Lines of envelopes (.jsonl, .gz, .zst; - for stdin, the default), WARC "
                              "(.warc, .warc.gz), or HTML files; a directory: every file under it")
    extract.add_argument("--input-dir", action="append", default=[], metavar="DIR",
                         help="read every file under DIR (repeatable)")
    extract.add_argument("--base-url", help="URL of a directory of HTML files: a page without a canonical link or "
                                            "og:url gets this plus its file name")
    extract.add_argument("-o", "--output", default="-", metavar="FILE",
                         help="write here instead of stdout; gzip or zstd when the name ends in .gz or .zst")
    extract.add_argument("--dead-letters", metavar="FILE", help="write dead letters here (same suffixes), "
                                                                "so that the output holds articles only")

    topics = commands.add_parser("topics", help="create the input, output and dead-letter topics")
    add_arguments(topics, argv=argv, names=CONNECTION + TOPICS)
    topics.add_argument("--partitions", type=int, default=6, help="partitions of the input and output topics")
    topics.add_argument("--replication-factor", type=int, help="replicas of each partition (default: the broker's)")
    topics.add_argument("--compact-output", action="store_true", help="compact the output topic on the article id")

    produce = commands.add_parser("produce", help="publish envelopes, HTML or WARC files to the input topic")
    add_arguments(produce, argv=argv, names=CONNECTION + ("input_topic",))
    produce.add_argument("files", nargs="+", metavar="FILE", help="files read as by extract: JSON Lines, WARC, HTML")
    produce.add_argument("--warc", action="store_true", help="the files are WARC, whatever their names: "
                                                             "each HTML response record becomes an envelope")
    produce.add_argument("--base-url", help="as for extract, for HTML files")

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
        sub.add_argument("--since", type=utc_moment, help="only dead-lettered at or after (ISO 8601)")
        sub.add_argument("--until", type=utc_moment, help="only dead-lettered before (ISO 8601)")
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
    try:
        settings = from_arguments(arguments)
    except ValueError as err:
        parser.error(str(err))
    logs.configure(settings.log_level)
    if arguments.command in ("run", "extract"):
        extractors.start_forkserver()  # it loads the pipeline while this process goes on starting
    if arguments.command in ("extract", "produce"):
        return _batch(parser.prog, arguments, settings)
    if arguments.command == "run":
        from worker.stream.service import serve

        return serve(settings)
    from worker.tools import admin

    if arguments.command == "topics":
        return admin.create_topics(settings, arguments.partitions, arguments.replication_factor,
                                   arguments.compact_output)
    if arguments.command == "watch":
        return admin.watch(settings)
    if arguments.command == "dlq":
        from worker.tools import dlq as dead_letters

        return dead_letters.main(settings, arguments)
    raise AssertionError(f"unhandled command {arguments.command}")


def _batch(prog: str, arguments: argparse.Namespace, settings: Settings) -> int:
    """`extract` and `produce`: an input or output that cannot be opened is one line and exit code 1."""
    from worker.tools.inputs import Inputs, expand

    command = f"{prog} {arguments.command}"
    try:
        paths = expand(arguments.files or (["-"] if arguments.command == "extract" and not arguments.input_dir else []),
                       getattr(arguments, "input_dir", []))
        if not paths:
            print(f"{command}: no input files", file=sys.stderr)
            return RUNTIME_ERROR
        inputs = Inputs(paths, arguments.base_url, warc=getattr(arguments, "warc", False))
        if arguments.command == "produce":
            from worker.tools.produce import produce

            return produce(settings, inputs)
        from contextlib import ExitStack

        from worker.tools.extract import exit_code, extract
        from worker.tools.outputs import open_output

        with ExitStack() as files:
            articles = files.enter_context(open_output(arguments.output))
            dead_letters = files.enter_context(open_output(arguments.dead_letters)) if arguments.dead_letters else None
            pool = files.enter_context(extractors.extractor_pool(settings))
            pool.warm_up()
            summary = extract(inputs, pool, settings.extractor_processes, articles, dead_letters)
    except OSError as err:
        print(f"{command}: cannot open {err.filename}: {err.strerror or err}", file=sys.stderr)
        return RUNTIME_ERROR
    print(summary.line(), file=sys.stderr)
    return exit_code(summary)


if __name__ == "__main__":
    sys.exit(main())
