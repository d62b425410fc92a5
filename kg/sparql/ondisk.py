"""The persistent store: a graph directory bulk-loaded once into an on-disk Oxigraph store.

Reading a large graph directory into memory costs minutes and gigabytes at every ``kg query``;
an on-disk store is loaded once (``kg load``) and then opened in milliseconds by ``kg query``,
``kg serve``, ``kg explain``, ``kg path`` and :func:`kg.open_graph` — give its folder as
``--graph``. A store folder holds ``oxigraph/`` (the database) and ``store.json`` (what it was
loaded from: the build's version, the sha256 and the stamp (size, modification time) of every
source file, and the number of quads).
``store.json`` is written last, and the folder is filled beside the old one and swapped in whole
(:mod:`kg.atomic`), so a load killed half-way leaves the previous store usable and a folder without
``store.json`` is refused as partial. A store whose source files changed since is refused as stale
when the source folder is still there; a file is hashed at open only when its stamp changed.

At the paper's size the in-memory path stays the default: a store is only used when asked for.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.atomic import staged_directory
from kg.errors import GraphDirError

MANIFEST = "store.json"
DATABASE = "oxigraph"
KIND = "mxjp-talent-kg store"


@dataclass(frozen=True)
class LoadResult:
    """What ``kg load`` did."""

    store: Path
    quads: int
    seconds: float
    files: list[str]


def is_store(directory: Path) -> bool:
    """Whether *directory* is (or claims to be) a persistent store folder."""
    return (directory / MANIFEST).is_file() or (directory / DATABASE).is_dir()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load(graph: Path, target: Path, *, progress: Callable[[str], None] | None = None) -> LoadResult:
    """Bulk-load the graph directory *graph* into a new store at *target* (replaced whole)."""
    from kg.sparql.store import FORMATS, graph_files

    files = graph_files(graph)
    if target.resolve() == graph.resolve():
        raise GraphDirError(f"--store {target}: must differ from --graph")
    started = time.perf_counter()
    with staged_directory(target) as tmp:
        quads = _fill(tmp / DATABASE, files, FORMATS, progress)
        write_manifest(tmp, graph, files, quads)
    return LoadResult(target, quads, time.perf_counter() - started, [p.name for p in files])


def write_manifest(folder: Path, graph: Path, files: list[Path], quads: int) -> None:
    """Write ``store.json`` into the store *folder*, once its database is complete: what it was
    loaded from (the build's version, the sha256 of every source file, and each file's stamp), and
    the number of quads."""
    manifest = {
        "kind": KIND,
        "kg_version": _build_version(graph),
        "source": str(graph.resolve()),
        "files": {p.name: _sha256(p) for p in files},
        "stamps": {p.name: _stamp(p) for p in files},
        "quads": quads,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


#: A stamp is only trusted for a file last modified this long before it was taken: a later write
#: within the file system's timestamp granularity could otherwise keep the same size and mtime.
_SETTLED_NS = 2_000_000_000


def _stamp(path: Path) -> list[int] | None:
    """``[size, mtime_ns]`` of *path*, or None when it was modified too recently to be trusted."""
    status = path.stat()
    if time.time_ns() - status.st_mtime_ns < _SETTLED_NS:
        return None
    return [status.st_size, status.st_mtime_ns]


def _fill(database: Path, files: list[Path], formats: dict[str, Any], progress: Callable[[str], None] | None) -> int:
    """Bulk-load *files* into a new database; it is closed when this returns or fails, so that a
    failed load's staging folder can be removed whole."""
    store = ox.Store(str(database))
    try:
        for path in files:
            if progress is not None:
                progress(f"loading {path.name}")
            try:
                store.bulk_load(path=str(path), format=formats[path.suffix])
            except SyntaxError as exc:
                raise GraphDirError(f"{path}: not valid {path.suffix[1:].upper()}: {exc}") from None
        if progress is not None:
            progress("optimising the store")
        store.optimize()
        quads = len(store)
        store.flush()
        return quads
    finally:
        del store  # closes the database (the traceback of a failure must not keep it open)


def _build_version(graph: Path) -> str:
    try:
        return str(json.loads((graph / "reports" / "build.json").read_text(encoding="utf-8"))["kg_version"])
    except (OSError, ValueError, KeyError, TypeError):
        return "unknown"  # not the output of `kg build`


def manifest_of(directory: Path) -> dict[str, Any]:
    """The checked manifest of a store folder; raises :class:`GraphDirError` naming the problem."""
    path = directory / MANIFEST
    if not path.is_file():
        raise GraphDirError(
            f"{directory}: a partial store (no {MANIFEST}: the load did not finish); run `kg load` again"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("kind") != KIND or not isinstance(manifest.get("files"), dict):
            raise ValueError("not a store manifest")
    except (OSError, ValueError, AttributeError) as exc:
        raise GraphDirError(f"{path}: damaged store manifest ({exc}); run `kg load` again") from None
    _check_fresh(directory, manifest)
    return manifest


def _check_fresh(directory: Path, manifest: dict[str, Any]) -> None:
    """A store is stale when the files it was loaded from changed since (checked while they exist).

    A file whose size and modification time are those stamped at load time is taken as unchanged,
    as make and git do; any other is hashed and compared with its sha256. Hashing the source of a
    thousand papers (5 GB) at every open would cost seconds where opening the database costs
    milliseconds.
    """
    source = Path(str(manifest.get("source", "")))
    if not source.is_dir():
        return
    stamps = manifest.get("stamps")
    stamps = stamps if isinstance(stamps, dict) else {}
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.is_file():
            continue
        status = path.stat()
        if not status.st_size or stamps.get(name) == [status.st_size, status.st_mtime_ns]:
            continue
        if _sha256(path) != digest:
            raise GraphDirError(
                f"{directory}: a stale store: {path} changed since it was loaded; run `kg load --graph {source} "
                f"--store {directory}` again"
            )


def open_store(directory: Path) -> ox.Store:
    """Open the store in *directory* read-only, after checking its manifest."""
    manifest_of(directory)
    try:
        return ox.Store.read_only(str(directory / DATABASE))
    except OSError as exc:
        raise GraphDirError(f"{directory}: damaged store ({exc}); run `kg load` again") from None
