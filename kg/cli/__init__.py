"""The ``kg`` command: parses arguments, calls the capabilities, prints.

:mod:`~kg.cli.entry` is the console script; ``kg query`` takes its fast path, which loads no
CLI framework. The commands are grouped by capability in :mod:`~kg.cli.commands` and its
siblings. The CLI may import everything; nothing imports the CLI.
"""
