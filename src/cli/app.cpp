#include "commands.hpp"

#include "mlv/util/error.hpp"

#include <iostream>

namespace mlv::cli {

const std::vector<CommandEntry>& command_table() {
    static const std::vector<CommandEntry> table = {
        {"show", register_show},
        {"status", register_status},
        {"check", register_check},
        {"diff", register_diff},
        {"log", register_log},
        {"groups", register_groups},
        {"report", register_report},
        {"install", register_install},
        {"uninstall", register_uninstall},
    };
    return table;
}

int run(int argc, char** argv) {
    CLI::App app{"git-mlv: version, inspect and check machine-learning model repositories",
                 "git mlv"};
    app.set_version_flag("--version", std::string("git-mlv version ") + MLV_VERSION);
    app.require_subcommand(1);
    app.footer("Run 'git mlv <command> -h' for a command's options.");

    CommandContext context;
    for (const auto& entry : command_table()) {
        entry.register_command(app, context);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return exit_code::usage;
    } catch (const FatalError& e) {
        std::cerr << "fatal: " << e.what() << '\n';
        return e.code();
    }
    return context.exit_status;
}

} // namespace mlv::cli
