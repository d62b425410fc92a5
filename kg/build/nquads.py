"""``kg export --format nquads``: a graph as one N-Quads stream, for bulk loaders.

Server engines load N-Quads fastest with their own bulk loaders (Virtuoso's ``ld_dir`` and
``rdf_loader_run()``, QLever's index builder, ``oxigraph load``, Jena's ``tdb2.tdbloader``); see
``docs/scale.md``. The quads of a graph directory are parsed file by file and written one by
one by pyoxigraph, so memory stays flat at any size, and each literal keeps the form its file
gives it; a store made by ``kg load`` is read in the same way. Triples of the default graph are
written without a graph name: a loader puts them where it is told (Virtuoso: the third argument
of ``ld_dir``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.atomic import writing
from kg.link.remote import read_quads


def export_nquads(source: Path, output: Path | BinaryIO) -> int:
    """Write the graph of *source* (a graph directory or a ``kg load`` store) as N-Quads to
    *output*: a file, replaced in one step when complete (a failure leaves it as it was), or a
    binary stream. Returns the number of quads written.

    >>> import io, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.trig").write_text('<urn:g> { <urn:s> <urn:p> "3.0"^^<http://www.w3.org/2001/XMLSchema#decimal> }')
    >>> stream = io.BytesIO()
    >>> export_nquads(folder, stream), stream.getvalue().decode()
    (1, '<urn:s> <urn:p> "3.0"^^<http://www.w3.org/2001/XMLSchema#decimal> <urn:g> .\\n')
    """
    counter = _Counter(read_quads(source))
    if isinstance(output, Path):
        with writing(output) as stream:
            ox.serialize(counter, stream, ox.RdfFormat.N_QUADS)
    else:
        ox.serialize(counter, output, ox.RdfFormat.N_QUADS)
    return counter.count


class _Counter(Iterable[ox.Quad]):
    """Passes quads through, counting them."""

    def __init__(self, quads: Iterator[ox.Quad]) -> None:
        self.quads, self.count = quads, 0

    def __iter__(self) -> Iterator[ox.Quad]:
        for quad in self.quads:
            self.count += 1
            yield quad
