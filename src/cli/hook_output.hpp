// JSON output shared by `git mlv install` and `git mlv uninstall`.
#pragma once

#include "mlv/hooks/install.hpp"
#include "mlv/util/json.hpp"

#include <string>
#include <vector>

namespace mlv::cli {

// Returns {"hooks_dir": ..., "changed": bool, "rejected": bool, "hooks":
// [{"name", "action", "path", "chained_path", "chained", "saved_path"}]}
// (saved_path only when uninstall moved an edited hook there). "changed" is
// false when the command left every file as it was.
template <class Action>
Json hook_outcomes_json(const std::string& hooks_dir,
                        const std::vector<hooks::HookOutcome<Action>>& outcomes, bool rejected) {
    Json hooks_json = Json::array();
    bool changed = false;
    for (const auto& outcome : outcomes) {
        changed = changed || (!rejected && hooks::changes_files(outcome.action));
        Json entry = {
            {"name", std::string(hooks::hook_name(outcome.hook))},
            {"action", std::string(hooks::action_name(outcome.action))},
            {"path", outcome.path},
            {"chained_path", outcome.chained_path},
            {"chained", outcome.chained},
        };
        if (!outcome.saved_path.empty()) {
            entry["saved_path"] = outcome.saved_path;
        }
        hooks_json.push_back(std::move(entry));
    }
    return Json{{"hooks_dir", hooks_dir},
                {"changed", changed},
                {"rejected", rejected},
                {"hooks", hooks_json}};
}

} // namespace mlv::cli
