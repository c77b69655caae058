#include "mlv/util/file.hpp"

#include "mlv/util/byte_source.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace mlv {

std::optional<FileStat> stat_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return std::nullopt;
    }
    FileStat out;
    out.size = static_cast<uint64_t>(st.st_size);
    out.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out.inode = static_cast<uint64_t>(st.st_ino);
    return out;
}

Result<std::string> read_file(const std::string& path, uint64_t max_size) {
    auto source = FileSource::open(path);
    if (!source) {
        return source.error();
    }
    auto content = (*source)->read_all(max_size);
    if (!content) {
        return make_error("cannot read '" + path + "': " + content.error().message,
                          content.error().code);
    }
    return content;
}

Result<void> write_file_atomic(const std::string& path, std::string_view content) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path target(path);
    if (target.has_parent_path()) {
        fs::create_directories(target.parent_path(), ec);
        if (ec) {
            return make_error("cannot create directory '" + target.parent_path().string() +
                                  "': " + ec.message(),
                              128);
        }
    }

    std::string temp = path + ".tmp-XXXXXX";
    int fd = ::mkstemp(temp.data());
    if (fd < 0) {
        return make_error(
            "cannot create temporary file for '" + path + "': " + std::strerror(errno), 128);
    }

    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int saved = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            return make_error("cannot write '" + temp + "': " + std::strerror(saved), 128);
        }
        done += static_cast<size_t>(n);
    }
    // mkstemp creates the file with mode 0600; give it the usual 0644 minus umask.
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);

    if (::close(fd) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
        int saved = errno;
        ::unlink(temp.c_str());
        return make_error("cannot write '" + path + "': " + std::strerror(saved), 128);
    }
    return {};
}

} // namespace mlv
