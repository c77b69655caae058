// TODO: placeholder until the reader lands; every function fails.
#include "mlv/formats/tokenizer.hpp"

namespace mlv::formats {
Result<TokenizerJson> parse_tokenizer_json(std::string_view) {
    return make_error("not implemented");
}
Result<TokenizerConfig> parse_tokenizer_config(std::string_view) {
    return make_error("not implemented");
}
Result<SpecialTokensMap> parse_special_tokens_map(std::string_view) {
    return make_error("not implemented");
}
Result<Vocabulary> parse_added_tokens(std::string_view) {
    return make_error("not implemented");
}
Result<Vocabulary> parse_vocab_txt(std::string_view) {
    return make_error("not implemented");
}
Result<Vocabulary> parse_vocab_json(std::string_view) {
    return make_error("not implemented");
}
Result<Merges> parse_merges(std::string_view) {
    return make_error("not implemented");
}
} // namespace mlv::formats
