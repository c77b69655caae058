// The command table of git-mlv. Each command lives in its own
// cmd_<name>.cpp, with an options struct holding its defaults, and registers
// itself on the top-level CLI11 app.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlv::cli {

// State shared between run() and the chosen command.
struct CommandContext {
    // The exit status the chosen command set.
    int exit_status = 0;
    // The arguments after the first "--", which run() removes before CLI11
    // parses, for the commands that take paths; nullopt when there is no "--".
    std::optional<std::vector<std::string>> after_separator;
};

using Register = void (*)(CLI::App& app, CommandContext& context);

// Whether run() takes the arguments after "--" out of argv for the command
// to read from CommandContext::after_separator, or leaves them to CLI11.
enum class Separator { command, cli11 };

struct CommandEntry {
    const char* name;
    Register register_command;
    Separator separator;
};

void register_show(CLI::App& app, CommandContext& context);
void register_status(CLI::App& app, CommandContext& context);
void register_check(CLI::App& app, CommandContext& context);
void register_diff(CLI::App& app, CommandContext& context);
void register_log(CLI::App& app, CommandContext& context);
void register_groups(CLI::App& app, CommandContext& context);
void register_report(CLI::App& app, CommandContext& context);
void register_install(CLI::App& app, CommandContext& context);
void register_uninstall(CLI::App& app, CommandContext& context);

// All commands, in the order `git mlv -h` lists them.
const std::vector<CommandEntry>& command_table();

// Parses argv and runs the chosen command; returns the exit status. Catches
// FatalError once and prints "fatal: <message>".
int run(int argc, char** argv);

} // namespace mlv::cli
