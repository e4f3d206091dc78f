"""The label lists of the HTTP API: techniques (with the served model's reliability), frames,
genres and languages (with their status for the served model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter

from ..analysis import default_model_path, reliability_tables, zero_shot_quality
from ..labels import label_list, technique_labels
from ..languages import language_table
from ..models.base import read_json, trained_languages
from .schema import LabelOut, LanguagesOut, TechniqueOut


def model_version(model_path: str | Path | None = None) -> str:
    """ "name version" of the served model, as its config.json says (what Label Studio shows)."""
    path = Path(model_path) if model_path else default_model_path()
    config = read_json(path / "config.json") if (path / "config.json").is_file() else {}
    return f"{config.get('name', path.name)} {config.get('version', '')}".strip()


def labels_router(model_path: str | Path | None = None) -> APIRouter:
    """The routes, computed once from the model directory (its config and metrics)."""
    from ..language import detectable_codes

    path = Path(model_path) if model_path else default_model_path()
    tables = reliability_tables(path)
    techniques_list = technique_labels(tables[False], tables[True])
    config = read_json(path / "config.json") if (path / "config.json").is_file() else {}
    languages = {
        "model": f"{config.get('name', path.name)} {config.get('version', '')}".strip(),
        "languages": language_table(trained_languages(config), detectable_codes()),
        "quality": zero_shot_quality(path),
    }
    router = APIRouter()

    @router.get("/v1/techniques", response_model=list[TechniqueOut])
    async def techniques() -> list[dict[str, Any]]:
        """The 23 persuasion techniques: name, plain definition, a short invented example, and how
        often the served model's marks of it were right (precision) and how many annotated ones
        it found (recall) on held-out articles (null when not measured); the same for articles of
        languages that did not train the model (``*_zero_shot``)."""
        return techniques_list

    @router.get("/v1/frames", response_model=list[LabelOut])
    async def frames() -> list[dict[str, str]]:
        """The 14 frames: name, plain definition, a short invented example."""
        return label_list("frames")

    @router.get("/v1/genres", response_model=list[LabelOut])
    async def genres() -> list[dict[str, str]]:
        """The 3 genres: name, plain definition, a short invented example."""
        return label_list("genres")

    @router.get("/v1/languages", response_model=LanguagesOut)
    async def languages_list() -> dict[str, Any]:
        """Every language spinscan analyses (those its encoder was pretrained on): code, name,
        status for the served model (trained: its articles trained the model; zero-shot: none
        did) and whether it is detected from text; with the quality measured for unseen
        languages beside the trained ones."""
        return languages

    return router
