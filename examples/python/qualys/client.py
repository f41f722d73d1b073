"""Requests-based wrapper around the Qualys FO endpoints we use."""

import requests

from .settings import BASE, HEADERS, PASSWORD, TIMEOUT, USERNAME


class QualysClient:
    def __init__(self, session=None):
        self.session = session or requests.Session()
        self.session.auth = (USERNAME, PASSWORD)
        self.session.headers.update(HEADERS)

    def _post(self, path, **params):
        resp = self.session.post(BASE + path, data=params, timeout=TIMEOUT)
        resp.raise_for_status()
        return resp.text

    def list_scans(self, state="Finished"):
        return self._post('scan/', action="list", state=state)

    def launch_scan(self, title, option_title, ip):
        return self._post('scan/', action="launch", scan_title=title,
                          option_title=option_title, ip=ip)

    def list_hosts(self, truncation_limit=1000):
        return self._post('asset/host/', action="list",
                          truncation_limit=truncation_limit)
