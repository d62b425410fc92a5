"""Opening a store checks its sources by their stamps (size, modification time) and hashes only a file
whose stamp changed: hashing the 5 GB of a thousand papers at every open cost 11 s where opening the
database costs 20 ms (docs/performance.md). A changed file is still found, whatever its size."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from kg.errors import GraphDirError
from kg.sparql import ondisk
from kg.sparql.ondisk import MANIFEST, load
from kg.sparql.store import GraphStore

AN_HOUR_AGO = time.time() - 3600


@pytest.fixture()
def loaded(mini_graph: Path, tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "graph"
    shutil.copytree(mini_graph, source)
    for path in source.iterdir():
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))  # settled long before the load
    target = tmp_path / "mini.store"
    load(source, target)
    return source, target


def _no_hashing(path: Path) -> str:
    raise AssertionError(f"{path} was hashed although its stamp is unchanged")


def test_an_unchanged_source_is_not_hashed(loaded: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _, target = loaded
    stamps = json.loads((target / MANIFEST).read_text(encoding="utf-8"))["stamps"]
    assert stamps and all(stamp is not None for stamp in stamps.values())
    monkeypatch.setattr(ondisk, "_sha256", _no_hashing)
    assert GraphStore.open(target).rows("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")


def test_a_change_that_keeps_the_size_is_found(loaded: tuple[Path, Path]) -> None:
    source, target = loaded
    data = source / "data.trig"
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("Japan", "Japon", 1), encoding="utf-8")
    assert data.stat().st_size == len(text.encode("utf-8"))
    with pytest.raises(GraphDirError, match="stale store"):
        GraphStore.open(target)


def test_a_touched_but_unchanged_file_is_hashed_and_accepted(loaded: tuple[Path, Path]) -> None:
    source, target = loaded
    os.utime(source / "data.trig")  # a new stamp, the same bytes
    assert GraphStore.open(target).rows("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")


def test_a_file_written_just_before_the_load_gets_no_stamp(mini_graph: Path, tmp_path: Path) -> None:
    source = tmp_path / "graph"
    shutil.copytree(mini_graph, source)
    (source / "data.trig").write_bytes((mini_graph / "data.trig").read_bytes())  # modified now
    load(source, tmp_path / "s")
    stamps = json.loads((tmp_path / "s" / MANIFEST).read_text(encoding="utf-8"))["stamps"]
    assert stamps["data.trig"] is None, "a write in the same clock tick could keep size and time: hash it"
