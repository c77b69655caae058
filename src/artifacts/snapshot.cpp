#include "mlv/artifacts/snapshot.hpp"

#include "mlv/formats/lfs_pointer.hpp"
#include "mlv/util/file.hpp"
#include "mlv/util/hash.hpp"
#include "mlv/util/progress.hpp"
#include "mlv/util/trace.hpp"

#include <algorithm>
#include <filesystem>

namespace mlv::artifacts {
namespace {

// Non-LFS blobs are read into memory by libgit2 to be hashed and described.
// Model repositories keep large files in LFS; a multi-gigabyte raw blob is
// rejected rather than loaded.
constexpr uint64_t max_blob_size = 4ull << 30;

// Enough bytes to recognise every magic number detect_format looks at.
constexpr uint64_t sniff_size = 16;

bool selected(const std::string& path, const std::vector<std::string>& paths) {
    if (paths.empty()) {
        return true;
    }
    for (const auto& wanted : paths) {
        std::string prefix = wanted;
        while (!prefix.empty() && prefix.back() == '/') {
            prefix.pop_back();
        }
        if (prefix.empty() || prefix == "." || path == prefix ||
            (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
             path[prefix.size()] == '/')) {
            return true;
        }
    }
    return false;
}

// Returns false for formats whose content nothing reads; their bytes are
// hashed but not parsed. A binary file is read only when its first bytes may
// still make it a checkpoint.
bool has_reader(Format format, ContentSniffing sniffing) {
    switch (format) {
    case Format::markdown:
    case Format::text:
    case Format::keras_h5:
    case Format::flax_msgpack:
    case Format::tflite:
        return false;
    case Format::binary:
        return sniffing == ContentSniffing::allowed;
    default:
        return true;
    }
}

Storage lfs_storage(const git::Repository& repo, const std::string& oid) {
    return std::filesystem::exists(repo.lfs_object_path(oid)) ? Storage::lfs : Storage::lfs_missing;
}

} // namespace

const Artifact* Snapshot::find(std::string_view path) const {
    auto it = std::lower_bound(artifacts.begin(), artifacts.end(), path,
                               [](const Artifact& a, std::string_view p) { return a.path < p; });
    if (it != artifacts.end() && it->path == path) {
        return &*it;
    }
    return nullptr;
}

Loader::Loader(const git::Repository& repo, store::Cache& cache,
               std::vector<RolePattern> role_patterns)
    : repo_(repo), cache_(cache), role_patterns_(std::move(role_patterns)) {
}

ResolvedRole Loader::role_of(const std::string& path, git::AttributeSource source,
                             const std::string& commit_id) {
    auto attribute = repo_.attribute(path, "mlv-role", source, commit_id);
    std::optional<std::string> value;
    if (attribute) {
        value = *attribute;
    } else {
        trace::log("artifacts", attribute.error().message);
    }
    // "false" is the unset attribute (-mlv-role), which asks for no override.
    if (value && *value != "false" && !parse_role(*value) &&
        unknown_role_values_.insert(*value).second) {
        warnings_.push_back("unknown role '" + *value + "' in attribute mlv-role for '" + path +
                            "'; expected one of " + role_names_list());
    }
    return resolve_role(path, value, role_patterns_);
}

std::shared_ptr<const Description> Loader::describe_cached(const std::string& oid, Format format,
                                                           ContentSniffing sniffing,
                                                           const ByteSource& source) {
    if (auto cached = cache_.description(oid, format)) {
        return cached;
    }
    Format detected = format;
    if (sniffing == ContentSniffing::allowed) {
        auto head = source.read_string(0, std::min<uint64_t>(source.size(), sniff_size));
        detected = detect_format_from(format, head ? *head : std::string());
    }
    auto description = std::make_shared<const Description>(describe(detected, source));
    cache_.put_description(oid, format, description);
    return description;
}

Result<store::BlobRecord> Loader::blob_record(const std::string& path, const std::string& blob_id) {
    std::optional<std::string> content;
    return blob_record(path, blob_id, content);
}

Result<store::BlobRecord> Loader::blob_record(const std::string& path, const std::string& blob_id,
                                              std::optional<std::string>& content) {
    if (auto cached = cache_.blob(blob_id)) {
        return *cached;
    }
    auto bytes = repo_.read_blob(blob_id, max_blob_size);
    if (!bytes) {
        return make_error("cannot read '" + path + "': " + bytes.error().message, 128);
    }
    store::BlobRecord record;
    if (auto pointer = formats::parse_lfs_pointer(*bytes)) {
        record = {pointer->oid, pointer->size, true};
    } else {
        record = {hash_bytes(*bytes).sha256, bytes->size(), false};
    }
    cache_.put_blob(blob_id, record);
    content = std::move(*bytes);
    return record;
}

Result<Artifact> Loader::load_blob(const std::string& path, const std::string& blob_id,
                                   git::AttributeSource source, const std::string& commit_id) {
    Artifact artifact;
    artifact.path = path;
    artifact.blob_id = blob_id;
    ResolvedRole role = role_of(path, source, commit_id);
    artifact.role = role.role;
    Format format = format_for_role(format_from_path(path), role.role);
    ContentSniffing sniffing = content_sniffing(role);
    artifact.format = format;

    // The blob is read at most once: for hashing when its digest is not
    // cached, and for describing when its description is not cached.
    std::optional<std::string> content;
    auto record = blob_record(path, blob_id, content);
    if (!record) {
        return record.error();
    }
    artifact.oid = record->oid;
    artifact.size = record->size;
    artifact.storage = record->lfs ? lfs_storage(repo_, record->oid) : Storage::git;

    if (!has_reader(format, sniffing)) {
        return artifact;
    }
    if (artifact.storage == Storage::lfs) {
        auto file = FileSource::open(repo_.lfs_object_path(artifact.oid));
        if (!file) {
            artifact.storage = Storage::lfs_missing;
            return artifact;
        }
        artifact.description = describe_cached(artifact.oid, format, sniffing, **file);
    } else if (artifact.storage == Storage::git) {
        if (auto cached = cache_.description(artifact.oid, format)) {
            artifact.description = cached;
        } else {
            if (!content) {
                auto bytes = repo_.read_blob(blob_id, max_blob_size);
                if (!bytes) {
                    return make_error("cannot read '" + path + "': " + bytes.error().message, 128);
                }
                content = std::move(*bytes);
            }
            MemorySource memory(*content);
            artifact.description = describe_cached(artifact.oid, format, sniffing, memory);
        }
    }
    if (artifact.description) {
        artifact.format = artifact.description->format;
    }
    return artifact;
}

Result<store::WorktreeRecord> Loader::file_record(const std::string& path, const FileStat& stat) {
    if (auto cached = cache_.worktree(path, stat)) {
        return *cached;
    }
    std::string full = repo_.workdir() + path;
    store::WorktreeRecord fresh;
    fresh.stat = stat;
    std::optional<formats::LfsPointer> pointer;
    if (stat.size <= formats::lfs_pointer_max_size) {
        auto text = read_file(full, formats::lfs_pointer_max_size);
        if (!text) {
            return text.error();
        }
        pointer = formats::parse_lfs_pointer(*text);
        fresh.xxh3 = hash_bytes(*text).xxh3;
        if (!pointer) {
            fresh.oid = hash_bytes(*text).sha256;
            fresh.size = text->size();
        }
    }
    if (pointer) {
        fresh.oid = pointer->oid;
        fresh.size = pointer->size;
        fresh.lfs = true;
    } else if (fresh.oid.empty()) {
        trace::log("artifacts", "hashing " + path);
        progress::Meter meter("hashing " + path, stat.size);
        auto digest = hash_file(full, [&meter](uint64_t done) { meter.update(done); });
        if (!digest) {
            return digest.error();
        }
        fresh.oid = digest->sha256;
        fresh.xxh3 = digest->xxh3;
        fresh.size = digest->size;
    }
    cache_.put_worktree(path, fresh);
    return fresh;
}

Result<Artifact> Loader::load_file(const std::string& path) {
    std::string full = repo_.workdir() + path;
    auto stat = stat_file(full);
    if (!stat) {
        return make_error("cannot read '" + path + "': not a regular file", 128);
    }

    Artifact artifact;
    artifact.path = path;
    ResolvedRole role = role_of(path, git::AttributeSource::worktree, {});
    artifact.role = role.role;
    Format format = format_for_role(format_from_path(path), role.role);
    ContentSniffing sniffing = content_sniffing(role);
    artifact.format = format;

    auto record = file_record(path, *stat);
    if (!record) {
        return record.error();
    }
    artifact.oid = record->oid;
    artifact.size = record->size;
    artifact.storage = record->lfs ? lfs_storage(repo_, record->oid) : Storage::git;

    if (!has_reader(format, sniffing) || artifact.storage == Storage::lfs_missing) {
        return artifact;
    }
    std::string content_path =
        artifact.storage == Storage::lfs ? repo_.lfs_object_path(artifact.oid) : full;
    auto file = FileSource::open(content_path);
    if (!file) {
        return file.error();
    }
    artifact.description = describe_cached(artifact.oid, format, sniffing, **file);
    artifact.format = artifact.description->format;
    return artifact;
}

Artifact Loader::load_file_or_error(const std::string& path) {
    auto artifact = load_file(path);
    if (artifact) {
        return std::move(*artifact);
    }
    trace::log("artifacts", artifact.error().message);
    Artifact unreadable;
    unreadable.path = path;
    unreadable.role = role_of(path, git::AttributeSource::worktree, {}).role;
    unreadable.format = format_for_role(format_from_path(path), unreadable.role);
    auto description = std::make_shared<Description>();
    description->format = unreadable.format;
    description->error = artifact.error().message;
    unreadable.description = std::move(description);
    return unreadable;
}

Result<Snapshot> Loader::load_commit(const std::string& commit_id,
                                     const std::vector<std::string>& paths) {
    auto entries = repo_.list_tree(commit_id);
    if (!entries) {
        return entries.error();
    }
    Snapshot snapshot;
    snapshot.kind = SnapshotKind::commit;
    snapshot.commit_id = commit_id;
    for (const auto& entry : *entries) {
        if (!selected(entry.path, paths)) {
            continue;
        }
        auto artifact =
            load_blob(entry.path, entry.blob_id, git::AttributeSource::commit, commit_id);
        if (!artifact) {
            return artifact.error();
        }
        snapshot.artifacts.push_back(std::move(*artifact));
    }
    std::sort(snapshot.artifacts.begin(), snapshot.artifacts.end(),
              [](const Artifact& a, const Artifact& b) { return a.path < b.path; });
    return snapshot;
}

Result<Snapshot> Loader::load_index(const std::vector<std::string>& paths) {
    auto entries = repo_.list_index();
    if (!entries) {
        return entries.error();
    }
    Snapshot snapshot;
    snapshot.kind = SnapshotKind::index;
    for (const auto& entry : *entries) {
        if (!selected(entry.path, paths)) {
            continue;
        }
        auto artifact = load_blob(entry.path, entry.blob_id, git::AttributeSource::index);
        if (!artifact) {
            return artifact.error();
        }
        snapshot.artifacts.push_back(std::move(*artifact));
    }
    std::sort(snapshot.artifacts.begin(), snapshot.artifacts.end(),
              [](const Artifact& a, const Artifact& b) { return a.path < b.path; });
    return snapshot;
}

Result<Snapshot> Loader::load_worktree(const std::vector<std::string>& paths) {
    auto index = repo_.list_index();
    if (!index) {
        return index.error();
    }
    // Tracked files are not compared with the index here: load_file hashes
    // each one only when its stat cache entry is stale.
    auto untracked = repo_.untracked_files();
    if (!untracked) {
        return untracked.error();
    }
    std::vector<std::string> files;
    for (const auto& entry : *index) {
        files.push_back(entry.path);
    }
    files.insert(files.end(), untracked->begin(), untracked->end());
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());

    Snapshot snapshot;
    snapshot.kind = SnapshotKind::worktree;
    for (const auto& path : files) {
        if (!selected(path, paths) || !stat_file(repo_.workdir() + path)) {
            continue; // deleted in the working tree, or not a regular file
        }
        snapshot.artifacts.push_back(load_file_or_error(path));
    }
    return snapshot;
}

bool path_selected(const std::string& path, const std::vector<std::string>& paths) {
    return selected(path, paths);
}

} // namespace mlv::artifacts
