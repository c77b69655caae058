#!/usr/bin/env bash
# Checks `git mlv log` on real model histories against hand labels.
#
# Clones the history bundles of the corpus (weights stay LFS pointers),
# classifies them and compares stage and maintenance type with
# tests/corpus/*_labels.tsv. Prints the agreement and every disagreement.
# Fails when: a Llama-2-7b-hf stage differs from its label; fewer than 14 of
# its 20 maintenance types agree; the Reflection commit that moves
# vocab_size 128256 -> 128262 is neither architecture nor tokenizer; any
# Reflection shard upload is documentation; log --phases and the report
# split Llama-2-7b-hf at different commits; fewer than 90% of the sampled
# Reflection stages or maintenance types, or 80% of the kpfbert stages agree.
# Exits 77 (skipped) when the corpus is absent.
set -euo pipefail

: "${GIT_MLV:?set GIT_MLV to the git-mlv binary}"
: "${MLV_SOURCE_DIR:?set MLV_SOURCE_DIR to the source tree}"
corpus=${MLV_CORPUS_DIR:-$MLV_SOURCE_DIR/../shared/corpus}
labels=$MLV_SOURCE_DIR/tests/corpus
if [[ ! -f $corpus/Llama-2-7b-hf/Llama-2-7b-hf.history.bundle ]]; then
    echo "corpus not found at $corpus; skipping"
    exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The directory keeps the repository's name: config.json's _name_or_path is
# compared with it.
classify() {
    local name=$1 range=$2
    GIT_LFS_SKIP_SMUDGE=1 git clone -q "$corpus/$name/$name.history.bundle" "$work/$name" 2>/dev/null
    (cd "$work/$name" && "$GIT_MLV" log --json "$range") >"$work/$name.json"
}

classify Llama-2-7b-hf HEAD
classify Reflection-Llama-3.1-70B main
classify kpfbert origin/main
# log --phases and the report must split Llama-2's history at the same
# commit: the conversion, not the later deletion of the pytorch shards.
(cd "$work/Llama-2-7b-hf" && "$GIT_MLV" log --phases --json && "$GIT_MLV" report -o -) \
    >"$work/phases.out"
python3 - "$work/phases.out" <<'PYTHON'
import json
import re
import sys

text = open(sys.argv[1]).read()
log, end = json.JSONDecoder().raw_decode(text)
html = text[end:]
development = log["phases"]["development"]
assert development["last_commit"].startswith("5373729"), development
assert development["commits"] == 6, development
assert "Development ends with <code>5373729</code>" in html, "report ends development elsewhere"
rows = dict(re.findall(r'<td>(development|maintenance)</td><td class="num">(\d+)</td>', html))
assert rows == {"development": "6", "maintenance": "14"}, rows
print("Llama-2-7b-hf: log --phases and report agree (development ends at 5373729)")
PYTHON

vocab_commit=$(git -C "$work/Reflection-Llama-3.1-70B" log --format=%H main \
    -S'"vocab_size": 128262' -- config.json | tail -1)

python3 - "$work" "$labels" "$vocab_commit" <<'PYTHON'
import json
import sys

work, labels, vocab_commit = sys.argv[1:]
failures = []


def load(name):
    with open(f"{work}/{name}.json") as f:
        return {c["commit"]: c for c in json.load(f)["commits"]}


def read_labels(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or line.startswith("commit\t") or not line.strip():
                continue
            commit, stage, maintenance, reason = line.rstrip("\n").split("\t", 3)
            rows.append((commit, stage, maintenance.rstrip("?"), reason))
    return rows


def agreement(name, label_file):
    commits = load(name)
    rows = read_labels(f"{labels}/{label_file}")
    stage_ok = maintenance_ok = 0
    for commit, stage, maintenance, reason in rows:
        got = commits.get(commit)
        if got is None:
            failures.append(f"{name}: labelled commit {commit} not in the output")
            continue
        if got["stage"] == stage:
            stage_ok += 1
        else:
            print(f"  {name} {commit[:7]} stage {got['stage']}, label {stage}: {reason}")
        if got["maintenance"] == maintenance:
            maintenance_ok += 1
        else:
            print(f"  {name} {commit[:7]} maintenance {got['maintenance']}, "
                  f"label {maintenance}: {reason}")
    total = len(rows)
    print(f"{name}: stage {stage_ok}/{total} ({100 * stage_ok / total:.0f}%), "
          f"maintenance {maintenance_ok}/{total} ({100 * maintenance_ok / total:.0f}%)")
    return stage_ok, maintenance_ok, total


stage_ok, maintenance_ok, total = agreement("Llama-2-7b-hf", "llama2_labels.tsv")
if stage_ok != total:
    failures.append(f"Llama-2-7b-hf: {total - stage_ok} stages differ from the labels")
if maintenance_ok < 14:
    failures.append(f"Llama-2-7b-hf: only {maintenance_ok} maintenance types agree")

stage_ok, maintenance_ok, total = agreement("Reflection-Llama-3.1-70B",
                                            "reflection_sample_labels.tsv")
if stage_ok < 0.9 * total:
    failures.append(f"Reflection: only {stage_ok}/{total} sampled stages agree")
if maintenance_ok < 0.9 * total:
    failures.append(f"Reflection: only {maintenance_ok}/{total} sampled maintenance types agree")
reflection = load("Reflection-Llama-3.1-70B")
vocab = reflection.get(vocab_commit)
if vocab is None or vocab["stage"] not in ("architecture", "tokenizer"):
    failures.append(f"Reflection: vocab_size commit {vocab_commit[:7]} is "
                    f"{vocab and vocab['stage']}")
uploads = [c for c in reflection.values() if c["subject"].startswith("Upload model-")]
documentation = [c["commit"][:7] for c in uploads if c["stage"] == "documentation"]
if documentation:
    failures.append(f"Reflection: shard uploads classified as documentation: {documentation}")
stages = {}
for c in uploads:
    stages[c["stage"]] = stages.get(c["stage"], 0) + 1
print(f"Reflection shard uploads ({len(uploads)}): {stages}")

stage_ok, _, total = agreement("kpfbert", "kpfbert_labels.tsv")
if stage_ok < 0.8 * total:
    failures.append(f"kpfbert: only {stage_ok}/{total} stages agree")

for failure in failures:
    print("FAIL: " + failure)
sys.exit(1 if failures else 0)
PYTHON
