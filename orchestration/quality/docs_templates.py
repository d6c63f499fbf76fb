"""Compile the templates of GX's data docs once per process.

GX 1.x builds a new Jinja environment for every page and section of a data-docs site it
renders, so each build compiles every template again: 4.2 s of the 5.2 s that a daily
refresh's six data-docs builds took at 1 M work orders (cProfile of the benchmark's GX
stage). Jinja's bytecode cache is the documented place to keep compiled templates; one
cache in memory, shared by those environments, compiles each template once per process.
A template is looked up by its name and the checksum of its source, and every
environment GX's views build has the same settings, so the pages are the same.
"""

from __future__ import annotations

from typing import Any

from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in this process's memory."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._code.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()

    def __len__(self) -> int:
        return len(self._code)


TEMPLATE_CACHE = MemoryBytecodeCache()


def share_compiled_templates() -> None:
    """Make every Jinja environment GX's data-docs views build from now on use
    :data:`TEMPLATE_CACHE`; idempotent."""
    from great_expectations.render.view import view

    original = view.DefaultJinjaView.__init__
    if getattr(original, "_shares_compiled_templates", False):
        return

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.env.bytecode_cache = TEMPLATE_CACHE

    __init__._shares_compiled_templates = True  # type: ignore[attr-defined]
    view.DefaultJinjaView.__init__ = __init__  # type: ignore[method-assign]
