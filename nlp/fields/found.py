"""What :func:`nlp.fields.extract_letter_fields` returns: values found at spans of the normalised text."""

from __future__ import annotations

from dataclasses import dataclass, field



@dataclass(slots=True)
class Found:
    """A value found at ``[start, end)`` of the normalised text.

    ``value`` None means "the text of the span, as written" (taken later from the original).
    """

    value: object
    start: int
    end: int
    confidence: float


@dataclass(slots=True)
class LetterFields:
    found: dict[str, Found] = field(default_factory=dict)
    errors: list[tuple[str, str, int, int]] = field(default_factory=list)  # field, Thai message, span
    labels: int = 0  # how many labels were accepted: a measure of "this is a letter header"
    first_label: int = 0  # where the first label starts (or the end of the text)
    outgoing: bool = False
    cells: tuple[int, ...] = ()  # positions where the original had a tab or a wide gap

    def take(self, name: str, value: object, start: int, end: int, confidence: float) -> bool:
        if name in self.found:
            return False
        self.found[name] = Found(value, start, end, confidence)
        return True
