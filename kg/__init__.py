"""A knowledge graph of a paper on talent migration between Mexico and Japan."""
__version__ = "0.1.0"
