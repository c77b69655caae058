// git mlv report: writes the lifecycle report, one self-contained HTML file.
#include "commands.hpp"
#include "common.hpp"

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/checks/groups.hpp"
#include "mlv/lifecycle/groups.hpp"
#include "mlv/lifecycle/history.hpp"
#include "mlv/lifecycle/report.hpp"
#include "mlv/util/error.hpp"
#include "mlv/util/file.hpp"
#include "mlv/util/text.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

namespace mlv::cli {
namespace {

struct ReportCommandOptions {
    std::string range = "HEAD";
    std::vector<std::string> given_range; // the range as given, empty for the default
    std::string output = "mlv-report.html";
};

// The name shown in the report's title: the work tree's directory, or the
// Git directory's for a bare repository.
std::string repository_name(const git::Repository& repo) {
    std::string top = repo.is_bare() ? repo.git_dir() : repo.workdir();
    while (top.size() > 1 && top.back() == '/') {
        top.pop_back();
    }
    const std::string name = std::filesystem::path(top).filename().string();
    return name.empty() ? top : name;
}

// Rejects an output path whose directory does not exist or is not one,
// before the history walk: like git, the report creates no directories.
Result<void> check_output_directory(const std::string& output) {
    const std::filesystem::path parent = std::filesystem::path(output).parent_path();
    struct stat status {};
    int error = 0;
    if (::stat(parent.empty() ? "." : parent.c_str(), &status) != 0) {
        error = errno;
    } else if (!S_ISDIR(status.st_mode)) {
        error = ENOTDIR;
    }
    if (error != 0) {
        return make_error("cannot write '" + output + "': " + std::strerror(error),
                          exit_code::git_error);
    }
    return {};
}

int run_report(const ReportCommandOptions& options, const CommandContext& context) {
    if (options.output != "-") {
        check_or_die(check_output_directory(options.output));
    }
    git::Repository repo = open_repository();
    resolve_arguments(repo, options.given_range, context.after_separator, range_rules("report"));
    auto cache = open_cache(repo);
    artifacts::Loader loader(repo, *cache);
    const auto history = value_or_die(lifecycle::classify_history(repo, loader, options.range));
    cache->flush();
    print_loader_warnings(loader);

    const auto groups = lifecycle::mine_groups(history, checks::builtin_groups());
    const std::string html =
        lifecycle::render_report(history, groups, {repository_name(repo), options.range});

    if (options.output == "-") {
        std::cout << html;
        return exit_code::ok;
    }
    check_or_die(write_file_atomic(options.output, html));
    std::cout << "wrote '" << options.output << "' (" << text::count_noun(history.size(), "commit")
              << ")\n";
    return exit_code::ok;
}

} // namespace

void register_report(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ReportCommandOptions>();
    auto* command = app.add_subcommand(
        "report", "Write an HTML report of the repository's lifecycle and co-edit groups");
    set_synopsis(*command, "git mlv report [<options>] [<revision-range>]");
    command->footer("The report is one HTML file with inline SVG and CSS; it loads nothing "
                    "from the network and needs no scripts. docs/report.md describes it.");
    auto* range =
        command->add_option("range", options->range, "Revision or range A..B to report on")
            ->capture_default_str();
    command->add_option("-o,--output", options->output, "Output file, or '-' for stdout")
        ->capture_default_str();
    add_verbose_flag(*command);
    command->callback([options, range, &context] {
        options->given_range = range->results();
        context.exit_status = run_report(*options, context);
    });
}

} // namespace mlv::cli
