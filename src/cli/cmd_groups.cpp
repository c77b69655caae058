// git mlv groups: mines co-edit groups from history and compares them with
// the built-in groups; --write stores them in .mlv.json for `git mlv check`.
#include "commands.hpp"
#include "common.hpp"

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/checks/groups.hpp"
#include "mlv/lifecycle/groups.hpp"
#include "mlv/lifecycle/history.hpp"
#include "mlv/util/error.hpp"
#include "mlv/util/term.hpp"
#include "mlv/util/text.hpp"

#include <cstdio>
#include <iostream>
#include <memory>

namespace mlv::cli {
namespace {

struct GroupsCommandOptions {
    std::string range = "HEAD";
    std::vector<std::string> given_range; // the range as given, empty for the default
    bool write = false;
    bool json = false;
    size_t bulk_node_limit = lifecycle::GroupsOptions{}.bulk_node_limit;
};

std::string fixed(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    return buffer;
}

// Joins file names with ", ", each quoted as Git quotes paths.
std::string join(const std::vector<std::string>& items, term::QuoteHighBytes quoting) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + term::quote_path(item, quoting);
    }
    return out;
}

void print_group(const lifecycle::MinedGroup& group, const lifecycle::CoChangeGraph& graph,
                 term::QuoteHighBytes quoting, bool color) {
    std::cout << '\n'
              << term::paint(group.name, term::Color::bold, color) << "  ("
              << text::count_noun(group.members.size(), "file") << ", cohesion "
              << fixed(group.cohesion) << ", density " << fixed(group.density) << ")\n";
    for (const size_t node : group.nodes) {
        std::cout << "    " << term::quote_path(graph.nodes[node].name, quoting);
        if (!graph.nodes[node].present) {
            std::cout << term::paint("  (deleted)", term::Color::dim, color);
        }
        std::cout << '\n';
    }

    if (group.comparison.empty()) {
        std::cout << "  no built-in group shares a member\n";
    }
    for (const auto& entry : group.comparison) {
        std::cout << "  built-in '" << entry.builtin << "': shares " << join(entry.shared, quoting)
                  << '\n';
        if (!entry.mined_only.empty()) {
            std::cout << "      only mined: " << join(entry.mined_only, quoting) << '\n';
        }
        if (!entry.builtin_only.empty()) {
            std::cout << "      only built-in: " << join(entry.builtin_only, quoting) << '\n';
        }
    }
}

// Prints where every commit of the history went, so that the counts add up
// to `commit_count`, then the sessions built from the counted commits.
void print_counts(const lifecycle::GroupsResult& result, size_t commit_count,
                  size_t bulk_node_limit) {
    using lifecycle::Exclusion;
    const auto& graph = result.graph;
    std::cout << text::count_noun(result.groups.size(), "group") << " from "
              << text::count_noun(commit_count, "commit") << ", modularity "
              << fixed(result.partition.modularity) << '\n';
    std::cout << "  commits: " << graph.commits_counted << " counted, "
              << graph.commits_without_changes << " without file changes, "
              << lifecycle::excluded_count(graph, Exclusion::initial_import)
              << " in the initial import, "
              << text::count_noun(lifecycle::excluded_count(graph, Exclusion::merge), "merge")
              << ", " << lifecycle::excluded_count(graph, Exclusion::bulk) << " bulk (over "
              << text::count_noun(bulk_node_limit, "file") << ")\n";
    std::cout << "  sessions: " << graph.sessions_counted + graph.sessions_excluded
              << " built from the counted commits, " << graph.sessions_counted << " counted, "
              << graph.sessions_excluded << " bulk (over "
              << text::count_noun(bulk_node_limit, "file") << ")\n";
}

void print_text(const lifecycle::GroupsResult& result, size_t commit_count, size_t bulk_node_limit,
                term::QuoteHighBytes quoting) {
    const bool color = term::use_color(term::Stream::out);
    const auto& graph = result.graph;
    print_counts(result, commit_count, bulk_node_limit);

    for (const auto& group : result.groups) {
        print_group(group, graph, quoting, color);
    }
    if (!result.ungrouped.empty()) {
        std::cout << "\nungrouped: " << join(result.ungrouped, quoting) << '\n';
    }
}

int run_groups(const GroupsCommandOptions& options, const CommandContext& context) {
    git::Repository repo = open_repository();
    resolve_arguments(repo, options.given_range, context.after_separator, range_rules("groups"));
    if (options.write && repo.is_bare()) {
        throw FatalError("cannot write .mlv.json in a bare repository");
    }

    auto cache = open_cache(repo);
    artifacts::Loader loader(repo, *cache);
    const auto history = value_or_die(lifecycle::classify_history(repo, loader, options.range));
    cache->flush();
    print_loader_warnings(loader);

    lifecycle::GroupsOptions mining;
    mining.bulk_node_limit = options.bulk_node_limit;
    const auto result = lifecycle::mine_groups(history, checks::builtin_groups(), mining);

    std::string written_path;
    size_t written_count = 0;
    if (options.write) {
        const auto groups = lifecycle::groups_to_write(result);
        written_path = repo.workdir() + ".mlv.json";
        check_or_die(lifecycle::write_mined_groups(written_path, groups));
        written_count = groups.size();
    }

    if (options.json) {
        Json out = lifecycle::to_json(result);
        out["range"] = options.range;
        out["commits"] = history.size();
        out["bulk_node_limit"] = options.bulk_node_limit;
        out["written"] = options.write ? Json(written_path) : Json(nullptr);
        print_json(out);
        return exit_code::ok;
    }

    print_text(result, history.size(), options.bulk_node_limit, path_quoting(repo));
    if (options.write) {
        std::cout << "\nwrote " << text::count_noun(written_count, "group") << " to '"
                  << written_path << "'\n";
    }
    return exit_code::ok;
}

} // namespace

void register_groups(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<GroupsCommandOptions>();
    auto* command = app.add_subcommand(
        "groups", "Mine co-edit groups (files that change together) from history");
    set_synopsis(*command, "git mlv groups [<options>] [<revision-range>]");
    command->footer("Groups are Louvain communities of the co-change graph; docs/groups.md "
                    "describes the edge weight, the limits and the .mlv.json format.");
    auto* range = command->add_option("range", options->range, "Revision or range A..B to mine")
                      ->capture_default_str();
    command->add_flag("--write", options->write,
                      "Store the groups in .mlv.json under \"groups\", replacing earlier "
                      "mined-* groups, for 'git mlv check' to enforce");
    command->add_flag("--json", options->json, "Print the graph, groups and comparison as JSON");
    command
        ->add_option("--bulk-limit", options->bulk_node_limit,
                     "Leave out commits and sessions that touch more than this many files "
                     "(shards of one checkpoint count once)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    add_verbose_flag(*command);
    command->callback([options, range, &context] {
        options->given_range = range->results();
        context.exit_status = run_groups(*options, context);
    });
}

} // namespace mlv::cli
