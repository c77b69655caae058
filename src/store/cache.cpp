// TODO: placeholder; the cache keeps nothing yet.
#include "mlv/store/cache.hpp"

namespace mlv::store {

struct Cache::State {};

Cache::Cache(std::string) : state_(std::make_unique<State>()) {
}
Cache::~Cache() = default;
std::shared_ptr<const artifacts::Description> Cache::description(const std::string&,
                                                                 artifacts::Format) {
    return nullptr;
}
void Cache::put_description(const std::string&, std::shared_ptr<const artifacts::Description>) {
}
std::optional<BlobRecord> Cache::blob(const std::string&) {
    return std::nullopt;
}
void Cache::put_blob(const std::string&, const BlobRecord&) {
}
std::optional<WorktreeRecord> Cache::worktree(const std::string&, const FileStat&) {
    return std::nullopt;
}
void Cache::put_worktree(const std::string&, const WorktreeRecord&) {
}
void Cache::flush() {
}

} // namespace mlv::store
