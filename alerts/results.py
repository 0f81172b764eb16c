"""The typed outcome of one attempt to send: the outbox records it as it is.

Never a bare bool: a delivery is either accepted, to be retried (with when and why), or failed
for good (with why). Reasons are Chinese, for ``govmon alerts list``, and never hold a secret.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Delivered:
    detail: str = ""
    parts: int = 1  # a long message split for a bot


@dataclass(frozen=True)
class RetryLater:
    reason: str
    when: dt.datetime | None = None  # the server's own hint (Retry-After, rate window)
    # Parts of a split message accepted so far, earlier attempts included: the index of the
    # first part still to send (a retry resumes there).
    parts_sent: int = 0


@dataclass(frozen=True)
class Failed:
    reason: str
    parts_sent: int = 0


SendResult = Delivered | RetryLater | Failed
