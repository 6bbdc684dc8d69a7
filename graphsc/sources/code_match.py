"""Decide whether a code-search fragment really uses a Hugging Face model, and build the searches.

A hit counts only when the model id is, exactly, a model argument of a known loader call in the fragment:
the first argument of ``*.from_pretrained(...)``, ``SentenceTransformer(...)``, ``hf_hub_download(...)``, the
model of ``pipeline(task, model)`` / ``pipeline(model=...)``, ``timm``/``open_clip`` ``create_model("hf-hub:<id>")``,
either as a string literal or as a variable the fragment assigns that literal to. Comments, docstrings (complete
triple-quoted strings), URLs and longer ids that merely contain the id (``gpt2-large``, ``org/gpt2``) do not
count. Notebook fragments (``.ipynb``, JSON-encoded source lines) are decoded first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

HF_HUB_PREFIX = "hf-hub:"


@dataclass(frozen=True, slots=True)
class Loader:
    """Where a loader call takes its model: a positional index and/or keyword names; ``hub_prefix`` if it needs
    the ``hf-hub:`` scheme (timm, open_clip)."""

    position: int | None
    keywords: frozenset[str]
    hub_prefix: bool = False


LOADERS: dict[str, Loader] = {
    "from_pretrained": Loader(0, frozenset({"pretrained_model_name_or_path"})),
    "pipeline": Loader(1, frozenset({"model"})),
    "SentenceTransformer": Loader(0, frozenset({"model_name_or_path"})),
    "CrossEncoder": Loader(0, frozenset({"model_name", "model_name_or_path"})),
    "hf_hub_download": Loader(0, frozenset({"repo_id"})),
    "snapshot_download": Loader(0, frozenset({"repo_id"})),
    "create_model": Loader(0, frozenset({"model_name"}), hub_prefix=True),
    "create_model_and_transforms": Loader(0, frozenset({"model_name"}), hub_prefix=True),
    "create_model_from_pretrained": Loader(0, frozenset({"model_name"}), hub_prefix=True),
}
# Extensions of documentation: a loader call there is an example, not a use.
DOC_EXTENSIONS = frozenset({".md", ".markdown", ".rst", ".txt", ".html", ".htm", ".tex", ".adoc", ".org"})

_CALL = re.compile(r"\b(?P<name>" + "|".join(LOADERS) + r")\s*\(")
_DEF = re.compile(r"\b(?:def|function|class)\s+$")
_STRING = re.compile(r"^[rRuU]?(?P<q>[\"'])(?P<body>[^\"'\\]*)(?P=q)$")
_IDENT = re.compile(r"^[A-Za-z_]\w*$")
_ASSIGN = re.compile(
    r"^[ \t]*(?:(?:const|let|var|final)\s+)?(?P<name>[A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*"
    r"[rRuU]?(?P<q>[\"'])(?P<body>[^\"'\\\n]*)(?P=q)[ \t;,]*$",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class CodeUse:
    """A use found in a fragment: the 0-based line in the fragment and that line as the fragment has it."""

    line: int
    text: str
    loader: str


def search_queries(model_id: str) -> list[str]:
    """The GitHub code-search queries that find candidate uses of ``model_id``."""
    quoted = f'"{model_id}"'
    return [
        f"{quoted} from_pretrained",
        f"{quoted} pipeline",
        f"{quoted} SentenceTransformer",
        f"{quoted} hf_hub_download",
        f"{quoted} snapshot_download",
        f'"{HF_HUB_PREFIX}{model_id}"',
    ]


def is_code_path(path: str) -> bool:
    """False for documentation files, whose loader calls are examples rather than uses."""
    name = path.rsplit("/", 1)[-1].lower()
    return not any(name.endswith(ext) for ext in DOC_EXTENSIONS)


def find_uses(fragment: str, model_id: str, *, notebook: bool = False) -> list[CodeUse]:
    """Every place in ``fragment`` where ``model_id`` is a loader's model argument (see module doc)."""
    original = fragment.split("\n")
    text = "\n".join(_decode_notebook_line(line) for line in original) if notebook else fragment
    code = _blank_comments(text)
    bound = {m["name"]: (m.start("body"), m["body"]) for m in _ASSIGN.finditer(code)}
    uses: list[CodeUse] = []
    for call in _CALL.finditer(code):
        if _DEF.search(code[code.rfind("\n", 0, call.start()) + 1 : call.start()]):
            continue  # a definition, not a call
        loader = LOADERS[call["name"]]
        for offset, value in _model_arguments(code, call.end(), loader):
            literal = _STRING.match(value)
            if literal is not None and _is_id(literal["body"], model_id, loader.hub_prefix):
                at = offset
            elif value in bound and _is_id(bound[value][1], model_id, loader.hub_prefix):
                at = bound[value][0]
            else:
                continue
            line = code.count("\n", 0, at)
            uses.append(CodeUse(line, original[line] if line < len(original) else "", call["name"]))
    return sorted(set(uses), key=lambda u: (u.line, u.loader))


def _is_id(value: str, model_id: str, hub_prefix: bool) -> bool:
    if hub_prefix:
        return value == HF_HUB_PREFIX + model_id
    return value == model_id or value == HF_HUB_PREFIX + model_id


def _decode_notebook_line(line: str) -> str:
    """A notebook source line is a JSON string (``"x = 1\\n",``); decode it, keeping one line per line."""
    stripped = line.strip().rstrip(",")
    if len(stripped) >= 2 and stripped[0] == '"' and stripped[-1] == '"':
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError:
            return line
        if isinstance(value, str):
            return value.rstrip("\n").replace("\n", " ")
    return line


def _blank_comments(text: str) -> str:
    """``text`` with comments (``#``, ``//``) and complete triple-quoted strings blanked, line breaks kept."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith(('"""', "'''"), i):
            close = text.find(text[i : i + 3], i + 3)
            end = n if close < 0 else close + 3
            out.append("".join("\n" if ch == "\n" else " " for ch in text[i:end]))
            i = end
        elif text[i] in "\"'":
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
        elif text[i] == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    """Index just past the single-line string literal opening at ``start`` (or the end of its line)."""
    quote, i = text[start], start + 1
    while i < len(text) and text[i] != "\n":
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    return i


def _model_arguments(code: str, start: int, loader: Loader) -> list[tuple[int, str]]:
    """The arguments of the call whose ``(`` ends at ``start`` that can hold the model: (offset, text)."""
    found: list[tuple[int, str]] = []
    for index, (offset, arg) in enumerate(_split_arguments(code, start)):
        keyword, sep, value = arg.partition("=")
        if sep and _IDENT.match(keyword.strip()) and not value.startswith("="):
            if keyword.strip() in loader.keywords:
                found.append((offset + len(arg) - len(value.lstrip()), value.strip()))
        elif index == loader.position:
            found.append((offset + len(arg) - len(arg.lstrip()), arg.strip()))
    return found


def _split_arguments(code: str, start: int) -> list[tuple[int, str]]:
    """Top-level comma-separated arguments from ``start`` to the matching ``)`` (or the fragment's end)."""
    args: list[tuple[int, str]] = []
    depth, i, begin, n = 0, start, start, len(code)
    while i < n:
        ch = code[i]
        if ch in "\"'":
            i = _string_end(code, i)
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            args.append((begin, code[begin:i]))
            begin = i + 1
        i += 1
    if code[begin:i].strip():
        args.append((begin, code[begin:i]))
    return args
