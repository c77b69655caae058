#include "tracked.hpp"

#include "mlv/util/file.hpp"
#include "mlv/util/hash.hpp"

#include <filesystem>
#include <system_error>

namespace mlv::worktree {
namespace {

constexpr uint32_t symlink_mode = 0120000;

// Returns the worktree state of one index entry: ' ' when unchanged.
Result<char> compare_entry(const git::Repository& repo, artifacts::Loader& loader,
                           const git::TreeEntry& entry) {
    std::string full = repo.workdir() + entry.path;
    std::error_code error;
    auto type = std::filesystem::symlink_status(full, error).type();
    if (error || type == std::filesystem::file_type::not_found) {
        return 'D';
    }

    bool tracked_as_link = entry.mode == symlink_mode;
    if (tracked_as_link != (type == std::filesystem::file_type::symlink)) {
        return 'T';
    }

    auto tracked = loader.blob_record(entry.path, entry.blob_id);
    if (!tracked) {
        return tracked.error();
    }

    // Git stores a symbolic link as a blob that contains its target.
    if (tracked_as_link) {
        auto target = std::filesystem::read_symlink(full, error);
        if (error) {
            return 'D';
        }
        return hash_bytes(target.string()).sha256 == tracked->oid ? ' ' : 'M';
    }

    auto stat = stat_file(full);
    if (!stat) {
        return 'T'; // a directory or a special file where the index has a file
    }
    auto current = loader.file_record(entry.path, *stat);
    if (!current) {
        return current.error();
    }
    return current->oid == tracked->oid ? ' ' : 'M';
}

} // namespace

Result<std::vector<git::StatusEntry>>
compare_tracked_files(const git::Repository& repo, artifacts::Loader& loader,
                      const std::vector<git::TreeEntry>& index) {
    std::vector<git::StatusEntry> changed;
    for (const auto& entry : index) {
        auto state = compare_entry(repo, loader, entry);
        if (!state) {
            return state.error();
        }
        if (*state == ' ') {
            continue;
        }
        git::StatusEntry status;
        status.path = entry.path;
        status.head_path = entry.path;
        status.worktree_state = *state;
        changed.push_back(std::move(status));
    }
    return changed;
}

} // namespace mlv::worktree
