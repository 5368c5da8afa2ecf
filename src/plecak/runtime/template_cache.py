"""Compiled Jinja templates kept for the life of the process, shared by every application in it.

Jinja compiles a template the first time an :class:`jinja2.Environment` renders it, and each
application has an environment of its own. One process that builds many applications (the test
suite builds a new app for nearly every test; ``plecak up`` builds one per service) would compile
the same templates again each time. :data:`COMPILED_TEMPLATES` is handed to every environment as
its ``bytecode_cache``: the first environment compiles a template, the next ones reuse the code.

A compiled template depends on the source and on the environment's compile-time settings (which
extensions, filters and tests, the gettext style, whether the template autoescapes, the
delimiters...), so both are part of the key; a changed source file is compiled again (Jinja
compares a checksum of it).
"""

from __future__ import annotations

import threading
from types import CodeType

import jinja2
from jinja2.bccache import Bucket

__all__ = ["COMPILED_TEMPLATES", "CompiledTemplates"]


def _settings(environment: jinja2.Environment, name: str | None) -> tuple[object, ...]:
    autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
    return (
        tuple(sorted(environment.extensions)),
        tuple(sorted(environment.filters)),  # an unknown filter or test fails the compilation
        tuple(sorted(environment.tests)),
        getattr(environment, "newstyle_gettext", None),
        bool(autoescape),
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
    )


class CompiledTemplates(jinja2.BytecodeCache):
    """An in-memory bytecode cache keyed by template file and environment settings (thread-safe)."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, CodeType]] = {}
        self._lock = threading.Lock()

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = self.get_cache_key(name, filename) + repr(_settings(environment, name))
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        if environment.finalize is None:  # a finalize callable changes the code: not cached then
            self.load_bytecode(bucket)
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        if bucket.environment.finalize is None:
            self.dump_bytecode(bucket)

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            found = self._code.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            with self._lock:
                self._code[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        with self._lock:
            self._code.clear()


COMPILED_TEMPLATES = CompiledTemplates()
