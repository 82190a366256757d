"""The one error type for bad input: it names the field and the value at fault."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input. ``field`` names what is wrong, ``value`` shows it.

    Subclasses ``ValueError`` so callers that only know the standard library
    can still catch it.

    Examples
    --------
    >>> raise InputError("kappa", -1, "must be > 0")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: kappa = -1: must be > 0
    """

    def __init__(self, field: str, value: object, problem: str) -> None:
        self.field = field
        self.value = value
        self.problem = problem
        super().__init__(f"{field} = {_short(value)}: {problem}")


def _short(value: object, limit: int = 80) -> str:
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()  # np.float64(inf) reads as inf
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ProtocolError(RuntimeError):
    """A protocol asked the model for something that would break one of its invariants.

    This is a bug in the protocol, not bad input: e.g. awarding a subtask that
    is already held, to a crashed agent, to one that cannot execute it, or past
    an agent's capacity.
    """
