#!/bin/sh
# Install what is needed, build git-mlv, and run it on a real model
# repository: the Llama-2-7b-hf history from ../shared/corpus when present,
# otherwise a small repository with a realistic history built on the spot.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/setup.sh

# The build's own output is long, so it goes to a log that is shown only when
# the build fails. A first build takes several minutes.
build_log="$top/build/demo-build.log"
mkdir -p "$top/build"
echo "demo: building git-mlv into build/, which takes several minutes the first time (log: build/demo-build.log)" >&2
if ! sh scripts/build.sh >"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    echo "error: the build failed, see build/demo-build.log for the whole log" >&2
    exit 1
fi

export PATH="$top/build:$PATH"
export GIT_CONFIG_NOSYSTEM=1
work=$(mktemp -d "${TMPDIR:-/tmp}/git-mlv-demo.XXXXXX")
bundle="$top/../shared/corpus/Llama-2-7b-hf/Llama-2-7b-hf.history.bundle"

# Step headers are bold only on a terminal and when NO_COLOR is unset or empty.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != dumb ]; then
    step() { printf '\n\033[1m$ %s\033[m\n' "$*"; }
else
    step() { printf '\n$ %s\n' "$*"; }
fi

if [ -f "$bundle" ]; then
    repo="$work/Llama-2-7b-hf"
    step "GIT_LFS_SKIP_SMUDGE=1 git clone Llama-2-7b-hf.history.bundle"
    GIT_LFS_SKIP_SMUDGE=1 git clone -q "$bundle" "$repo"
    edit_key=vocab_size; edit_value=32001
else
    repo="$work/tiny-llama-demo"
    step "python3 scripts/make_demo_repo.py (no ../shared/corpus here)"
    python3 scripts/make_demo_repo.py "$repo"
    edit_key=vocab_size; edit_value=385
fi
cd "$repo"
git config user.name "Demo Maintainer"
git config user.email "maintainer@example.com"

step "git mlv show"
git mlv show || true

step "git mlv log"
git mlv log || true

step "edit config.json: $edit_key -> $edit_value, as a maintainer adding a token would"
python3 - "$edit_key" "$edit_value" <<'PY'
import json, sys
with open("config.json") as f:
    config = json.load(f)
config[sys.argv[1]] = int(sys.argv[2])
with open("config.json", "w") as f:
    json.dump(config, f, indent=2)
    f.write("\n")
PY

step "git mlv status"
git mlv status || true

step "git mlv check"
git mlv check || true

printf '\nThe demo repository is at %s\n' "$repo"
