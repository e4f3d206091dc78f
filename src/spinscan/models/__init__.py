"""Models: every kind implements :class:`spinscan.models.base.Model`.

- ``base``: the interface, the prediction type, model directories and loading by kind;
- ``heads``: linear heads and the decisions made from their probabilities;
- ``lexical``: TF-IDF + linear heads; ``encoder/``: fine-tuned e5-small with a lexical partner.

Models import only the core (types, labels, errors, spans); never training, corpus, cli or server.
"""

from .base import PRETRAINED, Model, Prediction, load_model, register

__all__ = ["PRETRAINED", "Model", "Prediction", "load_model", "register"]
