"""The encoder recipe end to end on a tiny slice of the real data: resume, finish, load, analyse."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("torch")

from spinscan.analysis import analyze, default_lexical_path  # noqa: E402
from spinscan.labels import TECHNIQUES  # noqa: E402
from spinscan.models.base import load_model  # noqa: E402
from spinscan.training.encoder.finish import finish  # noqa: E402
from spinscan.training.encoder.run import EncoderRun  # noqa: E402

pytestmark = pytest.mark.integration

from .conftest import tiny_cfg  # noqa: E402


def test_resume_continues_after_the_last_checkpoint(encoder_model):
    _, _, steps = encoder_model
    assert steps[0] == 3  # step 3 of epoch 1 was the first one run again


def test_model_directory_holds_only_what_differs_from_the_base(encoder_model):
    out, run, _ = encoder_model
    for name in (
        "config.json",
        "labels.json",
        "thresholds.json",
        "weights.safetensors",
        "metrics.json",
        "README.md",
    ):
        assert (out / name).is_file(), name
    from safetensors.numpy import load_file

    w = load_file(str(out / "weights.safetensors"))
    assert not any(
        "word_embeddings" in k or "layers.2." in k for k in w
    )  # 2 fine-tuned layers, no embeddings
    assert all(v.dtype == np.float16 for k, v in w.items() if k.startswith("top."))
    assert (out / "weights.safetensors").stat().st_size < 8_000_000
    m = json.loads((out / "metrics.json").read_text())
    for part in ("lexical", "encoder", "ensemble"):
        assert 0 <= m["techniques_heldout"][part]["all"] <= 1
    assert set(m["spans_heldout"]["heldout"]) == {"aware", "agnostic"}
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["kind"] == "encoder" and cfg["spans"]["mode"] in ("filtered", "independent")


def test_loaded_model_analyses_with_spans_that_agree_with_labels(encoder_model):
    out, _, _ = encoder_model
    model = load_model(out)
    text = (
        "Titre\r\n\r\nCes traîtres corrompus nous mentent, comme toujours.\r\nUn rapport sur le budget.\r\n"
    )
    a = analyze(text, lang="fr", model=model)
    assert [p.line_no for p in a.paragraphs] == [1, 3, 4]
    for p in a.paragraphs:
        assert set(p.scores) == set(TECHNIQUES)
        for t in p.techniques:  # a labelled technique shows at least one span of it, inside the paragraph
            spans = [s for s in p.spans if s.technique == t]
            assert spans, (p.line_no, t)
            assert all(p.start <= s.start < s.end <= p.end for s in spans)
            assert all(text[s.start : s.end].strip() == text[s.start : s.end] for s in spans)
    assert a.model["kind"] == "encoder" and a.genre


def test_a_run_can_continue_from_a_saved_model(encoder_model, tmp_path):
    import dataclasses

    import torch

    from spinscan.errors import ModelError
    from spinscan.models.base import read_model_dir

    from ..conftest import DATA

    out, _, _ = encoder_model
    cfg = dataclasses.replace(tiny_cfg(), epochs=1, init_from=str(out))
    history = EncoderRun(DATA, tmp_path / "more", cfg).finetune()
    assert [h["epoch"] for h in history] == [1]
    # the starting point is epoch 0, scored on the same held-out rows, so the finish can keep it
    start = torch.load(tmp_path / "more" / "top-epoch0.pt", weights_only=True)
    saved = read_model_dir(out)[3]
    for k, v in start.items():
        assert np.array_equal(v.numpy().astype(np.float16), saved[f"top.{k}"]), k
    assert np.load(tmp_path / "more" / "heldout-epoch0.npy").shape[1] == len(TECHNIQUES)
    other = dataclasses.replace(cfg, seed=7)
    with pytest.raises(ModelError, match="held-out differs"):
        EncoderRun(DATA, tmp_path / "other", other).finetune()


def test_members_are_trained_apart_and_averaged(encoder_model, tmp_path):
    import dataclasses

    import torch

    from spinscan.models.encoder import EncoderModel
    from spinscan.types import split_paragraphs

    from ..conftest import DATA

    out, run, _ = encoder_model
    cfg = dataclasses.replace(tiny_cfg(), epochs=1, members=2)
    root = EncoderRun(DATA, tmp_path / "work", cfg, cache_dir=run.work)  # reuse the frozen cache
    histories = root.finetune_members()
    assert [[h["epoch"] for h in hs] for hs in histories] == [[1], [1]]
    member = root.members()[1]
    assert member.work == tmp_path / "work" / "member1" and member.init_seed == cfg.seed + 16
    assert not list((tmp_path / "work").glob("lower-*.npz"))  # the cache was shared, not rebuilt
    a = torch.load(tmp_path / "work" / "top-epoch1.pt", weights_only=True)
    b = torch.load(member.work / "top-epoch1.pt", weights_only=True)
    assert not torch.equal(a["paragraph_head.weight"], b["paragraph_head.weight"])  # other starts
    p0 = np.load(tmp_path / "work" / "heldout-epoch1.npy")
    p1 = np.load(member.work / "heldout-epoch1.npy")
    m0, m1 = root.heldout_member_probs(1)
    assert np.array_equal(m0, p0) and np.array_equal(m1, p1)

    model_dir = tmp_path / "enc2"
    finish(root, model_dir, default_lexical_path())
    config = json.loads((model_dir / "config.json").read_text())
    metrics = json.loads((model_dir / "metrics.json").read_text())
    # the held-out choices score the members' mean
    from spinscan.training.selection import best_global_f1

    y_held = root.data.paragraphs.y[root.data.heldout()]
    assert metrics["techniques_heldout"]["epochs"]["1"] == round(best_global_f1(y_held, (p0 + p1) / 2), 4)
    assert config["members"] == 2 and config["train"]["members"] == 2
    assert set(metrics["techniques_heldout"]["members"]) == {"0", "1"}
    model = load_model(model_dir)
    assert len(model.top_states) == 2
    text = "Ces traîtres corrompus nous mentent.\n\nUn rapport sur le budget de la ville.\n"
    paras = split_paragraphs(text)
    both = model.encode_paragraphs(paras)
    alone = [
        EncoderModel(model.config, [s], model.article_heads, model.thresholds, None).encode_paragraphs(paras)
        for s in model.top_states
    ]
    assert np.allclose(both.probs, (alone[0].probs + alone[1].probs) / 2, atol=1e-5)
    for k in range(len(paras)):
        mean = (alone[0].token_probs[k] + alone[1].token_probs[k]) / 2
        assert np.allclose(both.token_probs[k], mean, atol=1e-5)
    # per-language weights: French paragraphs use member 1 only, the others member 0 only
    from spinscan.errors import ModelError

    weighted = EncoderModel(
        dict(model.config, member_weights={"fr": [0, 1], "*": [1, 0]}),
        model.top_states, model.article_heads, model.thresholds, None,
    )  # fmt: skip
    fr = weighted.encode_paragraphs(paras, ["fr"] * len(paras))
    other = weighted.encode_paragraphs(paras, ["it"] * len(paras))
    assert np.allclose(fr.probs, alone[1].probs, atol=1e-5)
    assert np.allclose(other.probs, alone[0].probs, atol=1e-5)
    assert np.allclose(fr.token_probs[0], alone[1].token_probs[0], atol=1e-5)
    with pytest.raises(ModelError, match="does not fit 2 member"):  # refused when built/loaded
        EncoderModel(dict(model.config, member_weights={"*": [1]}), model.top_states, {}, {}, None)
    # a continuation of a 2-member model needs its 2 members; member 2 of 1 is refused
    more = dataclasses.replace(tiny_cfg(), epochs=1, members=2, init_from=str(out))
    with pytest.raises(ModelError, match="needs member 2"):
        EncoderRun(DATA, tmp_path / "more", more, cache_dir=run.work).finetune_members()


def test_a_paragraph_longer_than_the_model_reads_is_read_whole_in_windows(encoder_model):
    import dataclasses

    from spinscan.types import split_paragraphs

    out, _, _ = encoder_model
    model = load_model(out)  # max_tokens 64: this paragraph needs several windows
    words = " ".join(f"Les traîtres corrompus mentent encore, jour {i}." for i in range(40))
    text = f"Titre\n\n{words}\n"
    (title, para) = split_paragraphs(text)
    enc = model.encode_paragraphs([para])
    full = model.forward.tokenizer.encode([para.text.strip()], 10**6)[0]  # untruncated
    assert len(enc.token_probs[0]) == len(full.ids) > 3 * model.config["max_tokens"]
    assert enc.ends[0].max() == para.start + len(para.text.rstrip())  # the last word has a token
    # the first window is what a truncating reader saw: same probabilities where no window overlaps
    import torch

    from spinscan.models.encoder.network import pad_batch

    fwd = model.forward
    lower, tops, tok = fwd.lower, fwd.tops, fwd.tokenizer
    cut = tok.encode([para.text.strip()], model.config["max_tokens"])[0]
    with torch.no_grad():
        ids, mask = pad_batch([cut], tok.special["pad"])
        pl, tl = tops[0](lower(ids, mask), mask)
    content = np.flatnonzero(enc.starts[0][:20] >= 0)  # (<s> and the prefix are in every window)
    assert len(content) > 10
    assert np.allclose(enc.token_probs[0][content], torch.sigmoid(tl)[0, content].numpy(), atol=1e-5)
    assert (enc.probs[0] >= torch.sigmoid(pl)[0].numpy() - 1e-5).all()  # the best window's
    wins = enc.windows[0]  # each window's article characters, in order, from start to end
    assert len(wins) >= 3 and wins[0][0] == para.start and wins[-1][1] == para.start + len(para.text.rstrip())
    assert all(a[0] < b[0] < a[1] < b[1] for a, b in zip(wins, wins[1:]))  # they overlap
    # whole-paragraph techniques highlight the windows that have them, not the whole wall: with
    # every threshold at the paragraph's probability, only each technique's best window has it
    model.lexical = None
    model.settings = dataclasses.replace(
        model.settings, spans=dataclasses.replace(model.settings.spans, whole=tuple(TECHNIQUES))
    )
    model.thresholds["techniques"] = {"*": {t: float(enc.probs[0][j]) for j, t in enumerate(TECHNIQUES)}}
    p = analyze(text, lang="fr", model=model).paragraphs[1]
    assert sorted(p.techniques) == sorted(TECHNIQUES)
    assert sorted({s.technique for s in p.spans}) == sorted(TECHNIQUES)
    for s in p.spans:
        assert any(w[0] <= s.start < s.end <= w[1] for w in wins), s


def test_a_language_member_is_added_for_its_languages_only(encoder_model, tmp_path):
    import dataclasses

    from spinscan.errors import ModelError
    from spinscan.models.encoder import EncoderModel
    from spinscan.training.encoder.language_member import add_language_member
    from spinscan.training.selection import BLEND_WEIGHTS as WEIGHTS
    from spinscan.types import split_paragraphs

    from ..conftest import DATA

    out, _, _ = encoder_model
    cfg = dataclasses.replace(tiny_cfg(), epochs=1, init_from=str(out), languages=("fr",))
    run = EncoderRun(DATA, tmp_path / "fr", cfg)
    run.finetune()
    lm = tmp_path / "with-fr"
    add_language_member(run, lm, default_lexical_path())
    base, model = load_model(out), load_model(lm)
    config = json.loads((lm / "config.json").read_text())
    w = config["language_members"][0]["weight"]
    assert w in WEIGHTS and config["members"] == 2 and len(model.top_states) == 2
    assert config["member_weights"] == {"*": [1.0, 0.0], "fr": [round(1 - w, 4), w]}
    assert set(config["spans_by_language"]) == {"fr"}
    assert model.settings.spans_for("it") == base.settings.spans
    # thresholds: French re-chosen, the others the base's
    assert "fr" in model.thresholds["techniques"]
    others = [{k: v for k, v in m.thresholds["techniques"].items() if k != "fr"} for m in (model, base)]
    assert others[0] == others[1]
    report = json.loads((lm / "metrics.json").read_text())["language_members"][0]
    assert report["epoch"] == 1 and set(report) >= {"base", "with member"}
    for name in ("base", "with member"):
        for key in ("spans", "spans_own_settings"):
            assert 0 <= report[name][key]["aware"]["fr"] <= 1
    assert "Language member for fr" in (lm / "README.md").read_text()
    # French paragraphs average the base and the member; other languages do not run the member
    paras = split_paragraphs("Ces traîtres corrompus nous mentent.\n\nUn rapport sur le budget.\n")
    alone = EncoderModel(dict(config, member_weights={"*": [0, 1]}), model.top_states, {}, {}, None)
    fr = model.encode_paragraphs(paras, ["fr", "fr"]).probs
    member = alone.encode_paragraphs(paras, ["fr", "fr"]).probs
    before = base.encode_paragraphs(paras, ["fr", "fr"]).probs
    assert np.allclose(fr, (1 - w) * before + w * member, atol=1e-5)
    assert np.allclose(model.encode_paragraphs(paras, ["it", "it"]).probs, before, atol=1e-6)
    # a language already averaging members cannot take another; a member needs a base
    mixed = dict(config, member_weights={"*": [1, 0], "fr": [0.5, 0.5]})
    EncoderModel(mixed, model.top_states, model.article_heads, model.thresholds, None).save(
        tmp_path / "mixed"
    )
    again = EncoderRun(DATA, tmp_path / "again", dataclasses.replace(cfg, init_from=str(tmp_path / "mixed")))
    with pytest.raises(ModelError, match="already averages"):
        add_language_member(again, tmp_path / "x", default_lexical_path())
    alone_run = EncoderRun(DATA, tmp_path / "nobase", dataclasses.replace(cfg, init_from=None))
    with pytest.raises(ModelError, match="--init-from"):
        add_language_member(alone_run, tmp_path / "y", default_lexical_path())


def test_the_genre_head_is_chosen_leave_one_language_out(encoder_model, tmp_path):
    from click.testing import CliRunner

    from spinscan.cli import main as cli

    from ..conftest import DATA

    out, _, _ = encoder_model
    m = json.loads((out / "metrics.json").read_text())["genre_shift"]
    assert set(m["leave_one_language_out"]) == {"en", "fr", "ge", "it", "po", "ru", "mean"}
    assert m["baseline"]["features"] == ["state"] and "grouped_cv" in m["baseline"]
    config = json.loads((out / "config.json").read_text())
    assert config["genre_features"] == m["chosen"]["features"]
    # `spinscan train --kind genre` rewrites only the genre head of a copy
    new = tmp_path / "genre"
    args = ["train", "--kind", "genre", "--init-from", str(out), "--data", str(DATA), "--out", str(new)]
    res = CliRunner().invoke(cli, [*args, "--max-articles", "2"])
    assert res.exit_code == 0, res.output
    assert "leave-one-language-out" in res.output and (new / "README.md").read_text().count("## Genre") == 1
    a, b = load_model(out), load_model(new)
    assert np.array_equal(a.article_heads["frames"].coef, b.article_heads["frames"].coef)
    text = "The minister said on Monday that 40 people died.\n\nWhy do you accept this? I will not!"
    got = analyze(text, lang="en", model=b)
    assert abs(sum(got.genre_scores.values()) - 1) < 1e-4 and got.genre in ("opinion", "reporting", "satire")
    res = CliRunner().invoke(cli, ["train", "--kind", "genre", "--data", str(DATA), "--out", str(new)])
    assert res.exit_code != 0 and "--init-from" in res.output
