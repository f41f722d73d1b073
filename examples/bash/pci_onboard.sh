#!/usr/bin/env bash
# Onboard a merchant on the PCI Compliance API, then add its IPv6 hosts.
# Hosts and credentials here are fake.
set -euo pipefail

PCI="https://pci-api.qualys.com"

# 1. create the merchant with its first assets
curl -sS -u "acme_pci:N0t-A-Real-Pa55" \
  -H "apiVersion: V1" \
  -X POST \
  --data-urlencode "merchantName=Acme Shop" \
  --data-urlencode "assets=203.0.113.10,2001:db8:85a3::8a2e:370:7334" \
  "${PCI}/pci/merchant/save_merchant"
