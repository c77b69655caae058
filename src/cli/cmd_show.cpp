#include "commands.hpp"
#include "common.hpp"

#include "mlv/artifacts/inventory.hpp"
#include "mlv/util/error.hpp"
#include "mlv/util/file.hpp"
#include "mlv/util/size.hpp"
#include "mlv/util/term.hpp"
#include "mlv/util/text.hpp"

#include <cstdio>
#include <iostream>

namespace mlv::cli {
namespace {

std::string pad(const std::string& text, size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string storage_word(const artifacts::Artifact& artifact, const Json& summary) {
    if (summary.value("lfs_pointer_unfiltered", false)) {
        return "git (pointer)";
    }
    switch (artifact.storage) {
    case artifacts::Storage::git:
        return "git";
    case artifacts::Storage::lfs:
        return "lfs";
    case artifacts::Storage::lfs_missing:
        return "lfs (missing)";
    }
    return "git";
}

Json artifact_json(const artifacts::Artifact& artifact, const Json& summary) {
    Json out = {{"path", artifact.path},
                {"role", artifacts::to_string(artifact.role)},
                {"size", artifact.size},
                {"oid", artifact.oid},
                {"format", artifacts::to_string(artifact.format)},
                {"lfs", artifact.is_lfs()},
                {"content_present", artifact.content_present()},
                {"summary", summary}};
    if (!artifact.blob_id.empty()) {
        out["blob"] = artifact.blob_id;
    }
    if (artifact.description && artifact.description->error) {
        out["error"] = *artifact.description->error;
    }
    return out;
}

Json inventory_json(const artifacts::Inventory& inventory) {
    Json artifacts = Json::array();
    for (size_t i = 0; i < inventory.snapshot.artifacts.size(); ++i) {
        artifacts.push_back(artifact_json(inventory.snapshot.artifacts[i], inventory.summaries[i]));
    }
    Json out = {{"artifacts", artifacts}, {"totals", inventory.totals}};
    if (!inventory.commit_id.empty()) {
        out["commit"] = inventory.commit_id;
    }
    out["source"] = inventory.source == artifacts::InventorySource::worktree ? "worktree"
                    : inventory.source == artifacts::InventorySource::index  ? "index"
                                                                             : "commit";
    return out;
}

// The weights of one format in the footer: "safetensors: 2 files, 12.6 GiB,
// 6.74B parameters", or with a count estimated from total_size "~6.74B
// parameters if float16".
std::string format_totals_line(const Json& entry) {
    std::string line = entry["format"].get<std::string>();
    if (entry.contains("layout")) {
        std::string layout = entry["layout"].get<std::string>();
        line += " (" + (layout == "legacy-pickle" ? std::string("legacy pickle") : layout) + ")";
    }
    line += ": " + text::count_noun(entry["files"].get<uint64_t>(), "file") + ", " +
            format_size(entry["bytes"].get<uint64_t>());
    uint64_t parameters = entry["parameters"].get<uint64_t>();
    if (parameters > 0) {
        bool estimated = entry.value("parameters_estimated", false);
        line += ", " + std::string(estimated ? "~" : "") + artifacts::format_count(parameters) +
                " " + text::noun_for(parameters, "parameter");
        if (estimated) {
            line += " if " + entry.value("parameters_assumed_dtype", std::string("?"));
        }
    }
    return line;
}

void print_footer(const artifacts::Inventory& inventory) {
    const Json& formats = inventory.totals["formats"];
    std::cout << "\n" << text::count_noun(inventory.snapshot.artifacts.size(), "artifact");
    if (formats.empty()) {
        std::cout << "; no weights files\n";
    } else if (formats.size() == 1) {
        std::cout << "; weights in " << format_totals_line(formats.front()) << '\n';
    } else {
        // Each format gets its own line because a repository that ships one
        // model as both .bin and .safetensors contains it twice.
        std::cout << "; weights in " << formats.size() << " formats:\n";
        for (const auto& entry : formats) {
            std::cout << "  " << format_totals_line(entry) << '\n';
        }
    }
}

void print_inventory(const artifacts::Inventory& inventory, term::QuoteHighBytes quoting,
                     bool color) {
    std::vector<std::string> paths;
    size_t width = 4;
    for (const auto& artifact : inventory.snapshot.artifacts) {
        paths.push_back(term::quote_path(artifact.path, quoting));
        width = std::max(width, std::min<size_t>(paths.back().size(), 48));
    }
    for (size_t i = 0; i < inventory.snapshot.artifacts.size(); ++i) {
        const auto& artifact = inventory.snapshot.artifacts[i];
        std::string summary = artifacts::summary_line(artifact);
        const Json& enriched = inventory.summaries[i];
        if (enriched.value("lfs_pointer_unfiltered", false)) {
            summary = "LFS pointer text, not under filter=lfs";
        }
        if (artifact.format == artifacts::Format::shard_index && enriched.contains("parameters")) {
            summary += ", " + artifacts::parameter_phrase(enriched);
        }
        term::Color role_color = artifact.role == artifacts::Role::weights ? term::Color::cyan
                                 : artifact.role == artifacts::Role::tokenizer
                                     ? term::Color::magenta
                                 : artifact.role == artifacts::Role::config ? term::Color::yellow
                                                                            : term::Color::none;
        std::string row = pad(paths[i], width) + "  " +
                          term::paint(pad(std::string(artifacts::to_string(artifact.role)), 9),
                                      role_color, color) +
                          "  " + pad(format_size(artifact.size), 10) + "  " +
                          term::paint(artifact.oid.substr(0, 12), term::Color::dim, color) + "  " +
                          pad(storage_word(artifact, enriched), 13) + "  " +
                          pad(std::string(artifacts::to_string(artifact.format)), 18) + "  " +
                          summary;

        // An empty summary would leave the padding as trailing spaces.
        while (!row.empty() && row.back() == ' ') {
            row.pop_back();
        }
        std::cout << row << '\n';
    }
    print_footer(inventory);
}

struct ShowOptions {
    std::vector<std::string> arguments; // [<revision>] [<path>...], before any "--"
    bool worktree = false;
    bool staged = false;
    bool json = false;
};

// Returns whether `path`, relative to the top, selects an artifact of `snapshot`.
bool selects_artifact(const std::string& path, const artifacts::Snapshot& snapshot) {
    for (const auto& artifact : snapshot.artifacts) {
        if (artifacts::path_selected(artifact.path, {path})) {
            return true;
        }
    }
    return false;
}

int run_show(const ShowOptions& options, const CommandContext& context) {
    auto repo = open_repository();

    ArgumentRules rules;
    rules.command = options.worktree ? "show --worktree"
                    : options.staged ? "show --staged"
                                     : "show";
    rules.max_revisions = options.worktree || options.staged ? 0 : 1;
    auto split = resolve_arguments(repo, options.arguments, context.after_separator, rules);

    auto cache = open_cache(repo);
    artifacts::InventoryRequest request;
    request.role_patterns = load_role_patterns(repo);
    request.paths = split.paths_from_top;
    if (!split.revisions.empty()) {
        request.revision = split.revisions.front();
    }
    request.source = options.worktree ? artifacts::InventorySource::worktree
                     : options.staged ? artifacts::InventorySource::index
                                      : artifacts::InventorySource::commit;
    auto inventory = value_or_die(artifacts::build_inventory(repo, *cache, request));
    for (const auto& warning : inventory.warnings) {
        print_warning(warning);
    }

    if (options.json) {
        print_json(inventory_json(inventory));
    } else if (!inventory.snapshot.artifacts.empty() || split.paths.empty()) {
        // When the paths select nothing, the pathspec errors below are the
        // whole output, because an empty table with a zero footer is noise.
        bool color = term::use_color(term::Stream::out);
        print_inventory(inventory, path_quoting(repo), color);
    }
    for (const auto& problem : inventory.problems) {
        print_error(problem);
    }
    // Like git add: a path that selects nothing is an error, but the paths
    // that do select artifacts are still listed.
    bool unmatched = false;
    for (size_t i = 0; i < split.paths.size(); ++i) {
        if (!selects_artifact(split.paths_from_top[i], inventory.snapshot)) {
            print_error("pathspec '" + split.paths[i] + "' did not match any artifact");
            unmatched = true;
        }
    }
    return inventory.problems.empty() && !unmatched ? exit_code::ok : exit_code::failure;
}

} // namespace

void register_show(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<ShowOptions>();
    auto* command = app.add_subcommand(
        "show", "List the model artifacts of a revision with role, size, content id and metadata");
    set_synopsis(*command, "git mlv show [<options>] [<revision>] [--] [<path>...]");
    command->add_option("revision-and-paths", options->arguments,
                        "The commit to inspect (default: HEAD), then files or directories to "
                        "limit the listing to. Without '--', the first argument is a revision "
                        "when it names a commit, and every path must exist in the working tree");
    auto* worktree = command->add_flag("--worktree", options->worktree,
                                       "Inspect the working tree instead of a commit");
    auto* staged = command->add_flag("--staged,--cached", options->staged,
                                     "Inspect the index (what the next commit records)");
    worktree->excludes(staged);
    command->add_flag("--json", options->json, "Write one JSON object with an 'artifacts' array");
    add_verbose_flag(*command);
    add_progress_flags(*command);
    command->footer("Exit status: 0 when every artifact was read, 1 when a file is malformed or\n"
                    "a path matches no artifact, 128 on a Git or I/O error or an unknown\n"
                    "revision, 129 on a usage error.");
    command->callback([options, &context] { context.exit_status = run_show(*options, context); });
}

} // namespace mlv::cli
