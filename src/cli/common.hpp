// Helpers shared by the commands: opening the repository, splitting
// revisions from paths, usage lines, printing.
#pragma once

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/git/repository.hpp"
#include "mlv/store/cache.hpp"
#include "mlv/util/json.hpp"
#include "mlv/util/term.hpp"

#include <CLI/CLI.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

// Sets the usage line that `git mlv <command> -h` prints and usage errors
// repeat, for example "git mlv show [<options>] [<revision>] [--] [<path>...]".
void set_synopsis(CLI::App& command, std::string synopsis);

// Returns the usage line set by set_synopsis(), or "git mlv <name>
// [<options>]" for a command that has none.
std::string synopsis_of(const CLI::App& command);

// Whether a command reads "A..B", "A...B" and "^A" as revisions.
enum class RangeSyntax { accepted, rejected };

// Whether a command takes paths after its revisions.
enum class PathArguments { accepted, rejected };

// The arguments that a command accepts, for split_arguments().
struct ArgumentRules {
    std::string command;      // as messages name it: "show", "show --staged"
    size_t max_revisions = 1; // 0: every argument is a path
    RangeSyntax ranges = RangeSyntax::rejected;
    PathArguments paths = PathArguments::accepted;
};

// The positional arguments of a command, split into revisions and paths.
struct RevisionsAndPaths {
    std::vector<std::string> revisions; // as given, in order
    std::vector<std::string> paths;     // as given, in order
    // `paths` relative to the top of the work tree, "." for the top itself;
    // filled by resolve_arguments() only.
    std::vector<std::string> paths_from_top;
};

// Lists the commits that `argument` names the ends of: {"A", "B"} for "A..B"
// and "A...B" (an empty end is HEAD), {"A"} for "^A", else {argument}. With
// RangeSyntax::rejected it is always {argument}.
std::vector<std::string> revision_endpoints(const std::string& argument, RangeSyntax ranges);

// Splits `arguments` (those before "--") and `after_separator` (those after
// it, nullopt when there was no "--") into revisions and paths with Git's
// rules:
// - With "--", the arguments before it are revisions and must all satisfy
//   `is_revision`; the arguments after it are paths, not checked.
// - Without "--", leading arguments that satisfy `is_revision` are revisions,
//   and the first one that does not, and every one after it, is a path that
//   must satisfy `is_path`. An argument that is both is ambiguous.
// - With max_revisions 0, every argument before "--" is a path, not checked.
// Fails with code 128 on an unknown or ambiguous argument. When the command
// takes paths, that message ends with Git's two lines on using "--". Fails
// with code 129 when there are more revisions than `rules` allow, or paths
// that it rejects.
Result<RevisionsAndPaths>
split_arguments(const std::vector<std::string>& arguments,
                const std::optional<std::vector<std::string>>& after_separator,
                const ArgumentRules& rules,
                const std::function<bool(const std::string&)>& is_revision,
                const std::function<bool(const std::string&)>& is_path);

// Returns `argument`, a path given in the folder `prefix` of the work tree,
// as a path relative to the top. `prefix` is relative to the top with a
// trailing '/', or "" for the top. For example "../config.json" in "eval/"
// gives "config.json", and the top itself gives ".". An absolute `argument`
// must lie in `workdir`. Fails with code 128 when the path leads outside the
// work tree.
Result<std::string> path_from_top(const std::string& workdir, const std::string& prefix,
                                  const std::string& argument);

// Runs split_arguments() with revisions looked up in `repo`, where every end
// of a range must name a commit, and paths looked up in its work tree,
// relative to the current directory as git reads them. Throws FatalError when
// the arguments are invalid. In a bare repository no argument is a path
// unless it comes after "--", and paths are relative to the top.
RevisionsAndPaths resolve_arguments(const git::Repository& repo,
                                    const std::vector<std::string>& arguments,
                                    const std::optional<std::vector<std::string>>& after_separator,
                                    const ArgumentRules& rules);

// The rules of the commands that walk one revision or A..B range and take no
// paths (log, groups, report).
ArgumentRules range_rules(std::string command);

// Prints each of `loader`'s warnings as "warning: <message>" on stderr.
void print_loader_warnings(const artifacts::Loader& loader);

// How human output quotes paths, following core.quotePath of `repo` (true
// unless set to false): see term::quote_path.
term::QuoteHighBytes path_quoting(const git::Repository& repo);

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
