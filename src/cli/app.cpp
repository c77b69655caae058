#include "commands.hpp"

#include "mlv/util/error.hpp"

#include <iostream>
#include <string>
#include <string_view>

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

namespace {

bool is_command(std::string_view name) {
    for (const auto& entry : command_table()) {
        if (name == entry.name) {
            return true;
        }
    }
    return false;
}

// "git mlv show" for the deepest command CLI11 had entered when the error
// was raised, "git mlv" before any.
std::string command_path(CLI::App& app) {
    std::string path = "git mlv";
    CLI::App* current = &app;
    while (current != nullptr && !current->get_subcommands().empty()) {
        current = current->get_subcommands().front();
        path += " " + current->get_name();
    }
    return path;
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

// Writes the one-line usage error and returns the usage exit status.
int usage_error(const std::string& problem, const std::string& command) {
    std::cerr << "error: " << problem << ", see '" << command << " -h'\n";
    return exit_code::usage;
}

} // namespace

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

    // Like git: no command prints the usage, an unknown one gets one line.
    if (argc < 2) {
        std::cerr << app.help();
        return exit_code::usage;
    }
    std::string_view first = argv[1];
    if (!first.empty() && first.front() != '-' && !is_command(first)) {
        std::cerr << "git mlv: '" << first << "' is not a git mlv command, see 'git mlv -h'\n";
        return exit_code::usage;
    }
    // CLI11 would report the missing command before the unknown option.
    bool top_level_flag = first == "-h" || first == "--help" || first == "--version";
    if (!first.empty() && first.front() == '-' && !top_level_flag) {
        return usage_error("unknown option '" + std::string(first) + "'", "git mlv");
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
        return usage_error(usage_problem(e), command_path(app));
    } catch (const FatalError& e) {
        std::cerr << "fatal: " << e.what() << '\n';
        return e.code();
    }
    return context.exit_status;
}

} // namespace mlv::cli
