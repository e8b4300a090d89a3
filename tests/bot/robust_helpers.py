"""Conversation steps several test modules share."""

from __future__ import annotations


def forward_to_owners(stack, clerk, letter_id: int, owner_ids: list[int]) -> None:
    """[ส่งต่อ] → pick each owner → the first purpose button."""
    msgs = clerk.press(f"fw:{letter_id}")
    for pid in owner_ids:
        msgs = clerk.press(clerk.button(msgs, f"fo:{letter_id}:{pid}"))
    clerk.press(clerk.button(msgs, f"fp:{letter_id}:"))
