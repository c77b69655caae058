// Reading a Git blob in order without holding all of it in memory.
//
// libgit2 1.5 inflates a blob whole (git_blob_lookup), and its odb.h states
// that most backends do not support streaming reads (git_odb_open_rstream).
// `git cat-file blob` streams loose and packed blobs alike. Git stores blobs
// above core.bigFileThreshold (512 MiB by default) without deltas, which it
// streams piece by piece, so memory stays bounded.
// NOTE: a large blob stored as a delta is still inflated whole by git.
#pragma once

#include "mlv/util/result.hpp"

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace mlv::git {

class BlobStream {
  public:
    // Starts `git --git-dir=<git_dir> cat-file blob <blob_id>` with its
    // output on a pipe. Fails when the process cannot be started.
    static Result<std::unique_ptr<BlobStream>> open(const std::string& git_dir,
                                                    std::string_view blob_id);

    // Closes the pipe, which ends a child that is still writing, and waits
    // for the child.
    ~BlobStream();
    BlobStream(const BlobStream&) = delete;
    BlobStream& operator=(const BlobStream&) = delete;

    // Reads up to `out.size()` bytes into `out` and returns their count,
    // which is 0 only at the end. At the end, fails when git exited with an
    // error (an unknown object id, a corrupt pack).
    Result<size_t> read(std::span<std::byte> out);

  private:
    BlobStream(int fd, pid_t pid, std::string blob_id)
        : fd_(fd), pid_(pid), blob_id_(std::move(blob_id)) {}
    Result<void> wait_for_exit();

    int fd_;
    pid_t pid_;
    std::string blob_id_;
};

} // namespace mlv::git
