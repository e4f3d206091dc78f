"""Corpora: the work on one batch item (``work``; items are read in ``reading.sources``), the batch driver
(``batch``) over ``engines/`` (local, ray), the results store (``store``), statistics
(``stats``) and charts (``charts``).

Imports the core only (``analyze()`` and the types); never training, cli or server.
"""
