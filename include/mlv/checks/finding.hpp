// Findings of `git mlv check` and the catalog of rules that produce them.
#pragma once

#include "mlv/util/json.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::checks {

// Ordered by weight: `off` drops a finding, `error` fails the check.
enum class Severity { off, info, warning, error };

std::string_view to_string(Severity severity);

// Parses "off", "info", "warning" or "error"; nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view name);

struct Finding {
    std::string rule; // a rule id from rule_catalog()
    Severity severity = Severity::error;
    std::vector<std::string> paths; // the files involved, the one to fix first
    std::string message;            // one line, lowercase, what disagrees with what
    std::string hint;               // one line: how to fix it; may be empty
    // The values that disagree, by name ({"vocab_size": 32000, "token_id": 32000}).
    Json values = Json::object();
    std::string commit; // the commit checked; empty for the index and the working tree
    // In a range, the commit before the range whose state already had this
    // finding; empty when the finding is new in the range.
    std::string inherited_from;
    // In a range, the later commit of the range whose state no longer has
    // this finding. The finding was an error and is reported as a warning.
    // Empty otherwise.
    std::string fixed_by;

    bool operator==(const Finding& other) const;
};

// The finding as a JSON object: rule, severity, paths, message, and hint,
// values, commit, inherited_from and fixed_by when set.
Json to_json(const Finding& finding);

struct RuleInfo {
    std::string_view id;
    Severity default_severity;
    std::string_view summary; // one line, for SARIF and `check --list-rules`
};

// Every rule, in the order docs/checks.md documents them. A rule whose
// severity depends on the case (vocab-padding, config-invalid) lists the
// more common one, and its summary names the case that gets the other.
const std::vector<RuleInfo>& rule_catalog();

// Returns the catalog entry of `id`, or null when there is no such rule.
const RuleInfo* find_rule(std::string_view id);

} // namespace mlv::checks
