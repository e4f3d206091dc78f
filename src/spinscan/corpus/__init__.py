"""Corpora: batch inputs (``sources``), the work on one item (``work``), the batch driver
(``batch``) over ``engines/`` (local, ray), the results store (``store``), statistics
(``stats``) and charts (``charts``).

Imports the core only (``analyze()`` and the types); never training, cli or server.
"""
