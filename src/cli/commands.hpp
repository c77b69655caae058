// The command table of git-mlv. Each command lives in its own
// cmd_<name>.cpp, with an options struct holding its defaults, and registers
// itself on the top-level CLI11 app.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace mlv::cli {

// Process-wide results of parsing: the exit status the chosen command set.
struct CommandContext {
    int exit_status = 0;
};

using Register = void (*)(CLI::App& app, CommandContext& context);

struct CommandEntry {
    const char* name;
    Register register_command;
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
