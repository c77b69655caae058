// The checks configuration: `.mlv.json` at the top of the work tree and
// `git config mlv.<rule-id>` overrides. docs/config-format.md is the spec.
//
//   {
//     // comments are allowed
//     "rules": {"generation-sampling": "off", "vocab-padding": "error"},
//     "groups": [{"name": "eval", "members": ["eval_results.json", "README.md"]}],
//     "roles": {"*.weights": "weights"}
//   }
#pragma once

#include "mlv/artifacts/role.hpp"
#include "mlv/checks/finding.hpp"
#include "mlv/checks/groups.hpp"
#include "mlv/util/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlv::checks {

// The file name, at the top of the work tree.
inline constexpr std::string_view config_file_name = ".mlv.json";

// The treatment, in a range, of an error that one of its commits
// introduced and a later commit of the range fixed.
enum class RangeErrors {
    // The default, unless .mlv.json sets "ranges": "every-commit": such an
    // error is reported as a warning naming the commit that fixed it, so an
    // upload of one shard per commit passes once the last shard is in.
    // lfs-object-missing is never relaxed, because git-lfs uploads the
    // objects of every pushed commit.
    fixed_later_warns,
    // Every error of every commit counts (`check --every-commit`).
    every_commit,
};

struct CheckConfig {
    std::map<std::string, Severity> severities; // rule id -> severity; absent means the default
    std::vector<CoEditGroup> groups;            // in addition to builtin_groups()
    std::vector<artifacts::RolePattern> roles;  // in file order; the last match wins
    RangeErrors range_errors = RangeErrors::fixed_later_warns; // "ranges"
};

struct ParsedConfig {
    CheckConfig config;
    // config-invalid findings on the file: an error when it is not valid
    // JSON (the whole file is then ignored), a warning for each unknown key,
    // rule id, severity or role (that entry alone is ignored).
    std::vector<Finding> problems;
};

// Parses the text of .mlv.json (comments allowed). Never fails: what cannot
// be used is reported in ParsedConfig::problems and left out.
ParsedConfig parse_config(std::string_view text);

// Applies `git config` entries ("mlv.vocab-padding" -> "error") on top of
// `config`. Entries whose name has a further dot, or whose value is not a
// severity, belong to other commands and are skipped. Returns a warning
// message for each entry that sets a severity for an unknown rule id.
std::vector<std::string>
apply_git_config(CheckConfig& config,
                 const std::vector<std::pair<std::string, std::string>>& entries);

// Returns the severity a finding gets under `config`: the configured one for
// its rule, else the severity the rule gave it.
Severity effective_severity(const CheckConfig& config, const Finding& finding);

Json to_json(const CoEditGroup& group);

// Returns `existing_text` (the current .mlv.json, or empty when there is
// none) with its "groups" key replaced by `groups` and every other key kept,
// as indented JSON. Fails when `existing_text` is not valid JSON or not an
// object. Comments in `existing_text` are not kept and keys come out in
// alphabetical order, because the JSON reader keeps neither.
Result<std::string> replace_config_groups(std::string_view existing_text,
                                          const std::vector<CoEditGroup>& groups);

// Rewrites the "groups" key of the .mlv.json at `path` (created when
// missing) through a temporary file and a rename. Loses the file's comments,
// as replace_config_groups does.
Result<void> write_config_groups(const std::string& path, const std::vector<CoEditGroup>& groups);

} // namespace mlv::checks
