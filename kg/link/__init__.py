"""Linking with other datasets: proposals to external records as SSSOM, and remote stores.

Owns :mod:`~kg.link.propose` (candidates by identifier and by label, as SSSOM) and
:mod:`~kg.link.remote` (querying other SPARQL endpoints, pushing the graph into them).

May import: the core, :mod:`kg.sparql` and :mod:`loaders` (the SSSOM reader). Never the build,
the endpoint, the explorer or the CLI.
"""
