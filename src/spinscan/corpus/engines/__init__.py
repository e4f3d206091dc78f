"""Batch engines: each turns items into records and yields events for the driver to store.

``local`` (this process or N worker processes) and ``ray`` (a Ray cluster). They import
``corpus.work`` and ``reading.sources``, never the driver.
"""
