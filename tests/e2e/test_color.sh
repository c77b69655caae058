#!/bin/bash
# Colour follows Git's color.mlv and color.ui settings: "always" colours even
# into a pipe and overrides NO_COLOR, "never" and "false" turn colour off, and
# without a setting a pipe gets no colour.
set -euo pipefail
: "${GIT_MLV:?}"
export PATH="$(dirname "$GIT_MLV"):$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CEILING_DIRECTORIES="$work"
mkdir -p "$HOME"
git config --global user.name "E2E Test"
git config --global user.email "e2e@example.com"
git config --global init.defaultBranch main

fail() { echo "FAIL: $*" >&2; exit 1; }
escape=$(printf '\033')
has_color() { git mlv show | grep -q "$escape"; }

git init -q "$work/repo"
cd "$work/repo"
echo '{"model_type": "llama", "vocab_size": 3}' > config.json
git add config.json
git commit -qm "Add config"

has_color && fail "a pipe got colour without any setting"

git config color.ui always
has_color || fail "color.ui=always gave no colour in a pipe"
NO_COLOR=1 has_color || fail "color.ui=always did not override NO_COLOR"

git config color.mlv never
has_color && fail "color.mlv=never did not win over color.ui=always"

git config --unset color.mlv
git config color.ui false
has_color && fail "color.ui=false gave colour"

echo "ok"
