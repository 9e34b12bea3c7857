"""Texts ``core`` shows to people: English, yet translatable, with no language runtime in ``core``.

A `Message` is the English text itself (a ``str``: ``str(err)``, logs and notebooks read as they
always did) that also keeps its ``template`` and ``params``, so the app can translate the
template and fill it again in the session's language (``ui.i18n.text``). A parameter that is
itself a `Message` (a hint, the name of a forbidden construct) is translated too; every other
parameter (a name such as lr, a number, a piece of the user's formula) is shown as it is.
`CoreError` is the ``ValueError`` core raises with one.

``N_`` marks a template for extraction: ``python -m scripts.make_core_texts`` collects every
``N_("...")`` of ``core`` into ``ui/core_texts.py``, which Babel reads for the ``messages``
catalog. Templates use plain ``{name}`` placeholders (values are formatted, e.g. with ``repr``,
before they become parameters), so a translation only has to keep the same names.

>>> err = CoreError(N_("unknown name '{name}': {hint}"), name="z", hint=Message(N_("use x and y")))
>>> str(err), err.message.template, err.message.params["name"]
("unknown name 'z': use x and y", "unknown name '{name}': {hint}", 'z')
"""

from __future__ import annotations

from typing import Any

__all__ = ["N_", "CoreError", "Message"]


def N_(template: str) -> str:
    """Mark ``template`` (a string literal) for extraction into the catalog; it is returned unchanged."""
    return template


class Message(str):
    """``template.format(**params)`` as a ``str`` that remembers ``template`` and ``params``."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        self = super().__new__(cls, template.format(**params))
        self.template = str(template)
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by template and parameters (errors cross the formula sandbox's pipe and Streamlit's caches)."""
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, Any]) -> Message:
    return Message(template, **params)


class CoreError(ValueError):
    """A ``ValueError`` whose text is a `Message` (``str(err)`` is the English text).

    ``CoreError(N_("Invalid {name}: {value}"), name="lr", value="-1")``; an existing `Message`
    may be passed alone (a cached verdict raised again).
    """

    def __init__(self, template: str, /, **params: Any) -> None:
        message = template if isinstance(template, Message) and not params else Message(template, **params)
        super().__init__(message)

    @property
    def message(self) -> Message:
        """The error's text with its template and parameters."""
        return self.args[0]
