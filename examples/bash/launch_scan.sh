#!/usr/bin/env bash
# Launch a perimeter scan and pull the posture policy list afterwards.
# Hosts and credentials here are fake.
set -euo pipefail

QUALYS="https://qualysapi.qualys.com"
GATEWAY="https://gateway.qg1.apps.qualys.com"
TARGET="${1:-203.0.113.10}"

# 1. launch the VM scan
curl -sS -u "acme_ci:S3cr3t-Pa55" \
  -H "X-Requested-With: launch_scan.sh" \
  -X POST \
  --data-urlencode "action=launch" \
  --data-urlencode "scan_title=nightly-${TARGET}" \
  --data-urlencode "option_title=Initial Options" \
  --data-urlencode "ip=${TARGET}" \
  "${QUALYS}/api/2.0/fo/scan/" > scan_launch.xml

# 2. cloud perimeter job (a different API from the Scan API above)
curl -sS -u "acme_ci:S3cr3t-Pa55" "${QUALYS}/api/2.0/fo/scan/cloud/perimeter/job/?action=list" > perimeter_jobs.xml

# 3. policy list from the posture streaming service
curl --location "${GATEWAY}/pcrs/1.0/posture/policy/list?lastEvaluationDate=2026-01-01T00%3A00%3A00Z" \
  --header 'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.ZmFrZS1nYXRld2F5LXRva2Vu.c2ln' \
  -o policies.json
