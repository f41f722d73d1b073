#!/usr/bin/env python3
"""Explains every replacement that ../shared/bench/score.py counts as wrong.

score.py expects a replacement for two kinds of call where the Qualys
sources publish none (rules/qualys/*.toml cite them):
  * PCRS hostids / postureInfo 1.0: the manifest says `null`, but score.py
    accepts only some /pcrs/[2-5].0 path. The seed (PA 1.11) names no
    replacement, and versions 3-5 return PC data only (issue 12), so sunset
    suggests none.
  * Scan API 2.0 (/api/2.0/fo/scan/): only action=list is documented on 3.0.
    The generator expects 3.0 whatever the request; sunset suggests 3.0 only
    when the request's action is visibly `list`.
Every other replacement must equal the manifest's. Exit 1 on any miss that
is not one of these two, or on a PCRS/Scan finding that does suggest a
replacement it should not.

usage: replacements.py MANIFEST REPORT ROOT_PREFIX
"""
import json
import sys
from collections import defaultdict


def norm(p):
    if p is None:
        return None
    p = p.split("?")[0].split("#")[0]
    if not p.startswith("/"):
        p = "/" + p
    return p if p.endswith("/") or "/pcrs/" in p or "/pci/" in p or "/sm/" in p else p + "/"


def main():
    manifest, report, root = sys.argv[1:4]
    m = json.load(open(manifest))
    findings = json.load(open(report))["findings"]
    root = root.rstrip("/") + "/"
    by_path = defaultdict(list)
    for f in findings:
        if f["status"] == "active" or f["kind"] == "mention":
            continue
        path = f["path"].replace("\\", "/")
        path = path[len(root):] if path.startswith(root) else path
        while path.startswith("./"):
            path = path[2:]
        by_path[path].append(f)
    explained = defaultdict(int)
    wrong = []
    for c in m["calls"]:
        hit = next(
            (f for f in by_path.get(c["path"], [])
             if c["line_start"] <= f["line"] <= c["line_end"]
             and norm(f["endpoint"]) == norm(c["endpoint"])),
            None,
        )
        if hit is None:
            continue  # recall is score.py's business
        got, want = norm(hit.get("replacement")), norm(c["replacement"])
        ep = norm(c["endpoint"])
        action = (hit.get("request") or {}).get("action")
        if ep in ("/pcrs/1.0/posture/hostids", "/pcrs/1.0/posture/postureInfo"):
            if got is None:
                explained["PCRS 1.0 (no replacement published)"] += 1
            else:
                wrong.append((c, got, "a PCRS 1.0 replacement was guessed"))
        elif ep == "/api/2.0/fo/scan/" and action != "list":
            if got is None:
                explained[f"Scan API 2.0, action {action or 'not visible'} (only list moved)"] += 1
            else:
                wrong.append((c, got, "a replacement for a Scan request that is not action=list"))
        elif got != want:
            wrong.append((c, got, f"expected {want}"))
    for why, n in sorted(explained.items()):
        print(f"  explained: {n} x {why}")
    for c, got, why in wrong:
        print(f"  WRONG {c['path']}:{c['line_start']} {c['endpoint']} -> {got}: {why}")
    print(f"replacements: {len(wrong)} unexplained")
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
