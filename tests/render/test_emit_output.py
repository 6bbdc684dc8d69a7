"""``render.emit(..., output=FILE)``: a regular file is replaced whole; a FIFO, a device or a symlink's target is
written into, never replaced by a regular file."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from graphsc.errors import GraphscError
from graphsc.render import emit

DOC = {"schema": "graphsc.test/1", "ids": ["a/b", "c/d"]}


def _emit(output: Path) -> None:
    emit("json", document=lambda: DOC, output=output)


def test_a_regular_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old content that is longer than the new document " * 10)
    _emit(target)
    assert json.loads(target.read_text()) == DOC
    assert not (tmp_path / "out.json.partial").exists()


def test_a_symlink_is_followed_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("x")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    _emit(link)
    assert link.is_symlink()
    assert json.loads(real.read_text()) == DOC


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    _emit(fifo)
    reader.join(timeout=10)
    assert fifo.is_fifo()
    assert json.loads(received[0]) == DOC


def test_a_device_is_written_into_not_replaced() -> None:
    _emit(Path("/dev/null"))
    assert Path("/dev/null").is_char_device()


def test_a_missing_directory_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(GraphscError, match="Cannot write"):
        _emit(tmp_path / "missing" / "out.json")
    assert not (tmp_path / "missing").exists()


def test_dash_is_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _emit(Path("-"))
    assert json.loads(capsys.readouterr().out) == DOC
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("given", ["", "."])
def test_an_output_naming_no_file_is_an_error(given: str) -> None:
    with pytest.raises(GraphscError, match="names no file"):
        _emit(Path(given))
