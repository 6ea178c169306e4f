"""A module attribute replaced inside a block only: how our changes to trafilatura's internals apply to our
calls, while stock trafilatura in the same process (the benchmark's baseline) stays stock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


@contextmanager
def replaced(module: ModuleType, name: str, value: object) -> Iterator[None]:
    """`module.name` is `value` inside the block, and what it was before after it, even if the block raises."""
    previous = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, previous)
