"""Request and response models of the HTTP API (they make the OpenAPI schema)."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from ..text import join_title
from ..types import Analysis, ParagraphResult, Span


class AnalyzeIn(BaseModel):
    """One article to analyse: its ``text``, a web page's ``html``, or a ``url`` to fetch."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(
        None, min_length=1, description="The article; one paragraph per line (limited by the body size)."
    )
    html: str | None = Field(None, min_length=1, description="A web page's HTML; its article is analysed.")
    url: str | None = Field(
        None,
        min_length=8,
        max_length=4000,
        description="An http(s) URL to fetch (servers started with --allow-fetch).",
    )
    keep_clutter: bool = Field(
        False, description="Analyse every line, page clutter (menus, notices) included."
    )
    lang: str | None = Field(
        None, max_length=16, description="en fr ge it po ru es gr ka (or de pl el); detected if absent."
    )  # noqa: E501
    title: str | None = Field(
        None, max_length=10_000, description="Title; becomes line 1, then an empty line."
    )
    id: str | None = Field(None, max_length=200, description="Your id for the article, echoed back.")

    @model_validator(mode="after")
    def _one_input(self) -> AnalyzeIn:
        given = [k for k in ("text", "html", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of text, html, url (found {', '.join(given) or 'none'})")
        return self

    def full_text(self) -> str:
        return join_title(self.title, self.text or "")

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
    """Articles to analyse; each is checked on its own, so one bad article spoils nothing."""

    model_config = ConfigDict(extra="forbid")
    articles: list[AnalyzeIn] = Field(..., min_length=1)


def from_dataclass(
    cls: type, name: str, extra: dict[str, Any] | None = None, **nested: type
) -> type[BaseModel]:
    """A response model with the fields of a result dataclass of ``spinscan.types`` (their
    ``metadata["doc"]`` as descriptions), so the API schema cannot drift from the result.
    ``nested`` replaces a field's element type by a model made the same way; ``extra`` adds
    fields that ``to_dict()`` adds."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        tp = nested.get(f.name, hints[f.name])
        fields[f.name] = (tp, Field(..., description=f.metadata.get("doc")))
    return create_model(name, **fields, **(extra or {}))


SpanOut = from_dataclass(Span, "SpanOut")
ParagraphOut = from_dataclass(ParagraphResult, "ParagraphOut", spans=list[SpanOut])
AnalysisOut = from_dataclass(
    Analysis,
    "AnalysisOut",
    extra={
        "techniques": (dict[str, int], Field(..., description="How many paragraphs use each technique.")),
        "genre_uncertain": (
            bool,
            Field(
                False,
                description="The evidence is weak: the top two genre probabilities are within .15, or none "
                "reaches .50.",
            ),
        ),
        "text": (str, Field(..., description="The analysed text; all offsets index it.")),
        "kind": (str, Field("text", description="What was read: text or html.")),
        **{
            k: (str | None, Field(None, description=f"The page's {k}, when it gives one."))
            for k in ("title", "author", "date", "site", "url")
        },
    },
    paragraphs=list[ParagraphOut],
)


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


class TechniqueOut(LabelOut):
    precision: float | None = Field(
        None, description="On held-out articles: the share of the model's marks of it that were right."
    )
    recall: float | None = Field(
        None, description="On held-out articles: the share of the annotated ones it found."
    )
    precision_zero_shot: float | None = Field(
        None, description="The same precision for articles of languages that did not train the model."
    )
    recall_zero_shot: float | None = Field(
        None, description="The same recall for articles of languages that did not train the model."
    )


class LanguageOut(BaseModel):
    code: str = Field(
        description="spinscan's code: the official one of the SemEval languages, else ISO 639-1."
    )
    iso: str = Field(description="ISO 639-1 code.")
    name: str = Field(description="English name.")
    status: str = Field(description="trained (articles of it trained the model) or zero-shot (none did).")
    detected: bool = Field(description="Told from the text; otherwise give it as `lang`.")


class LanguagesOut(BaseModel):
    model: str = Field(description="The served model: name and version.")
    languages: list[LanguageOut]
    quality: dict[str, dict[str, float | None]] = Field(
        description="Per head (techniques, spans, frames, genre): the mean score measured with each training "
        "language as trained and left out as unseen (zero_shot)."
    )
