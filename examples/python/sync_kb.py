#!/usr/bin/env python3
"""Pull the KnowledgeBase and option profiles into the local cache.

Usage: QUALYS_USER=... QUALYS_PASSWORD=... python3 sync_kb.py
"""

import os

import requests

HOST = "https://qualysapi.qg2.apps.qualys.com"
API_VERSION = "2.0"
OP_VERSION = "3.0"

session = requests.Session()
session.auth = (os.environ["QUALYS_USER"], os.environ["QUALYS_PASSWORD"])
session.headers["X-Requested-With"] = "kb-sync"


def fetch_kb(since):
    url = f"{HOST}/api/{API_VERSION}/fo/knowledge_base/vuln/"
    return session.get(url, params={"action": "list", "last_modified_after": since}).text


def fetch_vm_option_profiles():
    url = f"{HOST}/api/{OP_VERSION}/fo/subscription/option_profile/vm/?action=export"
    return session.get(url).text


def running_scans():
    # Already on the current Scan API: the 3.0 list action.
    return session.get(HOST + "/api/3.0/fo/scan/", params={"action": "list", "state": "Running"}).text


# TODO(ACME-1432): the NSX auth sync still goes through /api/2.0/fo/auth/nsx/
# in the old cron job; move it when that job is rewritten.

if __name__ == "__main__":
    print(fetch_kb("2026-01-01T00:00:00Z")[:200])
