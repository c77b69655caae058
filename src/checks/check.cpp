#include "mlv/checks/check.hpp"

#include "mlv/util/file.hpp"
#include "mlv/util/trace.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace mlv::checks {

using artifacts::Snapshot;
using artifacts::SnapshotKind;

size_t CheckReport::count(Severity severity) const {
    return static_cast<size_t>(
        std::count_if(findings.begin(), findings.end(),
                      [severity](const auto& f) { return f.severity == severity; }));
}

std::vector<std::string> CheckReport::unread_weights() const {
    std::set<std::string> paths;
    for (const auto& state : states) {
        paths.insert(state.unread_weights.begin(), state.unread_weights.end());
    }
    return {paths.begin(), paths.end()};
}

namespace {

// .mlv.json is small; anything larger is not a configuration file.
constexpr uint64_t config_max_size = 1 << 20;

bool is_range_syntax(const std::vector<std::string>& revisions) {
    return std::any_of(revisions.begin(), revisions.end(), [](const std::string& revision) {
        return revision.rfind('^', 0) == 0 || revision.find("..") != std::string::npos;
    });
}

// The text of .mlv.json in the state, or nullopt when it has none.
Result<std::optional<std::string>> read_config_text(const git::Repository& repo, SnapshotKind kind,
                                                    const std::string& commit_id) {
    std::string name(config_file_name);
    std::optional<std::string> blob_id;
    if (kind == SnapshotKind::worktree) {
        std::string path = repo.workdir() + name;
        if (!stat_file(path)) {
            return std::optional<std::string>();
        }
        auto text = read_file(path, config_max_size);
        if (!text) {
            return text.error();
        }
        return std::optional<std::string>(std::move(*text));
    }
    if (kind == SnapshotKind::index) {
        auto entries = repo.list_index();
        if (!entries) {
            return entries.error();
        }
        for (const auto& entry : *entries) {
            if (entry.path == name) {
                blob_id = entry.blob_id;
            }
        }
    } else {
        auto found = repo.blob_at(commit_id, name);
        if (!found) {
            return found.error();
        }
        blob_id = *found;
    }
    if (!blob_id) {
        return std::optional<std::string>();
    }
    auto text = repo.read_blob(*blob_id, config_max_size);
    if (!text) {
        return text.error();
    }
    return std::optional<std::string>(std::move(*text));
}

struct LoadedConfig {
    CheckConfig config;
    std::vector<Finding> problems;
};

Result<LoadedConfig> load_config(const git::Repository& repo, SnapshotKind kind,
                                 const std::string& commit_id, std::vector<std::string>& warnings) {
    LoadedConfig loaded;
    auto text = read_config_text(repo, kind, commit_id);
    if (!text) {
        return text.error();
    }
    if (*text) {
        auto parsed = parse_config(**text);
        loaded.config = std::move(parsed.config);
        loaded.problems = std::move(parsed.problems);
    }
    auto unknown = apply_git_config(loaded.config, repo.config_entries("mlv."));
    warnings.insert(warnings.end(), unknown.begin(), unknown.end());
    return loaded;
}

git::AttributeSource attribute_source(SnapshotKind kind) {
    switch (kind) {
    case SnapshotKind::worktree:
        return git::AttributeSource::worktree;
    case SnapshotKind::index:
        return git::AttributeSource::index;
    case SnapshotKind::commit:
        return git::AttributeSource::commit;
    }
    return git::AttributeSource::worktree;
}

Result<std::map<std::string, std::string>> collect_filters(const git::Repository& repo,
                                                           const Snapshot& state) {
    std::map<std::string, std::string> filters;
    auto source = attribute_source(state.kind);
    for (const auto& artifact : state.artifacts) {
        auto value = repo.attribute(artifact.path, "filter", source, state.commit_id);
        if (!value) {
            return value.error();
        }
        if (*value) {
            filters.emplace(artifact.path, **value);
        }
    }
    return filters;
}

// Reads lfs.allowincompletepush as Git reads a boolean.
IncompletePush incomplete_push(const git::Repository& repo) {
    auto value = repo.config_string("lfs.allowincompletepush");
    if (!value) {
        return IncompletePush::rejected;
    }
    std::string lower;
    for (char c : *value) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    bool allowed = lower == "true" || lower == "yes" || lower == "on" || lower == "1";
    return allowed ? IncompletePush::allowed : IncompletePush::rejected;
}

// Snapshots of commits, kept while a range is walked so that a commit's
// parent is usually loaded already.
class SnapshotCache {
  public:
    explicit SnapshotCache(artifacts::Loader& loader) : loader_(loader) {}

    Result<std::shared_ptr<const Snapshot>> commit(const std::string& id) {
        auto it = snapshots_.find(id);
        if (it != snapshots_.end()) {
            return it->second;
        }
        auto loaded = loader_.load_commit(id);
        if (!loaded) {
            return loaded.error();
        }
        if (snapshots_.size() >= max_kept) {
            snapshots_.erase(snapshots_.begin());
        }
        auto snapshot = std::make_shared<const Snapshot>(std::move(*loaded));
        snapshots_[id] = snapshot;
        return snapshot;
    }

  private:
    static constexpr size_t max_kept = 8;
    artifacts::Loader& loader_;
    std::map<std::string, std::shared_ptr<const Snapshot>> snapshots_;
};

// `filters` is the `filter` attribute of each path of `state`.
CheckedState describe_state(const Snapshot& state,
                            const std::map<std::string, std::string>& filters,
                            std::string commit_id, std::string summary) {
    CheckedState checked{
        state.kind, std::move(commit_id), std::move(summary), state.artifacts.size(), {}};
    for (const auto& artifact : state.artifacts) {
        if (artifact.role != artifacts::Role::weights || artifact.content_present()) {
            continue;
        }
        // A pointer outside filter=lfs is committed pointer text, which
        // lfs-pointer-unfiltered reports: fetching its object would not put
        // the weights in the repository, so it is not listed as unread.
        auto filter = filters.find(artifact.path);
        if (filter != filters.end() && filter->second == "lfs") {
            checked.unread_weights.push_back(artifact.path);
        }
    }
    return checked;
}

// One state that was checked, with its findings after configuration,
// without those turned off.
struct StateCheck {
    CheckedState checked;
    std::vector<Finding> findings;
};

// Runs the rules on one state. `commit_id` and `summary` name a commit in
// the report, and are empty for the index and the working tree.
Result<StateCheck> check_state(const git::Repository& repo, const Snapshot& state,
                               const Snapshot* parent, const LoadedConfig& config,
                               const CheckRequest& request, std::string commit_id,
                               std::string summary) {
    CheckInput input;
    input.state = &state;
    input.parent = parent;
    input.configured_groups = config.config.groups;
    input.lfs_objects = request.lfs_objects;
    input.incomplete_push = incomplete_push(repo);
    auto filters = collect_filters(repo, state);
    if (!filters) {
        return filters.error();
    }
    input.filters = std::move(*filters);
    StateCheck result{
        describe_state(state, input.filters, std::move(commit_id), std::move(summary)), {}};

    auto findings = run_rules(input);
    findings.insert(findings.begin(), config.problems.begin(), config.problems.end());
    std::stable_sort(findings.begin(), findings.end(), [](const auto& a, const auto& b) {
        return a.paths.front() < b.paths.front();
    });

    for (auto& finding : findings) {
        finding.severity = effective_severity(config.config, finding);
        if (finding.severity != Severity::off) {
            finding.commit = state.commit_id;
            result.findings.push_back(std::move(finding));
        }
    }
    return result;
}

// The findings a range inherits from the state before it.
struct Baseline {
    std::string commit_id;
    std::vector<Finding> findings;
};

// Appends the findings of one state to the report. A finding the report
// has already is skipped, and one that `baseline` has too is marked as
// inherited from it.
void add_findings(std::vector<Finding> findings, const Baseline* baseline, CheckReport& report) {
    for (auto& finding : findings) {
        bool repeated = std::any_of(report.findings.begin(), report.findings.end(),
                                    [&finding](const auto& seen) { return seen == finding; });
        if (repeated) {
            continue;
        }
        if (baseline != nullptr && std::find(baseline->findings.begin(), baseline->findings.end(),
                                             finding) != baseline->findings.end()) {
            finding.inherited_from = baseline->commit_id;
        }
        report.findings.push_back(std::move(finding));
    }
}

// Removes the lfs-object-missing findings of pointers whose oid
// `known_oids` has: a commit the remote already has references them, so
// the push does not introduce them.
void drop_known_lfs_objects(const std::set<std::string>& known_oids,
                            std::vector<Finding>& findings) {
    std::erase_if(findings, [&known_oids](const Finding& finding) {
        if (finding.rule != "lfs-object-missing" || !finding.values.contains("oid")) {
            return false;
        }
        return known_oids.count(finding.values["oid"].get<std::string>()) > 0;
    });
}

Result<CheckReport> check_working_state(const git::Repository& repo, store::Cache& cache,
                                        const CheckRequest& request) {
    CheckReport report;
    auto kind = request.target == CheckTarget::index ? SnapshotKind::index : SnapshotKind::worktree;
    if (repo.is_bare()) {
        return make_error("cannot check the working tree or the index of a bare repository; "
                          "name a commit",
                          128);
    }
    auto config = load_config(repo, kind, "", report.warnings);
    if (!config) {
        return config.error();
    }
    artifacts::Loader loader(repo, cache, config->config.roles);

    auto state = kind == SnapshotKind::index ? loader.load_index() : loader.load_worktree();
    if (!state) {
        return state.error();
    }
    std::optional<Snapshot> parent;
    if (repo.has_head()) {
        auto head = repo.resolve_commit("HEAD");
        if (!head) {
            return head.error();
        }
        auto loaded = loader.load_commit(*head);
        if (!loaded) {
            return loaded.error();
        }
        parent = std::move(*loaded);
    }

    auto checked = check_state(repo, *state, parent ? &*parent : nullptr, *config, request, "", "");
    if (!checked) {
        return checked.error();
    }
    report.states.push_back(std::move(checked->checked));
    add_findings(std::move(checked->findings), nullptr, report);
    report.warnings.insert(report.warnings.end(), loader.warnings().begin(),
                           loader.warnings().end());
    return report;
}

// The LFS oids of the parents of `commits` that lie outside them: the
// objects that the commits before the range already reference.
Result<std::set<std::string>> oids_before_range(const std::vector<git::CommitInfo>& commits,
                                                const std::set<std::string>& in_range,
                                                SnapshotCache& snapshots) {
    std::set<std::string> oids;
    std::set<std::string> loaded;
    for (const auto& commit : commits) {
        for (const auto& parent : commit.parents) {
            if (in_range.count(parent) > 0 || !loaded.insert(parent).second) {
                continue;
            }
            auto state = snapshots.commit(parent);
            if (!state) {
                return state.error();
            }
            for (const auto& artifact : (*state)->artifacts) {
                if (artifact.is_lfs()) {
                    oids.insert(artifact.oid);
                }
            }
        }
    }
    return oids;
}

// Turns each error that a later commit of the range fixed into a warning
// naming that commit (RangeErrors::fixed_later_warns). An error stays when
// a newest commit of the range that descends from the commit reporting it
// still has it. `per_commit[i]` contains every finding of `commits[i]`, before
// the report dropped repeats.
void relax_fixed_errors(const std::vector<git::CommitInfo>& commits,
                        const std::vector<std::vector<Finding>>& per_commit, CheckReport& report) {
    std::map<std::string, size_t> position;
    for (size_t i = 0; i < commits.size(); ++i) {
        position[commits[i].id] = i;
    }
    std::vector<std::vector<size_t>> children(commits.size());
    for (size_t i = 0; i < commits.size(); ++i) {
        for (const auto& parent : commits[i].parents) {
            auto it = position.find(parent);
            if (it != position.end()) {
                children[it->second].push_back(i);
            }
        }
    }
    auto has = [&per_commit](size_t i, const Finding& finding) {
        return std::find(per_commit[i].begin(), per_commit[i].end(), finding) !=
               per_commit[i].end();
    };

    for (auto& finding : report.findings) {
        // git-lfs uploads the objects of every pushed commit, so a missing
        // object fails the push even when a later commit drops the pointer.
        if (finding.severity != Severity::error || finding.rule == "lfs-object-missing") {
            continue;
        }
        auto found = position.find(finding.commit);
        if (found == position.end()) {
            continue;
        }
        // The commits of the range that descend from the finding's commit.
        std::vector<bool> descends(commits.size(), false);
        std::vector<size_t> pending = children[found->second];
        while (!pending.empty()) {
            size_t next = pending.back();
            pending.pop_back();
            if (!descends[next]) {
                descends[next] = true;
                pending.insert(pending.end(), children[next].begin(), children[next].end());
            }
        }
        bool still_at_tip = children[found->second].empty();
        std::optional<size_t> fixed_by;
        for (size_t i = found->second + 1; i < commits.size() && !still_at_tip; ++i) {
            if (!descends[i]) {
                continue;
            }
            bool present = has(i, finding);
            if (children[i].empty() && present) {
                still_at_tip = true;
            }
            if (!present && !fixed_by) {
                fixed_by = i;
            }
        }
        if (still_at_tip || !fixed_by) {
            continue;
        }
        finding.severity = Severity::warning;
        finding.fixed_by = commits[*fixed_by].id;
    }
}

} // namespace

Result<std::vector<git::CommitInfo>> select_commits(const git::Repository& repo,
                                                    const std::vector<std::string>& revisions,
                                                    RevisionSyntax syntax) {
    if (syntax == RevisionSyntax::git_show && !is_range_syntax(revisions)) {
        std::vector<git::CommitInfo> commits;
        for (const auto& revision : revisions) {
            auto id = repo.resolve_commit(revision);
            if (!id) {
                return id.error();
            }
            auto info = repo.commit(*id);
            if (!info) {
                return info.error();
            }
            commits.push_back(std::move(*info));
        }
        return commits;
    }

    std::vector<std::string> tips;
    std::vector<std::string> hidden;
    for (const auto& revision : revisions) {
        auto dots = revision.find("..");
        if (revision.rfind('^', 0) == 0) {
            hidden.push_back(revision.substr(1));
        } else if (dots != std::string::npos) {
            if (revision.find("...") != std::string::npos) {
                return make_error("symmetric difference '" + revision +
                                      "' is not supported; "
                                      "use A..B",
                                  129);
            }
            // An empty side means HEAD, as in Git.
            std::string from = revision.substr(0, dots);
            std::string to = revision.substr(dots + 2);
            hidden.push_back(from.empty() ? "HEAD" : from);
            tips.push_back(to.empty() ? "HEAD" : to);
        } else {
            tips.push_back(revision);
        }
    }
    return repo.walk(tips, hidden);
}

Result<CheckReport> run_check(const git::Repository& repo, store::Cache& cache,
                              const CheckRequest& request) {
    if (request.target != CheckTarget::commits) {
        return check_working_state(repo, cache, request);
    }

    auto commits = select_commits(repo, request.revisions, request.revision_syntax);
    if (!commits) {
        return commits.error();
    }
    CheckReport report;
    if (commits->empty()) {
        return report;
    }

    // One configuration for the whole range, from its newest commit, so
    // that a push whose last commit turns a rule off is checked that way.
    auto config = load_config(repo, SnapshotKind::commit, commits->back().id, report.warnings);
    if (!config) {
        return config.error();
    }
    artifacts::Loader loader(repo, cache, config->config.roles);
    SnapshotCache snapshots(loader);
    std::set<std::string> in_range;
    for (const auto& commit : *commits) {
        in_range.insert(commit.id);
    }
    bool range =
        request.revision_syntax == RevisionSyntax::rev_list || is_range_syntax(request.revisions);

    // A pointer whose oid a commit before the range references is not
    // introduced by the range: pushing the range does not upload its object.
    std::set<std::string> known_oids;
    if (range && request.lfs_objects == LfsObjects::required) {
        auto oids = oids_before_range(*commits, in_range, snapshots);
        if (!oids) {
            return oids.error();
        }
        known_oids = std::move(*oids);
    }

    std::vector<std::vector<Finding>> per_commit;
    for (const auto& commit : *commits) {
        trace::log("check", "checking commit " + commit.id);
        auto state = snapshots.commit(commit.id);
        if (!state) {
            return state.error();
        }
        std::shared_ptr<const Snapshot> parent;
        if (!commit.parents.empty()) {
            auto loaded = snapshots.commit(commit.parents.front());
            if (!loaded) {
                return loaded.error();
            }
            parent = *loaded;
        }

        // A commit whose parent lies outside the range starts it: findings
        // its parent already had were not introduced by the range.
        std::optional<Baseline> baseline;
        if (range && parent && in_range.count(commit.parents.front()) == 0) {
            auto parent_info = repo.commit(commit.parents.front());
            if (!parent_info) {
                return parent_info.error();
            }
            // NOTE: the parent is checked without its own parent, so
            // co-edit-stale, which compares with a parent, is never inherited.
            auto inherited = check_state(repo, *parent, nullptr, *config, request, parent_info->id,
                                         parent_info->summary);
            if (!inherited) {
                return inherited.error();
            }
            drop_known_lfs_objects(known_oids, inherited->findings);
            report.baselines.push_back(std::move(inherited->checked));
            baseline = Baseline{parent_info->id, std::move(inherited->findings)};
        }

        auto checked =
            check_state(repo, **state, parent.get(), *config, request, commit.id, commit.summary);
        if (!checked) {
            return checked.error();
        }
        report.states.push_back(std::move(checked->checked));
        drop_known_lfs_objects(known_oids, checked->findings);
        per_commit.push_back(checked->findings);
        add_findings(std::move(checked->findings), baseline ? &*baseline : nullptr, report);
    }

    auto range_errors = request.range_errors.value_or(config->config.range_errors);
    if (range && range_errors == RangeErrors::fixed_later_warns) {
        relax_fixed_errors(*commits, per_commit, report);
    }
    report.warnings.insert(report.warnings.end(), loader.warnings().begin(),
                           loader.warnings().end());
    return report;
}

} // namespace mlv::checks
