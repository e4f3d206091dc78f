"""Entity roles at inference: each mention read with its own sentence (models since 0.7.0)."""

from __future__ import annotations

import numpy as np

from spinscan.models.heads import LinearHead
from spinscan.models.roles import FINE_ROLES, MAIN_ROLES, RoleHeads, mention_sentences


def test_a_mention_is_read_in_the_sentence_that_holds_it():
    text = "Title line\nPutin spoke. Then Biden said nothing. Zelensky wept!\nNo stop here Putin"
    second = text.index("Putin")
    paras = [(0, 10), (second, text.index("\n", second)), (text.index("No"), len(text))]
    starts = [text.index("Putin"), text.index("Biden"), text.index("Zelensky"), text.rindex("Putin")]
    got = [text[s:e] for s, e in mention_sentences(text, starts, paras)]
    assert got == ["Putin spoke.", "Then Biden said nothing.", "Zelensky wept!", "No stop here Putin"]


def heads(width: int, sentence: bool) -> RoleHeads:
    rng = np.random.RandomState(0)
    main = LinearHead(
        list(MAIN_ROLES), rng.normal(size=(3, width)).astype(np.float32), np.zeros(3, np.float32), True
    )
    fine = LinearHead(list(FINE_ROLES), rng.normal(size=(len(FINE_ROLES), width)).astype(np.float32),
                      np.zeros(len(FINE_ROLES), np.float32))  # fmt: skip
    return RoleHeads(main, fine, np.zeros(width, np.float32), np.ones(width, np.float32), 0.5,
                     {"Putin": {"Antagonist": 3}}, sentence)  # fmt: skip


def test_role_heads_that_read_sentences_use_each_mentions_own_sentence_state():
    d = 4
    h = heads(3 * d + 4, sentence=True)
    text = "Putin spoke. Putin lied."
    found = h.find(text)
    assert [(n, s) for n, s, _ in found] == [("Putin", 0), ("Putin", 13)]
    para, mean = np.ones((1, d), np.float32), np.zeros(d, np.float32)
    sent = np.stack([np.full(d, 1.0), np.full(d, -1.0)]).astype(np.float32)
    pm, _ = h.mention_proba(found, [(0, len(text))], para, mean, sent)
    assert not np.allclose(pm[0], pm[1])  # same paragraph, different sentences
    cast = h.cast(found, [(0, len(text))], para, mean, sent)
    assert cast[0]["entity"] == "Putin" and cast[0]["mentions"] == [[0, 5], [13, 18]]
    # a 0.6.0 model's heads (no sentence) read the paragraph alone
    old = heads(2 * d + 4, sentence=False)
    pm_old, _ = old.mention_proba(found, [(0, len(text))], para, mean, None)
    assert np.allclose(pm_old[0], pm_old[1])
    back = RoleHeads.from_folder(h.tensors() | {}, {"fine_roles": list(FINE_ROLES)},
                                 {"roles": {"fine_threshold": 0.5, "features": ["sentence", "paragraph"]}}, h.names)  # fmt: skip
    assert (
        back.sentence
        and not RoleHeads.from_folder(h.tensors(), {"fine_roles": list(FINE_ROLES)}, {}, {}).sentence
    )


def test_a_retrained_models_card_replaces_its_task10_sections():
    from spinscan.training.cards import NARRATIVES_HEADING, ROLES_HEADING
    from spinscan.training.genre import replace_section

    card = f"# M\n\n## Genre\n\ng\n\n{NARRATIVES_HEADING}\n\nold n\n\n{ROLES_HEADING}\n\nold r\n"
    for heading in (NARRATIVES_HEADING, ROLES_HEADING):
        card = replace_section(card, "", heading).rstrip()
    assert "old" not in card and "## Genre\n\ng" in card
