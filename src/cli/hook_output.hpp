// JSON output shared by `git mlv install` and `git mlv uninstall`.
#pragma once

#include "mlv/hooks/install.hpp"
#include "mlv/util/json.hpp"

#include <string>
#include <vector>

namespace mlv::cli {

// Returns {"hooks_dir": ..., "changed": bool, "rejected": bool, "hooks":
// [{"name", "action", "path", "chained_path", "chained"}]}. "changed" is
// false when the command left every file as it was.
template <class Action>
Json hook_outcomes_json(const std::string& hooks_dir,
                        const std::vector<hooks::HookOutcome<Action>>& outcomes, bool rejected) {
    Json hooks_json = Json::array();
    bool changed = false;
    for (const auto& outcome : outcomes) {
        changed = changed || (!rejected && hooks::changes_files(outcome.action));
        hooks_json.push_back({
            {"name", std::string(hooks::hook_name(outcome.hook))},
            {"action", std::string(hooks::action_name(outcome.action))},
            {"path", outcome.path},
            {"chained_path", outcome.chained_path},
            {"chained", outcome.chained},
        });
    }
    return Json{{"hooks_dir", hooks_dir},
                {"changed", changed},
                {"rejected", rejected},
                {"hooks", hooks_json}};
}

} // namespace mlv::cli
