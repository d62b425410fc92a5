"""Linking with other datasets: proposals to external records as SSSOM, and remote stores.

Owns, in the order data flows: :mod:`~kg.link.dataset` (the other dataset, streamed) and
:mod:`~kg.link.entities` (our side, and what is known of each resource);
:mod:`~kg.link.families`, :mod:`~kg.link.names`, :mod:`~kg.link.context` (kind, names, place);
:mod:`~kg.link.candidates` (blocking), :mod:`~kg.link.score` (scores and the margin test),
:mod:`~kg.link.propose` (identifiers, then names, one-to-one); :mod:`~kg.link.sssom` (SSSOM out,
merge in, evaluation); :mod:`~kg.link.endpoint` (``kg link --endpoint``); and
:mod:`~kg.link.remote` (querying other SPARQL endpoints, pushing the graph into them).

May import: the core, :mod:`kg.sparql` and :mod:`loaders` (the SSSOM reader). Never the build,
the endpoint, the explorer or the CLI.
"""
