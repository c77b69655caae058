#include "mlv/checks/check.hpp"

#include "mlv/util/file.hpp"
#include "mlv/util/trace.hpp"

#include <algorithm>
#include <map>
#include <memory>
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

CheckedState describe_state(const Snapshot& state, std::string commit_id, std::string summary) {
    CheckedState checked{
        state.kind, std::move(commit_id), std::move(summary), state.artifacts.size(), {}};
    for (const auto& artifact : state.artifacts) {
        if (artifact.role == artifacts::Role::weights && !artifact.content_present()) {
            checked.unread_weights.push_back(artifact.path);
        }
    }
    return checked;
}

// Runs the rules on one state and returns its findings after
// configuration, without those turned off.
Result<std::vector<Finding>> configured_findings(const git::Repository& repo, const Snapshot& state,
                                                 const Snapshot* parent, const LoadedConfig& config,
                                                 const CheckRequest& request) {
    CheckInput input;
    input.state = &state;
    input.parent = parent;
    input.configured_groups = config.config.groups;
    input.lfs_objects = request.lfs_objects;
    auto filters = collect_filters(repo, state);
    if (!filters) {
        return filters.error();
    }
    input.filters = std::move(*filters);

    auto findings = run_rules(input);
    findings.insert(findings.begin(), config.problems.begin(), config.problems.end());
    std::stable_sort(findings.begin(), findings.end(), [](const auto& a, const auto& b) {
        return a.paths.front() < b.paths.front();
    });

    std::vector<Finding> kept;
    for (auto& finding : findings) {
        finding.severity = effective_severity(config.config, finding);
        if (finding.severity != Severity::off) {
            finding.commit = state.commit_id;
            kept.push_back(std::move(finding));
        }
    }
    return kept;
}

// The findings a range inherits from the state before it.
struct Baseline {
    std::string commit_id;
    std::vector<Finding> findings;
};

// Runs the rules on one state and appends its configured findings. A
// finding that `baseline` has too is marked as inherited from it.
Result<void> check_state(const git::Repository& repo, const Snapshot& state, const Snapshot* parent,
                         const LoadedConfig& config, const CheckRequest& request,
                         const Baseline* baseline, CheckReport& report) {
    auto findings = configured_findings(repo, state, parent, config, request);
    if (!findings) {
        return findings.error();
    }
    for (auto& finding : *findings) {
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
    return {};
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

    report.states.push_back(describe_state(*state, "", ""));
    auto checked =
        check_state(repo, *state, parent ? &*parent : nullptr, *config, request, nullptr, report);
    if (!checked) {
        return checked.error();
    }
    return report;
}

} // namespace

Result<std::vector<git::CommitInfo>> select_commits(const git::Repository& repo,
                                                    const std::vector<std::string>& revisions) {
    if (!is_range_syntax(revisions)) {
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

    auto commits = select_commits(repo, request.revisions);
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
    bool range = is_range_syntax(request.revisions);

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
            auto inherited = configured_findings(repo, *parent, nullptr, *config, request);
            if (!inherited) {
                return inherited.error();
            }
            report.baselines.push_back(
                describe_state(*parent, parent_info->id, parent_info->summary));
            baseline = Baseline{parent_info->id, std::move(*inherited)};
        }

        report.states.push_back(describe_state(**state, commit.id, commit.summary));
        auto checked = check_state(repo, **state, parent.get(), *config, request,
                                   baseline ? &*baseline : nullptr, report);
        if (!checked) {
            return checked.error();
        }
    }
    return report;
}

} // namespace mlv::checks
