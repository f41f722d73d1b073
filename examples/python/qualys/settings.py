"""Connection settings for the Qualys API (values below are fake)."""

import os

# Platform: US1. Every request path in client.py is relative to this base.
BASE = "https://qualysapi.qualys.com/api/2.0/fo/"

USERNAME = os.environ.get("QUALYS_USER", "acme_ro")
PASSWORD = os.environ.get("QUALYS_PASSWORD", "")

TIMEOUT = 120
HEADERS = {"X-Requested-With": "acme-nightly-export"}
