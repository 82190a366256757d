"""The framework core: cost model, Mesa agents and model, messages."""

from mas.errors import InputError

__all__ = ["InputError"]
