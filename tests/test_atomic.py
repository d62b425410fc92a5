"""The one safe writer (kg/atomic.py): a reader sees the old output or the new one, never half,
and a writer killed half-way is cleaned up after on the next run.

Runs in process and fast: `mutmut run "kg.atomic*"` uses it (docs/testing.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg import atomic
from kg.atomic import exchange, recover, staged_directory, swap, write_bytes, write_text
from kg.errors import KgError


def listing(folder: Path) -> list[str]:
    """Every entry of *folder*, hidden ones too."""
    return sorted(p.name for p in folder.iterdir())


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# --- files -----------------------------------------------------------------------------------


def test_write_bytes_creates_parents_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.bin"
    write_bytes(target, b"one")
    write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert listing(target.parent) == ["out.bin"]


def test_write_text_is_utf8(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text(target, "Japón 日本")
    assert target.read_bytes() == "Japón 日本".encode()


def test_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()  # os.replace cannot put a file over a directory
    (target / "keep").write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        write_bytes(target, b"new")
    assert listing(tmp_path) == ["out"]
    assert listing(target) == ["keep"]


# --- directories -----------------------------------------------------------------------------


def test_staged_directory_replaces_the_output_when_the_block_succeeds(tmp_path: Path) -> None:
    out = make(tmp_path / "site", {"old.html": "old"})
    with staged_directory(out) as staging:
        assert staging.parent == tmp_path and staging != out
        (staging / "index.html").write_text("new", encoding="utf-8")
        assert listing(out) == ["old.html"], "the old output must stay until the block ends"
    assert tree(out) == {"index.html": b"new"}
    assert listing(tmp_path) == ["site"], "staging or old copies left behind"


def test_staged_directory_creates_a_missing_parent(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "er" / "site"
    with staged_directory(out) as staging:
        (staging / "f").write_text("x", encoding="utf-8")
    assert tree(out) == {"f": b"x"}


def test_staged_directory_keeps_the_output_when_the_block_fails(tmp_path: Path) -> None:
    out = make(tmp_path / "site", {"old.html": "old"})
    with pytest.raises(RuntimeError, match="boom"), staged_directory(out) as staging:
        (staging / "half.html").write_text("half", encoding="utf-8")
        raise RuntimeError("boom")
    assert tree(out) == {"old.html": b"old"}
    assert listing(tmp_path) == ["site"]


def test_staged_directory_starts_from_an_empty_folder(tmp_path: Path) -> None:
    """A staging folder of this very process left by an earlier failure is emptied first."""
    make(tmp_path / f".site.tmp-{os.getpid()}", {"stale": "x"})
    out = tmp_path / "site"
    with staged_directory(out) as staging:
        assert listing(staging) == []
        (staging / "new").write_text("y", encoding="utf-8")
    assert tree(out) == {"new": b"y"}


def test_staged_directory_recovers_an_interrupted_swap_first(tmp_path: Path) -> None:
    make(tmp_path / ".site.old", {"good": "g"})
    out = tmp_path / "site"
    with staged_directory(out) as staging:
        assert tree(out) == {"good": b"g"}, "the last good output was not put back before staging"
        (staging / "new").write_text("n", encoding="utf-8")
    assert tree(out) == {"new": b"n"}
    assert listing(tmp_path) == ["site"]


@pytest.mark.parametrize("exchange_works", [True, False], ids=["exchange", "rename-aside"])
def test_swap_replaces_an_existing_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange_works: bool
) -> None:
    if not exchange_works:
        monkeypatch.setattr(atomic, "exchange", lambda a, b: False)  # what a system without renameat2 does
    out = make(tmp_path / "out", {"a": "old"})
    new = make(tmp_path / "new", {"b": "new"})
    make(tmp_path / ".out.old", {"stale": "s"})
    swap(new, out)
    assert tree(out) == {"b": b"new"}
    assert listing(tmp_path) == ["out"]


def test_swap_into_a_new_place(tmp_path: Path) -> None:
    new = make(tmp_path / "new", {"b": "new"})
    swap(new, tmp_path / "out")
    assert tree(tmp_path / "out") == {"b": b"new"}
    assert listing(tmp_path) == ["out"]


def test_swap_refuses_to_replace_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_bytes(b"keep me")
    new = make(tmp_path / "new", {"b": "new"})
    with pytest.raises(KgError, match="exists and is not a directory"):
        swap(new, target)
    assert target.read_bytes() == b"keep me"
    assert tree(new) == {"b": b"new"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_exchange_swaps_two_directories_in_one_step(tmp_path: Path) -> None:
    a = make(tmp_path / "a", {"x": "from a"})
    b = make(tmp_path / "b", {"y": "from b"})
    assert exchange(a, b) is True
    assert tree(a) == {"y": b"from b"} and tree(b) == {"x": b"from a"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_exchange_of_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths are taken from the current directory (AT_FDCWD), as os.rename does."""
    monkeypatch.chdir(tmp_path)
    make(tmp_path / "a", {"x": "from a"})
    make(tmp_path / "b", {"y": "from b"})
    assert exchange(Path("a"), Path("b")) is True
    assert tree(tmp_path / "a") == {"y": b"from b"}


def test_exchange_without_renameat2_in_the_c_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    def no_libc(*args: object, **kwargs: object) -> None:
        raise OSError("no C library here")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    a, b = make(tmp_path / "a", {"x": "1"}), make(tmp_path / "b", {"y": "2"})
    assert exchange(a, b) is False
    assert tree(a) == {"x": b"1"} and tree(b) == {"y": b"2"}


def test_exchange_says_false_when_it_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = make(tmp_path / "a", {"x": "1"})
    assert exchange(a, tmp_path / "missing") is False
    assert tree(a) == {"x": b"1"}
    monkeypatch.setattr(atomic.sys, "platform", "darwin")
    b = make(tmp_path / "b", {"y": "2"})
    assert exchange(a, b) is False
    assert tree(a) == {"x": b"1"} and tree(b) == {"y": b"2"}


# --- recovery after a killed writer ----------------------------------------------------------


def test_recover_puts_back_the_last_good_output(tmp_path: Path) -> None:
    make(tmp_path / ".out.old", {"good": "g"})
    recover(tmp_path / "out")
    assert tree(tmp_path / "out") == {"good": b"g"}
    assert listing(tmp_path) == ["out"]


def test_recover_leaves_a_present_output_alone(tmp_path: Path) -> None:
    make(tmp_path / "out", {"current": "c"})
    make(tmp_path / ".out.old", {"older": "o"})
    recover(tmp_path / "out")
    assert tree(tmp_path / "out") == {"current": b"c"}


def test_recover_removes_staging_folders_of_dead_writers_only(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        for name in (f".out.tmp-{dead_pid}", f".out.tmp-{os.getpid()}", ".out.tmp-x1", f".out.tmp-{live.pid}"):
            make(tmp_path / name, {"f": "x"})
        (tmp_path / ".out.tmp-file").write_text("not a folder", encoding="utf-8")
        make(tmp_path / ".other.tmp-1", {"f": "x"})
        make(tmp_path / "out", {"f": "x"})
        recover(tmp_path / "out")
        assert listing(tmp_path) == sorted([f".out.tmp-{live.pid}", ".out.tmp-file", ".other.tmp-1", "out"])
        assert live.poll() is None, "asking whether a writer is alive must not signal it"
    finally:
        live.kill()
        live.wait()


def test_a_writer_of_another_user_counts_as_alive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.kill(pid, 0) on another user's process raises PermissionError: that writer is alive."""

    def not_permitted(pid: int, signal: int) -> None:
        raise PermissionError

    monkeypatch.setattr(atomic.os, "kill", not_permitted)
    make(tmp_path / ".out.tmp-99999999", {"f": "x"})
    recover(tmp_path / "out")
    assert listing(tmp_path) == [".out.tmp-99999999"]


def test_recover_without_a_parent_folder(tmp_path: Path) -> None:
    recover(tmp_path / "missing" / "out")
    assert listing(tmp_path) == []
