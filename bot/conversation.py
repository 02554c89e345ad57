"""Follow-up context, in memory only: each conversation's last answer, for a few minutes, never written anywhere.

A conversation is one chat (and, in Telegram, also one of the bot's answers a user replies to). The store is
bounded: the oldest conversations are forgotten first, and any answer older than FOLLOW_UP_SECONDS is gone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from .matching.followup import Previous
from .recent import Recent

FOLLOW_UP_SECONDS = 300.0  # a follow-up is read against an answer at most this old
MAX_CONVERSATIONS = 10_000  # about 100 bytes each: at most a megabyte, whatever the traffic


@dataclass
class Conversation:
    """One conversation's last answer: what "and in Russia?" or "몇 퍼센트야?" is read against."""

    previous: Previous | None = None
    at: float = 0.0

    def recent(self, now: float) -> Previous | None:
        return self.previous if self.previous and now - self.at <= FOLLOW_UP_SECONDS else None

    def remember(self, intent: str | None, category: str | None, now: float) -> None:
        if intent is not None:
            self.previous, self.at = Previous(intent, category), now


class Conversations:
    """Conversations by key (a chat id, or a chat and message id), the least recently used dropped first."""

    def __init__(self, limit: int = MAX_CONVERSATIONS, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._items: Recent[Hashable, Conversation] = Recent(limit)

    def get(self, key: Hashable) -> Conversation:
        """The conversation for `key`, new (empty) when unknown or stale."""
        conversation = self._items.get(key)
        if conversation is None or conversation.recent(self.clock()) is None:
            conversation = Conversation()
        self._items.set(key, conversation)
        return conversation

    def peek(self, key: Hashable) -> Conversation | None:
        """The conversation for `key` if there is a recent one, without creating it."""
        conversation = self._items.peek(key)
        return conversation if conversation and conversation.recent(self.clock()) else None

    def __len__(self) -> int:
        return len(self._items)
