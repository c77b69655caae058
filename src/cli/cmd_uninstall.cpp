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

// One line per hook that uninstalling changed or left in a conflict; empty
// for a hook git-mlv had not installed.
std::string describe(const hooks::UninstallOutcome& outcome) {
    switch (outcome.action) {
    case hooks::UninstallAction::removed:
        return "removed '" + outcome.path + "'";
    case hooks::UninstallAction::restored:
        return "restored '" + outcome.path + "' from '" + outcome.chained_path + "'";
    case hooks::UninstallAction::removed_copy:
        return "removed '" + outcome.chained_path + "', a copy of '" + outcome.path + "'";
    case hooks::UninstallAction::saved_modified:
        return "moved '" + outcome.path + "', edited since it was installed, to '" +
               outcome.saved_path + "'" +
               (outcome.restored
                    ? " and restored '" + outcome.path + "' from '" + outcome.chained_path + "'"
                    : "");
    case hooks::UninstallAction::left_conflict:
        return "left '" + outcome.path + "' and '" + outcome.chained_path +
               "' as they are: they differ and neither is git-mlv's hook; keep one by hand";
    case hooks::UninstallAction::not_installed:
        return "";
    }
    return "";
}

int run_uninstall(const UninstallOptions& options) {
    git::Repository repo = open_repository();
    std::string dir = hooks::hooks_dir(repo);
    std::vector<hooks::UninstallOutcome> outcomes = value_or_die(hooks::uninstall_hooks(dir));

    if (options.json) {
        print_json(hook_outcomes_json(dir, outcomes, false));
        return exit_code::ok;
    }

    bool changed = false;
    for (const auto& outcome : outcomes) {
        changed = changed || hooks::changes_files(outcome.action);
        if (outcome.action == hooks::UninstallAction::left_conflict) {
            print_warning(describe(outcome));
        } else if (hooks::changes_files(outcome.action)) {
            std::cout << describe(outcome) << '\n';
        }
        // The edited hook may have been the only one running git-lfs (the
        // lines `git lfs update --manual` suggests), and it is gone now.
        if (outcome.action == hooks::UninstallAction::saved_modified && !outcome.restored &&
            outcome.hook == hooks::Hook::pre_push) {
            std::cout << "hint: if '" << outcome.saved_path
                      << "' ran git-lfs, run 'git lfs update' to write git-lfs's pre-push again\n";
        }
    }
    if (!changed) {
        std::cout << "git-mlv's hooks are not installed in '" << dir << "'; nothing to do\n";
    }
    return exit_code::ok;
}

} // namespace

void register_uninstall(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<UninstallOptions>();
    auto* command = app.add_subcommand("uninstall",
                                       "Remove git-mlv's hooks and restore the hooks they chained");
    set_synopsis(*command, "git mlv uninstall [<options>]");
    command->footer("A hook git-mlv did not write is never deleted. A git-mlv hook edited since "
                    "install is moved to <hook>.mlv-saved, and the hook it chained is put back.");
    command->add_flag("--json", options->json, "Print what was done as JSON");
    add_verbose_flag(*command);
    command->callback([options, &context] { context.exit_status = run_uninstall(*options); });
}

} // namespace mlv::cli
