"""pyld's JSON-LD processor as this package runs it: contexts and IRI expansions remembered across
documents, ``"@vocab": null`` accepted where no default was set, a cheaper RDFC-1.0 step, and
pyld's errors turned into ours (:class:`~plecak.core.errors.JsonLdError`, the loader's own error kept)."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import Any, ClassVar

from pyld import jsonld as _pyld
from pyld.canon import URDNA2015

from plecak.core.errors import DocumentLoaderError, JsonLdError

__all__ = ["MemoProcessor", "Urdna2015", "translate_error"]


class _ActiveContext(dict[str, Any]):
    """An active context from which removing an unset default is a no-op.

    pyld 3.3.0 handles ``"@vocab": null`` (and ``@language``/``@direction``: null) with a bare
    ``del``, so a context resetting a default nobody set raised ``KeyError``: a crash on input,
    e.g. the VC 2.0 test suite's ``[".../credentials/v2", {"@vocab": null}]``. JSON-LD 1.1 context
    processing (and jsonld.js) just leaves the default unset.
    """

    _DEFAULTS = frozenset({"@vocab", "@language", "@direction"})

    def __delitem__(self, key: str) -> None:
        if key in self._DEFAULTS and key not in self:
            return
        super().__delitem__(key)


class MemoProcessor(_pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with processed contexts remembered across documents.

    pyld caches a processed context per active context, but type-scoped contexts (``propagate:
    false``) are applied to a fresh clone each time, so they are reprocessed for every node. Here
    the result of processing context C on active context A is kept, keyed by A's identity tag and
    C's object identity (the bundled contexts are parsed once, so the same objects come back).
    """

    _memo: ClassVar[OrderedDict[tuple[Any, ...], tuple[Any, Any]]] = OrderedDict()
    _memo_lock = threading.Lock()
    _MEMO_SIZE = 512  # processed contexts are shallow clones: a few tens of KB each at most

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        uuid_tag = active_ctx.get("_uuid")
        if uuid_tag is None or cycles:
            return super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
            )
        key = (uuid_tag, id(local_ctx), override_protected, propagate, validate_scoped)
        with self._memo_lock:
            hit = self._memo.get(key)
            if hit is not None and hit[0] is local_ctx:
                self._memo.move_to_end(key)
                return hit[1]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        if isinstance(result, dict) and "_uuid" not in result:
            result["_uuid"] = str(uuid.uuid4())
        with self._memo_lock:
            self._memo[key] = (local_ctx, result)  # keeps local_ctx alive, so its id is not reused
            if len(self._memo) > self._MEMO_SIZE:
                self._memo.popitem(last=False)
        return result

    def _clone_active_context(self, active_ctx: Any) -> Any:
        return _ActiveContext(super()._clone_active_context(active_ctx))

    _iri_memo: ClassVar[dict[tuple[Any, ...], Any]] = {}
    _IRI_MEMO_SIZE = 20_000

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: Any = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        """pyld's IRI expansion, remembered per processed context (keyed by its ``_uuid``).

        Only lookups outside context processing (no ``local_ctx``/``defined``) are remembered:
        pyld gives every processed context a fresh ``_uuid`` once its definitions are final and
        keys its own caches by it, so the answer for (context, value, base, vocab) cannot change.
        """
        uuid_tag = active_ctx.get("_uuid") if local_ctx is None and defined is None else None
        if uuid_tag is None or not isinstance(value, str) or not isinstance(base, str | None):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (uuid_tag, value, base, vocab)
        memo = self._iri_memo
        hit = memo.get(key, memo)
        if hit is not memo:
            return hit
        result = super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        if len(memo) >= self._IRI_MEMO_SIZE:
            memo.clear()
        memo[key] = result
        return result


class Urdna2015(URDNA2015):  # type: ignore[misc]
    """pyld's RDFC-1.0 with a shallow copy where it deep-copies a blank-node term (same result)."""

    def modify_first_degree_component(self, id_: str, component: Any, key: str) -> Any:
        if component["type"] != "blank node":
            return component
        return {**component, "value": "_:a" if component["value"] == id_ else "_:z"}


def _root_cause(exc: BaseException) -> BaseException:
    seen = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, DocumentLoaderError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return exc


_DETAILS_MAX = 200  # characters of pyld's details (they echo the input) kept in a message


def _describe(exc: BaseException) -> str:
    """One line for a pyld error: its message, code and (shortened) details.

    pyld's own ``str()`` is a multi-line dump (the message as a tuple, ``Type:``, ``Code:``,
    ``Details:``) that ended up word for word in problem details and on the verifier's pages.
    """
    if not isinstance(exc, _pyld.JsonLdError) or not exc.args:
        return str(exc)
    message = str(exc.args[0]).rstrip(".")
    if exc.code:
        message = f"{message} ({exc.code})"
    if exc.details:
        details = repr(exc.details)
        if len(details) > _DETAILS_MAX:
            details = details[: _DETAILS_MAX - 1] + "…"
        message = f"{message}: {details}"
    return message


def translate_error(exc: Exception) -> Exception:
    cause = _root_cause(exc)
    if isinstance(cause, DocumentLoaderError):
        return cause
    message = _describe(exc)
    inner = exc.__cause__
    while inner is not None and message.startswith("Could not"):
        message = f"{message}; {_describe(inner)}"
        inner = inner.__cause__
    return JsonLdError(message)
