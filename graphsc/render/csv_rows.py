"""CSV that parses back one record per row, whatever the data holds.

The standard ``csv`` writer with ``QUOTE_MINIMAL`` quotes a field only for the delimiter, the quote character and the
characters of its *line terminator*: with ``lineterminator="\\n"`` a bare ``\\r`` in a license or id is written
unquoted, and readers split the record in two. Values stay exact (control characters are not escaped in CSV); only
the quoting changes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

# characters that end a record for some reader; a field holding one must be quoted
_RECORD_BREAKS = ("\r", "\n")


def needs_quotes(value: object) -> bool:
    """True if ``value`` (as written) holds a character a CSV reader may take as the end of a record."""
    return isinstance(value, str) and any(c in value for c in _RECORD_BREAKS)


class CsvWriter:
    """Like ``csv.writer(out, lineterminator="\\n")``, but a row with a field holding ``\\r`` or ``\\n`` is written
    with every field quoted, so each record reads back as one row with ``csv.reader``."""

    def __init__(self, out: TextIO) -> None:
        self._minimal = csv.writer(out, lineterminator="\n")
        self._quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Sequence[Any]) -> None:
        """Write one record (``None`` as an empty field, as ``csv.writer`` does)."""
        fields = list(row)
        (self._quoted if any(needs_quotes(v) for v in fields) else self._minimal).writerow(fields)

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Write each of ``rows``."""
        for row in rows:
            self.writerow(row)


class CsvDictWriter:
    """``csv.DictWriter`` on a ``CsvWriter``: rows are mappings, written in ``fieldnames`` order (missing keys as
    empty fields)."""

    def __init__(self, out: TextIO, fieldnames: Sequence[str]) -> None:
        self.fieldnames = tuple(fieldnames)
        self._writer = CsvWriter(out)

    def writeheader(self) -> None:
        """Write the column names."""
        self._writer.writerow(self.fieldnames)

    def writerow(self, row: Mapping[str, Any]) -> None:
        """Write one mapping as a record."""
        self._writer.writerow([row.get(name, "") for name in self.fieldnames])
