"""Thin client for the Qualys VM/PC API, used by the nightly export jobs."""

from .client import QualysClient

__all__ = ["QualysClient"]
