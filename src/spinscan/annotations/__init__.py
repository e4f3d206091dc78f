"""Annotations in the formats of the field's tools, in and out: Label Studio JSON exports, doccano
JSONL, the official SemEval-2023 folder layout and spinscan's own JSONL (:func:`read_annotations`),
and the same formats written from an analysis, for the next round of annotation."""

from __future__ import annotations

from .doccano import doccano_row, read_doccano
from .jsonl import jsonl_row, read_jsonl
from .label_studio import label_studio_task, read_label_studio
from .names import Names
from .read import read_annotations

__all__ = [
    "Names",
    "doccano_row",
    "jsonl_row",
    "label_studio_task",
    "read_annotations",
    "read_doccano",
    "read_jsonl",
    "read_label_studio",
]
