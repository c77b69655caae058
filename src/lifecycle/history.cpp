// TODO: placeholder until the lifecycle classifier lands.
#include "mlv/lifecycle/history.hpp"

namespace mlv::lifecycle {

std::string_view to_string(Stage) { return "unknown"; }
std::optional<Stage> parse_stage(std::string_view) { return std::nullopt; }
std::string_view to_string(Maintenance) { return "unknown"; }

Result<std::vector<CommitRecord>> classify_history(const git::Repository&, artifacts::Loader&,
                                                   const std::string&) {
    return make_error("lifecycle classification is not implemented yet");
}

} // namespace mlv::lifecycle
