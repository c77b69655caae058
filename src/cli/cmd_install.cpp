// git mlv install: writes git-mlv's pre-commit and pre-push hooks into the
// repository's hooks directory, chaining the hooks already there.
#include "commands.hpp"
#include "common.hpp"
#include "hook_output.hpp"

#include "mlv/hooks/install.hpp"
#include "mlv/util/error.hpp"

#include <iostream>

namespace mlv::cli {
namespace {

struct InstallOptions {
    bool force = false;
    bool json = false;
};

std::string describe(const hooks::InstallOutcome& outcome) {
    std::string name(hooks::hook_name(outcome.hook));
    switch (outcome.action) {
    case hooks::InstallAction::installed:
        return "installed '" + outcome.path + "'";
    case hooks::InstallAction::chained:
        return "installed '" + outcome.path + "'; the previous " + name + " hook, saved as '" +
               outcome.chained_path + "', runs after it";
    case hooks::InstallAction::replaced_copy:
        return "installed '" + outcome.path + "' over a copy of '" + outcome.chained_path +
               "', which runs after it";
    case hooks::InstallAction::replaced_modified:
        return "replaced the modified git-mlv hook '" + outcome.path + "'";
    case hooks::InstallAction::unchanged:
        return "'" + outcome.path + "' is already installed";
    case hooks::InstallAction::rejected_modified:
        return "'" + outcome.path +
               "' is a git-mlv hook changed since it was installed; rerun with --force to "
               "replace it";
    case hooks::InstallAction::rejected_conflict:
        return "both '" + outcome.path + "' and '" + outcome.chained_path +
               "' exist and differ; merge them into '" + outcome.chained_path + "', delete '" +
               outcome.path + "' and rerun";
    }
    return "";
}

int run_install(const InstallOptions& options) {
    git::Repository repo = open_repository();
    std::string dir = hooks::hooks_dir(repo);
    hooks::Force force = options.force ? hooks::Force::yes : hooks::Force::no;
    std::vector<hooks::InstallOutcome> outcomes = value_or_die(hooks::install_hooks(dir, force));

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
        } else if (!rejected) {
            std::cout << describe(outcome) << '\n';
        }
    }
    if (rejected) {
        print_error("no hook was installed");
        return exit_code::failure;
    }
    return exit_code::ok;
}

} // namespace

void register_install(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<InstallOptions>();
    auto* command = app.add_subcommand(
        "install", "Install the pre-commit and pre-push hooks that run 'git mlv check'");
    set_synopsis(*command, "git mlv install [<options>]");
    command->footer("Hooks already in place are renamed to <hook>.mlv-chained and run after "
                    "git-mlv's; 'git mlv uninstall' renames them back.");
    command->add_flag("--force", options->force,
                      "Replace git-mlv hooks that were changed since they were installed");
    command->add_flag("--json", options->json, "Print what was done as JSON");
    add_verbose_flag(*command);
    command->callback([options, &context] { context.exit_status = run_install(*options); });
}

} // namespace mlv::cli
