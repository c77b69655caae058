#!/usr/bin/env bash
# End-to-end test of role overrides with the real binary and real Git: a
# path that .gitattributes or .mlv.json gives the docs or other role is not
# read by the weights reader its extension names, so its content cannot
# fail `git mlv check` or the pre-commit hook; an unknown role in the
# attribute is warned about once per value without changing the exit status.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
export PATH="$(dirname "$GIT_MLV"):$PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-roles-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
export GIT_MLV_NO_CACHE=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"
git config --global user.name "E2E Test"
git config --global user.email "e2e@example.com"
git config --global init.defaultBranch main

fail() {
    echo "FAIL: $*" >&2
    for file in "$work/out" "$work/err"; do
        if [ -f "$file" ]; then
            sed 's/^/  | /' "$file" >&2
        fi
    done
    exit 1
}

pass() {
    echo "ok: $*"
}

# Runs `git mlv "$@"`, stdout in $work/out and stderr in $work/err, and sets
# $status to its exit status.
run() {
    status=0
    git mlv "$@" >"$work/out" 2>"$work/err" || status=$?
}

# format_of <path>: the format `git mlv show --json` gives <path>, from
# $work/out.
format_of() {
    python3 - "$work/out" "$1" <<'PY'
import json, sys
artifacts = json.load(open(sys.argv[1]))["artifacts"]
print(next(a["format"] + " " + a["role"] for a in artifacts if a["path"] == sys.argv[2]))
PY
}

repo="$work/repo"
git init -q "$repo"
cd "$repo"
printf '{"model_type": "llama", "vocab_size": 32000}\n' >config.json
git add config.json
git commit -q -m "Add config"
git mlv install >/dev/null

# Not a checkpoint, but named like one: without the override the PyTorch
# reader rejects it.
printf 'meeting notes, not a checkpoint\n' >notes.bin
printf 'GGUF but truncated\n' >scratch.gguf
git add notes.bin scratch.gguf
run check --staged
[ "$status" = 1 ] || fail "check --staged without overrides exited $status, expected 1"
grep -q "file-invalid" "$work/out" || fail "check --staged without overrides reports no file-invalid"
git commit -q -m "Add notes" 2>"$work/err" && fail "the pre-commit hook let a broken notes.bin through"
pass "without overrides notes.bin is read as a checkpoint"

printf 'notes.bin mlv-role=docs\n' >.gitattributes
printf '{"roles": {"scratch.gguf": "other"}}\n' >.mlv.json
git add .gitattributes .mlv.json
run check --staged
[ "$status" = 0 ] || fail "check --staged with overrides exited $status, expected 0"
grep -q "file-invalid" "$work/out" && fail "check --staged with overrides reports file-invalid"
git commit -q -m "Add notes as docs" 2>"$work/err" || fail "the pre-commit hook rejected notes given the docs role"
run check HEAD
[ "$status" = 0 ] || fail "check HEAD exited $status, expected 0"
pass "a docs or other role keeps the weights reader away in check and the hook"

for source in "" "--worktree" "--staged"; do
    run show $source --json
    [ "$status" = 0 ] || fail "show $source exited $status"
    [ "$(format_of notes.bin)" = "binary docs" ] || fail "show $source: notes.bin is $(format_of notes.bin)"
    [ "$(format_of scratch.gguf)" = "binary other" ] ||
        fail "show $source: scratch.gguf is $(format_of scratch.gguf)"
done
printf 'more notes\n' >>notes.bin
run diff
[ "$status" = 0 ] || fail "diff exited $status"
grep -q "cannot read" "$work/err" && fail "diff read notes.bin as a checkpoint"
run status
[ "$status" = 0 ] || fail "status exited $status"
git checkout -q notes.bin
pass "show, diff and status describe overridden files by size and id"

# An unknown role: a warning per distinct value, the built-in role applies,
# and the exit status stays what it was.
printf 'notes.bin mlv-role=docs\n*.pt mlv-role=banana\n*.dat mlv-role=banana\n*.ckpt mlv-role=apple\n' \
    >.gitattributes
printf 'a' >a.pt
printf 'b' >b.dat
printf 'c' >c.ckpt
run show --worktree
[ "$status" = 1 ] || fail "show --worktree exited $status, expected 1 for the unreadable a.pt"
[ "$(grep -c "unknown role" "$work/err")" = 2 ] || fail "show did not warn once per unknown value"
grep -qx "warning: unknown role 'banana' in attribute mlv-role for 'a.pt'; expected one of weights, tokenizer, config, training, docs, other" \
    "$work/err" || fail "show printed no warning for 'banana'"
grep -q "unknown role 'apple' in attribute mlv-role for 'c.ckpt'" "$work/err" ||
    fail "show printed no warning for 'apple'"
run check
[ "$status" = 1 ] || fail "check exited $status, expected 1 for the unreadable a.pt"
[ "$(grep -c "^warning: unknown role" "$work/err")" = 2 ] || fail "check did not warn once per unknown value"
rm a.pt c.ckpt
run check
[ "$status" = 0 ] || fail "check exited $status with only an unknown role, expected 0"
grep -q "unknown role 'banana' in attribute mlv-role for 'b.dat'" "$work/err" ||
    fail "check printed no warning for 'banana'"
run status
[ "$status" = 0 ] || fail "status exited $status"
grep -q "unknown role 'banana'" "$work/err" || fail "status printed no warning"
pass "an unknown role is warned about once per value"
