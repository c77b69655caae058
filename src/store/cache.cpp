#include "mlv/store/cache.hpp"

#include "mlv/util/trace.hpp"

#include <unordered_map>

namespace mlv::store {
namespace {

// Bump when the layout of any cached record or Description changes, so that
// old entries are ignored instead of misread.
constexpr const char* cache_schema = "v2";

// Cache files are ours, but the Git directory is writable by anything the
// user runs; a corrupt or planted file must not exhaust memory.
constexpr uint64_t max_map_size = 512ull << 20;
constexpr uint64_t max_description_size = 256ull << 20;

Json load_map(const std::string& path) {
    auto text = read_file(path, max_map_size);
    if (!text) {
        return Json::object();
    }
    auto json = parse_json(*text);
    if (!json || !json->is_object()) {
        trace::log("store", "ignoring unreadable cache file " + path);
        return Json::object();
    }
    return std::move(*json);
}

void save_map(const std::string& path, const Json& map) {
    auto status = write_file_atomic(path, map.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (!status) {
        trace::log("store", "cannot write cache: " + status.error().message);
    }
}

} // namespace

struct Cache::State {
    std::string root; // "" when persistence is off
    bool blobs_loaded = false;
    bool blobs_dirty = false;
    Json blobs = Json::object();
    bool worktree_loaded = false;
    bool worktree_dirty = false;
    Json worktree = Json::object();
    std::unordered_map<std::string, std::shared_ptr<const artifacts::Description>> descriptions;

    std::string blobs_path() const { return root + "/blobs.json"; }
    std::string worktree_path() const { return root + "/worktree.json"; }
    std::string description_path(const std::string& key) const {
        return root + "/meta/" + key.substr(0, 2) + "/" + key + ".json";
    }
    void ensure_blobs() {
        if (!blobs_loaded) {
            blobs_loaded = true;
            if (!root.empty()) {
                blobs = load_map(blobs_path());
            }
        }
    }
    void ensure_worktree() {
        if (!worktree_loaded) {
            worktree_loaded = true;
            if (!root.empty()) {
                worktree = load_map(worktree_path());
            }
        }
    }
};

Cache::Cache(std::string directory) : state_(std::make_unique<State>()) {
    if (!directory.empty()) {
        state_->root = directory + "/cache-" + cache_schema;
    }
}

Cache::~Cache() {
    flush();
}

static std::string description_key(const std::string& oid, artifacts::Format path_format) {
    return oid + "." + std::string(artifacts::to_string(path_format));
}

std::shared_ptr<const artifacts::Description> Cache::description(const std::string& oid,
                                                                 artifacts::Format path_format) {
    std::string key = description_key(oid, path_format);
    auto found = state_->descriptions.find(key);
    if (found != state_->descriptions.end()) {
        return found->second;
    }
    if (state_->root.empty() || oid.size() < 2) {
        return nullptr;
    }
    auto text = read_file(state_->description_path(key), max_description_size);
    if (!text) {
        return nullptr;
    }
    auto json = parse_json(*text);
    if (!json) {
        return nullptr;
    }
    try {
        auto description =
            std::make_shared<const artifacts::Description>(artifacts::description_from_json(*json));
        state_->descriptions.emplace(key, description);
        trace::log("store", "description cache hit for " + key);
        return description;
    } catch (const Json::exception& error) {
        trace::log("store", "ignoring cached description " + key + ": " + error.what());
        return nullptr;
    }
}

void Cache::put_description(const std::string& oid, artifacts::Format path_format,
                            std::shared_ptr<const artifacts::Description> description) {
    std::string key = description_key(oid, path_format);
    state_->descriptions[key] = description;
    if (state_->root.empty() || oid.size() < 2) {
        return;
    }
    Json json = artifacts::to_json(*description);
    auto status = write_file_atomic(state_->description_path(key),
                                    json.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (!status) {
        trace::log("store", "cannot write cache: " + status.error().message);
    }
}

std::optional<BlobRecord> Cache::blob(const std::string& blob_id) {
    state_->ensure_blobs();
    auto found = state_->blobs.find(blob_id);
    if (found == state_->blobs.end() || !found->is_object()) {
        return std::nullopt;
    }
    const Json& entry = *found;
    BlobRecord record;
    try {
        record.oid = entry.value("oid", "");
        record.size = entry.value("size", uint64_t{0});
        record.lfs = entry.value("lfs", false);
    } catch (const Json::exception& error) {
        trace::log("store", "ignoring cached blob " + blob_id + ": " + error.what());
        return std::nullopt;
    }
    if (record.oid.size() != 64) {
        return std::nullopt;
    }
    return record;
}

void Cache::put_blob(const std::string& blob_id, const BlobRecord& record) {
    state_->ensure_blobs();
    state_->blobs[blob_id] = {{"oid", record.oid}, {"size", record.size}, {"lfs", record.lfs}};
    state_->blobs_dirty = true;
}

std::optional<WorktreeRecord> Cache::worktree(const std::string& path, const FileStat& stat) {
    state_->ensure_worktree();
    auto found = state_->worktree.find(path);
    if (found == state_->worktree.end() || !found->is_object()) {
        return std::nullopt;
    }
    const Json& entry = *found;
    WorktreeRecord record;
    // A planted or damaged entry with values of the wrong type is a miss.
    try {
        record.stat.size = entry.value("file_size", uint64_t{0});
        record.stat.mtime_ns = entry.value("mtime_ns", int64_t{0});
        record.stat.inode = entry.value("inode", uint64_t{0});
        record.oid = entry.value("oid", "");
        record.xxh3 = entry.value("xxh3", "");
        record.size = entry.value("size", uint64_t{0});
        record.lfs = entry.value("lfs", false);
    } catch (const Json::exception& error) {
        trace::log("store", "ignoring cached stat of " + path + ": " + error.what());
        return std::nullopt;
    }
    if (!(record.stat == stat)) {
        return std::nullopt;
    }
    if (record.oid.size() != 64) {
        return std::nullopt;
    }
    trace::log("store", "unchanged since last hash: " + path);
    return record;
}

void Cache::put_worktree(const std::string& path, const WorktreeRecord& record) {
    state_->ensure_worktree();
    state_->worktree[path] = {{"file_size", record.stat.size},
                              {"mtime_ns", record.stat.mtime_ns},
                              {"inode", record.stat.inode},
                              {"oid", record.oid},
                              {"xxh3", record.xxh3},
                              {"size", record.size},
                              {"lfs", record.lfs}};
    state_->worktree_dirty = true;
}

void Cache::flush() {
    if (state_->root.empty()) {
        return;
    }
    if (state_->blobs_dirty) {
        save_map(state_->blobs_path(), state_->blobs);
        state_->blobs_dirty = false;
    }
    if (state_->worktree_dirty) {
        save_map(state_->worktree_path(), state_->worktree);
        state_->worktree_dirty = false;
    }
}

} // namespace mlv::store
