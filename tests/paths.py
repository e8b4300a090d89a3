"""Where the shared material lives: ``../shared`` beside the checkout (as in CI)."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV_SET = SHARED / "data" / "parse-dev.jsonl"
PAYLOADS = SHARED / "data" / "payloads"
