"""What the terminal shows (issue 14): data is never read as emoji codes or rich markup, `kg
explain` quotes the whole span with language tags, a busy port is one error before anything is
served, and `--help` reads as wrapped prose with flags shown as flags. One regression test each."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from live_server import free_port

from kg.cli.app import reflow
from kg.cli.commands import app

MARKED = ":japan: [bold red]boom[/] :smile:"


def kg(*args: str, columns: int = 100) -> subprocess.CompletedProcess[str]:
    """Run the real `kg` command line (the full CLI, not the fast query path) and capture it."""
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "dumb", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )


@pytest.fixture(scope="module")
def marked_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph whose labels hold an emoji code and rich markup."""
    directory = tmp_path_factory.mktemp("marked")
    (directory / "data.trig").write_text(
        "@prefix mx: <https://w3id.org/mxjp-talent/ontology#> .\n"
        "@prefix res: <https://w3id.org/mxjp-talent/resource/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<https://w3id.org/mxjp-talent/resource/claim/marked> {{ res:marked a mx:Company ; rdfs:label "{MARKED}"@en ;'
        " mx:headquarteredIn res:japan . }\n"
        '<https://w3id.org/mxjp-talent/resource/claim/japan> { res:japan a mx:Country ; rdfs:label "Japan"@en , "日本"@ja . }\n'
        "<https://w3id.org/mxjp-talent/resource/claim/marked> mx:method mx:curation ; mx:statementKind mx:statedByPaper .\n"
        "<https://w3id.org/mxjp-talent/resource/claim/japan> mx:method mx:curation ; mx:statementKind mx:statedByPaper .\n",
        encoding="utf-8",
    )
    return directory


def test_explain_japan_shows_no_emoji(mini_graph: Path) -> None:
    result = kg("explain", "japan", "--graph", str(mini_graph), "--no-quote")
    assert result.returncode == 0, result.stderr
    assert "res:japan" in result.stdout and "🗾" not in result.stdout + result.stderr


def test_data_that_looks_like_emoji_or_markup_prints_literally(marked_graph: Path, tmp_path: Path) -> None:
    explained = kg("explain", "marked", "--graph", str(marked_graph), "--no-quote")
    assert MARKED in explained.stdout, explained.stdout
    assert "🗾" not in explained.stdout and "😄" not in explained.stdout
    # an error message quoting the user's words, and a message naming a path, print them as given
    missing = kg("explain", "[bold]nobody[/bold] :japan:", "--graph", str(marked_graph))
    assert missing.returncode != 0 and "[bold]nobody[/bold] :japan:" in missing.stderr, missing.stderr
    target = tmp_path / "[red]page[/red] :japan:.html"
    drawn = kg("viz", "--graph", str(marked_graph), "--out", str(target))
    assert drawn.returncode == 0, drawn.stderr
    assert str(target) in " ".join(drawn.stderr.split()), drawn.stderr


def test_explain_quotes_the_whole_span_with_language_tags(mini_graph: Path, paper_path: Path) -> None:
    from kg.explore.explain import explain
    from kg.sparql.store import GraphStore
    from loaders.paper import read_paper

    text = read_paper(paper_path).text
    _, facts = explain(GraphStore.open(mini_graph), "ntt-docomo")
    spans = {(f.start, f.end) for f in facts if f.start is not None and f.end is not None}
    longest = max(spans, key=lambda s: s[1] - s[0])
    result = kg("explain", "ntt-docomo", "--graph", str(mini_graph), "--paper", str(paper_path), columns=80)
    assert result.returncode == 0, result.stderr
    flat = " ".join(result.stdout.split())
    assert " ".join(text[longest[0] : longest[1]].split()) in flat, "the quote is cut"
    assert "NTTドコモ @ja" in flat and "NTT Docomo @en" in flat
    assert all(len(line) <= 80 for line in result.stdout.splitlines()), "the quote is not wrapped"


def test_busy_port_is_one_error_before_anything_is_served(mini_graph: Path) -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = kg("serve", "--graph", str(mini_graph), "--port", str(port))
    assert result.returncode != 0
    assert "serving" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"port {port}" in lines[0] and "in use" in lines[0], result.stderr


def _commands() -> list[str]:
    """Every command whose help is ours (`kg bench --help` is the benchmark script's own)."""
    names = (c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands)
    return sorted(name for name in names if name and name != "bench")


def help_text(*args: str, columns: int) -> str:
    """`kg ARGS` (a --help) run in this process, at a terminal *columns* wide."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns), "TERM": "dumb", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.output


def test_help_shows_flags_as_flags() -> None:
    for args in (["--help"], *([name, "--help"] for name in _commands())):
        assert "<bool>" not in help_text(*args, columns=120), args
    assert re.search(r"--force\s+Rebuild", help_text("build", "--help", columns=120))
    assert "--version  " in help_text("--help", columns=120)


@pytest.mark.parametrize("command", _commands())
def test_help_wraps_naturally(command: str) -> None:
    """Each paragraph of a command's docstring is one line on a wide terminal (no line break
    carried over from the source), and wraps within a narrow one."""
    callback = next(
        c.callback for c in app.registered_commands if c.callback and (c.name or c.callback.__name__) == command
    )
    wide = help_text(command, "--help", columns=400)
    lines = {" ".join(line.strip(" │").split()) for line in wide.splitlines()}
    for paragraph in (reflow(callback.__doc__) or "").split("\n\n"):
        for line in paragraph.replace("\\[", "[").split("\n"):
            assert " ".join(line.split()) in lines, f"kg {command} --help breaks: {line[:60]}…"
    narrow = help_text(command, "--help", columns=60)
    assert all(len(line) <= 60 for line in narrow.splitlines())
    listing = help_text("--help", columns=400)
    summary = " ".join((reflow(callback.__doc__) or "").split("\n\n")[0].split())
    assert any(summary in " ".join(line.split()) for line in listing.splitlines()), f"{command}: summary broken"
