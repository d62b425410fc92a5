"""The build: curated facts and the paper index → RDF → reasoning → validation → outputs.

Owns :mod:`~kg.build.pipeline` (orchestration, up-to-date check), :mod:`~kg.build.reasoning`
(HermiT, owlrl), :mod:`~kg.build.validation` (SHACL and ``*-violation.rq`` checks),
:mod:`~kg.build.serialize` (deterministic Turtle/TriG), :mod:`~kg.build.outputs` (the files of
a build, written through :mod:`kg.atomic`), :mod:`~kg.build.check` (``kg validate``),
:mod:`~kg.build.extract` (``kg extract``), :mod:`~kg.build.docs`, :mod:`~kg.build.void` and
:mod:`~kg.build.jsonld` (ontology docs, VoID, JSON-LD) and :mod:`~kg.build.corpus` (synthetic corpora for scale tests).

May import: the core, :mod:`loaders`, :mod:`kg.sparql`, and :mod:`kg.explore` (to draw the
graph page). Never the endpoint, linking or the CLI.
"""

from kg.build.pipeline import BuildResult, build

__all__ = ["BuildResult", "build"]
