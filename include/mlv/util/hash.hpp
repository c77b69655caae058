// Streaming SHA-256 (content ids, equal to Git LFS oids) and XXH3-128 (fast
// local change detection), computed together in one pass over the bytes.
#pragma once

#include "mlv/util/result.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mlv {

// Lowercase hex of `bytes`.
std::string to_hex(std::string_view bytes);

// Returns whether `text` is exactly 64 lowercase hex digits.
bool is_sha256_hex(std::string_view text);

// Digests of one stream of bytes.
struct ContentDigest {
    std::string sha256; // 64 lowercase hex digits
    std::string xxh3;   // 32 lowercase hex digits (XXH3-128)
    uint64_t size = 0;
};

// Hashes bytes fed in any number of pieces with SHA-256 and XXH3-128 at once.
class StreamHasher {
  public:
    StreamHasher();
    ~StreamHasher();
    StreamHasher(const StreamHasher&) = delete;
    StreamHasher& operator=(const StreamHasher&) = delete;

    void update(std::string_view bytes);

    // Returns the digests of everything fed so far. Call once.
    ContentDigest finish();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

// Hashes a whole buffer.
ContentDigest hash_bytes(std::string_view bytes);

// Called after each chunk with the number of bytes hashed so far.
using HashProgress = std::function<void(uint64_t bytes_done)>;

// Hashes a file while reading it in fixed-size chunks; memory use does not
// grow with the file size. `on_progress`, when set, is called after each
// chunk.
Result<ContentDigest> hash_file(const std::string& path, const HashProgress& on_progress = {});

} // namespace mlv
