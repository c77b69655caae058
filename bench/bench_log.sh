#!/usr/bin/env bash
# Times `git mlv log` against `git log --name-status` on a synthetic history
# built by bench/make_history.sh. The target is that a warm `git mlv log`
# takes at most twice as long as `git log --name-status`.
#
#   bench/bench_log.sh <git-mlv binary> [commits]   (default 10000)
#
# Five measurements, each timed BENCH_RUNS times (see bench/lib.sh):
#   git log --name-status   the baseline: the same tree diffs, no content
#   git log --patch         for reference: the tree diffs plus reading and
#                           diffing every changed blob
#   git mlv log, warm       metadata cache filled by an earlier run (the usual
#                           case: the cache persists under .git/mlv)
#   git mlv log, cold       cache removed before each run; the run fills it
#   git mlv log, no cache   GIT_MLV_NO_CACHE=1: nothing read or written
# With BENCH_PERF=1 and perf installed, the script then profiles one warm run
# and prints the inclusive share of the main functions.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 <git-mlv binary> [commits]" >&2
    exit 129
fi
binary=$(realpath "$1")
commits=${2:-10000}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
bench_require hyperfine python3

work=$(mktemp -d)
trap 'bench_unlock; rm -rf "$work"' EXIT
results=$work/results.json

"$here/make_history.sh" "$work/repo" "$commits" >/dev/null
cd "$work/repo"
"$binary" log >/dev/null # fills the cache for the warm runs

bench_machine
echo "history: $(git rev-list --count HEAD) commits"
bench_time "git log --name-status" "$results" "git log --name-status"
bench_time "git log --patch" "$results" "git log --patch"
bench_time "git mlv log, warm" "$results" "'$binary' log"
bench_time "git mlv log, cold" "$results" --prepare "rm -rf .git/mlv" "'$binary' log"
bench_time "git mlv log, no cache" "$results" "GIT_MLV_NO_CACHE=1 '$binary' log"
bench_table "$results"
python3 - "$results" <<'PYTHON'
import json
import sys

results = {r["command"]: r["median"] for r in map(json.loads, open(sys.argv[1]))}
baseline = results["git log --name-status"]
for name in ("git log --patch", "git mlv log, warm", "git mlv log, cold", "git mlv log, no cache"):
    print(f"{name}: {results[name] / baseline:.1f} x git log --name-status")
print("target: git mlv log, warm, at most 2.0 x")
PYTHON

if [[ ${BENCH_PERF:-0} == 1 ]] && command -v perf >/dev/null; then
    "$binary" log >/dev/null
    perf record -q -F 499 --call-graph dwarf,16384 -o "$work/perf.data" "$binary" log \
        >/dev/null 2>&1
    echo "inclusive share of one warm run, by function:"
    perf report -i "$work/perf.data" --children --stdio --sort sym -g none 2>/dev/null |
        grep -E '^ +[0-9.]+%.*\] (mlv::|git_)' | head -40 | cut -c1-160
fi
