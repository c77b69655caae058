// TODO: placeholder until the reader lands; every function fails.
#include "mlv/formats/hf_config.hpp"

namespace mlv::formats {
void to_json(Json&, const ModelConfig&) {
}
void from_json(const Json&, ModelConfig&) {
}
void to_json(Json&, const GenerationConfig&) {
}
void from_json(const Json&, GenerationConfig&) {
}
const std::vector<std::string>& structural_config_keys() {
    static std::vector<std::string> k;
    return k;
}
Result<ModelConfig> parse_model_config(std::string_view) {
    return make_error("not implemented");
}
Result<GenerationConfig> parse_generation_config(std::string_view) {
    return make_error("not implemented");
}
Result<AdapterConfig> parse_adapter_config(std::string_view) {
    return make_error("not implemented");
}
Result<TrainerState> parse_trainer_state(std::string_view) {
    return make_error("not implemented");
}
} // namespace mlv::formats
