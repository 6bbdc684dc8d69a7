"""graphsc's errors. Each carries the fields a user needs; ``graphsc.cli.errors`` maps them to messages.

A ``GraphscError`` is a user-facing problem (bad input, unreachable server, unknown id): the CLI prints its
message and hint and exits non-zero, without a traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class GraphscError(Exception):
    """Base class: ``message`` says what went wrong and where, ``hint`` what to do about it; ``details``, more
    lines of the same kind (e.g. every problem of a file after the first), each shown on its own line."""

    exit_code = 1
    details: tuple[str, ...] = ()

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UnknownModelError(GraphscError):
    """A model the graph does not hold. The CLI prints it after the headline ``Unknown model:``, so the message
    does not say "model" again. A value that is not a Hub id at all (a local path, a malformed or empty value)
    says so first: no ingest can add it. Its hint may still list stored ids with a similar name (a local
    directory is often named after the Hub model it was downloaded from); a Hub id that is not stored gets
    "Did you mean" or, with no close match, how to ingest it."""

    def __init__(self, model_id: str, suggestions: list[str]) -> None:
        self.model_id = model_id
        self.suggestions = suggestions
        from graphsc.ids import parse_repo_id

        parsed = parse_repo_id(model_id)
        if parsed.id is None:
            if parsed.rejection == "local-path":
                message = f"{model_id!r} is a local path, not a Hugging Face model id."
            else:
                message = f"{model_id!r} is not a Hugging Face model id."
            hint = "Give a Hub id such as owner/name; the graph holds Hub models, not local files."
            if suggestions:
                hint += " Stored models with a similar name: " + ", ".join(suggestions) + "."
        else:
            message = f"{model_id!r} is not in the graph."
            if suggestions:
                hint = "Did you mean: " + ", ".join(suggestions) + "?"
            else:
                hint = "Ingest it first, e.g. `graphsc ingest hf " + parsed.id + "` or `graphsc ingest snapshot FILE`."
        super().__init__(message, hint)


@dataclass(frozen=True, slots=True)
class BadInput:
    """One piece of input graphsc could not use, where it is and why: the one type for every such problem.

    Where: a line or row of a file (``path``; ``line`` 1-based, 0 for a database row) or a model the Hub would not
    give (``model_id``, with the ``url`` asked and the HTTP ``status`` when there was one); neither while a record is
    being converted (the caller knows where it came from and adds it). What: ``reason``. ``lost`` counts the records
    it stands for (a damaged Parquet row group is one ``BadInput`` for all its rows; 0 when the count is unknown,
    e.g. the unread rest of a cut file). Reports carry these; ``--strict`` raises ``BadInputError`` built from one.
    """

    reason: str
    path: str | None = None
    line: int | None = None
    model_id: str | None = None
    url: str | None = None
    status: int | None = None
    lost: int = 1

    @classmethod
    def at_line(cls, path: str, line: int, reason: str, lost: int = 1) -> BadInput:
        """A line (row) of the file ``path`` that could not be used."""
        return cls(reason, path=path, line=line, lost=lost)

    @classmethod
    def of_model(cls, model_id: str, reason: str, status: int | None = None, url: str | None = None) -> BadInput:
        """A model the Hub would not give (unknown, gated/private), or whose record is unusable."""
        return cls(reason, model_id=model_id, url=url, status=status)

    @property
    def where(self) -> str | None:
        """``path:line``, or the model id, or None when the problem has no place yet."""
        if self.path is not None:
            return f"{self.path}:{self.line}" if self.line is not None else self.path
        return self.model_id

    def __str__(self) -> str:
        """``where: reason`` (as the CLI prints it), or the reason alone."""
        return f"{self.where}: {self.reason}" if self.where is not None else self.reason


class BadInputError(GraphscError, ValueError):
    """A ``BadInput`` raised: a record that is not a usable Hub model record (while converting, ``problem`` has no
    place yet), or the first malformed line with ``--strict``. ``problem`` holds the fields."""

    def __init__(self, problem: BadInput, hint: str | None = None) -> None:
        self.problem = problem
        super().__init__(str(problem), hint)

    @property
    def path(self) -> str | None:
        return self.problem.path

    @property
    def line(self) -> int | None:
        return self.problem.line

    @property
    def reason(self) -> str:
        return self.problem.reason


class UnknownRepoError(GraphscError):
    """A repository or Space id with no stored usage or record."""

    def __init__(self, repo_id: str) -> None:
        self.repo_id = repo_id
        super().__init__(
            f"{repo_id!r} is not a repository or Space in the graph.",
            "Ingest its usage first (`graphsc ingest peatmoss`, `ingest github`, `ingest sbom`) and give it as owner/name.",
        )


class InputFileError(GraphscError):
    """An input file that cannot be read: names the file and why; ``hint`` says what the command reads."""

    def __init__(self, path: str, reason: str, hint: str | None = None) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"Cannot read {path}: {reason}",
            hint or "Check the path and that the file is JSONL (.jsonl/.jsonl.gz) or Parquet.",
        )


class StoreError(GraphscError):
    """The store cannot be opened or written: names the location and what to check."""

    def __init__(self, location: str, reason: str, hint: str | None = None) -> None:
        self.location = location
        super().__init__(f"Store {location}: {reason}", hint)


class MissingStoreError(StoreError):
    """A read command found no graphsc database at the path (nothing was created there)."""

    def __init__(self, location: str) -> None:
        self.location = location
        GraphscError.__init__(
            self,
            f"no graphsc database at {location} — run `graphsc ingest` or `graphsc demo` first",
            "Or point --db / GRAPHSC_DB at an existing graphsc database.",
        )


class SourceError(GraphscError):
    """A remote source (Hub, GitHub) failed after retries, or answered what cannot be used.

    The message is ``source: reason``; the fields keep the parts: ``url`` requested, HTTP ``status`` (None when
    there was no answer), ``attempts`` made (None when not retried). Credentials in any of them are redacted."""

    def __init__(
        self,
        source: str,
        reason: str,
        hint: str | None = None,
        *,
        url: str | None = None,
        status: int | None = None,
        attempts: int | None = None,
    ) -> None:
        from graphsc.redact import redact_text

        self.source = redact_text(source)  # an endpoint URL may carry credentials
        self.reason = redact_text(reason)
        self.url = redact_text(url) if url else None
        self.status = status
        self.attempts = attempts
        super().__init__(redact_text(f"{source}: {reason}"), redact_text(hint) if hint else None)


class ConfigError(GraphscError):
    """A setting (environment variable or option) with a value graphsc cannot use: names the setting, the value
    and what is allowed."""

    def __init__(self, setting: str, value: str, allowed: str) -> None:
        self.setting = setting
        self.value = value
        super().__init__(f"{setting}={value!r} is not valid: {allowed}.", f"Set {setting} to {allowed}, or unset it.")


class Interrupted(GraphscError):
    """Ctrl-C (``KeyboardInterrupt``): the CLI maps it to this in one place (``graphsc.cli``), exit code 130; the
    message is what the command keeps and how to go on (``graphsc.cli.errors.note_on_interrupt``)."""

    exit_code = 130

    def __init__(self, kept: str | None = None) -> None:
        self.kept = kept
        super().__init__(kept or "stopped by Ctrl-C; nothing more was done.")


class UnknownLicenseError(GraphscError):
    """A license id, alias or name that the license table does not know."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        self.text = text
        self.suggestions = suggestions
        import re

        if re.search(r"\s(and|or|with)\s", text, flags=re.IGNORECASE):
            hint = "Explain takes one license; explain each part of the expression on its own."
        elif suggestions:
            hint = "Did you mean: " + ", ".join(suggestions) + "?"
        else:
            hint = (
                "Give a Hugging Face license id (apache-2.0, llama3.1), an SPDX id or a license name; "
                "the table is graphsc/license_table/data/licenses.toml."
            )
        super().__init__(f"License {text!r} is not in the license table.", hint)
