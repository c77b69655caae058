// Helpers shared by the commands: opening the repository, printing.
#pragma once

#include "mlv/artifacts/role.hpp"
#include "mlv/git/repository.hpp"
#include "mlv/store/cache.hpp"
#include "mlv/util/json.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace mlv::cli {

// Opens the repository around the current directory, or throws FatalError
// with Git's "not a git repository" message and exit status 128.
git::Repository open_repository();

// Returns whether GIT_MLV_NO_CACHE is set (to anything but the empty string).
bool cache_disabled();

// The metadata cache of `repo`; disabled when GIT_MLV_NO_CACHE is set.
std::unique_ptr<store::Cache> open_cache(const git::Repository& repo);

// The role patterns of .mlv.json at the top of the work tree; none when the
// file is absent. Problems in the file are left to `git mlv check`.
std::vector<artifacts::RolePattern> load_role_patterns(const git::Repository& repo);

// Adds -v/--verbose, which turns on trace output, to a command.
void add_verbose_flag(CLI::App& command);

// Adds --progress and --no-progress, which force the progress meter on or off
// (by default it is drawn only when stderr is a terminal), to a command.
void add_progress_flags(CLI::App& command);

// Writes `value` to stdout as indented JSON followed by a newline.
void print_json(const Json& value);

// Writes "error: <message>" or "warning: <message>" to stderr.
void print_error(const std::string& message);
void print_warning(const std::string& message);

} // namespace mlv::cli
