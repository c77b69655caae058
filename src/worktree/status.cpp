#include "mlv/worktree/status.hpp"

#include "tracked.hpp"

#include "mlv/util/file.hpp"

#include <map>

namespace mlv::worktree {
namespace {

git::ChangeKind kind_of(char state) {
    switch (state) {
    case 'A':
    case '?':
        return git::ChangeKind::added;
    case 'D':
        return git::ChangeKind::deleted;
    case 'R':
        return git::ChangeKind::renamed;
    case 'T':
        return git::ChangeKind::type_changed;
    default:
        return git::ChangeKind::modified;
    }
}

void note_problem(StatusReport& report, const std::optional<artifacts::Artifact>& artifact) {
    if (artifact && artifact->description && artifact->description->error) {
        std::string line = "cannot read '" + artifact->path + "': " + *artifact->description->error;
        for (const auto& known : report.problems) {
            if (known == line) {
                return;
            }
        }
        report.problems.push_back(line);
    }
}

class StatusBuilder {
  public:
    StatusBuilder(const git::Repository& repo, artifacts::Loader& loader)
        : repo_(repo), loader_(loader), options_(lifecycle::repository_diff_options(repo)) {}

    Result<StatusReport> build() {
        report_.has_head = repo_.has_head();
        if (report_.has_head) {
            auto head = repo_.resolve_commit("HEAD");
            if (!head) {
                return head.error();
            }
            head_ = *head;
        }
        auto index = repo_.list_index();
        if (!index) {
            return index.error();
        }
        for (const auto& entry : *index) {
            index_blobs_[entry.path] = entry.blob_id;
        }
        auto staged_entries = repo_.staged_status();
        if (!staged_entries) {
            return staged_entries.error();
        }
        // libgit2's status would hash every tracked file whose stat changed,
        // and fails on files of 4 GiB or more, so the working tree is compared
        // here, through the metadata cache.
        auto unstaged_entries = compare_tracked_files(repo_, loader_, *index);
        if (!unstaged_entries) {
            return unstaged_entries.error();
        }
        auto untracked_paths = repo_.untracked_files();
        if (!untracked_paths) {
            return untracked_paths.error();
        }

        std::vector<ArtifactChange> staged;
        std::vector<ArtifactChange> unstaged;
        std::vector<ArtifactChange> untracked;
        for (const auto& entry : *staged_entries) {
            auto change = staged_change(entry);
            if (!change) {
                return change.error();
            }
            staged.push_back(std::move(*change));
        }
        for (const auto& entry : *unstaged_entries) {
            auto change = worktree_change(entry, ChangeArea::unstaged);
            if (!change) {
                return change.error();
            }
            if (change->diff.kind != git::ChangeKind::modified || change->diff.content_changed) {
                unstaged.push_back(std::move(*change));
            }
        }
        for (const auto& path : *untracked_paths) {
            git::StatusEntry entry;
            entry.path = path;
            entry.head_path = path;
            entry.worktree_state = '?';
            auto change = worktree_change(entry, ChangeArea::untracked);
            if (!change) {
                return change.error();
            }
            untracked.push_back(std::move(*change));
        }
        for (auto* group : {&staged, &unstaged, &untracked}) {
            for (auto& change : *group) {
                report_.changes.push_back(std::move(change));
            }
        }

        auto missing = collect_lfs_missing(*index);
        if (!missing) {
            return missing.error();
        }
        return std::move(report_);
    }

  private:
    Result<std::optional<artifacts::Artifact>> head_artifact(const std::string& path) {
        if (head_.empty()) {
            return std::optional<artifacts::Artifact>();
        }
        auto blob = repo_.blob_at(head_, path);
        if (!blob) {
            return blob.error();
        }
        if (!*blob) {
            return std::optional<artifacts::Artifact>();
        }
        auto artifact = loader_.load_blob(path, **blob, git::AttributeSource::commit, head_);
        if (!artifact) {
            return artifact.error();
        }
        return std::optional<artifacts::Artifact>(std::move(*artifact));
    }

    Result<std::optional<artifacts::Artifact>> index_artifact(const std::string& path) {
        auto found = index_blobs_.find(path);
        if (found == index_blobs_.end()) {
            return std::optional<artifacts::Artifact>();
        }
        auto artifact = loader_.load_blob(path, found->second, git::AttributeSource::index);
        if (!artifact) {
            return artifact.error();
        }
        return std::optional<artifacts::Artifact>(std::move(*artifact));
    }

    Result<std::optional<artifacts::Artifact>> worktree_artifact(const std::string& path) {
        if (!stat_file(repo_.workdir() + path)) {
            return std::optional<artifacts::Artifact>();
        }
        return std::optional<artifacts::Artifact>(loader_.load_file_or_error(path));
    }

    Result<ArtifactChange> staged_change(const git::StatusEntry& entry) {
        lifecycle::FileChange change;
        change.kind = kind_of(entry.index_state);
        change.path = entry.path;
        change.old_path = entry.head_path.empty() ? entry.path : entry.head_path;
        auto before = head_artifact(change.old_path);
        if (!before) {
            return before.error();
        }
        auto after = index_artifact(entry.path);
        if (!after) {
            return after.error();
        }
        change.before = std::move(*before);
        change.after = std::move(*after);
        return finish(change, ChangeArea::staged);
    }

    Result<ArtifactChange> worktree_change(const git::StatusEntry& entry, ChangeArea area) {
        lifecycle::FileChange change;
        change.kind = kind_of(entry.worktree_state);
        change.path = entry.path;
        change.old_path = entry.path;
        if (area == ChangeArea::unstaged) {
            auto before = index_artifact(entry.path);
            if (!before) {
                return before.error();
            }
            change.before = std::move(*before);
        }
        auto after = worktree_artifact(entry.path);
        if (!after) {
            return after.error();
        }
        change.after = std::move(*after);
        return finish(change, area);
    }

    ArtifactChange finish(const lifecycle::FileChange& change, ChangeArea area) {
        note_problem(report_, change.before);
        note_problem(report_, change.after);
        ArtifactChange out;
        out.area = area;
        out.diff = lifecycle::diff_file(change, options_);
        return out;
    }

    Result<void> collect_lfs_missing(const std::vector<git::TreeEntry>& index) {
        for (const auto& entry : index) {
            // A pointer deleted from the working tree is reported as a
            // deletion; its object is not something to fetch.
            if (!stat_file(repo_.workdir() + entry.path)) {
                continue;
            }
            auto artifact =
                loader_.load_blob(entry.path, entry.blob_id, git::AttributeSource::index);
            if (!artifact) {
                return artifact.error();
            }
            if (artifact->storage != artifacts::Storage::lfs_missing) {
                continue;
            }
            // A pointer outside filter=lfs is committed pointer text, which
            // fetching its object does not replace, so it is not listed for
            // `git lfs pull`. check reports it as lfs-pointer-unfiltered.
            auto filter = repo_.attribute(entry.path, "filter", git::AttributeSource::index);
            if (!filter) {
                return filter.error();
            }
            if (*filter && **filter == "lfs") {
                report_.lfs_missing.push_back(std::move(*artifact));
            }
        }
        return {};
    }

    const git::Repository& repo_;
    artifacts::Loader& loader_;
    lifecycle::DiffOptions options_;
    std::string head_;
    std::map<std::string, std::string> index_blobs_;
    StatusReport report_;
};

} // namespace

std::string_view to_string(ChangeArea area) {
    switch (area) {
    case ChangeArea::staged:
        return "staged";
    case ChangeArea::unstaged:
        return "unstaged";
    case ChangeArea::untracked:
        return "untracked";
    }
    return "unstaged";
}

Result<StatusReport> compute_status(const git::Repository& repo, artifacts::Loader& loader) {
    return StatusBuilder(repo, loader).build();
}

Json to_json(const StatusReport& report) {
    Json changes = Json::array();
    for (const auto& change : report.changes) {
        Json entry = lifecycle::to_json(change.diff);
        entry["state"] = to_string(change.area);
        entry["summary"] = change.diff.headline();
        changes.push_back(std::move(entry));
    }
    Json missing = Json::array();
    for (const auto& artifact : report.lfs_missing) {
        missing.push_back({{"path", artifact.path},
                           {"role", artifacts::to_string(artifact.role)},
                           {"oid", artifact.oid},
                           {"size", artifact.size}});
    }
    return {{"changes", changes}, {"lfs_missing", missing}, {"problems", report.problems}};
}

} // namespace mlv::worktree
