"""The project's errors: one small hierarchy, each naming what failed and where."""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """Base of every error the project raises on purpose; the CLI prints it and exits 1."""

    exit_code = 1


class InputError(KgError):
    """A file a person handed us is wrong; names the file and, where known, the line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class PaperError(InputError):
    """The paper is missing, unreadable or not the expected text (checksum)."""


class GraphDirError(KgError):
    """A --graph directory is missing, empty or holds an unreadable RDF file."""


class QueryError(KgError):
    """A SPARQL query is malformed, unknown by name, or failed while running."""


class ValidationFailed(KgError):
    """The ontology is inconsistent or the data violates a SHACL shape."""

    def __init__(self, report: str) -> None:
        self.report = report
        super().__init__(report)


class UsageError(KgError):
    """A command-line argument is wrong."""

    exit_code = 2


class UnknownEntity(KgError):
    """A name given for an entity matches none (the message lists close labels) or several."""

    exit_code = 2


class EndpointError(KgError):
    """A request to the SPARQL endpoint that cannot be answered; carries the HTTP status to send."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class RemoteStoreError(KgError):
    """A remote SPARQL endpoint or store could not be reached or refused a request."""
