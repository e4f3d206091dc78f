"""The encoder recipe, one module per part of a run.

``config`` (settings) -> ``run`` (a work folder: members, epoch results) over ``data`` (tables,
held-out split, token labels), ``frozen`` (the frozen-layer cache), ``batching`` and ``loop``
(the fine-tune), ``epochs`` (per-epoch files); then ``finish`` (choices on held-out data, the
model directory), ``spans`` (span settings) and ``language_member``.
"""
