#include "mlv/artifacts/snapshot.hpp"

#include "mlv/artifacts/blob_source.hpp"
#include "mlv/formats/lfs_pointer.hpp"
#include "mlv/util/file.hpp"
#include "mlv/util/hash.hpp"
#include "mlv/util/progress.hpp"
#include "mlv/util/trace.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace mlv::artifacts {
namespace {

// Blobs up to this size are read into memory whole by libgit2. Text readers
// read whole files up to the same size, so a larger blob only ever has its
// header read, and it is streamed instead (see StreamedBlobSource).
constexpr uint64_t default_stream_threshold = 256ull << 20;

// The bytes of a streamed blob that stay in memory for the readers. The
// safetensors reader caps a header at 100 MB, but real headers and GGUF
// metadata with a large vocabulary take a few MB, and a zip central
// directory takes about 100 bytes per entry (estimates).
constexpr uint64_t streamed_head_size = 64ull << 20;
constexpr uint64_t streamed_tail_size = 16ull << 20;

// Returns the size above which blobs are streamed.
// GIT_MLV_BLOB_STREAM_THRESHOLD (bytes) lowers it, so that tests reach the
// streaming path with small blobs.
uint64_t stream_threshold() {
    const char* text = std::getenv("GIT_MLV_BLOB_STREAM_THRESHOLD");
    if (text == nullptr || *text == '\0') {
        return default_stream_threshold;
    }
    char* end = nullptr;
    unsigned long long value = std::strtoull(text, &end, 10);
    if (*end != '\0') {
        trace::log("artifacts", "ignoring GIT_MLV_BLOB_STREAM_THRESHOLD='" + std::string(text) +
                                    "': not a byte count");
        return default_stream_threshold;
    }
    return value;
}

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

// A blob's bytes, once read: whole in memory, or as a stream for large ones.
struct BlobContent {
    std::optional<std::string> bytes;
    std::unique_ptr<StreamedBlobSource> streamed;
    std::string sha256; // of a streamed blob, computed while streaming
};

Result<void> read_blob_content(const git::Repository& repo, const std::string& path,
                               const std::string& blob_id, uint64_t size, BlobContent& content) {
    uint64_t threshold = stream_threshold();
    if (size <= threshold) {
        auto bytes = repo.read_blob(blob_id, threshold);
        if (!bytes) {
            return make_error("cannot read '" + path + "': " + bytes.error().message, 128);
        }
        content.bytes = std::move(*bytes);
        return {};
    }
    auto streamed = std::make_unique<StreamedBlobSource>(repo.git_dir(), blob_id, size,
                                                         streamed_head_size, streamed_tail_size);
    trace::log("artifacts", "hashing " + path + " from its Git blob");
    progress::Meter meter("hashing " + path, size);
    auto digest = streamed->load([&meter](uint64_t done) { meter.update(done); });
    if (!digest) {
        return make_error("cannot read '" + path + "': " + digest.error().message, 128);
    }
    content.streamed = std::move(streamed);
    content.sha256 = digest->sha256;
    return {};
}

// The content id and size of a blob, from the cache or by reading it into
// `content`.
Result<store::BlobRecord> record_blob(const git::Repository& repo, store::Cache& cache,
                                      const std::string& path, const std::string& blob_id,
                                      BlobContent& content) {
    if (auto cached = cache.blob(blob_id)) {
        return *cached;
    }
    auto size = repo.blob_size(blob_id);
    if (!size) {
        return make_error("cannot read '" + path + "': " + size.error().message, 128);
    }
    auto read = read_blob_content(repo, path, blob_id, *size, content);
    if (!read) {
        return read.error();
    }

    // An LFS pointer is a few hundred bytes, so a streamed blob is content.
    store::BlobRecord record;
    if (content.streamed) {
        record = {content.sha256, *size, false};
    } else if (auto pointer = formats::parse_lfs_pointer(*content.bytes)) {
        record = {pointer->oid, pointer->size, true};
    } else {
        record = {hash_bytes(*content.bytes).sha256, content.bytes->size(), false};
    }
    cache.put_blob(blob_id, record);
    return record;
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
    // "false" is the unset attribute (-mlv-role), which means no override.
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
    BlobContent read;
    auto record = record_blob(repo_, cache_, path, blob_id, read);
    content = std::move(read.bytes);
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
    // cached, and for describing when its description is not cached. A
    // streamed blob is read again only for a range outside its kept bytes.
    BlobContent content;
    auto record = record_blob(repo_, cache_, path, blob_id, content);
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
            if (!content.bytes && !content.streamed) {
                auto read = read_blob_content(repo_, path, blob_id, artifact.size, content);
                if (!read) {
                    return read.error();
                }
            }
            if (content.streamed) {
                artifact.description =
                    describe_cached(artifact.oid, format, sniffing, *content.streamed);
            } else {
                MemorySource memory(*content.bytes);
                artifact.description = describe_cached(artifact.oid, format, sniffing, memory);
            }
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
