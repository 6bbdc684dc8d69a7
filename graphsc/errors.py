"""graphsc's errors. Each carries the fields a user needs; ``graphsc.cli.errors`` maps them to messages.

A ``GraphscError`` is a user-facing problem (bad input, unreachable server, unknown id): the CLI prints its
message and hint and exits non-zero, without a traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class GraphscError(Exception):
    """Base class: ``message`` says what went wrong and where, ``hint`` what to do about it."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UnknownModelError(GraphscError):
    def __init__(self, model_id: str, suggestions: list[str]) -> None:
        self.model_id = model_id
        self.suggestions = suggestions
        from graphsc.ids import parse_repo_id

        parsed = parse_repo_id(model_id)
        if suggestions:
            hint = "Did you mean: " + ", ".join(suggestions) + "?"
        elif parsed.id is None:
            what = "a local path" if parsed.rejection == "local-path" else "not a Hub model id"
            hint = f"{model_id!r} is {what}; give a Hub id such as owner/name."
        else:
            hint = "Ingest it first, e.g. `graphsc ingest hf " + parsed.id + "` or `graphsc ingest snapshot FILE`."
        super().__init__(f"Model {model_id!r} is not in the graph.", hint)


class MalformedRecordError(GraphscError):
    """A line or row of an input file that is not a Hub model record."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(
            f"{path}:{line}: {reason}",
            "Fix or remove the line, or run without --strict to skip malformed records.",
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
    """A remote source (Hub, GitHub) failed after retries."""

    def __init__(self, source: str, reason: str, hint: str | None = None) -> None:
        from graphsc.redact import redact_text

        self.source = redact_text(source)  # an endpoint URL may carry credentials
        super().__init__(redact_text(f"{source}: {reason}"), redact_text(hint) if hint else None)


class ConfigError(GraphscError):
    """A setting (environment variable or option) with a value graphsc cannot use: names the setting, the value
    and what is allowed."""

    def __init__(self, setting: str, value: str, allowed: str) -> None:
        self.setting = setting
        self.value = value
        super().__init__(f"{setting}={value!r} is not valid: {allowed}.", f"Set {setting} to {allowed}, or unset it.")


class Interrupted(GraphscError):
    exit_code = 130


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
