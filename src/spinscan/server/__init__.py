"""The HTTP API and the web page (FastAPI): a thin layer over ``analyze()``; nothing imports it.

``app`` (the app, admission control, body limit), ``schema`` (request and response models,
the responses made from ``spinscan.types``), ``corpus`` (the /v1/corpus routes), ``errors``.
"""

from .app import create_app

__all__ = ["create_app"]
