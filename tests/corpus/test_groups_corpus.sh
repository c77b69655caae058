#!/usr/bin/env bash
# Corpus test of `git mlv groups` and `git mlv report` on real model
# repository histories (Git bundles whose weights are LFS pointers).
#
# Reflection-Llama-3.1-70B: the vocabulary change of 2024-09-06 reached
# config.json, model.safetensors.index.json, tokenizer.json,
# special_tokens_map.json and generation_config.json in separate commits
# between 09:14 and 09:47, within one upload session. They must land in one
# mined group. Llama-2-7b-hf and kpfbert get sanity checks.
#
# Exits 77 (skipped) when the corpus folder is absent.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
: "${MLV_SOURCE_DIR:?set MLV_SOURCE_DIR to the source tree}"
GIT_MLV=$(cd "$(dirname "$GIT_MLV")" && pwd)/$(basename "$GIT_MLV")
corpus=${MLV_CORPUS_DIR:-$MLV_SOURCE_DIR/../shared/corpus}

if [ ! -d "$corpus" ]; then
    echo "skipped: no corpus at '$corpus'"
    exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-groups-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
export GIT_LFS_SKIP_SMUDGE=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Clones the history bundle of corpus source $1 into $work/$1; returns 1
# when the bundle is absent.
clone() {
    local bundle="$corpus/$1/$1.history.bundle"
    [ -f "$bundle" ] || return 1
    git clone -q "$bundle" "$work/$1"
}

# Fails unless the groups JSON $1 has one group containing every name given
# after it.
expect_together() {
    local json=$1
    shift
    python3 - "$json" "$@" <<'EOF' || fail "not in one group: $* (see $json)"
import json, sys
data = json.load(open(sys.argv[1]))
expected = set(sys.argv[2:])
for group in data["groups"]:
    if expected <= set(group["members"]):
        sys.exit(0)
print(json.dumps(data["groups"], indent=1), file=sys.stderr)
sys.exit(1)
EOF
}

# Renders the report of the repository in the current directory and checks
# that it is self-contained.
check_report() {
    "$GIT_MLV" report -o "$work/$1.html" >/dev/null || fail "$1: report exited with $?"
    grep -qF "<svg" "$work/$1.html" || fail "$1: report has no SVG"
    for forbidden in "<script" "http://" "https://" "<link" "<img" "@import" "url(" " src="; do
        if grep -qF -- "$forbidden" "$work/$1.html"; then
            fail "$1: report is not self-contained: it contains '$forbidden'"
        fi
    done
}

ran=0

if clone Reflection-Llama-3.1-70B; then
    cd "$work/Reflection-Llama-3.1-70B"
    "$GIT_MLV" groups --json >"$work/reflection.json" || fail "Reflection: groups exited with $?"
    expect_together "$work/reflection.json" config.json model.safetensors.index.json \
        tokenizer.json special_tokens_map.json generation_config.json
    check_report Reflection
    echo "ok: Reflection vocabulary change is one group"
    # 130 of its 345 commits change no file; with them the counts add up.
    python3 - "$work/reflection.json" <<'EOF' || fail "Reflection: groups counts do not add up"
import json, sys
data = json.load(open(sys.argv[1]))
total = (data["commits_counted"] + data["commits_without_changes"]
         + len(data["excluded_commits"]))
assert data["commits_without_changes"] == 130, data["commits_without_changes"]
assert total == data["commits"] == 345, (total, data["commits"])
EOF
    echo "ok: Reflection commit counts add up"
    ran=1
fi

if clone Llama-2-7b-hf; then
    cd "$work/Llama-2-7b-hf"
    "$GIT_MLV" groups --json >"$work/llama2.json" || fail "Llama-2: groups exited with $?"
    # "Upload tokenizer" changed these three files in one commit.
    expect_together "$work/llama2.json" special_tokens_map.json tokenizer.json \
        tokenizer_config.json
    # "Upload LlamaForCausalLM" changed the config, index and shards together.
    expect_together "$work/llama2.json" config.json pytorch_model.bin.index.json \
        "pytorch_model-*-of-00002.bin"
    check_report Llama-2
    echo "ok: Llama-2 tokenizer and checkpoint groups"
    ran=1
fi

if clone kpfbert; then
    cd "$work/kpfbert"
    "$GIT_MLV" groups --json >"$work/kpfbert.json" || fail "kpfbert: groups exited with $?"
    # The first commit with weights ("add pytorch_model, tf_model binary
    # file") is part of the import, and README.md is always edited alone.
    weights_commit=$(git log --format=%H --grep='add pytorch_model, tf_model binary file')
    python3 - "$work/kpfbert.json" "$weights_commit" <<'EOF' || fail "kpfbert: unexpected groups"
import json, sys
data = json.load(open(sys.argv[1]))
excluded = {commit["id"]: commit["reason"] for commit in data["excluded_commits"]}
assert excluded.get(sys.argv[2]) == "initial-import", excluded
assert "README.md" in data["ungrouped"], data["ungrouped"]
EOF
    check_report kpfbert
    echo "ok: kpfbert import left out, README.md ungrouped"
    ran=1
fi

if [ "$ran" -eq 0 ]; then
    echo "skipped: no history bundle in '$corpus'"
    exit 77
fi
