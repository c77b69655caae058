#include "mlv/checks/finding.hpp"

namespace mlv::checks {

std::string_view to_string(Severity severity) {
    switch (severity) {
    case Severity::off:
        return "off";
    case Severity::info:
        return "info";
    case Severity::warning:
        return "warning";
    case Severity::error:
        return "error";
    }
    return "error";
}

std::optional<Severity> parse_severity(std::string_view name) {
    for (auto severity : {Severity::off, Severity::info, Severity::warning, Severity::error}) {
        if (name == to_string(severity)) {
            return severity;
        }
    }
    return std::nullopt;
}

bool Finding::operator==(const Finding& other) const {
    return rule == other.rule && severity == other.severity && paths == other.paths &&
           message == other.message;
}

Json to_json(const Finding& finding) {
    Json out = {
        {"rule", finding.rule},
        {"severity", std::string(to_string(finding.severity))},
        {"paths", finding.paths},
        {"message", finding.message},
    };
    if (!finding.hint.empty()) {
        out["hint"] = finding.hint;
    }
    if (!finding.values.empty()) {
        out["values"] = finding.values;
    }
    if (!finding.commit.empty()) {
        out["commit"] = finding.commit;
    }
    if (!finding.inherited_from.empty()) {
        out["inherited_from"] = finding.inherited_from;
    }
    if (!finding.fixed_by.empty()) {
        out["fixed_by"] = finding.fixed_by;
    }
    return out;
}

const std::vector<RuleInfo>& rule_catalog() {
    static const std::vector<RuleInfo> catalog = {
        {"file-invalid", Severity::error,
         "A weights header, JSON file or tokenizer model cannot be read"},
        {"lfs-not-pointer", Severity::error,
         "A path under filter=lfs is stored as a regular blob instead of an LFS pointer"},
        {"lfs-pointer-unfiltered", Severity::error,
         "A file holds LFS pointer text but is not under filter=lfs"},
        {"lfs-object-missing", Severity::error,
         "The LFS object of a pointer is not in .git/lfs/objects (with --require-lfs-objects)"},
        {"vocab-token-out-of-range", Severity::error,
         "A tokenizer token id is not below vocab_size or the embedding rows"},
        {"vocab-size-mismatch", Severity::error,
         "vocab_size, the input embedding rows and the output head rows differ"},
        {"vocab-padding", Severity::info,
         "The model has more embedding rows than the tokenizer has tokens (a warning unless "
         "the rows are a multiple of 64)"},
        {"tokenizer-vocab-mismatch", Severity::warning,
         "tokenizer.json and the slow tokenizer's vocabulary differ in size or token ids"},
        {"special-token-unknown", Severity::error,
         "A named special token is not in the vocabulary or the added tokens"},
        {"special-token-mismatch", Severity::error,
         "bos, eos, pad or unk ids differ between config, generation config and tokenizer"},
        {"special-token-id-out-of-range", Severity::error,
         "A special token id is negative or not below the vocabulary size"},
        {"chat-template-eos", Severity::warning,
         "The chat template's end-of-turn token is not a generation eos id"},
        {"chat-template-syntax", Severity::error, "The chat template's block tags do not balance"},
        {"embedding-width", Severity::error, "The input embedding width differs from hidden_size"},
        {"layer-count", Severity::error,
         "The layers found in tensor names differ from num_hidden_layers"},
        {"torch-dtype-mismatch", Severity::warning,
         "torch_dtype differs from the dtype of the floating-point tensors"},
        {"output-head-missing", Severity::error,
         "tie_word_embeddings is false but there is no output head tensor"},
        {"output-head-tied", Severity::warning,
         "tie_word_embeddings is true but an output head tensor is stored"},
        {"shard-missing", Severity::error, "A shard named by an index's weight_map is missing"},
        {"shard-tensor-missing", Severity::error,
         "A tensor an index maps to a shard is not in that shard's header"},
        {"shard-tensor-unmapped", Severity::warning,
         "A shard holds a tensor that the index's weight_map does not name"},
        {"shard-count-mismatch", Severity::error,
         "Shard names disagree on the shard count N of -of-N"},
        {"shard-unreferenced", Severity::warning, "A -of-N shard file is not named by any index"},
        {"shard-index-missing", Severity::error, "Shard files exist without a shard index"},
        {"shard-total-size", Severity::warning,
         "An index's total_size differs from the sum of its tensors' sizes"},
        {"generation-sampling", Severity::warning,
         "Sampling parameters are set without do_sample, so generation ignores them"},
        {"co-edit-stale", Severity::warning,
         "A file whose group changed its contract was left unchanged"},
        {"config-invalid", Severity::warning,
         ".mlv.json has unknown keys, rule ids or values (an error when it is not valid JSON)"},
    };
    return catalog;
}

const RuleInfo* find_rule(std::string_view id) {
    for (const auto& rule : rule_catalog()) {
        if (rule.id == id) {
            return &rule;
        }
    }
    return nullptr;
}

} // namespace mlv::checks
