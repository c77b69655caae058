#include "mlv/git/blob_stream.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

extern char** environ;

namespace mlv::git {

Result<std::unique_ptr<BlobStream>> BlobStream::open(const std::string& git_dir,
                                                     std::string_view blob_id) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return make_error(
            std::string("cannot create a pipe for git cat-file: ") + std::strerror(errno), 128);
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    std::string git_dir_option = "--git-dir=" + git_dir;
    std::string id(blob_id);
    std::vector<char*> arguments = {const_cast<char*>("git"),
                                    git_dir_option.data(),
                                    const_cast<char*>("cat-file"),
                                    const_cast<char*>("blob"),
                                    id.data(),
                                    nullptr};
    pid_t pid = 0;
    int spawned = posix_spawnp(&pid, "git", &actions, nullptr, arguments.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (spawned != 0) {
        ::close(pipe_fds[0]);
        return make_error("cannot run git cat-file for blob " + id + ": " + std::strerror(spawned),
                          128);
    }
    return std::unique_ptr<BlobStream>(new BlobStream(pipe_fds[0], pid, std::move(id)));
}

BlobStream::~BlobStream() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
    if (pid_ > 0) {
        // A child still writing gets EPIPE or SIGPIPE now that the pipe is
        // closed, so this wait ends.
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
}

Result<void> BlobStream::wait_for_exit() {
    int status = 0;
    pid_t waited = 0;
    do {
        waited = ::waitpid(pid_, &status, 0);
    } while (waited < 0 && errno == EINTR);
    pid_ = 0;
    if (waited < 0) {
        return make_error("cannot wait for git cat-file: " + std::string(std::strerror(errno)),
                          128);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return make_error("git cat-file blob " + blob_id_ + " failed with exit status " +
                              std::to_string(code),
                          128);
    }
    return {};
}

Result<size_t> BlobStream::read(std::span<std::byte> out) {
    if (out.empty()) {
        return size_t{0};
    }
    while (true) {
        ssize_t n = ::read(fd_, out.data(), out.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return make_error("cannot read blob " + blob_id_ +
                                  " from git cat-file: " + std::strerror(errno),
                              128);
        }
        if (n == 0 && pid_ > 0) {
            auto exited = wait_for_exit();
            if (!exited) {
                return exited.error();
            }
        }
        return static_cast<size_t>(n);
    }
}

} // namespace mlv::git
