"""Reading pages: files in, text blocks and letter fields out. No database, no chat.

* ``read(data, filename=None, declared=None) -> ScanResult`` — an image (PNG, JPEG, …) or a PDF:
  the text layer, or OCR (Tesseract, Thai) after clean-up; the layout of the letter; the fields
  (``nlp.parse``) and which of them the officer must confirm (``doubtful``).
* ``filetype.check(data, declared) -> Verdict`` / ``filetype.sniff(data)`` — the type from the bytes.
* ``specimens`` — real-looking letters drawn for the tests and ``saraban bench scan``.

May import ``nlp`` and its own libraries; never registry, handlers, bot or admin_api.
"""

from scan.filetype import Verdict, check, sniff
from scan.reader import ScanError, ScanResult, read, read_path

__all__ = ["ScanError", "ScanResult", "Verdict", "check", "read", "read_path", "sniff", "warm_up"]


def warm_up() -> None:
    """Load the Thai dictionary and word frequencies OCR'd text is mended with (about 2-3 s once per
    process, and about 1.5 s more for the subject corrector's index), so a server pays it at start
    rather than on the first photo."""
    from scan.correct import correct
    from scan.spelling import restore_marks

    correct(restore_marks("ทดสอบ"))
