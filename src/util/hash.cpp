#include "mlv/util/hash.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <xxhash.h>

namespace mlv {

std::string to_hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0x0f]);
    }
    return out;
}

bool is_sha256_hex(std::string_view text) {
    if (text.size() != 64) {
        return false;
    }
    for (char c : text) {
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        if (!hex) {
            return false;
        }
    }
    return true;
}

struct StreamHasher::State {
    EVP_MD_CTX* sha = nullptr;
    XXH3_state_t* xxh = nullptr;
    uint64_t size = 0;
};

StreamHasher::StreamHasher() : state_(std::make_unique<State>()) {
    state_->sha = EVP_MD_CTX_new();
    state_->xxh = XXH3_createState();
    if (state_->sha == nullptr || state_->xxh == nullptr ||
        EVP_DigestInit_ex(state_->sha, EVP_sha256(), nullptr) != 1 ||
        XXH3_128bits_reset(state_->xxh) != XXH_OK) {
        throw std::bad_alloc();
    }
}

StreamHasher::~StreamHasher() {
    EVP_MD_CTX_free(state_->sha);
    XXH3_freeState(state_->xxh);
}

void StreamHasher::update(std::string_view bytes) {
    EVP_DigestUpdate(state_->sha, bytes.data(), bytes.size());
    XXH3_128bits_update(state_->xxh, bytes.data(), bytes.size());
    state_->size += bytes.size();
}

ContentDigest StreamHasher::finish() {
    unsigned char sha[EVP_MAX_MD_SIZE];
    unsigned int sha_length = 0;
    EVP_DigestFinal_ex(state_->sha, sha, &sha_length);

    XXH128_hash_t xxh = XXH3_128bits_digest(state_->xxh);
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, xxh);

    ContentDigest digest;
    digest.sha256 = to_hex(std::string_view(reinterpret_cast<const char*>(sha), sha_length));
    digest.xxh3 = to_hex(
        std::string_view(reinterpret_cast<const char*>(canonical.digest), sizeof canonical.digest));
    digest.size = state_->size;
    return digest;
}

ContentDigest hash_bytes(std::string_view bytes) {
    StreamHasher hasher;
    hasher.update(bytes);
    return hasher.finish();
}

Result<ContentDigest> hash_file(const std::string& path, const HashProgress& on_progress) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return make_error("cannot open '" + path + "': " + std::strerror(errno), 128);
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    StreamHasher hasher;
    std::string buffer(1 << 20, '\0');
    uint64_t done = 0;
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int saved = errno;
            ::close(fd);
            return make_error("cannot read '" + path + "': " + std::strerror(saved), 128);
        }
        if (n == 0) {
            break;
        }
        hasher.update(std::string_view(buffer.data(), static_cast<size_t>(n)));
        done += static_cast<uint64_t>(n);
        if (on_progress) {
            on_progress(done);
        }
    }
    ::close(fd);
    return hasher.finish();
}

} // namespace mlv
