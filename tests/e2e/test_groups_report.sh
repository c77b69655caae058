#!/usr/bin/env bash
# End-to-end test of `git mlv groups` and `git mlv report` on a throwaway
# repository whose history has two clear co-edit groups: config.json with the
# shard index and shards (edited in separate commits of one session), and the
# tokenizer files (edited in one commit).
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
GIT_MLV=$(cd "$(dirname "$GIT_MLV")" && pwd)/$(basename "$GIT_MLV")

work=$(mktemp -d "${TMPDIR:-/tmp}/mlv-groups-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

export HOME="$work/home"
export XDG_CONFIG_HOME="$HOME/.config"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig"
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
mkdir -p "$HOME"
git config --global init.defaultBranch main

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

pass() {
    echo "ok: $*"
}

# Fails unless file $1 contains the fixed string $2.
expect_in() {
    grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$1' lacks '$2'"; }
}

# Fails if file $1 contains the fixed string $2.
expect_not_in() {
    if grep -qF -- "$2" "$1"; then
        fail "'$1' contains '$2'"
    fi
}

# Writes a valid safetensors file $1 with one F32 tensor whose two values are
# the bytes of $2 (any 8 ASCII characters).
write_safetensors() {
    local header='{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    local length=${#header}
    {
        printf "\\x$(printf %02x "$length")\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
        printf '%s' "$header"
        printf '%s' "$2"
    } >"$1"
}

repo="$work/repo"
git init -q "$repo"
git -C "$repo" config user.name "Groups Test"
git -C "$repo" config user.email "groups-test@example.com"
cd "$repo"

# Commits at a fixed time: day $1, minute $2 (UTC).
commit_at() {
    local stamp
    stamp=$(printf '2024-03-%02dT10:%02d:00Z' "$1" "$2")
    shift 2
    GIT_AUTHOR_DATE="$stamp" GIT_COMMITTER_DATE="$stamp" git commit -q "$@"
}

echo '{"model_type": "llama", "vocab_size": 100}' >config.json
echo '{"metadata": {"total_size": 16}, "weight_map": {"w": "model-00001-of-00002.safetensors"}}' \
    >model.safetensors.index.json
write_safetensors model-00001-of-00002.safetensors AAAAAAAA
write_safetensors model-00002-of-00002.safetensors BBBBBBBB
echo '{"version": "1.0", "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}' >tokenizer.json
echo '{"model_max_length": 512}' >tokenizer_config.json
echo '# demo model' >README.md
git add -A
commit_at 1 0 -m "Initial import"

for round in 1 2 3; do
    day=$((round * 3))
    # The vocabulary change: config, index and shards in separate commits
    # of one session.
    echo "{\"model_type\": \"llama\", \"vocab_size\": $((100 + round))}" >config.json
    git add config.json
    commit_at "$day" 0 -m "Update config.json"
    echo "{\"metadata\": {\"total_size\": $((16 + round))}, \"weight_map\": {\"w\": \"model-00001-of-00002.safetensors\"}}" \
        >model.safetensors.index.json
    git add model.safetensors.index.json
    commit_at "$day" 2 -m "Update model.safetensors.index.json"
    write_safetensors model-00001-of-00002.safetensors "CCCCCCC$round"
    git add model-00001-of-00002.safetensors
    commit_at "$day" 4 -m "Upload model-00001-of-00002.safetensors"
    write_safetensors model-00002-of-00002.safetensors "DDDDDDD$round"
    git add model-00002-of-00002.safetensors
    commit_at "$day" 6 -m "Upload model-00002-of-00002.safetensors"

    # The tokenizer files in one commit, another day.
    echo "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b$round\": 1}, \"merges\": []}}" \
        >tokenizer.json
    echo "{\"model_max_length\": $((512 * round))}" >tokenizer_config.json
    git add tokenizer.json tokenizer_config.json
    commit_at $((day + 1)) 0 -m "Upload tokenizer"

    echo "round $round" >>README.md
    git add README.md
    commit_at $((day + 2)) 0 -m "Fix <script>alert($round)</script> & \"typos\""
done

# An upload that repeats identical content leaves a commit without changes.
commit_at 12 0 --allow-empty -m "Upload README.md"

# groups --json: the two groups, with the comparison.
"$GIT_MLV" groups --json >"$work/groups.json" || fail "groups --json exited with $?"
python3 - "$work/groups.json" <<'EOF' || fail "unexpected groups in --json output"
import json, sys
data = json.load(open(sys.argv[1]))
groups = {tuple(g["members"]): g for g in data["groups"]}
model = ("config.json", "model-*-of-00002.safetensors", "model.safetensors.index.json")
tokenizer = ("tokenizer.json", "tokenizer_config.json")
assert model in groups, groups.keys()
assert tokenizer in groups, groups.keys()
assert groups[model]["comparison"][0]["builtin"] == "model", groups[model]
assert groups[tokenizer]["comparison"][0]["builtin"] == "tokenizer", groups[tokenizer]
assert 0.0 < groups[tokenizer]["cohesion"] <= 1.0
assert data["modularity"] > 0.2, data["modularity"]
assert "README.md" in data["ungrouped"], data["ungrouped"]
assert data["written"] is None
EOF
pass "groups --json finds both groups"

"$GIT_MLV" groups >"$work/groups.txt" || fail "groups exited with $?"
# The commit counts add up to the history's length.
python3 - "$work/groups.txt" "$(git rev-list --count HEAD)" <<'EOF' || fail "groups counts do not add up"
import re, sys
text = open(sys.argv[1]).read()
line = re.search(r"^  commits: (.*)$", text, re.M).group(1)
counts = [int(n) for n in re.findall(r"(\d+) (?:counted|without|in the|merges?|bulk)", line)]
assert len(counts) == 5, line
assert sum(counts) == int(sys.argv[2]), (line, sys.argv[2])
EOF
expect_in "$work/groups.txt" "mined-tokenizer"
expect_in "$work/groups.txt" "model-*-of-00002.safetensors"
expect_in "$work/groups.txt" "built-in 'tokenizer': shares tokenizer.json, tokenizer_config.json"
pass "groups prints groups and comparison"

# --write creates .mlv.json; a second run keeps hand-written groups and keys.
"$GIT_MLV" groups --write >"$work/write.txt" || fail "groups --write exited with $?"
expect_in "$work/write.txt" "wrote 2 groups to"
python3 - .mlv.json <<'EOF' || fail ".mlv.json after --write"
import json, sys
config = json.load(open(sys.argv[1]))
names = [g["name"] for g in config["groups"]]
assert len(names) == 2, names
assert all(n.startswith("mined-") for n in names), names
EOF
python3 - .mlv.json <<'EOF'
import json, sys
config = json.load(open(sys.argv[1]))
config["rules"] = {"generation-sampling": "off"}
config["groups"].append({"name": "eval", "members": ["README.md", "eval_results.json"]})
json.dump(config, open(sys.argv[1], "w"))
EOF
"$GIT_MLV" groups --write >/dev/null || fail "second groups --write exited with $?"
python3 - .mlv.json <<'EOF' || fail ".mlv.json after the second --write"
import json, sys
config = json.load(open(sys.argv[1]))
names = sorted(g["name"] for g in config["groups"])
assert len(names) == 3, names
assert "eval" in names, names
assert config["rules"] == {"generation-sampling": "off"}, config
EOF
ls -a | grep -q '\.tmp' && fail "temporary file left behind"
pass "groups --write updates .mlv.json"

# git mlv check enforces the written groups: a change to one member of the
# mined tokenizer group leaves the other stale.
echo '{"model_max_length": 4096}' >tokenizer_config.json
"$GIT_MLV" check >"$work/check.txt" 2>&1 || true
expect_in "$work/check.txt" "'tokenizer.json' is unchanged"
expect_in "$work/check.txt" "co-edit group 'mined-tokenizer'"
git checkout -q tokenizer_config.json
"$GIT_MLV" check >"$work/check.txt" 2>&1 || true
expect_not_in "$work/check.txt" "mined-tokenizer"
pass "check enforces the written groups"

echo '{not json' >.mlv.json
if "$GIT_MLV" groups --write >/dev/null 2>"$work/err"; then
    fail "groups --write accepted an invalid .mlv.json"
fi
expect_in "$work/err" ".mlv.json"
expect_in .mlv.json '{not json'
rm .mlv.json
pass "groups --write leaves an invalid .mlv.json alone"

# report: default file name, -o FILE and -o -.
"$GIT_MLV" report >"$work/report.txt" || fail "report exited with $?"
[ -s mlv-report.html ] || fail "report did not write mlv-report.html"
"$GIT_MLV" report -o "$work/r.html" >/dev/null || fail "report -o exited with $?"
cmp -s mlv-report.html "$work/r.html" || fail "report output differs between runs"
"$GIT_MLV" report -o - >"$work/stdout.html" || fail "report -o - exited with $?"
cmp -s mlv-report.html "$work/stdout.html" || fail "report -o - differs from the file"
rm mlv-report.html

html="$work/r.html"
expect_in "$html" "<!DOCTYPE html>"
expect_in "$html" "<svg"
expect_in "$html" "&lt;script&gt;alert(2)&lt;/script&gt; &amp; &quot;typos&quot;"
# Self-contained: nothing to fetch and nothing to run. SVG namespaces would
# be URLs, so the inline SVG must not declare them either.
for forbidden in "<script" "http://" "https://" "<link" "<img" "<iframe" "@import" "url(" \
    " src=" " href=" " on"{click,load,mouseover}"="; do
    expect_not_in "$html" "$forbidden"
done
expect_in "$html" "Lifecycle of repo"
expect_in "$html" "mined-tokenizer"
expect_in "$html" "development ends"
pass "report writes self-contained HTML"

# The report's phases are the ones log --phases prints.
"$GIT_MLV" log --phases --json >"$work/phases.json" || fail "log --phases --json exited with $?"
python3 - "$work/phases.json" "$html" <<'EOF' || fail "report and log --phases disagree"
import json, re, sys
development = json.load(open(sys.argv[1]))["phases"]["development"]
html = open(sys.argv[2]).read()
assert f"Development ends with <code>{development['last_commit'][:7]}</code>" in html, development
count = re.search(r'<td>development</td><td class="num">(\d+)</td>', html).group(1)
assert int(count) == development["commits"], (count, development)
EOF
pass "report and log --phases agree"

# Errors: unknown revision, outside a repository, --write in a bare repository.
if "$GIT_MLV" groups no-such-revision >/dev/null 2>"$work/err"; then
    fail "groups accepted an unknown revision"
fi
if "$GIT_MLV" report -o "$work/x.html" no-such-revision >/dev/null 2>&1; then
    fail "report accepted an unknown revision"
fi
[ ! -e "$work/x.html" ] || fail "report wrote a file for an unknown revision"

# An output directory that does not exist is an error, as in git: nothing is
# created.
status=0
"$GIT_MLV" report -o "$work/missing/dir/x.html" >/dev/null 2>"$work/err" || status=$?
[ "$status" -eq 128 ] || fail "report -o into a missing directory exited with $status, expected 128"
expect_in "$work/err" "cannot write '$work/missing/dir/x.html': No such file or directory"
[ ! -e "$work/missing" ] || fail "report -o created the missing directory"
status=0
"$GIT_MLV" report -o "$work/r.html/x.html" >/dev/null 2>"$work/err" || status=$?
[ "$status" -eq 128 ] || fail "report -o below a file exited with $status, expected 128"
expect_in "$work/err" "cannot write '$work/r.html/x.html': Not a directory"

mkdir "$work/empty"
status=0
(cd "$work/empty" && "$GIT_MLV" groups >/dev/null 2>&1) || status=$?
[ "$status" -eq 128 ] || fail "groups outside a repository exited with $status, expected 128"

git clone -q --bare "$repo" "$work/bare.git"
status=0
(cd "$work/bare.git" && "$GIT_MLV" groups --write >/dev/null 2>&1) || status=$?
[ "$status" -eq 128 ] || fail "groups --write in a bare repository exited with $status"
(cd "$work/bare.git" && "$GIT_MLV" groups --json >/dev/null) || fail "groups in a bare repository"

status=0
"$GIT_MLV" groups --bulk-limit 0 >/dev/null 2>&1 || status=$?
[ "$status" -eq 129 ] || fail "groups --bulk-limit 0 exited with $status, expected 129"
pass "errors"
