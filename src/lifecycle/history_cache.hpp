// The link between the history walk and the log cache of mlv::store:
// which inputs make up an entry's key, and the conversion of records to
// cache rows and back.
#pragma once

#include "mlv/lifecycle/history.hpp"
#include "mlv/store/history_cache.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlv::lifecycle::detail {

// Returns the key (64 hex digits) of a walk over `commits` in walk order.
// It covers everything the records depend on apart from local LFS objects:
// the classifier version and the running executable, the repository name,
// the session gap, the attribute files outside the commits' trees and the
// commit ids, which fix the commits' content and ancestry.
std::string log_cache_key(const git::Repository& repo, const std::string& repository_name,
                          const std::vector<git::CommitInfo>& commits, int64_t session_gap_seconds);

// Returns the cache entry of classified records: their rows and the LFS
// objects their changes refer to, with their presence now.
store::HistoryEntry make_cache_entry(const git::Repository& repo,
                                     const std::vector<CommitRecord>& records);

// Rebuilds the records of a walk from a cache entry, moving the rows and
// the commits into them. Returns nullopt, with `commits` unchanged, when the
// entry does not fit the walk: another commit at any position, another
// session number, an unknown stage, maintenance type or role, or an LFS
// object whose local presence has changed.
std::optional<std::vector<CommitRecord>> records_from_cache(const git::Repository& repo,
                                                            store::HistoryEntry&& entry,
                                                            std::vector<git::CommitInfo>& commits,
                                                            const std::vector<int>& sessions);

} // namespace mlv::lifecycle::detail
