"""``kg diff``: what changed between two builds of the graph, fact by fact, read as a change log.

A *fact* is an asserted triple of a claim graph. Between an old and a new build a fact is
*added*, *removed*, or *changed* — still asserted, but known differently (stated by the paper,
inferred by the curators, taken from a record) or on other evidence spans, or the one value of a
property replaced by another. Changes are grouped by entity, with labels, so that a reader can
review a release of the data. The report is text, JSON, or RDF (each change an ``rdf:Statement``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import GraphDirError
from kg.paths import read_query
from kg.resolve import Names, names_of
from kg.sparql.store import GraphStore
from kg.terms import curie, local_name

Triple = tuple[str, str, str]  # N-Triples forms of subject, predicate, object


@dataclass(frozen=True)
class Known:
    """How a fact is known in one build: its kind of statement, reason and spans."""

    kind: str
    reason: str | None
    spans: tuple[tuple[int, int], ...]

    def text(self) -> str:
        spans = ", ".join(f"{s}–{e}" for s, e in self.spans) or "no span"
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.kind}{why}; chars {spans}"


@dataclass
class Change:
    """One difference about one fact."""

    change: str  # added | removed | changed
    subject: str
    predicate: str
    object: str
    before: Known | None = None
    after: Known | None = None
    replaces: str | None = None  # for a changed value: the old object


@dataclass
class Report:
    """Every change between two builds, by subject, and their versions."""

    old: str
    new: str
    old_version: str
    new_version: str
    changes: list[Change] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "removed": 0, "changed": 0}
        for c in self.changes:
            out[c.change] += 1
        return out


def _facts(store: GraphStore) -> dict[Triple, Known]:
    found: dict[Triple, dict[str, Any]] = defaultdict(lambda: {"kind": "stated", "reason": None, "spans": set()})
    for row in store.query(read_query("reports/claimed-facts")):
        key = (str(row["s"]), str(row["p"]), str(row["o"]))
        entry = found[key]
        if row["kind"] is not None:
            entry["kind"] = {
                "statedByPaper": "stated",
                "inferredByCurators": "inferred",
                "takenFromRecord": "record",
            }.get(local_name(row["kind"].value), "stated")
        if row["reason"] is not None:
            entry["reason"] = row["reason"].value
        if row["start"] is not None and row["end"] is not None:
            entry["spans"].add((int(row["start"].value), int(row["end"].value)))
    return {k: Known(v["kind"], v["reason"], tuple(sorted(v["spans"]))) for k, v in found.items()}


def _open(directory: Path) -> tuple[GraphStore, str]:
    trig = directory / "data.trig"
    if not trig.is_file():
        raise GraphDirError(f"{directory}: no data.trig (give the output folder of `kg build`)")
    store = GraphStore.from_rdf(trig.read_bytes(), ox.RdfFormat.TRIG)
    try:
        version = str(json.loads((directory / "reports" / "build.json").read_text(encoding="utf-8"))["kg_version"])
    except (OSError, ValueError, KeyError):
        version = "unknown"
    return store, version


def diff(old: Path | str, new: Path | str) -> Report:
    """The changes from the build in *old* to the build in *new*."""
    old_store, old_version = _open(Path(old))
    new_store, new_version = _open(Path(new))
    before, after = _facts(old_store), _facts(new_store)
    report = Report(str(old), str(new), old_version, new_version)
    report.changes = _changes(before, after)
    names = names_of(new_store)
    old_names = names_of(old_store)
    for change in report.changes:
        for term in (change.subject, change.object, change.replaces):
            if term and term.startswith("<") and term[1:-1] not in report.labels:
                report.labels[term[1:-1]] = _label(term[1:-1], names, old_names)
    return report


def _label(iri: str, names: Names, old: Names) -> str:
    return names.display(iri) if iri in names else old.display(iri) if iri in old else curie(iri)


def _changes(before: dict[Triple, Known], after: dict[Triple, Known]) -> list[Change]:
    removed = {k: v for k, v in before.items() if k not in after}
    added = {k: v for k, v in after.items() if k not in before}
    out = [
        Change("changed", *k, before=before[k], after=after[k])
        for k in sorted(before.keys() & after.keys())
        if before[k] != after[k]
    ]
    by_slot_old: dict[tuple[str, str], list[Triple]] = defaultdict(list)
    by_slot_new: dict[tuple[str, str], list[Triple]] = defaultdict(list)
    for k in removed:
        by_slot_old[k[:2]].append(k)
    for k in added:
        by_slot_new[k[:2]].append(k)
    for slot in sorted(by_slot_old.keys() & by_slot_new.keys()):
        if len(by_slot_old[slot]) == 1 and len(by_slot_new[slot]) == 1:  # one value replaced by another
            old_fact, new_fact = by_slot_old[slot][0], by_slot_new[slot][0]
            out.append(
                Change(
                    "changed", *new_fact, before=removed.pop(old_fact), after=added.pop(new_fact), replaces=old_fact[2]
                )
            )
    out += [Change("removed", *k, before=v) for k, v in removed.items()]
    out += [Change("added", *k, after=v) for k, v in added.items()]
    return sorted(out, key=lambda c: (c.subject, c.predicate, c.object, c.change))


def _show(term: str, labels: dict[str, str]) -> str:
    if term.startswith("<") and term.endswith(">"):
        iri = term[1:-1]
        label = labels.get(iri)
        return f"{label} ({curie(iri)})" if label and label != curie(iri) else curie(iri)
    return term


def as_text(report: Report) -> str:
    """The report as a change log grouped by entity."""
    counts = report.counts()
    lines = [
        f"kg diff {report.old} ({report.old_version}) → {report.new} ({report.new_version}): "
        f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed"
    ]
    by_subject: dict[str, list[Change]] = defaultdict(list)
    for change in report.changes:
        by_subject[change.subject].append(change)
    for subject in sorted(by_subject, key=lambda s: _show(s, report.labels).casefold()):
        lines += ["", _show(subject, report.labels)]
        for c in by_subject[subject]:
            what = f"{_show(c.predicate, report.labels)} {_show(c.object, report.labels)}"
            if c.change == "added" and c.after:
                lines.append(f"  + {what}   [{c.after.text()}]")
            elif c.change == "removed" and c.before:
                lines.append(f"  - {what}   [{c.before.text()}]")
            elif c.before and c.after:
                was = f" (was {_show(c.replaces, report.labels)})" if c.replaces else ""
                lines.append(f"  ~ {what}{was}   [{c.before.text()} → {c.after.text()}]")
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    """The report as JSON: versions, counts, labels and every change."""
    data = {
        "old": {"path": report.old, "version": report.old_version},
        "new": {"path": report.new, "version": report.new_version},
        "counts": report.counts(),
        "labels": report.labels,
        "changes": [asdict(c) for c in report.changes],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def as_turtle(report: Report) -> str:
    """The report as RDF: each change an ``rdf:Statement`` typed by what happened to it."""
    from rdflib import RDF, BNode, Graph, Literal
    from rdflib.namespace import DCTERMS
    from rdflib.util import from_n3

    g = Graph()
    g.bind("dcterms", DCTERMS)
    for number, c in enumerate(report.changes):
        node = BNode(f"change{number}")
        g.add((node, RDF.type, RDF.Statement))
        for prop, term in ((RDF.subject, c.subject), (RDF.predicate, c.predicate), (RDF.object, c.object)):
            g.add((node, prop, from_n3(term)))  # type: ignore[arg-type]
        g.add((node, DCTERMS.type, Literal(c.change)))
        for when, known in (("before", c.before), ("after", c.after)):
            if known is not None:
                g.add((node, DCTERMS.description, Literal(f"{when}: {known.text()}", lang="en")))
    return g.serialize(format="turtle")
