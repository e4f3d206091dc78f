"""Request and response models of the HTTP API (they make the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .labels import (
    FRAME_DEFINITIONS,
    FRAME_EXAMPLES,
    FRAMES,
    GENRE_DEFINITIONS,
    GENRE_EXAMPLES,
    GENRES,
    TECHNIQUE_DEFINITIONS,
    TECHNIQUE_EXAMPLES,
    TECHNIQUES,
)

MAX_FIELD = 200_000  # characters; at most 800 KB of UTF-8, under the default 1 MB body limit


class AnalyzeIn(BaseModel):
    """One article to analyse."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        ..., min_length=1, max_length=MAX_FIELD, description="The article; one paragraph per line."
    )
    lang: str | None = Field(
        None, max_length=16, description="en fr ge it po ru es gr ka (or de pl el); detected if absent."
    )  # noqa: E501
    title: str | None = Field(
        None, max_length=10_000, description="Title; becomes line 1, then an empty line."
    )
    id: str | None = Field(None, max_length=200, description="Your id for the article, echoed back.")

    def full_text(self) -> str:
        if self.title and self.title.strip():
            return self.title.strip().replace("\n", " ") + "\n\n" + self.text
        return self.text

    @classmethod
    def openapi_body(cls) -> dict[str, Any]:
        """The request body in three forms, for the OpenAPI schema of /v1/analyze."""
        return {
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": cls.model_json_schema()},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "lang": {"type": "string", "maxLength": 16},
                            },
                        }
                    },
                    "text/plain": {"schema": {"type": "string", "minLength": 1}},
                },
            }
        }


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[AnalyzeIn] = Field(..., min_length=1)


class SpanOut(BaseModel):
    technique: str
    start: int = Field(..., description="Character offset into `text` (inclusive).")
    end: int = Field(..., description="Character offset into `text` (exclusive).")
    score: float


class ParagraphOut(BaseModel):
    line_no: int
    start: int
    end: int
    text: str
    techniques: list[str]
    scores: dict[str, float]
    spans: list[SpanOut]


class AnalysisOut(BaseModel):
    id: str | None
    lang: str
    lang_detected: bool
    genre: str
    genre_scores: dict[str, float]
    frames: list[str]
    frame_scores: dict[str, float]
    techniques: dict[str, int] = Field(..., description="How many paragraphs use each technique.")
    paragraphs: list[ParagraphOut]
    model: dict[str, str]
    timings: dict[str, float]
    text: str = Field(..., description="The analysed text; all offsets index it.")


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class BatchItemError(BaseModel):
    id: str
    error: ErrorBody


class BatchOut(BaseModel):
    results: list[AnalysisOut | BatchItemError]


class LabelOut(BaseModel):
    name: str
    definition: str
    example: str


def label_list(kind: str) -> list[dict[str, str]]:
    names, defs, examples = {
        "techniques": (TECHNIQUES, TECHNIQUE_DEFINITIONS, TECHNIQUE_EXAMPLES),
        "frames": (FRAMES, FRAME_DEFINITIONS, FRAME_EXAMPLES),
        "genres": (GENRES, GENRE_DEFINITIONS, GENRE_EXAMPLES),
    }[kind]
    return [{"name": n, "definition": defs[n], "example": examples[n]} for n in names]
