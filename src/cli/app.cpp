#include "commands.hpp"
#include "common.hpp"

#include "mlv/util/error.hpp"
#include "mlv/util/term.hpp"

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::cli {

const std::vector<CommandEntry>& command_table() {
    static const std::vector<CommandEntry> table = {
        {"show", register_show, Separator::command},
        {"status", register_status, Separator::cli11},
        {"check", register_check, Separator::command},
        {"diff", register_diff, Separator::command},
        {"log", register_log, Separator::command},
        {"groups", register_groups, Separator::command},
        {"report", register_report, Separator::command},
        {"install", register_install, Separator::cli11},
        {"uninstall", register_uninstall, Separator::cli11},
    };
    return table;
}

namespace {

const CommandEntry* find_command(std::string_view name) {
    for (const auto& entry : command_table()) {
        if (name == entry.name) {
            return &entry;
        }
    }
    return nullptr;
}

// The deepest command CLI11 had entered when the error was raised, or `app`
// before any.
const CLI::App& chosen_command(CLI::App& app) {
    CLI::App* current = &app;
    while (!current->get_subcommands().empty()) {
        current = current->get_subcommands().front();
    }
    return *current;
}

// Rewrites CLI11's message ("The following argument was not expected:
// --bogus", "--format: value 'x' not in {human,json}") as one lowercase line
// without a final period, in Git's style.
std::string usage_problem(const CLI::ParseError& error) {
    std::string message = error.what();
    for (char& c : message) {
        if (c == '\n') {
            c = ' ';
        }
    }
    while (!message.empty() && (message.back() == '.' || message.back() == ' ')) {
        message.pop_back();
    }

    const std::string extras = "argument was not expected: ";
    const std::string extras_plural = "arguments were not expected: ";
    size_t found = message.find(extras);
    size_t skip = extras.size();
    if (found == std::string::npos) {
        found = message.find(extras_plural);
        skip = extras_plural.size();
    }
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr && found != std::string::npos) {
        std::string argument = message.substr(found + skip);
        bool option = !argument.empty() && argument.front() == '-';
        return (option ? "unknown option '" : "unexpected argument '") + argument + "'";
    }
    if (!message.empty() && message.front() >= 'A' && message.front() <= 'Z') {
        message.front() = static_cast<char>(message.front() - 'A' + 'a');
    }
    return message;
}

// Writes the usage error and the command's usage line, as git does, and
// returns the usage exit status.
int usage_error(const std::string& problem, const CLI::App& command) {
    std::cerr << "error: " << term::escape_control(problem) << '\n'
              << "usage: " << synopsis_of(command) << '\n';
    return exit_code::usage;
}

} // namespace

int run(int argc, char** argv) {
    CLI::App app{"git-mlv: version, inspect and check machine-learning model repositories",
                 "git mlv"};
    app.set_version_flag("--version", std::string("git-mlv version ") + MLV_VERSION);
    app.require_subcommand(1);
    app.footer("Run 'git mlv <command> -h' for a command's options.");
    set_synopsis(app, "git mlv [--version] [-h] <command> [<options>] [<arguments>]");

    CommandContext context;
    for (const auto& entry : command_table()) {
        entry.register_command(app, context);
    }

    // Like git: no command prints the usage, an unknown one gets one line.
    if (argc < 2) {
        std::cerr << app.help();
        return exit_code::usage;
    }
    std::string_view first = argv[1];
    const CommandEntry* entry = find_command(first);
    if (!first.empty() && first.front() != '-' && entry == nullptr) {
        std::cerr << "git mlv: '" << first << "' is not a git mlv command, see 'git mlv -h'\n";
        return exit_code::usage;
    }
    // CLI11 would report the missing command before the unknown option.
    bool top_level_flag = first == "-h" || first == "--help" || first == "--version";
    if (!first.empty() && first.front() == '-' && !top_level_flag) {
        return usage_error("unknown option '" + std::string(first) + "'", app);
    }

    // CLI11 swallows "--" and cannot tell the command which arguments came
    // after it, so the commands that take paths get them from the context.
    // NOTE: a "--" meant as the value of an option ("-o --") is taken as the
    // separator too.
    std::vector<char*> arguments(argv, argv + argc);
    if (entry != nullptr && entry->separator == Separator::command) {
        for (size_t i = 2; i < arguments.size(); ++i) {
            if (std::string_view(arguments[i]) == "--") {
                context.after_separator.emplace(arguments.begin() + i + 1, arguments.end());
                arguments.resize(i);
                break;
            }
        }
    }

    try {
        app.parse(static_cast<int>(arguments.size()), arguments.data());
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(usage_problem(e), chosen_command(app));
    } catch (const FatalError& e) {
        if (e.code() == exit_code::usage) {
            return usage_error(e.what(), chosen_command(app));
        }
        std::cerr << "fatal: " << e.what() << '\n';
        return e.code();
    }
    return context.exit_status;
}

} // namespace mlv::cli
