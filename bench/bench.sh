#!/usr/bin/env bash
# Times `sunset audit --format json` against ripgrep on a generated
# 30,000-file corpus, in one run, and measures sunset's peak memory.
#
#   bench/bench.sh [SEED] [FILES]        (defaults: seed 1, 30000 files)
#
# Environment: REPS (repetitions per tool, default 5), JOBS (threads for both
# tools, default 2), KEEP=1 to keep the corpus directory.
# Needs python3 and ../shared/bench/gen_corpus.py + score.py; installs
# ripgrep and GNU time if missing (apt-get, else cargo install ripgrep).
# Not part of .ci/run: it takes a few minutes.
set -euo pipefail

SEED="${1:-1}"
FILES="${2:-30000}"
REPS="${REPS:-5}"
JOBS="${JOBS:-2}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/../shared/bench"
RG_REGEX='/(api|pcrs)/[0-9]+\.[0-9]+/[A-Za-z0-9_/.]*'

say() { printf '\n==> %s\n' "$*"; }

for f in gen_corpus.py score.py; do
    if [[ ! -f "$BENCH/$f" ]]; then
        echo "error: $BENCH/$f not found (the bench needs ../shared/bench)" >&2
        exit 2
    fi
done

apt_install() {
    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
    command -v apt-get >/dev/null 2>&1 || return 1
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@"
}

say "tools"
if ! command -v rg >/dev/null 2>&1; then
    echo "ripgrep missing: installing it"
    apt_install ripgrep || cargo install --locked ripgrep
    hash -r
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "GNU time missing: installing it"
    apt_install time
fi
rg --version | sed -n 1p

say "cargo build --release"
(cd "$ROOT" && cargo build --release --quiet)
SUNSET="$ROOT/target/release/sunset"
"$SUNSET" --version

WORK="$(mktemp -d)"
if [[ "${KEEP:-0}" != 1 ]]; then
    trap 'rm -rf "$WORK"' EXIT
fi

say "corpus: $FILES files, seed $SEED"
python3 "$BENCH/gen_corpus.py" --out "$WORK/corpus" --files "$FILES" --seed "$SEED"
TREE="$WORK/corpus/repo"

# Wall time of one command in seconds, stdout to a file.
wall() {
    local out="$1"
    shift
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$out"
    t1=$(date +%s.%N)
    python3 -c "print(f'{$t1 - $t0:.4f}')"
}

run_sunset() { (cd "$TREE" && "$SUNSET" audit --format json -j "$JOBS" .); }
run_rg() { (cd "$TREE" && rg -n -j"$JOBS" "$RG_REGEX" . || [[ $? -eq 1 ]]); }

say "warm-up (fills the page cache)"
run_sunset >"$WORK/sunset.json"
run_rg >"$WORK/rg.txt"

say "timing: $REPS runs each, alternating, warm cache, -j$JOBS"
: >"$WORK/t_sunset"
: >"$WORK/t_rg"
for i in $(seq 1 "$REPS"); do
    ts=$(wall "$WORK/sunset.json" run_sunset)
    tr=$(wall "$WORK/rg.txt" run_rg)
    echo "$ts" >>"$WORK/t_sunset"
    echo "$tr" >>"$WORK/t_rg"
    printf '  run %d: sunset %ss  rg %ss\n' "$i" "$ts" "$tr"
done

say "peak memory (/usr/bin/time -v)"
(cd "$TREE" && /usr/bin/time -v "$SUNSET" audit --format json -j "$JOBS" . >/dev/null 2>"$WORK/time_sunset.txt") || true
(cd "$TREE" && /usr/bin/time -v rg -n -j"$JOBS" "$RG_REGEX" . >/dev/null 2>"$WORK/time_rg.txt") || true
# GNU time writes its report after the program's own stderr.
grep -E 'Maximum resident|Elapsed' "$WORK/time_sunset.txt" | sed 's/^\s*/  sunset: /'
grep -E 'Maximum resident|Elapsed' "$WORK/time_rg.txt" | sed 's/^\s*/  rg:     /'

say "sunset's score on this corpus"
SCORE=$(python3 "$BENCH/score.py" --manifest "$WORK/corpus/manifest.json" --report "$WORK/sunset.json" | tail -n1) || true

say "results"
python3 - "$WORK" "$SCORE" "$FILES" "$SEED" "$JOBS" "$REPS" <<'PY'
import os
import re
import statistics
import sys

work, score, files, seed, jobs, reps = sys.argv[1:]

def times(name):
    with open(os.path.join(work, f"t_{name}")) as f:
        return [float(x) for x in f.read().split()]

def rss_mb(name):
    with open(os.path.join(work, f"time_{name}.txt")) as f:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
    return int(m.group(1)) / 1024 if m else float("nan")

rg = times("rg")
rg_med = statistics.median(rg)
rows = []
for name in ("sunset", "rg"):
    t = times(name)
    med = statistics.median(t)
    rows.append((name, min(t), med, med / rg_med, rss_mb(name)))

with open(os.path.join(work, "rg.txt"), "rb") as f:
    rg_lines = sum(1 for _ in f)

cpu = "unknown"
try:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
except OSError:
    pass

print(f"corpus: {files} files, seed {seed}; {reps} runs each, warm cache, -j{jobs}")
print(f"machine: {os.cpu_count()} CPUs ({cpu})")
print()
print(f"| {'tool':<6} | {'min wall s':>10} | {'median wall s':>13} | {'ratio to rg':>11} | {'peak RSS MB':>11} |")
print(f"|{'-' * 8}|{'-' * 12}|{'-' * 15}|{'-' * 13}|{'-' * 13}|")
for name, mn, med, ratio, rss in rows:
    print(f"| {name:<6} | {mn:>10.3f} | {med:>13.3f} | {ratio:>10.2f}x | {rss:>11.1f} |")
print()
print(f"rg matched lines: {rg_lines}")
print(f"sunset score: {score or 'n/a'}")
print()
s = rows[0]
ok_time = s[3] <= 2.0
ok_rss = s[4] < 200
print(f"target: sunset within 2x of rg wall time ... {'met' if ok_time else 'MISSED'} ({s[3]:.2f}x)")
print(f"target: sunset peak RSS under 200 MB ...... {'met' if ok_rss else 'MISSED'} ({s[4]:.1f} MB)")
PY
if [[ "${KEEP:-0}" == 1 ]]; then
    echo "corpus kept in $WORK"
fi
