#!/usr/bin/env bash
# Times `git mlv log` against `git log --name-status` on a synthetic history
# built by bench/make_history.sh, with hyperfine when it is installed and
# with bash's `time` otherwise.
#
#   bench/bench_log.sh <git-mlv binary> [commits]   (default 10000)
#
# Three measurements: git log --name-status; git mlv log with its metadata
# cache warm (the usual case: the cache persists under .git/mlv); and git mlv
# log with the cache disabled (GIT_MLV_NO_CACHE=1), which parses every
# changed blob again.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 <git-mlv binary> [commits]" >&2
    exit 129
fi
binary=$(realpath "$1")
commits=${2:-10000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$here/make_history.sh" "$work/repo" "$commits" >/dev/null
cd "$work/repo"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "history: $(git rev-list --count HEAD) commits"

# Fill the cache once so that the warm runs measure the steady state.
"$binary" log >/dev/null

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs 5 --export-markdown "$work/results.md" \
        -n "git log --name-status" "git log --name-status >/dev/null" \
        -n "git mlv log (warm cache)" "'$binary' log >/dev/null" \
        -n "git mlv log (no cache)" "GIT_MLV_NO_CACHE=1 '$binary' log >/dev/null"
    cat "$work/results.md"
else
    for run in 1 2 3; do
        echo "run $run"
        time git log --name-status >/dev/null
        time "$binary" log >/dev/null
        time GIT_MLV_NO_CACHE=1 "$binary" log >/dev/null
    done
fi
