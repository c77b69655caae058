// Walks a history oldest first and classifies every commit.
//
// Speed comes from touching only what changed: each commit is diffed against
// its first parent with a tree diff, only the changed blobs are loaded (the
// Loader caches descriptions by blob and content id), and the artifacts of
// unchanged files are carried over from the previous commit instead of being
// loaded again.
#include "mlv/lifecycle/history.hpp"

#include "history_cache.hpp"
#include "mlv/util/trace.hpp"

#include <algorithm>
#include <memory>
#include <unordered_map>

namespace mlv::lifecycle {

using artifacts::Artifact;
using artifacts::Format;

namespace {

// README and JSON files read whole for key-level diffs; larger ones are
// compared by their parsed metadata only.
constexpr uint64_t max_text_size = 1 << 20;

bool is_weights_file(const Artifact& artifact) {
    return artifact.role == artifacts::Role::weights && artifact.format != Format::shard_index;
}

std::string directory_name(const std::string& path) {
    std::string trimmed = path;
    while (!trimmed.empty() && trimmed.back() == '/') {
        trimmed.pop_back();
    }
    auto slash = trimmed.rfind('/');
    return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

// The repository's name as Hugging Face would show it: its top directory's
// name, or the Git directory's parent for a bare repository.
std::string repository_name(const git::Repository& repo) {
    if (!repo.workdir().empty()) {
        return directory_name(repo.workdir());
    }
    std::string name = directory_name(repo.git_dir());
    if (name.ends_with(".git")) {
        name.resize(name.size() - 4);
    }
    return name;
}

// An artifact for a blob the loader could not read, so that one bad blob
// does not stop the walk.
Artifact unreadable_artifact(const std::string& path, const std::string& blob_id,
                             const std::string& message) {
    Artifact artifact;
    artifact.path = path;
    artifact.role = artifacts::builtin_role(path);
    artifact.format = artifacts::format_for_role(artifacts::format_from_path(path), artifact.role);
    artifact.blob_id = blob_id;
    artifact.oid = blob_id; // stands in for the content id: equal blobs, equal ids
    auto description = std::make_shared<artifacts::Description>();
    description->format = artifact.format;
    description->error = message;
    artifact.description = std::move(description);
    return artifact;
}

class HistoryWalker {
  public:
    HistoryWalker(const git::Repository& repo, artifacts::Loader& loader,
                  const HistoryOptions& options)
        : repo_(repo), loader_(loader), options_(options) {
        context_.repository_name = repository_name(repo);
        read_text_ = [this](const Artifact& artifact) { return read_text(artifact); };
        diff_options_.read_text = read_text_;
        diff_options_.read_json = [this](const Artifact& artifact) { return read_json(artifact); };
    }

    Result<std::vector<CommitRecord>> run(const std::string& range) {
        auto commits = repo_.log(range, git::Repository::Order::oldest_first);
        if (!commits) {
            return commits.error();
        }
        auto sessions = assign_sessions(*commits, options_.session_gap_seconds);

        store::HistoryCache cache(options_.log_cache_directory);
        std::string key;
        if (!options_.log_cache_directory.empty()) {
            key = detail::log_cache_key(repo_, context_.repository_name, *commits,
                                        options_.session_gap_seconds);
            if (auto entry = cache.load(key)) {
                if (auto records =
                        detail::records_from_cache(repo_, std::move(*entry), *commits, sessions)) {
                    trace::log("lifecycle", "using the log cache " + key);
                    return std::move(*records);
                }
            }
        }

        std::vector<CommitRecord> records;
        records.reserve(commits->size());
        for (size_t i = 0; i < commits->size(); ++i) {
            auto record = classify((*commits)[i], sessions[i]);
            if (!record) {
                return record.error();
            }
            records.push_back(std::move(*record));
        }
        inherit_empty_commits(records);
        if (!key.empty()) {
            cache.store(key, detail::make_cache_entry(repo_, records));
        }
        return records;
    }

  private:
    Result<CommitRecord> classify(const git::CommitInfo& commit, int session) {
        std::string parent = commit.parents.empty() ? std::string() : commit.parents.front();
        if (parent != tree_commit_) {
            if (auto status = load_tree(parent); !status) {
                return status.error();
            }
        }

        auto tree_changes = repo_.diff_commits(parent, commit.id);
        if (!tree_changes) {
            return tree_changes.error();
        }
        CommitRecord record;
        record.commit = commit;
        record.session = session;
        record.changes.reserve(tree_changes->size());
        for (const auto& tree_change : *tree_changes) {
            record.changes.push_back(file_change(tree_change, commit.id, parent));
        }

        TreeContext tree_context;
        const TreeContext* context = nullptr;
        if (needs_tree_context(record.changes)) {
            tree_context = make_tree_context(record.changes);
            context = &tree_context;
        }
        record.diff = diff_change_set(record.changes, diff_options_, context);
        for (const auto& file : record.diff.files) {
            record.files.push_back(FileSummary{file.path, file.role, file.headline()});
        }

        auto classification =
            classify_commit(commit, session, record.changes, record.diff, context_);
        advance(context_, session, classification, record.changes, record.diff, read_text_,
                record.commit.author.time);
        apply_weights_sizes(record.changes);
        tree_commit_ = commit.id;

        record.stage = classification.stage;
        record.secondary_stages = std::move(classification.secondary_stages);
        record.maintenance = classification.maintenance;
        record.summary = std::move(classification.summary);
        record.evidence = std::move(classification.evidence);
        record.weights_total_size = weights_total_size_;
        return record;
    }

    // Replaces the carried-over tree by the full tree of `commit_id` (empty
    // for none); needed at the start of a range and after a branch switch
    // in the walk order.
    Result<void> load_tree(const std::string& commit_id) {
        trace::log("lifecycle", "loading the tree of " +
                                    (commit_id.empty() ? std::string("(empty)") : commit_id));
        context_.tree.clear();
        context_.readme_base_models.clear();
        weights_total_size_ = 0;
        tree_commit_ = commit_id;
        if (commit_id.empty()) {
            return {};
        }
        auto snapshot = loader_.load_commit(commit_id);
        if (!snapshot) {
            return snapshot.error();
        }
        for (auto& artifact : snapshot->artifacts) {
            if (is_weights_file(artifact)) {
                weights_total_size_ += artifact.size;
            }
            std::string path = artifact.path;
            context_.tree.emplace(std::move(path), std::move(artifact));
        }
        if (auto it = context_.tree.find("README.md"); it != context_.tree.end()) {
            if (auto text = read_text(it->second)) {
                context_.readme_base_models =
                    front_matter_list(parse_front_matter(*text), "base_model");
            }
        }
        return {};
    }

    FileChange file_change(const git::TreeChange& tree_change, const std::string& commit_id,
                           const std::string& parent) {
        FileChange change;
        change.kind = tree_change.kind;
        change.path = tree_change.path;
        change.old_path = tree_change.old_path;
        if (!tree_change.old_blob_id.empty()) {
            auto it = context_.tree.find(tree_change.old_path);
            if (it != context_.tree.end() && it->second.blob_id == tree_change.old_blob_id) {
                change.before = it->second;
            } else {
                change.before = load(tree_change.old_path, tree_change.old_blob_id, parent);
            }
        }
        if (!tree_change.new_blob_id.empty()) {
            change.after = load(tree_change.path, tree_change.new_blob_id, commit_id);
        }
        return change;
    }

    Artifact load(const std::string& path, const std::string& blob_id,
                  const std::string& commit_id) {
        auto artifact = loader_.load_blob(path, blob_id, git::AttributeSource::commit, commit_id);
        if (!artifact) {
            trace::log("lifecycle",
                       "cannot load '" + path + "' (" + blob_id + "): " + artifact.error().message);
            return unreadable_artifact(path, blob_id, artifact.error().message);
        }
        return std::move(artifact).value();
    }

    static bool needs_tree_context(const std::vector<FileChange>& changes) {
        return std::any_of(changes.begin(), changes.end(), [](const FileChange& change) {
            bool added_or_deleted =
                change.kind == git::ChangeKind::added || change.kind == git::ChangeKind::deleted;
            const auto& artifact = change.after ? change.after : change.before;
            return added_or_deleted && artifact && is_weights_file(*artifact);
        });
    }

    // The shard indexes before and after the commit, which give the tensor
    // names of weights files whose headers are not available.
    TreeContext make_tree_context(const std::vector<FileChange>& changes) const {
        TreeContext out;
        for (const auto& [path, artifact] : context_.tree) {
            if (artifact.format == Format::shard_index) {
                out.before.emplace(path, artifact);
            }
        }
        out.after = out.before;
        for (const auto& change : changes) {
            if (change.before) {
                out.after.erase(change.old_path);
            }
            if (change.after && change.after->format == Format::shard_index) {
                out.after[change.path] = *change.after;
            }
        }
        return out;
    }

    // Keeps weights_total_size_ equal to the total size of the weights files
    // in context_.tree, which advance() has already updated.
    void apply_weights_sizes(const std::vector<FileChange>& changes) {
        for (const auto& change : changes) {
            if (change.before && is_weights_file(*change.before)) {
                weights_total_size_ -= std::min(weights_total_size_, change.before->size);
            }
            if (change.after && is_weights_file(*change.after)) {
                weights_total_size_ += change.after->size;
            }
        }
    }

    // The text of a small Git blob, cached per path: the version a commit
    // writes is the one the next change of that path compares against.
    std::shared_ptr<const std::string> read_text(const Artifact& artifact) {
        if (artifact.blob_id.empty() || artifact.is_lfs()) {
            return nullptr;
        }
        CachedFile& cached = file_cache_[artifact.path];
        if (cached.blob_id != artifact.blob_id) {
            cached = CachedFile{artifact.blob_id, nullptr, nullptr, false};
            auto text = repo_.read_blob(artifact.blob_id, max_text_size);
            if (text) {
                cached.text = std::make_shared<const std::string>(std::move(text).value());
            }
        }
        return cached.text;
    }

    std::shared_ptr<const Json> read_json(const Artifact& artifact) {
        if (!read_text(artifact)) {
            return nullptr;
        }
        CachedFile& cached = file_cache_[artifact.path];
        if (!cached.json_parsed) {
            cached.json_parsed = true;
            if (auto json = parse_json(*cached.text)) {
                cached.json = std::make_shared<const Json>(std::move(json).value());
            }
        }
        return cached.json;
    }

    struct CachedFile {
        std::string blob_id;
        std::shared_ptr<const std::string> text;
        std::shared_ptr<const Json> json;
        bool json_parsed = false;
    };

    const git::Repository& repo_;
    artifacts::Loader& loader_;
    HistoryOptions options_;
    HistoryContext context_;
    std::string tree_commit_; // the commit whose tree context_.tree holds
    uint64_t weights_total_size_ = 0;
    TextReader read_text_;
    DiffOptions diff_options_;
    std::unordered_map<std::string, CachedFile> file_cache_; // by path
};

} // namespace

Result<std::vector<CommitRecord>>
classify_history(const git::Repository& repo, artifacts::Loader& loader, const std::string& range) {
    return classify_history(repo, loader, range, HistoryOptions{});
}

Result<std::vector<CommitRecord>> classify_history(const git::Repository& repo,
                                                   artifacts::Loader& loader,
                                                   const std::string& range,
                                                   const HistoryOptions& options) {
    HistoryWalker walker(repo, loader, options);
    return walker.run(range);
}

} // namespace mlv::lifecycle
