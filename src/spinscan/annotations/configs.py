"""What an annotation tool needs to be set up for spinscan: Label Studio's labeling config (the 23
techniques as span labels, the genre as one choice, the frames as several, each with its one-line
definition as a hint) and doccano's label import file. The names are the ones ``learn`` reads and
``analyze --format label-studio|doccano`` writes (``label``, ``genre``, ``frames`` on ``text``)."""

from __future__ import annotations

import json
from xml.sax.saxutils import quoteattr

from ..labels import (
    FRAME_DEFINITIONS,
    FRAMES,
    GENRE_DEFINITIONS,
    GENRES,
    TECHNIQUE_COLOURS,
    TECHNIQUE_DEFINITIONS,
    TECHNIQUES,
)

SPANS, GENRE, FRAMES_NAME, TEXT = "label", "genre", "frames", "text"  # the controls' names


def _attrs(**kw: str) -> str:
    return " ".join(f"{k}={quoteattr(v)}" for k, v in kw.items())


def label_studio_config() -> str:
    """Label Studio's labeling config (XML) for spinscan's three subtasks."""
    lines = [
        "<View>",
        '  <Header value="Persuasion techniques: choose a technique, then select the words that use it"/>',
        f"  <Labels {_attrs(name=SPANS, toName=TEXT, choice='multiple')}>",
        *(
            f"    <Label {_attrs(value=t, background=TECHNIQUE_COLOURS[t], hint=TECHNIQUE_DEFINITIONS[t])}/>"
            for t in TECHNIQUES
        ),
        "  </Labels>",
        f"  <Text {_attrs(name=TEXT, value='$' + TEXT, granularity='word')}/>",
        '  <Header value="Genre: what the article as a whole is"/>',
        f"  <Choices {_attrs(name=GENRE, toName=TEXT, choice='single', showInline='true')}>",
        *(f"    <Choice {_attrs(value=g, hint=GENRE_DEFINITIONS[g])}/>" for g in GENRES),
        "  </Choices>",
        '  <Header value="Frames: the angles the article takes (any number)"/>',
        f"  <Choices {_attrs(name=FRAMES_NAME, toName=TEXT, choice='multiple')}>",
        *(f"    <Choice {_attrs(value=f, hint=FRAME_DEFINITIONS[f])}/>" for f in FRAMES),
        "  </Choices>",
        "</View>",
    ]
    return "\n".join(lines) + "\n"


def doccano_labels(kind: str = "span") -> str:
    """doccano's label import file (JSON): the 23 techniques as span labels, or (``category``)
    the genres and frames as document categories, each with a colour and its definition."""
    if kind == "span":
        rows = [(t, TECHNIQUE_COLOURS[t]) for t in TECHNIQUES]
    elif kind == "category":
        rows = [(g, "#dddddd") for g in GENRES] + [(f, "#eeeeee") for f in FRAMES]
    else:
        raise ValueError(f"unknown doccano label kind {kind!r}")
    return (
        json.dumps(
            [
                {"text": name, "suffix_key": None, "background_color": colour, "text_color": "#000000"}
                for name, colour in rows
            ],
            indent=1,
        )
        + "\n"
    )
