"""Faults: a build killed part way, a damaged store, an inconsistent graph.

- ``kg build`` killed with SIGKILL at random points and at each step of writing leaves the last
  good output byte-identical (or the new output complete), and the next build succeeds and
  removes what the killed ones left behind;
- a truncated or corrupted store is reported naming the file, never served (``kg query``,
  ``kg serve``);
- when the reasoner finds an inconsistency, the report names the individual and the classes.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli.commands import app

MINI = Path(__file__).parent / "data" / "mini"
runner = CliRunner()


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
    }


# A build in a child process, with the slow steps (reasoning, SHACL) replaced by stubs so that the
# kill points of interest -- the writes and renames -- come quickly, and with every write and
# rename announced on stdout (and slowed down a little) so that the parent can kill it there.
CHILD = textwrap.dedent(
    """
    import os, sys, time, pathlib
    from types import SimpleNamespace
    from rdflib import Graph
    import kg.build.reasoning, kg.build.validation
    from kg.build.reasoning import ReasoningResult
    from kg.build.pipeline import build

    kg.build.reasoning.reason = lambda *args, **kwargs: ReasoningResult("stub", True, Graph())
    kg.build.validation.validate = lambda *args, **kwargs: SimpleNamespace(conforms=True, text="stub\\n", report=Graph())

    def announce(what, real):
        def wrapper(*args, **kwargs):
            print(what, args[0], flush=True)
            time.sleep(0.05)
            result = real(*args, **kwargs)
            print("done", what, flush=True)
            return result
        return wrapper

    import shutil
    import kg.atomic as a
    os.replace = announce("replace", os.replace)
    a.exchange = announce("exchange", a.exchange)
    shutil.rmtree = announce("rmtree", shutil.rmtree)
    pathlib.Path.write_bytes = announce("write", pathlib.Path.write_bytes)
    print("start", flush=True)
    import inspect
    force = {"force": True} if "force" in inspect.signature(build).parameters else {}
    build(pathlib.Path(sys.argv[1]), data=pathlib.Path(sys.argv[2]), reasoner="owlrl", viz=False, **force)
    print("finished", flush=True)
    """
)


def _stale_copy(source: Path, out: Path) -> None:
    """Copy a good output, marked as built from other inputs so that no build skips it as up to date."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out)
    manifest_path = out / "reports" / "build.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if "input_hash" in manifest:
        manifest["input_hash"] = "stale"
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _without_manifest(digest: dict[str, str]) -> dict[str, str]:
    """A tree digest without reports/build.json, which records the input hash (marked stale in copies)."""
    return {name: sha for name, sha in digest.items() if name != "reports/build.json"}


def _child(tmp_path: Path, out: Path) -> subprocess.Popen[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(script), str(out), str(MINI)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _run_until(proc: subprocess.Popen[str], marker: str | None, nth: int) -> list[str]:
    """Read the child's announcements; SIGKILL it at the *nth* line starting with *marker*."""
    seen: list[str] = []
    count = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line.strip())
        if marker is not None and line.startswith(marker):
            count += 1
            if count == nth:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    return seen


def test_build_killed_at_random_points_keeps_last_good_output(tmp_path: Path, mini_graph: Path) -> None:
    outs = tmp_path / "outs"
    outs.mkdir()
    out = outs / "build"
    _stale_copy(mini_graph, out)
    good = tree_digest(out)

    # the complete output of the stubbed build, to recognise "the new output, complete"
    reference = tmp_path / "ref" / "build"
    proc = _child(tmp_path, reference)
    lines = _run_until(proc, None, 0)
    assert proc.returncode == 0 and lines[-1] == "finished", (lines, proc.stderr.read() if proc.stderr else "")
    new = tree_digest(reference)
    assert new != good
    writes = sum(1 for line in lines if line.startswith("write"))

    rng = random.Random(7)
    kill_points = [
        ("write", rng.randint(1, writes)),
        ("write", writes),
        ("exchange", 1),
        ("done exchange", 1),
        ("done rmtree", 1),
    ]
    for marker, nth in kill_points:
        _stale_copy(mini_graph, out)
        proc = _child(tmp_path, out)
        seen = _run_until(proc, marker, nth)
        assert proc.returncode == -signal.SIGKILL, (marker, nth, seen)
        state = tree_digest(out) if out.exists() else None
        assert state in (good, new), f"killed at {marker} #{nth}: the output is neither the old nor the new one"
        if marker == "done exchange":  # the swap is one step: from then on the new output is in place
            assert state == new

    # killed at random times during a real `kg build` (no stubs), as a person would see it
    for delay in (rng.uniform(1.0, 5.0),):
        _stale_copy(mini_graph, out)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kg",
                "build",
                "--data",
                str(MINI),
                "--out",
                str(out),
                "--no-viz",
                "--reasoner",
                "owlrl",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        state = tree_digest(out)
        # the old output, or (if the build got that far) the new one, complete: the same files,
        # only the manifest's input hash differing from the copy marked stale
        assert state == good or _without_manifest(state) == _without_manifest(good), (
            f"killed after {delay:.1f} s: the output is neither the last good one nor the new one"
        )

    # leave a killed build's temporary folder and a stale .old behind, then build for real
    (outs / ".build.tmp-999999999").mkdir()
    (outs / ".build.tmp-999999999" / "data.ttl").write_bytes(b"half")
    result = runner.invoke(app, ["build", "--data", str(MINI), "--out", str(out), "--no-viz", "--reasoner", "owlrl"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in outs.iterdir()) == ["build"], "leftovers of killed builds were not cleaned"
    assert _without_manifest(tree_digest(out)) == _without_manifest(good), "the next build gives other bytes"


def test_recover_puts_back_old_output_after_a_kill_between_renames(tmp_path: Path, mini_graph: Path) -> None:
    """Where directories cannot be exchanged atomically, the output is renamed aside first; a kill
    between the two renames leaves only ``.NAME.old``, which the next build (or query) restores."""
    from kg.atomic import recover as _recover

    outs = tmp_path / "outs"
    outs.mkdir()
    shutil.copytree(mini_graph, outs / ".build.old")
    (outs / ".build.tmp-999999999").mkdir()
    good = tree_digest(outs / ".build.old")
    _recover(outs / "build")
    assert sorted(p.name for p in outs.iterdir()) == ["build"]
    assert tree_digest(outs / "build") == good


def test_exchange_fallback_two_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini_graph: Path) -> None:
    import kg.atomic

    monkeypatch.setattr(kg.atomic, "exchange", lambda a, b: False)
    out = tmp_path / "build"
    shutil.copytree(mini_graph, out)
    tmp = tmp_path / ".build.tmp-1"
    tmp.mkdir()
    (tmp / "x.ttl").write_bytes(b"")
    kg.atomic.swap(tmp, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]
    assert [p.name for p in out.iterdir()] == ["x.ttl"]


# ---------------------------------------------------------------------------------------------
# a damaged store is reported, not served


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("damage", ["truncated-trig", "planted-corrupt-ttl", "directory-for-file"])
def test_serve_refuses_a_damaged_store(damage: str, tmp_path: Path, mini_graph: Path) -> None:
    graph = tmp_path / "graph"
    shutil.copytree(mini_graph, graph)
    if damage == "truncated-trig":
        target = graph / "data.trig"
        target.write_bytes(target.read_bytes()[:10000])
        expected = "differs from the checksum"
    elif damage == "planted-corrupt-ttl":
        target = graph / "extra.ttl"
        target.write_bytes(b'<http://e/a> <http://e/b> "no end')
        expected = "not valid TTL"
    else:
        target = graph / "data.trig"
        target.unlink()
        target.mkdir()
        expected = "not a regular file"
    port = _free_port()
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--graph", str(graph), "--port", str(port), "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert str(target) in proc.stderr and expected in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    with socket.socket() as s:  # nothing listens: the store was not served
        assert s.connect_ex(("127.0.0.1", port)) != 0


# ---------------------------------------------------------------------------------------------
# inconsistencies explained in plain language


def _namespaces() -> tuple[str, str]:
    from kg.namespaces import MX, RES

    return str(MX._NS), str(RES)


@pytest.mark.parametrize("reasoner", ["owlrl", "hermit"])
@pytest.mark.parametrize("plant", ["law-and-organization", "merger-into-a-law"])
def test_inconsistency_names_individual_and_classes(
    plant: str, reasoner: str, tmp_path: Path, mini_graph: Path
) -> None:
    if reasoner == "hermit" and shutil.which("java") is None:
        pytest.skip("no Java: HermiT cannot run")
    if reasoner == "hermit" and plant == "merger-into-a-law":
        pytest.skip("one HermiT run is enough to see the same explanation")
    mx, res = _namespaces()
    graph = tmp_path / "graph"
    shutil.copytree(mini_graph, graph)
    if plant == "law-and-organization":
        body = f"<{res}bogus-agency> a <{mx}Law> , <{mx}Organization> .\n"
        names = ["bogus-agency", "Law", "Organization"]
    else:
        body = (
            f"<{res}ntt-docomo> <{mx}mergedInto> <{res}immigration-control-act> .\n"
            f"<{res}ntt-docomo> a <{mx}Company> .\n"
        )
        names = ["immigration-control-act", "Company", "Law", "mergedInto"]
    (graph / "planted.ttl").write_text(body, encoding="utf-8")
    result = runner.invoke(app, ["validate", "--graph", str(graph), "--reasoner", reasoner])
    assert result.exit_code == 1, result.output
    assert "INCONSISTENT" in result.stdout
    text = " ".join(result.stdout.split())  # undo the console's line wrapping
    explanation = text.split("Consistency: INCONSISTENT", 1)[1].split("SHACL:", 1)[0].split(" - ")[1:]
    assert any(all(name in line for name in names) and "disjoint" in line for line in explanation), result.stdout
