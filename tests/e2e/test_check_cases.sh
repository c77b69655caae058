#!/usr/bin/env bash
# Broken models from real reports, with variants of each kind, checked end
# to end by check_cases.py in throwaway repositories.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
: "${MLV_SOURCE_DIR:?set MLV_SOURCE_DIR to the source tree}"

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-check-cases.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
export GIT_MLV_NO_CACHE=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"
git config --global user.name "Check Cases"
git config --global user.email "check-cases@example.com"

python3 "$MLV_SOURCE_DIR/tests/e2e/check_cases.py" "$GIT_MLV" "$work"
