"""What :func:`nlp.parse.parse_message` returns: small frozen values that cross into handlers."""

from __future__ import annotations

from dataclasses import dataclass, field

# The SPEC F2 fields, in the order the JSON output lists them.
FIELD_NAMES = (
    "ref_no", "letter_date", "sender", "addressee", "subject", "priority", "secrecy", "enclosures",
    "number", "recipient", "query", "unit", "sample_size", "code",
)  # fmt: skip
# Beyond F2, useful to the forward flow: เพื่อทราบ / เพื่อพิจารณา / เพื่อดำเนินการ / เพื่อลงนาม.
EXTRA_FIELD_NAMES = ("purpose",)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Field:
    """A field value, how sure the parser is (0-1), and the span of the original text it came
    from (None when the value is a default, such as priority "normal")."""

    value: str | int | None
    confidence: float
    span: Span | None


@dataclass(frozen=True, slots=True)
class ParseError:
    """Something in the message that is invalid (e.g. ``31 ก.พ.``); ``message`` is Thai."""

    field: str
    message: str
    span: Span | None

    def to_json(self) -> dict:
        return {"field": self.field, "message": self.message, "span": list(self.span) if self.span else None}


@dataclass(frozen=True, slots=True)
class SenderMatch:
    """A directory entry the sender text may be, with a 0-100 score and how it was found."""

    id: object
    name: str
    score: float
    via: str  # "name" | "alias" | "abbreviation" | "code" | "fuzzy"

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "score": round(self.score, 1), "via": self.via}


@dataclass(frozen=True, slots=True)
class ParseResult:
    intent: str
    intent_confidence: float
    ref_no: Field | None = None
    letter_date: Field | None = None
    sender: Field | None = None
    addressee: Field | None = None
    subject: Field | None = None
    priority: Field = Field("normal", 0.5, None)
    secrecy: Field | None = None
    enclosures: Field | None = None
    number: Field | None = None
    recipient: Field | None = None
    query: Field | None = None
    unit: Field | None = None
    sample_size: Field | None = None
    code: Field | None = None
    purpose: Field | None = None
    ref_no_normalized: str | None = None
    errors: tuple[ParseError, ...] = ()
    sender_matches: tuple[SenderMatch, ...] = field(default=())

    def value(self, name: str) -> str | int | None:
        """The value of field *name*, or None when the message does not contain it."""
        f = getattr(self, name)
        return None if f is None else f.value

    def to_json(self) -> dict:
        """The flat object ``saraban parse`` writes: every field key present (null if absent)."""
        names = FIELD_NAMES + EXTRA_FIELD_NAMES
        fields = {name: getattr(self, name) for name in names}
        out: dict = {"intent": self.intent}
        out.update({name: (f.value if f else None) for name, f in fields.items()})
        out["ref_no_normalized"] = self.ref_no_normalized
        out["confidence"] = {"intent": round(self.intent_confidence, 2)} | {
            name: (round(f.confidence, 2) if f else None) for name, f in fields.items()
        }
        out["spans"] = {name: (list(f.span) if f and f.span else None) for name, f in fields.items()}
        out["errors"] = [e.to_json() for e in self.errors]
        out["sender_matches"] = [m.to_json() for m in self.sender_matches]
        return out

    @classmethod
    def failed(cls, message: str, field_name: str = "text") -> ParseResult:
        """An "unknown" result carrying one error, for input that is not a message at all."""
        return cls(intent="unknown", intent_confidence=1.0, errors=(ParseError(field_name, message, None),))
