"""Models: every kind implements :class:`spinscan.models.base.Model`."""

from .base import Model, Prediction, load_model, register

__all__ = ["Model", "Prediction", "load_model", "register"]
