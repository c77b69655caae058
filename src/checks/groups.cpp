#include "mlv/checks/groups.hpp"

namespace mlv::checks {

const std::vector<CoEditGroup>& builtin_groups() {
    static const std::vector<CoEditGroup> groups = {
        {"tokenizer",
         {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
          "vocab.txt", "vocab.json", "merges.txt", "tokenizer.model", "spiece.model",
          "sentencepiece.bpe.model", "chat_template.jinja"}},
        {"model",
         {"config.json", "*.safetensors", "*.safetensors.index.json", "pytorch_model*.bin",
          "pytorch_model.bin.index.json", "*.gguf", "tf_model.h5", "flax_model.msgpack"}},
        {"training",
         {"trainer_state.json", "training_args.bin", "training_args.json", "optimizer.pt",
          "scheduler.pt", "scaler.pt", "rng_state*.pth"}},
        {"model-card", {"README.md", "*_results.json"}},
    };
    return groups;
}

} // namespace mlv::checks
