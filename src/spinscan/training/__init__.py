"""Training: every choice made on train only (grouped cross-validation or held-out articles).

- ``selection``: the public selection maths (folds, thresholds, cross-fitting, F1s);
- ``tables``: the official train gold as label matrices; ``cards``: model READMEs;
- ``lexical``: the lexical recipe; ``encoder/``: the encoder recipe (run, data, frozen cache,
  batching, loop, epoch files, finish, span settings, language members).

Imports the core, ``models``, ``spans`` and ``semeval``; nothing imports training but the CLI.
"""
