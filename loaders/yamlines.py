"""YAML with line numbers: mappings and lists remember the line they start on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError

#: The largest data file read, in bytes: the curated files are hand-written and far smaller; a
#: bigger file is a mistake (a dump, a wrong path) that would only make the parser crawl.
MAX_BYTES = 5 * 1024 * 1024


class LineDict(dict):
    """A mapping that knows its own line and the line of each of its keys."""

    line: int
    key_lines: dict[str, int]


class LineList(list):
    """A list that knows its own line and the line of each item."""

    line: int
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _convert(loader: yaml.SafeLoader, node: yaml.Node, path: Path, budget: list[int]) -> Any:
    line = node.start_mark.line + 1
    # aliases (*name) reuse a node, so nested ones grow exponentially ("billion laughs"):
    # a document without aliases has fewer nodes than characters, hence the budget
    budget[0] -= 1
    if budget[0] < 0:
        raise InputError(path, "YAML aliases expand to too many nodes", line)
    if isinstance(node, yaml.MappingNode):
        out = LineDict()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, path, budget)
            if not isinstance(key, str):
                raise InputError(path, f"mapping key {key!r} is not a string", key_node.start_mark.line + 1)
            if key in out:
                raise InputError(path, f"duplicate key {key!r}", key_node.start_mark.line + 1)
            out[key] = _convert(loader, value_node, path, budget)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        items = LineList(_convert(loader, item, path, budget) for item in node.value)
        items.line = line
        items.item_lines = [item.start_mark.line + 1 for item in node.value]
        return items
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # a well-formed but impossible value, such as 2016-02-30
        raise InputError(path, f"YAML value {node.value!r:.40}: {exc}", line) from None


def load_yaml(path: Path) -> Any:
    """Parse the YAML file at *path*; a syntax error becomes an :class:`InputError` with its line.

    Refuses files over :data:`MAX_BYTES`, binary and non-UTF-8 files, alias bombs and deep nesting.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, f"file is {size:,} bytes, more than the {MAX_BYTES:,} allowed for a data file")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    if b"\x00" in raw:
        raise InputError(path, "binary file, expected YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, "not UTF-8 text", line) from None
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters at once
        raise InputError(path, f"YAML: {exc}".replace("\n", " "), 1) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(path, "empty file, expected a mapping with entities, works or observations")
        return _convert(loader, node, path, [2 * len(text) + 100])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(path, f"YAML syntax: {exc.problem or exc}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"YAML: {exc}") from None
    except RecursionError:
        raise InputError(path, "YAML nested too deeply") from None
    finally:
        loader.dispose()
