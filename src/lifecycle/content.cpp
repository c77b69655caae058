// Reading artifact content for diffs: tensor bytes and small text files.
#include "mlv/lifecycle/diff.hpp"

#include "mlv/util/file.hpp"

namespace mlv::lifecycle {

namespace {

// JSON and Markdown files read whole for key diffs.
constexpr uint64_t max_text_size = 1 << 20;

// Tensor data of a regular Git blob is read into memory, so it is bounded;
// weights that large belong in LFS, where they are read from the file.
constexpr uint64_t max_blob_content_size = 256ull << 20;

// A ByteSource that owns its bytes.
class OwnedMemorySource final : public ByteSource {
  public:
    explicit OwnedMemorySource(std::string bytes) : bytes_(std::move(bytes)), view_(bytes_) {}
    uint64_t size() const override { return view_.size(); }
    Result<void> read(uint64_t offset, std::span<std::byte> out) const override {
        return view_.read(offset, out);
    }

  private:
    std::string bytes_;
    MemorySource view_;
};

} // namespace

DiffOptions repository_diff_options(const git::Repository& repo) {
    DiffOptions options;
    options.open_content =
        [&repo](const artifacts::Artifact& artifact) -> Result<std::unique_ptr<ByteSource>> {
        if (artifact.storage == artifacts::Storage::lfs_missing) {
            return make_error("the LFS object of '" + artifact.path + "' is not present");
        }
        if (artifact.storage == artifacts::Storage::lfs) {
            auto file = FileSource::open(repo.lfs_object_path(artifact.oid));
            if (!file) {
                return file.error();
            }
            return std::unique_ptr<ByteSource>(std::move(file).value());
        }
        if (artifact.blob_id.empty()) {
            auto file = FileSource::open(repo.workdir() + artifact.path);
            if (!file) {
                return file.error();
            }
            return std::unique_ptr<ByteSource>(std::move(file).value());
        }
        auto bytes = repo.read_blob(artifact.blob_id, max_blob_content_size);
        if (!bytes) {
            return bytes.error();
        }
        return std::unique_ptr<ByteSource>(
            std::make_unique<OwnedMemorySource>(std::move(bytes).value()));
    };
    options.read_text =
        [&repo](const artifacts::Artifact& artifact) -> std::shared_ptr<const std::string> {
        if (artifact.is_lfs() || artifact.size > max_text_size) {
            return nullptr;
        }
        auto text = artifact.blob_id.empty()
                        ? read_file(repo.workdir() + artifact.path, max_text_size)
                        : repo.read_blob(artifact.blob_id, max_text_size);
        if (!text) {
            return nullptr;
        }
        return std::make_shared<const std::string>(std::move(text).value());
    };
    return options;
}

} // namespace mlv::lifecycle

namespace mlv::lifecycle {

namespace {

// Pairs each deleted file with an added file of the same content id into one
// rename, as git diff does for exact renames; ties go by path order.
void detect_renames(std::map<std::string, FileChange>& changes) {
    std::map<std::string, std::vector<std::string>> added_by_oid;
    for (const auto& [path, change] : changes) {
        if (change.kind == git::ChangeKind::added && !change.after->oid.empty()) {
            added_by_oid[change.after->oid].push_back(path);
        }
    }

    std::vector<std::string> renamed_from;
    for (auto& [path, change] : changes) {
        if (change.kind != git::ChangeKind::deleted || change.before->oid.empty()) {
            continue;
        }
        auto candidates = added_by_oid.find(change.before->oid);
        if (candidates == added_by_oid.end() || candidates->second.empty()) {
            continue;
        }
        FileChange& added = changes.at(candidates->second.front());
        candidates->second.erase(candidates->second.begin());
        added.kind = git::ChangeKind::renamed;
        added.old_path = path;
        added.before = change.before;
        renamed_from.push_back(path);
    }
    for (const auto& path : renamed_from) {
        changes.erase(path);
    }
}

std::vector<FileChange> pair_snapshots(const artifacts::Snapshot& before,
                                       const artifacts::Snapshot& after,
                                       const std::set<std::string>* tracked) {
    std::map<std::string, const artifacts::Artifact*> old_by_path;
    for (const auto& artifact : before.artifacts) {
        old_by_path.emplace(artifact.path, &artifact);
    }
    std::map<std::string, FileChange> changes;
    for (const auto& artifact : after.artifacts) {
        auto it = old_by_path.find(artifact.path);
        if (it == old_by_path.end()) {
            if (tracked && !tracked->count(artifact.path)) {
                continue;
            }
            changes[artifact.path] = FileChange{git::ChangeKind::added, artifact.path,
                                                artifact.path, std::nullopt, artifact};
            continue;
        }
        if (it->second->oid != artifact.oid || it->second->oid.empty()) {
            changes[artifact.path] = FileChange{git::ChangeKind::modified, artifact.path,
                                                artifact.path, *it->second, artifact};
        }
        old_by_path.erase(it);
    }
    for (const auto& [path, artifact] : old_by_path) {
        changes[path] = FileChange{git::ChangeKind::deleted, path, path, *artifact, std::nullopt};
    }
    detect_renames(changes);

    std::vector<FileChange> out;
    out.reserve(changes.size());
    for (auto& [path, change] : changes) {
        out.push_back(std::move(change));
    }
    return out;
}

} // namespace

std::vector<FileChange> changes_between(const artifacts::Snapshot& before,
                                        const artifacts::Snapshot& after) {
    return pair_snapshots(before, after, nullptr);
}

std::vector<FileChange> changes_between(const artifacts::Snapshot& before,
                                        const artifacts::Snapshot& after,
                                        const std::set<std::string>& tracked) {
    return pair_snapshots(before, after, &tracked);
}

TreeContext tree_context(const artifacts::Snapshot& before, const artifacts::Snapshot& after) {
    TreeContext context;
    for (const auto& artifact : before.artifacts) {
        if (artifact.format == artifacts::Format::shard_index) {
            context.before.emplace(artifact.path, artifact);
        }
    }
    for (const auto& artifact : after.artifacts) {
        if (artifact.format == artifacts::Format::shard_index) {
            context.after.emplace(artifact.path, artifact);
        }
    }
    return context;
}

} // namespace mlv::lifecycle
