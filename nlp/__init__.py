"""Thai text understanding: pure functions, no database, no network, no I/O at import time.

Modules, each small and importable on its own:

* ``parse``     — ``parse_message(text, today=, directory=) -> ParseResult`` (intent + SPEC F2 fields)
* ``result``    — ``ParseResult``, ``Field`` (value, confidence, span), ``ParseError``
* ``intents``   — command keywords and their arguments
* ``fields``    — letter header fields: labels, unlabelled shapes, brackets (a package; its Thai
  word lists are in ``fields/words.py``)
* ``dates``     — Thai dates (พ.ศ.), ``parse_date`` and the ``thai_date`` renderer
* ``refno``     — reference numbers (ที่) and ``normalize_ref_no``
* ``normalize`` — digits, zero-width characters, Thai typing order, spacing, full-width forms
* ``directory`` — sender matching (abbreviations, aliases, then RapidFuzz)
* ``owners``    — owner suggestion from a unit's history of forwards
* ``tokens``    — the shared tokenizer for search text (PyThaiNLP, loaded lazily)
* ``jsonl``     — the ``saraban parse`` JSON-lines contract
"""
