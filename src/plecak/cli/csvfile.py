"""``plecak issue-batch``'s files: the learners' CSV in, the results (or offers) CSV out."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import Failure, UsageError

__all__ = [
    "CSV_COLUMNS",
    "CSV_DELIMITERS",
    "OFFER_COLUMNS",
    "RESULT_COLUMNS",
    "BatchRow",
    "RowResult",
    "offer_email_text",
    "read_batch",
    "sniff_delimiter",
]


CSV_COLUMNS = ("name", "email", "did", "grade")
RESULT_COLUMNS = ("row", "name", "status", "credential_id", "error")
OFFER_COLUMNS = ("row", "name", "status", "email", "link", "tx_code", "expires_at", "email_text", "error")


@dataclass(frozen=True)
class BatchRow:
    """One data row of the CSV file, ready to send."""

    number: int
    name: str
    body: dict[str, Any]
    idempotency_key: str
    problem: str | None = None


@dataclass
class RowResult:
    number: int
    name: str
    status: str
    credential_id: str = ""
    error: str = ""
    offer: dict[str, str] = field(default_factory=dict)  # --offers: link, tx_code, expires_at, …


def _idempotency_key(achievement: str, body: Mapping[str, Any], occurrence: int) -> str:
    """sha256 of the achievement, what the row asks for, and which copy of an identical row it is.

    The row's position is deliberately left out: adding or reordering rows in the file must not
    issue again to learners already done. Two identical rows are two learners (``occurrence``).
    """
    material = json.dumps(
        ["plecak issue-batch v1", achievement, body, occurrence],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


CSV_DELIMITERS = (",", ";", "\t")
"""Separators ``issue-batch`` understands: commas, semicolons (what spreadsheets write in locales
with a decimal comma, e.g. Polish) and tabs."""


def sniff_delimiter(header_line: str) -> str:
    """The separator of a CSV file, judged from its header row (names, so no quoted separators):
    the most frequent of comma, semicolon and tab; a comma when the header has one column."""
    counts = {d: header_line.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier (comma)
    return best if counts[best] else ","


# long: one pass over the file: each refusal names its row or column, and the steps share the header index
def read_batch(path: Path, achievement: str) -> tuple[list[BatchRow], list[str]]:
    """The rows of a batch CSV file and the names of columns that will be ignored.

    The separator (comma, semicolon or tab) is taken from the header row; a first line
    ``sep=;`` (as some spreadsheets write) names it explicitly. Cells are kept as text, so a
    grade written with a decimal comma (``4,5``) stays ``4,5``.

    Raises :class:`UsageError` for an unreadable file, a missing ``name`` column or no rows.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
        lines = text.splitlines()
        first = lines[0].strip() if lines else ""
        if first.lower().startswith("sep=") and len(first) == 5:
            delimiter = first[4]
            text = text.split("\n", 1)[1] if "\n" in text else ""
        else:
            delimiter = sniff_delimiter(first)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, None)
        records = [(reader.line_num, rec) for rec in reader]
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text; save the CSV as UTF-8") from None
    except (OSError, csv.Error) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not header or not any(cell.strip() for cell in header):
        raise UsageError(f"{path} is empty; the first row must name the columns (name,email,did,grade)")
    columns = [cell.strip().lower() for cell in header]
    if "name" not in columns:
        raise UsageError(
            f"{path} has no 'name' column; the header row is {delimiter.join(header)!r}. Expected a header "
            "row such as name,email,did,grade (separated by commas, semicolons or tabs)"
        )
    duplicates = sorted({c for c in columns if c in CSV_COLUMNS and columns.count(c) > 1})
    if duplicates:
        raise UsageError(f"{path} names the column(s) {', '.join(duplicates)} more than once")
    ignored = [c for c in columns if c and c not in CSV_COLUMNS]
    index = {c: columns.index(c) for c in CSV_COLUMNS if c in columns}

    rows: list[BatchRow] = []
    seen: dict[str, int] = {}
    for _, record in records:
        if not any(cell.strip() for cell in record):
            continue  # blank line
        values = {c: (record[i].strip() if i < len(record) else "") for c, i in index.items()}
        learner = {k: values[k] for k in ("name", "email", "did") if values.get(k)}
        body: dict[str, Any] = {"learner": learner}
        if values.get("grade"):
            body["grade"] = values["grade"]
        canonical = json.dumps(body, sort_keys=True)
        seen[canonical] = seen.get(canonical, 0) + 1
        rows.append(
            BatchRow(
                number=len(rows) + 1,
                name=values.get("name", ""),
                body=body,
                idempotency_key=_idempotency_key(achievement, body, seen[canonical]),
                problem=None if values.get("name") else "the name is empty",
            )
        )
    if not rows:
        raise UsageError(f"{path} has a header but no rows")
    return rows, ignored


def offer_email_text(name: str, title: str, link: str, expires_at: str, *, with_code: bool) -> str:
    """The e-mail a registrar can send a learner with their offer link (the code goes separately)."""
    text = (
        f'Dear {name},\n\nyour micro-credential "{title}" is ready. '
        f"Open this link on your phone to add it to your wallet:\n{link}\n\n"
    )
    if with_code:
        text += "You will be asked for a code, which we send in a separate message.\n\n"
    return text + f"The link expires on {expires_at[:10]}."


def _write_results(path: Path, results: Sequence[RowResult], *, offers: bool = False) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(OFFER_COLUMNS if offers else RESULT_COLUMNS)
            for r in sorted(results, key=lambda r: r.number):
                if offers:
                    extra = [r.offer.get(c, "") for c in OFFER_COLUMNS[3:-1]]
                    writer.writerow([r.number, r.name, r.status, *extra, r.error])
                else:
                    writer.writerow([r.number, r.name, r.status, r.credential_id, r.error])
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise Failure(f"cannot write the results to {path}: {exc.strerror}") from None
