"""One name resolver for every command: `kg explain`, `kg path`, `kg viz --focus`, `/find` and the
API accept the same names (labels in any language, ids, IRIs) and suggest the same ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg
from kg.cli.commands import app
from kg.errors import UnknownEntity
from kg.resolve import Names

RES = "https://w3id.org/mxjp-talent/resource/"
runner = CliRunner()


def _names() -> Names:
    rows = [
        {"entity": RES + "japan", "name": "Japan", "lang": "en", "kind": "label"},
        {"entity": RES + "japan", "name": "Japón", "lang": "es", "kind": "label"},
        {"entity": RES + "japan", "name": "日本", "lang": "ja", "kind": "label"},
        {"entity": RES + "impi", "name": "Mexican Institute of Industrial Property", "lang": "en", "kind": "label"},
        {"entity": RES + "impi", "name": "IMPI", "lang": "", "kind": "alt"},
        {"entity": RES + "student-a", "name": "Student", "lang": "en", "kind": "label"},
        {"entity": RES + "student-b", "name": "Student", "lang": "en", "kind": "label"},
    ]
    return Names.from_rows(rows)


@pytest.mark.parametrize("name", ["日本", "Japón", "JAPAN", "japan", "res:japan", RES + "japan", " Japan "])
def test_any_language_id_or_iri(name: str) -> None:
    assert _names().resolve(name) == RES + "japan"


def test_full_width_and_alternative_labels() -> None:
    assert _names().resolve("ＩＭＰＩ") == RES + "impi"


def test_labels_win_over_alternative_labels() -> None:
    names = _names()
    names.alternatives[RES + "other"].append(("Japan", "en"))
    assert names.resolve("Japan") == RES + "japan"


def test_ambiguous_names_list_the_candidates() -> None:
    with pytest.raises(
        UnknownEntity, match=r"'Student' names 2 entities: Student \(res:student-a\); Student \(res:student-b\)"
    ):
        _names().resolve("Student")


def test_accents_are_not_guessed_but_suggested() -> None:
    with pytest.raises(UnknownEntity, match=r"no entity is called 'Japon'; did you mean: Japan \(res:japan\)"):
        _names().resolve("Japon")


def test_within_limits_the_answer_but_not_the_suggestions() -> None:
    names = _names()
    with pytest.raises(UnknownEntity, match="not an entity of this view"):
        names.resolve("IMPI", within={RES + "japan"})
    with pytest.raises(UnknownEntity) as outside:
        names.resolve("Japon", within={RES + "impi"})
    with pytest.raises(UnknownEntity) as everywhere:
        names.resolve("Japon")
    assert str(outside.value) == str(everywhere.value)


def _suggestions(output: str) -> str:
    match = re.search(r"did you mean: (.*)\?", " ".join(output.split()))
    assert match, output
    return match.group(1)


def test_explain_and_path_accept_japanese_and_suggest_alike(full_graph: Path) -> None:
    explained = runner.invoke(app, ["explain", "日本", "--graph", str(full_graph), "--no-quote"])
    assert explained.exit_code == 0, explained.output
    assert "res:japan" in explained.output
    path = runner.invoke(app, ["path", "日本", "Mexico", "--graph", str(full_graph)])
    assert path.exit_code == 0, path.output
    assert path.output.startswith("path 1"), path.output
    wrong = [
        runner.invoke(app, [*cmd, "--graph", str(full_graph)])
        for cmd in (
            ["explain", "Japon"],
            ["path", "Japon", "Mexico"],
            ["viz", "--focus", "Japon", "--out", "/dev/null"],
        )
    ]
    assert all(r.exit_code == 2 for r in wrong), [r.output for r in wrong]
    hints = {_suggestions(r.output) for r in wrong}
    assert len(hints) == 1, hints
    assert hints.pop().startswith("Japan (res:japan)")


def test_api_resolves_like_the_commands(full_graph: Path) -> None:
    assert kg.find_entity(full_graph, "日本") == RES + "japan"
    assert kg.find_entity(full_graph, "Japón") == RES + "japan"
    with pytest.raises(UnknownEntity, match="did you mean: Japan"):
        kg.find_entity(full_graph, "Japon")
