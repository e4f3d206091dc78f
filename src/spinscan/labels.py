"""Label vocabularies of SemEval-2023 Task 3 and the languages spinscan knows.

The spellings are the official ones (scorers/*.txt of the task data). The
definitions are our own plain-language summaries, shown to users in reports.
"""

from __future__ import annotations

from typing import Any

GENRES: tuple[str, ...] = ("opinion", "reporting", "satire")

GENRE_DEFINITIONS: dict[str, str] = {
    "opinion": "The author argues for a view: editorials, columns, commentary.",
    "reporting": "The article informs about events, mostly neutral in tone.",
    "satire": "The article mocks its subject through irony or invented events.",
}

FRAMES: tuple[str, ...] = (
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
)

FRAME_DEFINITIONS: dict[str, str] = {
    "Economic": "Costs, benefits, money, markets and other financial consequences.",
    "Capacity_and_resources": "Whether there is enough (or too little) of people, goods or means.",
    "Morality": "Right and wrong, religious or ethical duty.",
    "Fairness_and_equality": "Whether people or groups are treated equally and justly.",
    "Legality_Constitutionality_and_jurisprudence": "Laws, rights, courts and constitutional limits.",
    "Policy_prescription_and_evaluation": "Which policies should be adopted, and whether they work.",
    "Crime_and_punishment": "Breaking the law, enforcement, sentences and penalties.",
    "Security_and_defense": "Threats to a nation or its people: war, terrorism, defence.",
    "Health_and_safety": "Health care, disease, injury and public safety.",
    "Quality_of_life": "Effects on people's wellbeing, daily life and opportunities.",
    "Cultural_identity": "Traditions, customs and values of a group or nation.",
    "Public_opinion": "What the public thinks: polls, protests, popular reactions.",
    "Political": "Parties, elections, politicians and political manoeuvring.",
    "External_regulation_and_reputation": "A country's standing abroad and international relations.",
}

TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_Popularity",
    "Appeal_to_Values",
    "Appeal_to_Fear-Prejudice",
    "Flag_Waving",
    "Causal_Oversimplification",
    "False_Dilemma-No_Choice",
    "Consequential_Oversimplification",
    "Straw_Man",
    "Red_Herring",
    "Whataboutism",
    "Slogans",
    "Appeal_to_Time",
    "Conversation_Killer",
    "Loaded_Language",
    "Repetition",
    "Exaggeration-Minimisation",
    "Obfuscation-Vagueness-Confusion",
    "Name_Calling-Labeling",
    "Doubt",
    "Guilt_by_Association",
    "Appeal_to_Hypocrisy",
    "Questioning_the_Reputation",
)

TECHNIQUE_DEFINITIONS: dict[str, str] = {
    "Appeal_to_Authority": "Presents a claim as true because an authority or expert said it.",
    "Appeal_to_Popularity": "Claims something is right because many people agree or do it.",
    "Appeal_to_Values": "Ties a position to values the audience holds dear (freedom, tradition, democracy).",
    "Appeal_to_Fear-Prejudice": "Builds support by stirring fear of an alternative or prejudice "
    "against a group.",
    "Flag_Waving": "Justifies a view by appeal to national or group pride and identity.",
    "Causal_Oversimplification": "Gives one cause to an outcome that has many.",
    "False_Dilemma-No_Choice": "Presents two options as the only ones, or one as the only way.",
    "Consequential_Oversimplification": "Claims a first step leads inevitably to a chain of "
    "(usually bad) consequences.",
    "Straw_Man": "Refutes a distorted version of the opponent's position instead of the real one.",
    "Red_Herring": "Diverts attention to an unrelated topic.",
    "Whataboutism": "Answers criticism by pointing to the critic's own (alleged) faults.",
    "Slogans": "A short, striking phrase that stands in for an argument.",
    "Appeal_to_Time": "Argues that now is the moment to act, with urgency as the reason.",
    "Conversation_Killer": "A phrase that discourages further thought or discussion.",
    "Loaded_Language": "Words with strong emotional connotations meant to sway the reader.",
    "Repetition": "Repeats the same message so that it sticks.",
    "Exaggeration-Minimisation": "Overstates or downplays something beyond what the facts support.",
    "Obfuscation-Vagueness-Confusion": "Deliberately unclear wording that lets the reader infer "
    "what suits the author.",
    "Name_Calling-Labeling": "Attaches a loaded label to a person or group instead of an argument.",
    "Doubt": "Questions the credibility of someone or something without evidence.",
    "Guilt_by_Association": "Discredits by linking to a group or person viewed negatively.",
    "Appeal_to_Hypocrisy": "Attacks the opponent as a hypocrite rather than their argument.",
    "Questioning_the_Reputation": "Attacks the character or reputation of the opponent.",
}

# The languages of SemEval-2023 Task 3, coded as the official data spells them (folder names);
# every language spinscan analyses is in ``languages``.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "French",
    "ge": "German",
    "it": "Italian",
    "po": "Polish",
    "ru": "Russian",
    "es": "Spanish",
    "gr": "Greek",
    "ka": "Georgian",
}
TRAIN_LANGUAGES: tuple[str, ...] = ("en", "fr", "ge", "it", "po", "ru")


# Short invented examples (ours, not from the data), one per label, shown by the API and the web page.
TECHNIQUE_EXAMPLES: dict[str, str] = {
    "Appeal_to_Authority": '"The minister\'s chief scientist says the plan is safe, so there is nothing to discuss."',
    "Appeal_to_Popularity": '"Millions of families have already switched; you should too."',
    "Appeal_to_Values": '"This reform is about the freedom our grandparents fought for."',
    "Appeal_to_Fear-Prejudice": '"If the border stays open, our towns will be overrun by crime."',
    "Flag_Waving": '"Any true patriot will back our soldiers and this war."',
    "Causal_Oversimplification": '"Prices went up for one reason only: the new mayor."',
    "False_Dilemma-No_Choice": '"Either we ban the app today or we lose our children to it."',
    "Consequential_Oversimplification": '"Allow one new tax and soon the state will own everything you earn."',
    "Straw_Man": '"My opponent wants to leave the country defenceless" (about a proposal to audit one program).',
    "Red_Herring": '"Why ask about the budget hole when the opposition leader can\'t even run his party?"',
    "Whataboutism": '"They criticise our prisons, but look at how they treat their own protesters."',
    "Slogans": '"Take back control!"',
    "Appeal_to_Time": '"The window is closing: we must act before the end of the week."',
    "Conversation_Killer": '"It is what it is. End of story."',
    "Loaded_Language": '"The regime\'s thugs unleashed a savage crackdown on peaceful citizens."',
    "Repetition": '"They lied. They lied to you, they lied to me, they lied to everyone."',
    "Exaggeration-Minimisation": '"The worst decision in the history of humanity"; "just a few broken windows."',
    "Obfuscation-Vagueness-Confusion": '"Certain measures were taken by certain people at a certain time."',
    "Name_Calling-Labeling": '"The so-called experts and their globalist friends."',
    "Doubt": '"Can we really trust a report written by people who were paid to write it?"',
    "Guilt_by_Association": '"The same idea was popular with the dictators of the last century."',
    "Appeal_to_Hypocrisy": '"He lectures us on climate while flying in a private jet."',
    "Questioning_the_Reputation": '"Nothing this senator says can be trusted; he has a long record of scandals."',
}

FRAME_EXAMPLES: dict[str, str] = {
    "Economic": "A trade deal presented through its effect on jobs and prices.",
    "Capacity_and_resources": "Hospitals said to lack beds and staff to cope with a wave of patients.",
    "Morality": "A policy judged as a duty of conscience or a sin.",
    "Fairness_and_equality": "A tax change discussed as unfair to the poorest households.",
    "Legality_Constitutionality_and_jurisprudence": "A new law challenged before the constitutional court.",
    "Policy_prescription_and_evaluation": "Experts assessing whether a lockdown worked and what should replace it.",
    "Crime_and_punishment": "An arrest, a trial and the sentence demanded by prosecutors.",
    "Security_and_defense": "Troops massed at a border and the threat to neighbouring states.",
    "Health_and_safety": "The spread of a disease and the advice given to the public.",
    "Quality_of_life": "How rising rents change the daily life of young families.",
    "Cultural_identity": "A festival defended as part of a nation's traditions.",
    "Public_opinion": "A poll showing most voters oppose a plan, and protests in the streets.",
    "Political": "Parties manoeuvring ahead of an election.",
    "External_regulation_and_reputation": "Sanctions imposed by other countries and the nation's image abroad.",
}

GENRE_EXAMPLES: dict[str, str] = {
    "opinion": "A column arguing that the government's new plan will fail.",
    "reporting": "A news report on what was announced at a press conference.",
    "satire": "A mock news story in which a minister declares the weather illegal.",
}


def label_list(kind: str) -> list[dict[str, str]]:
    """Every label of ``kind`` (techniques, frames, genres) with its definition and example."""
    names, defs, examples = {
        "techniques": (TECHNIQUES, TECHNIQUE_DEFINITIONS, TECHNIQUE_EXAMPLES),
        "frames": (FRAMES, FRAME_DEFINITIONS, FRAME_EXAMPLES),
        "genres": (GENRES, GENRE_DEFINITIONS, GENRE_EXAMPLES),
    }[kind]
    return [{"name": n, "definition": defs[n], "example": examples[n]} for n in names]


def technique_labels(
    reliability: dict[str, dict[str, Any]], zero_shot: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Every technique with its definition and example, its held-out ``precision`` and ``recall``
    from ``reliability`` (a model's; None where not measured), and the same measured for languages
    that did not train the model (``precision_zero_shot``, ``recall_zero_shot``) from ``zero_shot``."""
    zs = zero_shot or {}
    return [
        dict(
            d,
            **{k: reliability.get(d["name"], {}).get(k) for k in ("precision", "recall")},
            **{f"{k}_zero_shot": zs.get(d["name"], {}).get(k) for k in ("precision", "recall")},
        )
        for d in label_list("techniques")
    ]


# One colour per technique, light enough for black text; the web page's highlights use the same
# (its script holds a copy, checked equal by tests/server/test_colours.py), and so do the labeling
# configs spinscan writes for Label Studio and doccano.
TECHNIQUE_COLOURS: dict[str, str] = {
    "Loaded_Language": "#fad542", "Name_Calling-Labeling": "#9cccfc", "Doubt": "#b07efc",
    "Exaggeration-Minimisation": "#fa6742", "Appeal_to_Fear-Prejudice": "#fb60ad", "Repetition": "#9cfcf3",
    "Flag_Waving": "#c4f2a6", "Questioning_the_Reputation": "#e8b0b0", "Causal_Oversimplification": "#bcaaa4",
    "Appeal_to_Authority": "#80cbc4", "Slogans": "#90a4ae", "Appeal_to_Values": "#b39ddb",
    "Appeal_to_Hypocrisy": "#ffcc80", "Conversation_Killer": "#b0bec5", "Guilt_by_Association": "#e8a17d",
    "False_Dilemma-No_Choice": "#9fa8da", "Appeal_to_Popularity": "#80deea", "Appeal_to_Time": "#fff59d",
    "Consequential_Oversimplification": "#d7ccc8", "Obfuscation-Vagueness-Confusion": "#e1bee7",
    "Straw_Man": "#ffe0b2", "Red_Herring": "#f8bbd0", "Whataboutism": "#b2dfdb",
}  # fmt: skip
