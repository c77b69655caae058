#!/usr/bin/env bash
# Times how `git mlv show --worktree` hashes a large weights file, against one
# streaming SHA-256 pass by `sha256sum` and `openssl dgst -sha256`.
#
#   bench/bench_hash.sh <git-mlv binary> [MiB]   (default 4096: 4 GiB)
#
# The repository tracks one safetensors file of that size through Git LFS,
# as Hugging Face repositories do. git-mlv computes SHA-256 and XXH3-128 in
# one pass, so its cold run should take about as long as one SHA-256 pass.
# Five cases, each timed BENCH_RUNS times (see bench/lib.sh):
#   sha256sum, openssl dgst  the baselines
#   cold                     no metadata cache (.git/mlv removed): hashed
#   warm                     size, mtime and inode unchanged: nothing hashed
#   touch                    mtime changed: hashed again
#   new inode                an identical copy with the same mtime renamed in
#                            place: hashed again
# All runs read the file from the page cache (a warm-up run precedes each
# case), so the figures are CPU cost, not disk speed. A case in which git mlv
# fails is reported, not timed, and makes the script exit with status 1.
# Afterwards the script checks with `-v` trace lines that the warm run hashed
# nothing and that the touch and new-inode runs did hash. Needs hyperfine, git-lfs, openssl and
# python3; the data goes to a temporary directory under TMPDIR (or /tmp) and
# takes twice the file size plus the LFS object while it runs.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 <git-mlv binary> [MiB]" >&2
    exit 129
fi
binary=$(realpath "$1")
mebibytes=${2:-4096}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
bench_require hyperfine git-lfs openssl python3 sha256sum

work=$(mktemp -d)
trap 'bench_unlock; rm -rf "$work"' EXIT
repo=$work/repo
results=$work/results.json

# Set-up, before any timing: a committed LFS file and a copy with the same
# content and mtime but another inode, for the rename case.
git init -q -b main "$repo"
cd "$repo"
git config user.name bench
git config user.email bench@example.com
git lfs install --local >/dev/null
git lfs track '*.safetensors' >/dev/null
printf '{"model_type": "llama", "vocab_size": 131072, "hidden_size": 4096}\n' >config.json
"$here/make_safetensors.sh" model.safetensors "$mebibytes"
git add .gitattributes config.json model.safetensors
git commit -q -m "Add weights"
cp -p model.safetensors "$work/copy.safetensors"
bytes=$(stat -c %s model.safetensors)

# The oid must be the file's SHA-256. This run also loads the page cache.
expected=$(sha256sum model.safetensors | cut -d' ' -f1)
actual=$("$binary" show --worktree --json | python3 -c '
import json, sys
print(next(a["oid"] for a in json.load(sys.stdin)["artifacts"] if a["path"] == "model.safetensors"))')
if [[ $actual != "$expected" ]]; then
    echo "error: git mlv reports oid $actual, sha256sum $expected" >&2
    exit 1
fi

swap="mv model.safetensors '$work/spare' && mv '$work/copy.safetensors' model.safetensors"
swap+=" && mv '$work/spare' '$work/copy.safetensors'"

bench_machine
echo "file: model.safetensors, $bytes bytes, tracked through Git LFS"
bench_time "sha256sum" "$results" "sha256sum model.safetensors"
bench_time "openssl dgst -sha256" "$results" "openssl dgst -sha256 model.safetensors"
bench_time "git mlv show --worktree, cold" "$results" --prepare "rm -rf .git/mlv" \
    "'$binary' show --worktree"
bench_time "git mlv show --worktree, warm" "$results" "'$binary' show --worktree"
failures=()
# time_rehash <label> <command that changes the file's stat>
# Times a run that must hash the file again, after one untimed run shows
# that git mlv succeeds in that state at all.
time_rehash() {
    local label=$1 change=$2 status=0
    # Git refreshes the stat data in its index, through the LFS clean
    # filter, so that each case starts from a clean state.
    git update-index -q --refresh
    "$binary" show --worktree >/dev/null
    eval "$change"
    "$binary" show --worktree >/dev/null 2>"$work/error.txt" || status=$?
    if ((status != 0)); then
        failures+=("$label: git mlv failed with exit status $status: $(head -1 "$work/error.txt")")
        return
    fi
    bench_time "$label" "$results" --prepare "$change" "'$binary' show --worktree"
}
time_rehash "git mlv show --worktree, after touch" "touch model.safetensors"
time_rehash "git mlv show --worktree, new inode" "$swap"
bench_table "$results" "$bytes"
for failure in "${failures[@]}"; do
    echo "$failure"
done

# Trace check: which runs hashed the file.
count_hashing() {
    "$binary" show --worktree -v 2>&1 >/dev/null | grep -c "hashing model.safetensors" || true
}
git update-index -q --refresh
"$binary" show --worktree >/dev/null
warm=$(count_hashing)
echo "trace: files hashed when warm: $warm"
if [[ $warm != 0 ]]; then
    echo "error: the warm run hashed model.safetensors again" >&2
    exit 1
fi
if ((${#failures[@]} > 0)); then
    exit 1
fi
touch model.safetensors
touched=$(count_hashing)
eval "$swap"
renamed=$(count_hashing)
echo "trace: files hashed after touch: $touched, after new inode: $renamed"
if [[ $touched != 1 || $renamed != 1 ]]; then
    echo "error: expected one 'hashing model.safetensors' trace line after touch and after a new inode" >&2
    exit 1
fi
