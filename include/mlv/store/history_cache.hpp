// The result cache of `git mlv log`: the classified rows of whole history
// walks, one file per walk under <git-common-dir>/mlv/log/. The format and
// its rules are in docs/cache-format.md.
//
// The store layer only encodes, decodes and files entries. The caller
// computes the key (every input the rows depend on) and checks the rows
// against its own walk before it uses them.
#pragma once

#include "mlv/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::store {

// One changed file of a commit, as `git mlv log --json` prints it.
struct HistoryFileRow {
    std::string path;
    std::string role;     // artifacts::to_string(Role)
    std::string headline; // FileDiff::headline()
};

// The classification of one commit, with stages and the maintenance type
// as their names.
struct HistoryRow {
    std::string commit; // full commit id
    int session = 0;
    uint64_t weights_total_size = 0;
    std::string stage;
    std::vector<std::string> secondary_stages;
    std::string maintenance;
    std::string summary;
    std::vector<std::string> evidence;
    std::vector<HistoryFileRow> files;
};

// An LFS object whose local presence the walk saw; a different presence now
// can change the rows, so the caller must recheck it.
struct LfsPresence {
    std::string oid;
    bool present = false;
};

struct HistoryEntry {
    std::vector<LfsPresence> lfs_objects;
    std::vector<HistoryRow> rows; // in walk order, oldest first
};

// Maximum number of entry files kept in the directory; storing one more
// removes the least recently written.
inline constexpr size_t history_cache_max_entries = 16;

// Maximum size of one entry file; larger entries are neither written nor read.
inline constexpr uint64_t history_cache_max_bytes = 256ull << 20;

// Serializes `entry` under `key` (lowercase hex) in the format of
// docs/cache-format.md.
std::string encode_history_entry(std::string_view key, const HistoryEntry& entry);

// Parses an entry file. Fails on any deviation from the format, including a
// key other than `key`, a missing end line or a row count that differs from
// the end line's.
Result<HistoryEntry> decode_history_entry(std::string_view text, std::string_view key);

class HistoryCache {
  public:
    // A cache in `directory`; an empty directory disables it.
    explicit HistoryCache(std::string directory);

    // Returns the entry stored under `key`, or nullopt when there is none or
    // its file is unreadable or malformed (which is traced, never raised).
    std::optional<HistoryEntry> load(std::string_view key) const;

    // Writes the entry through a temporary file and a rename, then removes
    // the oldest entry files beyond history_cache_max_entries. Failures are
    // traced: a cache that cannot be written only costs time.
    void store(std::string_view key, const HistoryEntry& entry) const;

  private:
    std::string entry_path(std::string_view key) const;

    std::string directory_;
};

} // namespace mlv::store
