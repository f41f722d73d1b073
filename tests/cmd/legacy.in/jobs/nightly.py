import requests
BASE = 'https://qualysapi.qualys.com'
requests.post(BASE + '/api/2.0/fo/scan/', data={'action': 'list'})
# The runbook still mentions /api/2.0/fo/report/ for monthly exports.
