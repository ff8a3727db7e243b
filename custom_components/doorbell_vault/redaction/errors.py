"""The one error of redaction: a clip that could not be made (nothing partial is left behind)."""

from __future__ import annotations


class RedactionError(Exception):
    """A redacted clip could not be made; `reason` is a short key, `detail` says more (not translated)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
