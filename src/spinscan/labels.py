"""Label vocabularies of SemEval-2023 Task 3 and the languages spinscan knows.

The spellings are the official ones (scorers/*.txt of the task data). The
definitions are our own plain-language summaries, shown to users in reports.
"""

from __future__ import annotations

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

# Codes as the official data spells them (folder names), with the ISO 639-1 code.
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
ISO_TO_CODE: dict[str, str] = {
    "en": "en",
    "fr": "fr",
    "de": "ge",
    "it": "it",
    "pl": "po",
    "ru": "ru",
    "es": "es",
    "el": "gr",
    "ka": "ka",
}


def normalise_language(code: str) -> str:
    """Map an official or ISO 639-1 language code to the official code; raise on others."""
    from .errors import UnsupportedLanguageError

    c = code.strip().lower()
    if c in LANGUAGES:
        return c
    if c in ISO_TO_CODE:
        return ISO_TO_CODE[c]
    raise UnsupportedLanguageError(
        f"unknown language code {code!r}: use one of {', '.join(LANGUAGES)} "
        "(or the ISO codes de, pl, el for German, Polish, Greek)"
    )
