"""Where `worker extract` writes: stdout or a file, gzip- or zstd-compressed when its name says so."""

from __future__ import annotations

import contextlib
import gzip
import sys
from typing import BinaryIO

import zstandard

STDOUT = "-"


def open_output(path: str) -> contextlib.AbstractContextManager[BinaryIO]:
    """A binary stream for `path`; closing it ends a compressed file properly. Raises OSError."""
    if path == STDOUT:
        return contextlib.nullcontext(sys.stdout.buffer)
    if path.endswith(".gz"):
        return gzip.open(path, "wb")
    if path.endswith(".zst"):
        return zstandard.open(path, "wb")
    return open(path, "wb")
