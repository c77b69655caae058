#include "commands.hpp"
#include "common.hpp"

#include "mlv/util/error.hpp"
#include "mlv/util/progress.hpp"
#include "mlv/util/size.hpp"
#include "mlv/util/term.hpp"
#include "mlv/worktree/status.hpp"

#include <iostream>

namespace mlv::cli {
namespace {

struct StatusOptions {
    bool json = false;
};

std::string kind_word(git::ChangeKind kind, worktree::ChangeArea area) {
    if (area == worktree::ChangeArea::untracked) {
        return "new";
    }
    switch (kind) {
    case git::ChangeKind::added:
        return "new file";
    case git::ChangeKind::deleted:
        return "deleted";
    case git::ChangeKind::renamed:
        return "renamed";
    case git::ChangeKind::copied:
        return "copied";
    case git::ChangeKind::type_changed:
        return "typechange";
    case git::ChangeKind::modified:
        return "modified";
    }
    return "modified";
}

// Paths as printed in the human listing, quoted as Git quotes them.
struct DisplayPaths {
    term::QuoteHighBytes quoting = term::QuoteHighBytes::yes;

    std::string of(const worktree::ArtifactChange& change) const {
        std::string path = term::quote_path(change.diff.path, quoting);
        if (change.diff.kind == git::ChangeKind::renamed ||
            change.diff.kind == git::ChangeKind::copied) {
            return term::quote_path(change.diff.old_path, quoting) + " -> " + path;
        }
        return path;
    }
    std::string of(const artifacts::Artifact& artifact) const {
        return term::quote_path(artifact.path, quoting);
    }
};

size_t path_width(const worktree::StatusReport& report, const DisplayPaths& paths) {
    size_t width = 0;
    for (const auto& change : report.changes) {
        width = std::max(width, paths.of(change).size());
    }
    for (const auto& artifact : report.lfs_missing) {
        width = std::max(width, paths.of(artifact).size());
    }
    return std::min<size_t>(width, 60);
}

std::string pad(const std::string& text, size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

// The kind of change and what changed, with the kind named once:
// "deleted: safetensors, 4.00 GB", "renamed: content unchanged".
std::string change_line(const worktree::ArtifactChange& change) {
    std::string line = kind_word(change.diff.kind, change.area);
    std::string detail = change.diff.change_detail();
    if (!detail.empty()) {
        line += ": " + detail;
    }
    return line;
}

void print_section(const worktree::StatusReport& report, const DisplayPaths& paths,
                   worktree::ChangeArea area, const std::string& title, term::Color color,
                   bool use_color) {
    size_t width = path_width(report, paths);
    bool printed_title = false;
    for (const auto& change : report.changes) {
        if (change.area != area) {
            continue;
        }
        if (!printed_title) {
            std::cout << title << ":\n";
            printed_title = true;
        }
        std::cout << "  " << term::paint(pad(paths.of(change), width), color, use_color) << "  "
                  << pad(std::string(artifacts::to_string(change.diff.role)), 9) << "  "
                  << change_line(change) << '\n';
    }
    if (printed_title) {
        std::cout << '\n';
    }
}

void print_human(const worktree::StatusReport& report, const DisplayPaths& paths) {
    bool color = term::use_color(term::Stream::out);
    if (report.changes.empty() && report.lfs_missing.empty()) {
        std::cout << "nothing changed in the model artifacts\n";
        return;
    }
    print_section(report, paths, worktree::ChangeArea::staged, "Changes to be committed",
                  term::Color::green, color);
    print_section(report, paths, worktree::ChangeArea::unstaged, "Changes not staged for commit",
                  term::Color::red, color);
    print_section(report, paths, worktree::ChangeArea::untracked, "Untracked artifacts",
                  term::Color::red, color);
    if (!report.lfs_missing.empty()) {
        size_t width = path_width(report, paths);
        std::cout << "LFS objects not present locally (run 'git lfs pull' to fetch them):\n";
        for (const auto& artifact : report.lfs_missing) {
            std::cout << "  "
                      << term::paint(pad(paths.of(artifact), width), term::Color::yellow, color)
                      << "  " << pad(std::string(artifacts::to_string(artifact.role)), 9) << "  "
                      << format_size(artifact.size) << '\n';
        }
    }
}

int run_status(const StatusOptions& options) {
    auto repo = open_repository();
    if (repo.is_bare()) {
        throw FatalError("this operation must be run in a work tree", exit_code::git_error);
    }
    auto cache = open_cache(repo);
    artifacts::Loader loader(repo, *cache, load_role_patterns(repo));
    auto report = value_or_die(worktree::compute_status(repo, loader));
    print_loader_warnings(loader);

    if (options.json) {
        print_json(worktree::to_json(report));
    } else {
        print_human(report, DisplayPaths{path_quoting(repo)});
    }
    for (const auto& problem : report.problems) {
        print_error(problem);
    }
    return report.problems.empty() ? exit_code::ok : exit_code::failure;
}

} // namespace

void register_status(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<StatusOptions>();
    auto* command = app.add_subcommand(
        "status", "Show what changed per artifact in the index and the working tree, in words");
    set_synopsis(*command, "git mlv status [<options>]");
    command->add_flag("--json", options->json, "Write one JSON object with a 'changes' array");
    add_verbose_flag(*command);
    add_progress_flags(*command);
    command->footer("Exit status: 0, or 1 when a changed file is malformed, 128 on a Git error.");
    command->callback([options, &context] { context.exit_status = run_status(*options); });
}

} // namespace mlv::cli
