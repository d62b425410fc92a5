"""Writing files and directories so that a reader sees the old version or the new one, never half.

One writer for every output of the project: :func:`write_bytes` / :func:`write_text` for a
file (a temporary sibling, then :func:`os.replace`), :func:`writing` for a file written as a
stream, and :func:`staged_directory` for a folder (filled beside the target, then swapped in
by :func:`swap`). A process killed half-way leaves the previous output; :func:`recover` cleans
up after it on the next run.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> write_text(target, "one")
>>> target.read_text()
'one'
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from kg.errors import KgError


def write_bytes(path: Path, body: bytes) -> None:
    """Replace *path* by *body* in one step; on any error *path* is as it was."""
    with writing(path) as stream:
        stream.write(body)


def write_text(path: Path, text: str) -> None:
    """:func:`write_bytes` for UTF-8 text."""
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def writing(path: Path) -> Iterator[BinaryIO]:
    """A binary file to fill beside *path*, for output too large to hold in memory: when the
    block ends without error it replaces *path* in one step, otherwise it is removed and *path*
    is as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.nq"
    >>> with writing(target) as f:
    ...     _ = f.write(b"<urn:s> <urn:p> <urn:o> .")
    >>> target.read_bytes()
    b'<urn:s> <urn:p> <urn:o> .'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("wb") as stream:
            yield stream
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def staged_directory(out: Path) -> Iterator[Path]:
    """A fresh directory beside *out* to fill; when the block ends without error it replaces
    *out* (see :func:`swap`), otherwise it is removed and *out* is left as it was.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "site"
    >>> with staged_directory(out) as tmp:
    ...     _ = (tmp / "index.html").write_text("hi")
    >>> sorted(p.name for p in out.iterdir())
    ['index.html']
    """
    recover(out)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        yield tmp
        swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def swap(tmp: Path, out: Path) -> None:
    """Replace *out* by *tmp*; the old output survives until the new one is in place.

    On Linux the two directories are exchanged in one atomic step, so *out* is never missing;
    elsewhere *out* is renamed aside first, and :func:`recover` puts it back if the process is
    killed between the two renames.
    """
    old = out.parent / f".{out.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        if not out.is_dir():
            raise KgError(f"{out}: exists and is not a directory")
        if exchange(tmp, out):
            shutil.rmtree(tmp, ignore_errors=True)  # now the old output; if killed here, recover() removes it
            return
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)


def recover(out: Path) -> None:
    """Put back the last good *out* if a writer was killed between the two renames of
    :func:`swap`, and remove the staging directories of writers that were killed."""
    parent = out.resolve().parent
    old = parent / f".{out.name}.old"
    if not out.exists() and old.is_dir():
        os.replace(old, out)
    if not parent.is_dir():
        return
    prefix = f".{out.name}.tmp-"
    for tmp in parent.iterdir():
        if not tmp.name.startswith(prefix) or not tmp.is_dir():
            continue
        pid = tmp.name[len(prefix) :]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue  # another writer is filling it right now
        shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
