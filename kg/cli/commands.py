"""The full ``kg`` command line: the application with every command registered.

>>> from kg.cli.commands import app
>>> sorted(c.name or c.callback.__name__ for c in app.registered_commands)[:3]
['analyze', 'bench', 'build']
"""

# ruff: noqa: I001  (the modules register their commands in the order `kg --help` lists them)
from __future__ import annotations

from kg.cli.app import app
from kg.cli import cmd_build  # noqa: F401
from kg.cli import cmd_store  # noqa: F401
from kg.cli import cmd_query  # noqa: F401
from kg.cli import cmd_explore  # noqa: F401
from kg.cli import cmd_serve  # noqa: F401
from kg.cli import cmd_link  # noqa: F401

__all__ = ["app", "run"]


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
