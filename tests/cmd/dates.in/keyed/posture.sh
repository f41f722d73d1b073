#!/bin/sh
# Replacements Policy Audit 1.11 (2026-05-11) published as the new version.
curl -H "Authorization: Bearer $TOKEN" "https://gateway.qg1.apps.qualys.com/pcrs/1.0/posture/policy/list?requireTagInfo=1"
curl -u "$QUSER:$QPASS" -H "X-Requested-With: curl" -d "action=create" -d "vault_type=HashiCorp" "https://qualysapi.qualys.com/api/2.0/fo/auth/nsx/"
curl -u "$QUSER:$QPASS" -H "X-Requested-With: curl" -d "action=create" -d "cloud_provider=gcp" "https://qualysapi.qualys.com/api/2.0/fo/scan/cloud/internal/job/"
