"""`spinscan train`: the lexical and encoder recipes."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from .common import friendly_errors, progress
from .main import main


@main.command()
@click.option(
    "--data",
    "data_dir",
    default=None,
    type=click.Path(path_type=Path),
    help="Official data folder (every kind but cues).",
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Model directory to write."
)
@click.option("--lang", "langs", multiple=True, help="Train languages (default: en fr ge it po ru).")
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds (grouped by article).")
@click.option("--seed", default=13, show_default=True, help="Random seed (training is deterministic).")
@click.option(
    "--max-articles", default=None, type=int, help="Use at most N articles per language (quick runs)."
)
@click.option(
    "--kind",
    type=click.Choice(["lexical", "encoder", "genre", "narratives", "cues"]),
    default="lexical",
    show_default=True,
    help="lexical: TF-IDF (minutes). encoder: fine-tuned e5-small (or --backbone) + lexical ensemble "
    "(hours on a CPU). "
    "genre: a copy of the --init-from encoder model with its genre head chosen leave-one-language-out "
    "(about 15 minutes; with --outside about 30). "
    "cues: a copy of the --init-from encoder model with the paragraph cue heads (subjective, satire: "
    "the genre's evidence) learnt from --multi alone.",
)
@click.option(
    "--outside",
    "outside_dir",
    default=None,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="genre: also learn from this folder of outside English genre articles (../shared/data/genre-en): "
    "outlets masked, each source and genre weighted alike, validated leaving languages and sources out.",
)
@click.option(
    "--multi",
    "multi_dir",
    default=None,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="genre (with --outside): also learn the paragraph cues (subjective, satire) and French satire from "
    "this genre-multi folder (../shared/data/genre-multi: FreSaDa, SeLeRoSa, CheckThat! subjectivity).",
)
@click.option(
    "--work",
    "work_dir",
    default=None,
    type=click.Path(path_type=Path),
    help="encoder: folder for caches and checkpoints; a rerun resumes there (default: OUT.work).",
)
@click.option("--epochs", default=None, type=click.IntRange(1, 1000),
              help="encoder: fine-tuning epochs (default: the recipe's).")  # fmt: skip
@click.option("--lexical", "lexical_dir", default=None, type=click.Path(path_type=Path),
              help="encoder: the lexical model to ensemble with (default: the shipped one).")  # fmt: skip
@click.option(
    "--init-from",
    default=None,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="encoder: continue from this encoder model's fine-tuned layers (same held-out split).",
)
@click.option("--lr-layers", default=None, type=float, help="encoder: peak learning rate of the layers.")
@click.option("--lr-head", default=None, type=float, help="encoder: peak learning rate of the heads.")
@click.option("--token-weight", default=None, type=float, help="encoder: weight of the span (token) loss.")
@click.option(
    "--members",
    default=None,
    type=click.IntRange(1, 8),
    help="encoder: fine-tune this many tops from different random starts; the model averages them.",
)
@click.option(
    "--backbone",
    default=None,
    help="encoder: a Hugging Face encoder (a folder, or a hub id already in the local cache; "
    "HF_HUB_OFFLINE=0 lets it download) instead of the shipped multilingual-e5-small.",
)
@click.option(
    "--copy-backbone",
    is_flag=True,
    default=None,
    help="encoder: keep the backbone's weights in the model (default: referred to by path and digest).",
)
@click.option("--device", default=None, help="encoder: cpu (default), cuda or cuda:K.")
@click.option(
    "--precision",
    type=click.Choice(["fp32", "bf16", "fp16"]),
    default=None,
    help="encoder: arithmetic while training (default: bf16 or fp16 on a GPU, fp32 on a CPU).",
)
@click.option(
    "--batch-size",
    default=None,
    type=click.IntRange(1, 512),
    help="encoder: paragraphs per batch (default: the recipe's for the backbone's width).",
)
@click.option(
    "--grad-accum",
    default=None,
    type=click.IntRange(1, 64),
    help="encoder: batches accumulated into one step (default: 16 paragraphs a step).",
)
@click.option(
    "--language-member",
    is_flag=True,
    help="encoder, with --init-from and --lang: write the --init-from model plus this run as a member "
    "that only the --lang languages use (epoch and weight chosen on their held-out articles).",
)
@friendly_errors
def train(
    data_dir,
    out_dir,
    langs,
    folds,
    seed,
    max_articles,
    kind,
    work_dir,
    epochs,
    lexical_dir,
    language_member,
    outside_dir,
    multi_dir,
    **encoder_opts,
) -> None:
    """Train a model, choosing every setting on train only (grouped CV or held-out articles).

    \b
    Examples:
      spinscan train --data ../shared/data/semeval2023 --out models/my-lexical
      spinscan train --kind encoder --data ../shared/data/semeval2023 --out models/my-encoder
      spinscan train --kind encoder --data ../shared/data/semeval2023 --out models/xlmr \\
          --backbone FacebookAI/xlm-roberta-large --device cuda
      spinscan train --kind encoder --data ../shared/data/semeval2023 --out models/more \\
          --init-from models/my-encoder --epochs 2 --lr-layers 2e-5 --lr-head 5e-4
      spinscan train --kind encoder --data ../shared/data/semeval2023 --out models/with-en \\
          --init-from models/my-encoder --lang en --epochs 2 --lr-layers 3e-5 --language-member
      spinscan train --kind genre --data ../shared/data/semeval2023 --out models/new-genre \\
          --init-from models/my-encoder --outside ../shared/data/genre-en
      spinscan train --kind genre --data ../shared/data/semeval2023 --out models/genre-multi \\
          --init-from models/my-encoder --outside ../shared/data/genre-en --multi ../shared/data/genre-multi
      spinscan train --kind narratives --data ../shared/data/semeval2025t10/train --out models/narr
      spinscan train --kind cues --out models/cues \\
          --init-from models/my-encoder --multi ../shared/data/genre-multi
    """
    if outside_dir is not None and kind != "genre":
        raise click.UsageError("--outside is for --kind genre")
    if multi_dir is not None and kind not in ("genre", "cues"):
        raise click.UsageError("--multi is for --kind genre and --kind cues")
    if multi_dir is not None and kind == "genre" and outside_dir is None:
        raise click.UsageError("--multi needs --outside (the English outside sources)")
    if data_dir is None and kind != "cues":
        raise click.UsageError("Missing option '--data' (the official data folder)")
    if kind == "cues":
        _train_cues(out_dir, encoder_opts.get("init_from"), multi_dir, max_articles, work_dir)
        return
    if kind == "genre":
        work = work_dir or out_dir.with_name(out_dir.name + ".work")
        init_from = encoder_opts.get("init_from")
        _train_genre(data_dir, out_dir, langs, init_from, max_articles, outside_dir, work, multi_dir)
        return
    if kind == "narratives":
        _train_narratives(data_dir, out_dir, encoder_opts.get("init_from"), max_articles, work_dir)
        return
    if kind == "encoder":
        opts = {k: v for k, v in encoder_opts.items() if v is not None}
        if epochs:
            opts["epochs"] = epochs
        _train_encoder(
            data_dir, out_dir, langs, seed, max_articles, work_dir, opts, lexical_dir, language_member
        )
        return
    from ..training.lexical import TrainConfig, train_lexical

    cfg = TrainConfig(folds=folds, seed=seed, max_articles_per_language=max_articles)
    if langs:
        cfg.languages = tuple(langs)
    with progress() as prog:
        task = prog.add_task("training", total=None)

        def cb(stage: str, done: int, total: int) -> None:
            prog.update(task, description=stage, completed=done, total=total)

        _, metrics = train_lexical(data_dir, out_dir, cfg, cb)
    _print_cv(metrics)
    click.echo(f"model written to {out_dir} ({metrics['train_seconds']} s)")


def _train_narratives(data_dir, out_dir, init_from, max_articles, work=None) -> None:
    from ..analysis import default_model_path
    from ..training.narratives import add_task10_heads

    base = init_from or default_model_path()
    cache = Path(work or out_dir.with_name(out_dir.name + ".work")) / "paragraph-states.npz"
    with progress() as prog:
        task = prog.add_task("reading the articles", total=None)

        def cb(stage: str, done: int, total: int) -> None:
            prog.update(task, description=stage, completed=done, total=total)

        r = add_task10_heads(base, data_dir, out_dir, cache, cb, max_articles)
    m, b = r["narratives"]["cross_validated"]["mean"], r["narratives"]["majority_baseline"]["mean"]
    click.echo(
        f"narratives / subnarratives samples-F1 (5 folds by text, mean over languages): "
        f"{m['narratives']:.3f} / {m['subnarratives']:.3f} (majority baseline {b['narratives']:.3f} / "
        f"{b['subnarratives']:.3f})"
    )
    m, b = r["entity_roles"]["cross_validated"]["mean"], r["entity_roles"]["majority_baseline"]["mean"]
    click.echo(
        f"entity roles, main-role accuracy / fine-role exact match: {m['main_role_accuracy']:.3f} / "
        f"{m['fine_role_emr']:.3f} (majority baseline {b['main_role_accuracy']:.3f} / "
        f"{b['fine_role_emr']:.3f})"
    )
    click.echo(f"model written to {out_dir}")


def _train_cues(out_dir, init_from, multi, max_articles, work=None) -> None:
    from ..training.genre_multi import add_cue_heads

    if not init_from or multi is None:
        raise click.UsageError(
            "--kind cues needs --init-from (an encoder model) and --multi (a genre-multi folder)"
        )
    work = Path(work or out_dir.with_name(out_dir.name + ".work"))
    with progress() as prog:
        task = prog.add_task("reading the sentences", total=None)

        def cb(stage: str, done: int, total: int) -> None:
            prog.update(task, description=stage, completed=done, total=total)

        r = add_cue_heads(init_from, multi, out_dir, work, cb, max_articles)
    for cue, s in r["chosen"].items():
        shown = {k: v for k, v in s.items() if k != "C" and not isinstance(v, dict)}
        means = {k: v["mean"] for k, v in s.items() if isinstance(v, dict)}
        click.echo(f"{cue}: C {s['C']}, " + ", ".join(f"{k} {v}" for k, v in {**means, **shown}.items()))
    click.echo(f"model written to {out_dir}")


def _train_genre(
    data_dir, out_dir, langs, init_from, max_articles, outside=None, work=None, multi=None
) -> None:
    from ..training.genre import refit_genre
    from ..training.genre_multi import refit_genre_multi

    if not init_from:
        raise click.UsageError("--kind genre needs --init-from: the encoder model whose genre head to choose")
    with progress() as prog:
        task = prog.add_task("reading the train articles", total=None)

        def cb(stage: str, done: int, total: int) -> None:
            prog.update(task, description=stage, completed=done, total=total)

        if multi is not None:  # every language: SemEval, genre-en and genre-multi
            m = refit_genre_multi(init_from, data_dir, out_dir, outside, multi, work, cb, max_articles)
        else:
            cache = work / "genre-states.npz" if work else None  # what was read: a rerun resumes there
            m = refit_genre(
                init_from, data_dir, out_dir, list(langs) or None, cb, max_articles, outside, cache
            )
    c = m["chosen"]
    if outside is not None:
        rule = (
            f"outside weight {c['outside_weight']}, satire weight {c['satire_weight']}, lexical weight "
            f"{c['lexical_weight_trained_languages']} (trained languages but English)"
        )
        click.echo(f"genre head: C {c['C']}, {rule}, temperature {c['temperature']}")
    else:
        click.echo(
            f"genre head: {' + '.join(c['features'])}, C {c['C']}, lexical weight {c['lexical_weight']}, "
            f"temperature {c['temperature']}"
        )
    scores = m["held_out"] if outside is not None else m
    protocols = (("leave-one-language-out", "leave_one_language_out"), ("grouped 5-fold CV", "grouped_cv"))
    for name, key in protocols:
        click.echo(f"  ST1 macro-F1, {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in scores[key].items()))
    if outside is not None:
        f1, fs = scores["leave_one_source_out_macro_f1"], scores["false_satire_on_real_news"]
        click.echo(f"  outside sources left out: macro-F1 {f1:.3f}, real news called satire {fs:.1%}")
    click.echo(f"model written to {out_dir}")


def _train_encoder(
    data_dir, out_dir, langs, seed, max_articles, work_dir, opts, lexical_dir, language_member=False
) -> None:
    from ..analysis import default_lexical_path
    from ..models.encoder.backbones import require_torch

    require_torch("training an encoder model")
    from ..training.encoder.config import EncoderTrainConfig
    from ..training.encoder.finish import finish
    from ..training.encoder.run import EncoderRun

    work = work_dir or out_dir.with_name(out_dir.name + ".work")
    if language_member and not (opts.get("init_from") and langs):
        raise click.UsageError("--language-member needs --init-from (the base model) and --lang")
    cfg = EncoderTrainConfig(seed=seed, max_articles_per_language=max_articles)
    if langs:
        cfg.languages = tuple(langs)
    for k, v in opts.items():
        setattr(cfg, k, str(v) if k in ("init_from", "backbone") else v)
    if (work / "train-config.json").is_file():
        click.echo(f"resuming the run in {work} (its recorded settings apply)", err=True)
        cfg = None
    else:
        from ..training.encoder.recipe import inherit_backbone, prepare_backbone

        cfg = prepare_backbone(work, inherit_backbone(cfg, set(opts)), set(opts))
        if cfg.backbone:
            click.echo(
                f"backbone {cfg.backbone}: {cfg.epochs} epoch(s), layers {cfg.n_frozen}+ fine-tuned, "
                f"batches {cfg.batch_size} x {cfg.grad_accum}, {cfg.precision} on {cfg.device}",
                err=True,
            )
    run = EncoderRun(data_dir, work, cfg)
    with progress() as prog:
        task = prog.add_task("fine-tuning", total=None)

        def cb(stage: str, done: int, total: int) -> None:
            prog.update(task, description=stage, completed=done, total=total)

        histories = run.finetune_members(cb)
    for k, history in enumerate(histories):
        name = f"member {k + 1}: " if len(histories) > 1 else ""
        click.echo(f"{name}held-out micro-F1 per epoch: {[h['all'] for h in history]}")
    if language_member:
        from ..training.encoder.language_member import add_language_member

        add_language_member(run, out_dir, lexical_dir or default_lexical_path())
    else:
        finish(run, out_dir, lexical_dir or default_lexical_path())
    click.echo(f"model written to {out_dir}")


def _print_cv(metrics: dict) -> None:
    cv = metrics["cv"]
    t = Table("lang", "ST1 macro-F1", "ST2 micro-F1", "ST3 micro-F1", title="Cross-validated scores")
    for lang in [k for k in cv["techniques"] if k != "all"] + ["all"]:
        t.add_row(lang, *(f"{cv[h].get(lang, float('nan')):.3f}" for h in ("genre", "frames", "techniques")))
    Console().print(t)
