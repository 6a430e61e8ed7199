"""The one error the upload rules raise."""

from __future__ import annotations


class RejectedFile(ValueError):
    """The file is not accepted; the message says why and what to do, in Chinese."""
