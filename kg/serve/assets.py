"""The files the pages load: this package's ``static/`` folder (our scripts and styles, and the
vendored YASGUI under ``static/vendor/yasgui/``) and vis-network from the installed pyvis."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from starlette.responses import PlainTextResponse, Response

#: vis-network's files, as pyvis ships them (its version directory).
VIS = ("pyvis", "lib", "vis-9.1.2")
_MEDIA = {"js": "text/javascript", "css": "text/css", "md": "text/markdown"}


def static_files() -> dict[str, Any]:
    """The package's static files by their path under ``static/``: only these are ever served.

    >>> "vendor/yasgui/yasgui.min.js" in static_files()
    True
    """
    found: dict[str, Any] = {}
    todo: list[tuple[str, Any]] = [("", resources.files("kg.serve") / "static")]
    while todo:
        prefix, folder = todo.pop()
        for item in folder.iterdir():
            if item.is_dir():
                todo.append((f"{prefix}{item.name}/", item))
            elif not item.name.startswith("."):
                found[prefix + item.name] = item
    return found


def packaged(resource: Any) -> Response:
    """A packaged file as an answer, with its media type and a cache lifetime (read once: the
    installed files do not change while the server runs)."""
    media = _MEDIA.get(resource.name.rsplit(".", 1)[-1], "text/plain")
    return Response(_read(resource), media_type=f"{media}; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


@functools.cache
def _read(resource: Any) -> bytes:
    return bytes(resource.read_bytes())


def vis_file(name: str) -> Response:
    """``vis-network.min.js`` or ``vis-network.css`` from the installed pyvis; 404 for anything else."""
    if name not in ("vis-network.min.js", "vis-network.css"):
        return PlainTextResponse("not found\n", status_code=404)
    package, *folders = VIS
    try:
        folder = resources.files(package).joinpath(*folders)
        return packaged(folder / name)
    except (ModuleNotFoundError, FileNotFoundError):
        return PlainTextResponse("vis-network is not installed (pip install pyvis)\n", status_code=404)
