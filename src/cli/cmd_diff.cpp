// git mlv diff: what changed inside model files, between two states chosen
// like git diff chooses them.
#include "commands.hpp"
#include "common.hpp"

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/lifecycle/diff.hpp"
#include "mlv/util/error.hpp"
#include "mlv/util/term.hpp"

#include <iostream>
#include <set>

namespace mlv::cli {
namespace {

struct DiffCommandOptions {
    std::vector<std::string> arguments; // revisions, then paths, before any "--"
    bool staged = false;
    bool json = false;
};

// The revisions and paths of the command line, split with git diff's rules
// (see resolve_arguments()), with each "A..B" given as its two ends.
struct DiffRequest {
    std::vector<std::string> revisions; // resolved commit ids
    std::vector<std::string> labels;    // as given
    std::vector<std::string> paths;
};

DiffRequest parse_request(const git::Repository& repo, const std::vector<std::string>& arguments,
                          const std::optional<std::vector<std::string>>& after_separator) {
    ArgumentRules rules;
    rules.command = "diff";
    rules.max_revisions = 2;
    rules.ranges = RangeSyntax::accepted;
    auto split = resolve_arguments(repo, arguments, after_separator, rules);

    DiffRequest request;
    request.paths = split.paths_from_top;
    for (const auto& revision : split.revisions) {
        if (revision.starts_with("^")) {
            throw FatalError("invalid revision '" + revision +
                                 "': 'git mlv diff' compares one or two commits, or A..B",
                             exit_code::usage);
        }
        if (revision.find("...") != std::string::npos) {
            throw FatalError("symmetric difference '" + revision + "' is not supported; use A..B",
                             exit_code::usage);
        }
        for (const auto& end : revision_endpoints(revision, rules.ranges)) {
            request.labels.push_back(end);
        }
    }
    if (request.labels.size() > 2) {
        throw FatalError("too many revisions: at most two can be compared", exit_code::usage);
    }
    for (const auto& label : request.labels) {
        request.revisions.push_back(value_or_die(repo.resolve_commit(label)));
    }
    return request;
}

// Two states and the changes between them.
struct Comparison {
    std::string before_label;
    std::string after_label;
    std::vector<lifecycle::FileChange> changes;
    lifecycle::TreeContext context;
};

std::set<std::string> paths_of(const artifacts::Snapshot& snapshot) {
    std::set<std::string> out;
    for (const auto& artifact : snapshot.artifacts) {
        out.insert(artifact.path);
    }
    return out;
}

artifacts::Snapshot empty_snapshot() {
    return artifacts::Snapshot{};
}

Comparison compare_snapshots(artifacts::Snapshot before, artifacts::Snapshot after,
                             const std::set<std::string>* tracked) {
    Comparison comparison;
    comparison.changes = tracked ? lifecycle::changes_between(before, after, *tracked)
                                 : lifecycle::changes_between(before, after);
    comparison.context = lifecycle::tree_context(before, after);
    return comparison;
}

// Commit against commit, through a tree diff so that renames are detected
// and only the changed blobs are loaded.
Comparison compare_commits(const git::Repository& repo, artifacts::Loader& loader,
                           const std::string& old_commit, const std::string& new_commit,
                           const std::vector<std::string>& paths) {
    Comparison comparison;
    auto tree_changes = value_or_die(repo.diff_commits(old_commit, new_commit));
    for (const auto& tree_change : tree_changes) {
        if (!artifacts::path_selected(tree_change.path, paths) &&
            !artifacts::path_selected(tree_change.old_path, paths)) {
            continue;
        }
        lifecycle::FileChange change;
        change.kind = tree_change.kind;
        change.path = tree_change.path;
        change.old_path = tree_change.old_path;
        if (!tree_change.old_blob_id.empty()) {
            change.before =
                value_or_die(loader.load_blob(tree_change.old_path, tree_change.old_blob_id,
                                              git::AttributeSource::commit, old_commit));
        }
        if (!tree_change.new_blob_id.empty()) {
            change.after = value_or_die(loader.load_blob(tree_change.path, tree_change.new_blob_id,
                                                         git::AttributeSource::commit, new_commit));
        }
        comparison.changes.push_back(std::move(change));
    }
    // Shard indexes give tensor names to LFS pointers in conversions.
    auto before = value_or_die(loader.load_commit(old_commit));
    auto after = value_or_die(loader.load_commit(new_commit));
    comparison.context = lifecycle::tree_context(before, after);
    return comparison;
}

Comparison build_comparison(const git::Repository& repo, artifacts::Loader& loader,
                            const DiffRequest& request, bool staged) {
    const auto& paths = request.paths;
    if (staged) {
        if (request.revisions.size() > 1) {
            throw FatalError("--staged compares one commit with the index, not two",
                             exit_code::usage);
        }
        std::string base =
            request.revisions.empty()
                ? (repo.has_head() ? value_or_die(repo.resolve_commit("HEAD")) : std::string())
                : request.revisions.front();
        auto before =
            base.empty() ? empty_snapshot() : value_or_die(loader.load_commit(base, paths));
        auto after = value_or_die(loader.load_index(paths));
        auto comparison = compare_snapshots(std::move(before), std::move(after), nullptr);
        comparison.before_label = request.labels.empty() ? "HEAD" : request.labels.front();
        comparison.after_label = "index";
        return comparison;
    }
    if (request.revisions.size() == 2) {
        auto comparison =
            compare_commits(repo, loader, request.revisions[0], request.revisions[1], paths);
        comparison.before_label = request.labels[0];
        comparison.after_label = request.labels[1];
        return comparison;
    }
    if (repo.is_bare()) {
        throw FatalError("this operation must be run in a work tree", exit_code::git_error);
    }
    auto index = value_or_die(loader.load_index(paths));
    auto worktree = value_or_die(loader.load_worktree(paths));
    if (request.revisions.size() == 1) {
        auto before = value_or_die(loader.load_commit(request.revisions[0], paths));
        auto tracked = paths_of(index);
        auto in_commit = paths_of(before);
        tracked.insert(in_commit.begin(), in_commit.end());
        auto comparison = compare_snapshots(std::move(before), std::move(worktree), &tracked);
        comparison.before_label = request.labels[0];
        comparison.after_label = "working tree";
        return comparison;
    }
    auto tracked = paths_of(index);
    auto comparison = compare_snapshots(std::move(index), std::move(worktree), &tracked);
    comparison.before_label = "index";
    comparison.after_label = "working tree";
    return comparison;
}

char kind_letter(git::ChangeKind kind) {
    switch (kind) {
    case git::ChangeKind::added:
        return 'A';
    case git::ChangeKind::deleted:
        return 'D';
    case git::ChangeKind::renamed:
        return 'R';
    case git::ChangeKind::copied:
        return 'C';
    case git::ChangeKind::type_changed:
        return 'T';
    case git::ChangeKind::modified:
        break;
    }
    return 'M';
}

void print_human(const lifecycle::ChangeSetDiff& diff, term::QuoteHighBytes quoting) {
    bool color = term::use_color(term::Stream::out);
    for (const auto& file : diff.files) {
        std::string header =
            std::string(1, kind_letter(file.kind)) + " " + term::quote_path(file.path, quoting);
        if (file.old_path != file.path) {
            header += " (from " + term::quote_path(file.old_path, quoting) + ")";
        }
        header += " [" + std::string(artifacts::to_string(file.role)) + "]";
        std::cout << term::paint(header, term::Color::bold, color) << '\n';
        for (const auto& line : file.summary) {
            std::cout << "    " << line << '\n';
        }
    }
    for (const auto& conversion : diff.conversions) {
        std::cout << term::paint("conversion: ", term::Color::bold, color) << conversion.summary
                  << '\n';
    }
}

void run_diff(const DiffCommandOptions& options, const CommandContext& context) {
    auto repo = open_repository();
    auto request = parse_request(repo, options.arguments, context.after_separator);
    auto cache = open_cache(repo);
    artifacts::Loader loader(repo, *cache, load_role_patterns(repo));

    auto comparison = build_comparison(repo, loader, request, options.staged);
    print_loader_warnings(loader);
    auto diff_options = lifecycle::repository_diff_options(repo);
    auto diff = lifecycle::diff_change_set(comparison.changes, diff_options, &comparison.context);
    cache->flush();

    if (options.json) {
        Json out = lifecycle::to_json(diff);
        out["before"] = comparison.before_label;
        out["after"] = comparison.after_label;
        print_json(out);
        return;
    }
    print_human(diff, path_quoting(repo));
}

} // namespace

void register_diff(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<DiffCommandOptions>();
    auto* command = app.add_subcommand(
        "diff", "Show what changed inside model files: tensors, config keys, tokens, shards");
    set_synopsis(*command,
                 "git mlv diff [<options>] [<revision> [<revision>] | <a>..<b>] [--] [<path>...]");
    command->footer(
        "With no revision, compares the index with the working tree; with one, that commit\n"
        "with the working tree; with two (or A..B), the two commits. --staged compares\n"
        "HEAD (or the given commit) with the index. Paths limit the files; without '--',\n"
        "every path must exist in the working tree.");
    add_verbose_flag(*command);
    command->add_flag("--staged,--cached", options->staged,
                      "Compare HEAD, or the given commit, with the index");
    command->add_flag("--json", options->json, "Write the diff as JSON with a 'files' array");
    command->add_option("revisions-and-paths", options->arguments,
                        "Up to two revisions or one A..B range, then files or directories to "
                        "limit the diff to");
    command->callback([options, &context] { run_diff(*options, context); });
}

} // namespace mlv::cli
