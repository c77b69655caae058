#include "common.hpp"

#include "mlv/checks/config.hpp"
#include "mlv/util/error.hpp"
#include "mlv/util/file.hpp"
#include "mlv/util/progress.hpp"
#include "mlv/util/term.hpp"
#include "mlv/util/trace.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace mlv::cli {
namespace {

// CLI11's help formatter with the command's own usage line in place of the
// generated "Usage: git mlv show [OPTIONS] [arguments...]".
class SynopsisFormatter : public CLI::Formatter {
  public:
    explicit SynopsisFormatter(std::string synopsis) : synopsis_(std::move(synopsis)) {}

    std::string make_usage(const CLI::App*, std::string) const override {
        return "Usage: " + synopsis_ + "\n";
    }

    const std::string& synopsis() const { return synopsis_; }

  private:
    std::string synopsis_;
};

// "one", "two", or the digits, for "takes at most two revisions".
std::string count_word(size_t count) {
    if (count == 1) {
        return "one";
    }
    if (count == 2) {
        return "two";
    }
    return std::to_string(count);
}

Error ambiguous_argument(const std::string& argument, const std::string& problem,
                         const ArgumentRules& rules) {
    std::string revisions = rules.max_revisions == 1 ? "[<revision>]" : "[<revision>...]";
    return make_error("ambiguous argument '" + argument + "': " + problem +
                          "\nUse '--' to separate paths from revisions, like this:\n'git mlv " +
                          rules.command + " " + revisions + " -- [<path>...]'",
                      exit_code::git_error);
}

} // namespace

namespace {

// Reads Git's colour setting: color.mlv, else color.ui. As in Git, "true"
// and "auto" mean colour on a terminal only.
void apply_color_config(const git::Repository& repo) {
    auto value = repo.config_string("color.mlv");
    if (!value) {
        value = repo.config_string("color.ui");
    }
    if (!value) {
        return;
    }

    if (*value == "always") {
        term::set_color_mode(term::ColorMode::always);
    } else if (*value == "never" || *value == "false" || *value == "no" || *value == "off" ||
               *value == "0") {
        term::set_color_mode(term::ColorMode::never);
    } else {
        term::set_color_mode(term::ColorMode::automatic);
    }
}

Error outside_repository(const std::string& argument, const std::string& workdir) {
    std::string top = workdir;
    if (top.size() > 1 && top.back() == '/') {
        top.pop_back();
    }
    return make_error("'" + argument + "' is outside the repository at '" + top + "'",
                      exit_code::git_error);
}

// The folder of the work tree that the process runs in, relative to the top
// with a trailing '/'; "" at the top, in a bare repository, or outside the
// work tree (in the Git directory).
std::string current_prefix(const git::Repository& repo) {
    if (repo.is_bare() || repo.workdir().empty()) {
        return "";
    }
    std::error_code error;
    auto current = std::filesystem::current_path(error);
    if (error) {
        return "";
    }
    auto top = std::filesystem::weakly_canonical(repo.workdir(), error);
    if (error) {
        return "";
    }
    std::string relative = current.lexically_relative(top).generic_string();
    if (relative.empty() || relative == "." || relative.starts_with("..")) {
        return "";
    }
    return relative + "/";
}

} // namespace

git::Repository open_repository() {
    auto repo = git::Repository::discover(".");
    if (!repo) {
        throw FatalError(repo.error());
    }
    apply_color_config(*repo);
    return std::move(repo).value();
}

bool cache_disabled() {
    const char* disabled = std::getenv("GIT_MLV_NO_CACHE");
    return disabled != nullptr && *disabled != '\0';
}

std::unique_ptr<store::Cache> open_cache(const git::Repository& repo) {
    if (cache_disabled()) {
        return std::make_unique<store::Cache>("");
    }
    return std::make_unique<store::Cache>(repo.common_dir() + "mlv");
}

std::vector<artifacts::RolePattern> load_role_patterns(const git::Repository& repo) {
    if (repo.is_bare()) {
        return {};
    }
    auto text = read_file(repo.workdir() + std::string(checks::config_file_name), 16 << 20);
    if (!text) {
        return {};
    }
    return checks::parse_config(*text).config.roles;
}

void set_synopsis(CLI::App& command, std::string synopsis) {
    command.formatter(std::make_shared<SynopsisFormatter>(std::move(synopsis)));
}

std::string synopsis_of(const CLI::App& command) {
    // A subcommand starts with its parent's formatter, so the parent's
    // synopsis counts only on the parent itself.
    auto formatter = std::dynamic_pointer_cast<SynopsisFormatter>(command.get_formatter());
    const CLI::App* parent = command.get_parent();
    bool inherited = parent != nullptr && parent->get_formatter() == command.get_formatter();
    if (formatter != nullptr && !inherited) {
        return formatter->synopsis();
    }
    return "git mlv " + command.get_name() + " [<options>]";
}

std::vector<std::string> revision_endpoints(const std::string& argument, RangeSyntax ranges) {
    if (ranges == RangeSyntax::rejected) {
        return {argument};
    }
    if (argument.starts_with("^")) {
        return {argument.substr(1)};
    }
    size_t dots = argument.find("..");
    if (dots == std::string::npos) {
        return {argument};
    }
    size_t width = argument.compare(dots, 3, "...") == 0 ? 3 : 2;
    std::string left = argument.substr(0, dots);
    std::string right = argument.substr(dots + width);
    return {left.empty() ? "HEAD" : left, right.empty() ? "HEAD" : right};
}

Result<RevisionsAndPaths>
split_arguments(const std::vector<std::string>& arguments,
                const std::optional<std::vector<std::string>>& after_separator,
                const ArgumentRules& rules,
                const std::function<bool(const std::string&)>& is_revision,
                const std::function<bool(const std::string&)>& is_path) {
    RevisionsAndPaths split;
    if (after_separator) {
        for (const auto& argument : arguments) {
            if (!is_revision(argument)) {
                return make_error("bad revision '" + argument + "'", exit_code::git_error);
            }
        }
        split.revisions = arguments;
        split.paths = *after_separator;
    } else if (rules.max_revisions == 0) {
        split.paths = arguments;
    } else {
        // Like git: revisions come first, and the first argument that is not
        // a revision starts the paths. Each path must exist, so that a
        // mistyped revision is not taken for a path that matches nothing.
        bool in_paths = false;
        for (const auto& argument : arguments) {
            bool revision = !in_paths && is_revision(argument);
            if (revision && rules.paths == PathArguments::accepted && is_path(argument)) {
                return ambiguous_argument(argument, "both revision and filename", rules);
            }
            if (revision) {
                split.revisions.push_back(argument);
                continue;
            }
            if (rules.paths == PathArguments::rejected) {
                return make_error("unknown revision '" + argument + "'", exit_code::git_error);
            }
            if (!is_path(argument)) {
                return ambiguous_argument(
                    argument, "unknown revision or path not in the working tree", rules);
            }
            in_paths = true;
            split.paths.push_back(argument);
        }
    }

    if (split.revisions.size() > rules.max_revisions) {
        std::string limit = rules.max_revisions == 0
                                ? "takes no revision"
                                : "takes at most " + count_word(rules.max_revisions) +
                                      (rules.max_revisions == 1 ? " revision" : " revisions");
        return make_error("too many revisions: 'git mlv " + rules.command + "' " + limit,
                          exit_code::usage);
    }
    if (!split.paths.empty() && rules.paths == PathArguments::rejected) {
        return make_error("unexpected path '" + split.paths.front() + "': 'git mlv " +
                              rules.command + "' takes no paths",
                          exit_code::usage);
    }
    return split;
}

Result<std::string> path_from_top(const std::string& workdir, const std::string& prefix,
                                  const std::string& argument) {
    std::string joined = prefix + argument;
    if (argument.starts_with("/")) {
        // workdir ends with '/', so "/repo" and "/repo/x" match, "/repository" does not.
        std::string with_slash = argument.ends_with("/") ? argument : argument + "/";
        if (workdir.empty() || !with_slash.starts_with(workdir)) {
            return outside_repository(argument, workdir);
        }
        joined = argument.substr(std::min(workdir.size(), argument.size()));
    }

    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= joined.size()) {
        size_t end = joined.find('/', start);
        if (end == std::string::npos) {
            end = joined.size();
        }
        std::string part = joined.substr(start, end - start);
        if (part == "..") {
            if (parts.empty()) {
                return outside_repository(argument, workdir);
            }
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = end + 1;
    }

    if (parts.empty()) {
        return std::string(".");
    }
    std::string path = parts.front();
    for (size_t i = 1; i < parts.size(); ++i) {
        path += "/" + parts[i];
    }
    return path;
}

RevisionsAndPaths resolve_arguments(const git::Repository& repo,
                                    const std::vector<std::string>& arguments,
                                    const std::optional<std::vector<std::string>>& after_separator,
                                    const ArgumentRules& rules) {
    auto is_revision = [&](const std::string& argument) {
        for (const auto& endpoint : revision_endpoints(argument, rules.ranges)) {
            if (endpoint.empty() || !repo.resolve_commit(endpoint)) {
                return false;
            }
        }
        return true;
    };
    // Any kind of file counts, directories and dangling symlinks included,
    // as for git's own check.
    const std::string prefix = current_prefix(repo);
    auto is_path = [&](const std::string& argument) {
        if (argument.empty() || repo.is_bare()) {
            return false;
        }
        auto path = path_from_top(repo.workdir(), prefix, argument);
        if (!path) {
            return false;
        }
        std::error_code error;
        auto status = std::filesystem::symlink_status(repo.workdir() + *path, error);
        return !error && std::filesystem::exists(status);
    };

    auto split =
        value_or_die(split_arguments(arguments, after_separator, rules, is_revision, is_path));
    for (const auto& path : split.paths) {
        split.paths_from_top.push_back(value_or_die(path_from_top(repo.workdir(), prefix, path)));
    }
    return split;
}

ArgumentRules range_rules(std::string command) {
    ArgumentRules rules;
    rules.command = std::move(command);
    rules.max_revisions = 1;
    rules.ranges = RangeSyntax::accepted;
    rules.paths = PathArguments::rejected;
    return rules;
}

void print_loader_warnings(const artifacts::Loader& loader) {
    for (const auto& warning : loader.warnings()) {
        print_warning(warning);
    }
}

term::QuoteHighBytes path_quoting(const git::Repository& repo) {
    auto value = repo.config_string("core.quotePath");
    if (!value) {
        return term::QuoteHighBytes::yes;
    }
    std::string lower;
    for (char c : *value) {
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    // Git's spellings of false, except the empty value, which libgit2 does
    // not tell apart from a key without a value (true for Git).
    bool off = lower == "false" || lower == "no" || lower == "off" || lower == "0";
    return off ? term::QuoteHighBytes::no : term::QuoteHighBytes::yes;
}

void add_verbose_flag(CLI::App& command) {
    command.add_flag_callback(
        "-v,--verbose", [] { trace::set_enabled(true); },
        "Print debug lines on stderr (same as GIT_MLV_TRACE=1)");
}

void add_progress_flags(CLI::App& command) {
    auto* on = command.add_flag_callback(
        "--progress", [] { progress::set_enabled(true); },
        "Show progress on stderr while hashing large files, even when stderr is not a terminal");
    auto* off = command.add_flag_callback(
        "--no-progress", [] { progress::set_enabled(false); }, "Never show progress");
    on->excludes(off);
}

void print_json(const Json& value) {
    // error_handler::replace keeps invalid UTF-8 from a model file from
    // aborting the output.
    std::cout << value.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

void print_error(const std::string& message) {
    std::cerr << "error: " << term::escape_control(message) << '\n';
}

void print_warning(const std::string& message) {
    std::cerr << "warning: " << term::escape_control(message) << '\n';
}

} // namespace mlv::cli
