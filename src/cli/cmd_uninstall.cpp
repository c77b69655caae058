// git mlv uninstall: removes git-mlv's hooks and puts back the hooks that
// `git mlv install` chained.
#include "commands.hpp"
#include "common.hpp"
#include "hook_output.hpp"

#include "mlv/hooks/install.hpp"
#include "mlv/util/error.hpp"

#include <iostream>

namespace mlv::cli {
namespace {

struct UninstallOptions {
    bool json = false;
};

std::string describe(const hooks::UninstallOutcome& outcome) {
    switch (outcome.action) {
    case hooks::UninstallAction::removed:
        return "removed '" + outcome.path + "'";
    case hooks::UninstallAction::restored:
        return "restored '" + outcome.path + "' from '" + outcome.chained_path + "'";
    case hooks::UninstallAction::removed_copy:
        return "removed '" + outcome.chained_path + "', a copy of '" + outcome.path + "'";
    case hooks::UninstallAction::not_installed:
        return "'" + outcome.path + "' is not a git-mlv hook; left as it is";
    case hooks::UninstallAction::rejected_modified:
        return "'" + outcome.path +
               "' is a git-mlv hook changed since it was installed; remove it by hand";
    case hooks::UninstallAction::rejected_conflict:
        return "both '" + outcome.path + "' and '" + outcome.chained_path +
               "' exist and differ, and neither is git-mlv's; keep one by hand";
    }
    return "";
}

int run_uninstall(const UninstallOptions& options) {
    git::Repository repo = open_repository();
    std::string dir = hooks::hooks_dir(repo);
    std::vector<hooks::UninstallOutcome> outcomes = value_or_die(hooks::uninstall_hooks(dir));

    bool rejected = false;
    for (const auto& outcome : outcomes) {
        rejected = rejected || hooks::is_rejection(outcome.action);
    }

    if (options.json) {
        print_json(hook_outcomes_json(dir, outcomes, rejected));
        return rejected ? exit_code::failure : exit_code::ok;
    }
    for (const auto& outcome : outcomes) {
        if (hooks::is_rejection(outcome.action)) {
            print_error(describe(outcome));
        } else if (!rejected && hooks::changes_files(outcome.action)) {
            std::cout << describe(outcome) << '\n';
        }
    }
    if (rejected) {
        print_error("no hook was removed");
        return exit_code::failure;
    }
    return exit_code::ok;
}

} // namespace

void register_uninstall(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<UninstallOptions>();
    auto* command = app.add_subcommand("uninstall",
                                       "Remove git-mlv's hooks and restore the hooks they chained");
    command->footer("A hook git-mlv did not write is never deleted.");
    command->add_flag("--json", options->json, "Print what was done as JSON");
    add_verbose_flag(*command);
    command->callback([options, &context] { context.exit_status = run_uninstall(*options); });
}

} // namespace mlv::cli
