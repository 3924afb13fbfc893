"""The application layer: one function per use case, called by the CLI, the web app and tests.

Interfaces (``cli``, ``web``) call only this layer; it orders the domain's stages (ingest,
link, measures, publication, report, and the practitioner modules) over the storage ports.
Nothing else orders stages.
"""
