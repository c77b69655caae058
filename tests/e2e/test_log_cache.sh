#!/usr/bin/env bash
# End-to-end test of the log cache under .git/mlv/log: `git mlv log` must
# print the same bytes with the cache cold, warm, corrupt and disabled
# (GIT_MLV_NO_CACHE=1), for a synthetic history and, when present, for the
# corpus histories.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
: "${MLV_SOURCE_DIR:?set MLV_SOURCE_DIR to the source tree}"
GIT_MLV=$(cd "$(dirname "$GIT_MLV")" && pwd)/$(basename "$GIT_MLV")

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-log-cache.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
export NO_COLOR=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_MLV_NO_CACHE
mkdir -p "$HOME"
corpus=${MLV_CORPUS_DIR:-$MLV_SOURCE_DIR/../shared/corpus}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Runs `git mlv log "$@"` in repository $repo without the cache, then twice
# with it (filling, then reading), and fails unless all three outputs and
# exit statuses are equal.
compare_log() {
    local reference="$work/reference" status=0 reference_status=0
    (cd "$repo" && GIT_MLV_NO_CACHE=1 "$GIT_MLV" log "$@") >"$reference" 2>&1 ||
        reference_status=$?
    for run in fill read; do
        status=0
        (cd "$repo" && "$GIT_MLV" log "$@") >"$work/cached" 2>&1 || status=$?
        [[ $status == "$reference_status" ]] ||
            fail "log $* in $repo: exit $status with the cache ($run), $reference_status without"
        cmp -s "$reference" "$work/cached" || {
            diff "$reference" "$work/cached" | head -20 >&2
            fail "log $* in $repo: output differs with the cache ($run)"
        }
    done
    echo "ok: log $* in $(basename "$repo") ($(wc -l <"$reference") lines)"
}

# Every output variant of `git mlv log` over the whole history and a range
# that starts in the middle of it.
compare_variants() {
    local middle
    middle=$(git -C "$repo" rev-list --reverse HEAD | sed -n "$(($(git -C "$repo" rev-list --count HEAD) / 2 + 1))p")
    compare_log
    compare_log --json
    compare_log --phases
    compare_log --sessions
    compare_log --json --phases --sessions
    compare_log --stage architecture
    compare_log --stage documentation --json
    compare_log --session-gap 5
    compare_log "$middle..HEAD"
    compare_log "$middle..HEAD" --json --phases
    compare_log "$middle"
}

# The synthetic history of the benchmark, long enough to hold one
# vocabulary change (every 1,000 commits).
repo="$work/synthetic"
"$MLV_SOURCE_DIR/bench/make_history.sh" "$repo" 1010 >/dev/null
compare_variants

# A history that has grown by a commit gets a new entry, not the old rows.
(cd "$repo" && "$GIT_MLV" log) >/dev/null
git -C "$repo" -c user.name=Late -c user.email=late@example.com \
    commit -q --allow-empty -m "Add nothing"
compare_log
compare_log --json

# A corrupt entry is ignored and replaced: truncated, garbage, empty, and
# a valid file whose rows belong to another walk.
entries=("$repo"/.git/mlv/log/*.log)
[[ ${#entries[@]} -ge 2 ]] || fail "expected log cache entries, found ${#entries[@]}"
(cd "$repo" && "$GIT_MLV" log --json) >"$work/good.json"
for damage in truncate garbage empty swap; do
    for entry in "$repo"/.git/mlv/log/*.log; do
        case $damage in
        truncate) head -c 500 "$entry" >"$entry.new" ;;
        garbage) head -c 4096 /dev/urandom >"$entry.new" ;;
        empty) : >"$entry.new" ;;
        swap) sed 's/^commit\t\([0-9a-f]*\)\t/commit\t0000000000000000000000000000000000000000\t/' \
            "$entry" >"$entry.new" ;;
        esac
        mv "$entry.new" "$entry"
    done
    status=0
    (cd "$repo" && "$GIT_MLV" log --json) >"$work/after.json" 2>"$work/err" || status=$?
    [[ $status == 0 ]] || {
        cat "$work/err" >&2
        fail "log with a $damage cache exited $status"
    }
    cmp -s "$work/good.json" "$work/after.json" || fail "log with a $damage cache printed other rows"
    echo "ok: $damage cache ignored"
done

# The corpus histories, when present (weights stay LFS pointers).
for name in Llama-2-7b-hf kpfbert Reflection-Llama-3.1-70B; do
    bundle="$corpus/$name/$name.history.bundle"
    if [[ ! -f $bundle ]]; then
        echo "skipped: $bundle not found"
        continue
    fi
    repo="$work/$name"
    GIT_LFS_SKIP_SMUDGE=1 git clone -q "$bundle" "$repo" 2>/dev/null
    compare_variants
done
