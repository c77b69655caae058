# shellcheck shell=bash
# Shared setup of the hook tests, sourced by tests/e2e/test_hooks_*.sh.
#
# Everything happens in a temporary directory, with HOME and the global Git
# configuration pointed into it, so the user's configuration is neither read
# nor changed.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
: "${MLV_SOURCE_DIR:?set MLV_SOURCE_DIR to the source tree}"
GIT_MLV=$(cd "$(dirname "$GIT_MLV")" && pwd)/$(basename "$GIT_MLV")

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-hooks-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

export HOME="$work/home"
export XDG_CONFIG_HOME="$HOME/.config"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_MLV_SKIP_HOOKS
mkdir -p "$HOME"
git config --global init.defaultBranch main

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

pass() {
    echo "ok: $*"
}

# Creates a repository at $1 with a local user name and email.
new_repo() {
    git init -q "$1"
    git -C "$1" config user.name "Hook Test"
    git -C "$1" config user.email "hook-test@example.com"
}

# Runs a command that must fail; its output goes to $work/out.
expect_failure() {
    if "$@" >"$work/out" 2>&1; then
        cat "$work/out" >&2
        fail "expected failure: $*"
    fi
}

# Runs a command that must succeed; its output goes to $work/out.
expect_success() {
    if ! "$@" >"$work/out" 2>&1; then
        cat "$work/out" >&2
        fail "expected success: $*"
    fi
}

# Fails unless the output of the last expect_* contains the fixed string $1.
expect_output() {
    if ! grep -qF -- "$1" "$work/out"; then
        cat "$work/out" >&2
        fail "output lacks '$1'"
    fi
}
