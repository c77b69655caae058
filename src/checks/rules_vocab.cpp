// Vocabulary rules: token ids against vocab_size and embedding rows.
#include "model_view.hpp"

#include "mlv/checks/rules.hpp"

#include <algorithm>
#include <set>

namespace mlv::checks {

using detail::make_finding;
using detail::ModelDirectory;
using detail::quote;

namespace {

// Something that bounds token ids: vocab_size or the rows of a tensor.
struct RowLimit {
    std::string label; // "vocab_size in 'config.json'", "input embedding 'wte.weight'"
    std::string path;
    int64_t rows = 0;
};

std::vector<RowLimit> row_limits(const ModelDirectory& directory) {
    std::vector<RowLimit> limits;
    if (directory.model_config != nullptr) {
        if (auto vocab_size = detail::config_vocab_size(*directory.model_config)) {
            limits.push_back({"vocab_size in " + quote(directory.config->path),
                              directory.config->path, *vocab_size});
        }
    }

    // Embeddings come before heads, so that without vocab_size the input
    // embedding is the reference the heads are compared with.
    std::vector<RowLimit> heads;
    for (const auto& set : directory.weight_sets) {
        if (set.gguf != nullptr) {
            continue; // GGUF files carry their own vocabulary; see check_gguf_vocabulary
        }
        for (const auto& tensor : set.tensors) {
            if (tensor.info == nullptr) {
                continue;
            }
            auto rows = detail::row_count(*tensor.info);
            if (!rows) {
                continue;
            }
            if (detail::is_input_embedding(tensor.name)) {
                limits.push_back(
                    {"input embedding " + quote(tensor.name) + " in " + quote(tensor.path),
                     tensor.path, static_cast<int64_t>(*rows)});
            } else if (detail::is_output_head(tensor.name)) {
                heads.push_back({"output head " + quote(tensor.name) + " in " + quote(tensor.path),
                                 tensor.path, static_cast<int64_t>(*rows)});
            }
        }
    }
    limits.insert(limits.end(), heads.begin(), heads.end());
    return limits;
}

// "vocab_size in 'config.json' is 32000", or "... and ... are 32000".
std::string describe_limits(const std::vector<const RowLimit*>& limits) {
    std::string out;
    for (size_t i = 0; i < limits.size(); ++i) {
        out += (i > 0 ? " and " : "") + limits[i]->label;
    }
    out += limits.size() > 1 ? " are " : " is ";
    return out + std::to_string(limits.front()->rows);
}

// Negative ids need no limit to be wrong, so they are checked even without
// config.json or weights.
void check_negative_token_ids(const ModelDirectory& directory, Findings& out) {
    for (const auto& source : directory.token_sources) {
        std::set<std::pair<int64_t, std::string>> negative;
        for (const auto& [token, id] : source.tokens) {
            if (id < 0) {
                negative.emplace(id, token);
            }
        }
        if (negative.empty()) {
            continue;
        }
        std::vector<std::string> tokens;
        for (const auto& entry : negative) {
            tokens.push_back(entry.second);
        }
        const std::string& path = source.artifact->path;
        std::string subject =
            negative.size() == 1
                ? quote(tokens.front()) + " has id " + std::to_string(negative.begin()->first)
                : detail::list_quoted(tokens) + " have negative ids";
        out.push_back(make_finding("vocab-token-out-of-range", {path},
                                   subject + " in " + quote(path) + ", but ids cannot be negative",
                                   "give each token an id from 0 up, or remove it",
                                   {{"min_token_id", negative.begin()->first}, {"limit", 0}}));
    }
}

void check_token_ranges(const ModelDirectory& directory, const std::vector<RowLimit>& limits,
                        Findings& out) {
    if (limits.empty()) {
        return;
    }
    int64_t bound = std::min_element(limits.begin(), limits.end(), [](auto& a, auto& b) {
                        return a.rows < b.rows;
                    })->rows;
    std::vector<const RowLimit*> binding;
    for (const auto& limit : limits) {
        if (limit.rows == bound) {
            binding.push_back(&limit);
        }
    }

    for (const auto& source : directory.token_sources) {
        std::set<std::pair<int64_t, std::string>> bad;
        for (const auto& [token, id] : source.tokens) {
            if (id >= bound) {
                bad.emplace(id, token);
            }
        }
        if (bad.empty()) {
            continue;
        }

        std::vector<std::string> tokens;
        for (const auto& entry : bad) {
            tokens.push_back(entry.second);
        }
        const std::string& path = source.artifact->path;
        std::string subject = bad.size() == 1
                                  ? quote(tokens.front()) + " has id " +
                                        std::to_string(bad.begin()->first) + " in " + quote(path)
                                  : std::to_string(bad.size()) + " tokens in " + quote(path) +
                                        " have ids from " + std::to_string(bad.begin()->first) +
                                        " to " + std::to_string(bad.rbegin()->first) + " (" +
                                        detail::list_quoted(tokens) + ")";

        std::vector<std::string> paths = {path};
        for (const auto* limit : binding) {
            if (std::find(paths.begin(), paths.end(), limit->path) == paths.end()) {
                paths.push_back(limit->path);
            }
        }
        out.push_back(make_finding(
            "vocab-token-out-of-range", paths, subject + ", but " + describe_limits(binding),
            "resize the embeddings (model.resize_token_embeddings) and raise vocab_size, or "
            "remove the tokens from " +
                quote(path),
            {{"max_token_id", bad.rbegin()->first},
             {"limit", bound},
             {"tokens",
              std::vector<std::string>(tokens.begin(),
                                       tokens.begin() + std::min<size_t>(tokens.size(), 16))}}));
    }
}

void check_row_agreement(const std::vector<RowLimit>& limits, Findings& out) {
    if (limits.size() < 2) {
        return;
    }
    // limits[0] is vocab_size when config.json states it, else the first
    // embedding: every other limit is compared against it.
    const RowLimit& reference = limits.front();
    for (size_t i = 1; i < limits.size(); ++i) {
        const RowLimit& other = limits[i];
        if (other.rows == reference.rows) {
            continue;
        }
        std::vector<std::string> paths = {other.path};
        if (reference.path != other.path) {
            paths.push_back(reference.path);
        }
        out.push_back(make_finding(
            "vocab-size-mismatch", paths,
            other.label + " has " + std::to_string(other.rows) + " rows, but " + reference.label +
                " is " + std::to_string(reference.rows),
            "make vocab_size, the input embedding and the output head agree "
            "(model.resize_token_embeddings resizes both, save_pretrained updates vocab_size)",
            {{"rows", other.rows}, {"expected", reference.rows}}));
    }
}

void check_padding(const ModelDirectory& directory, const std::vector<RowLimit>& limits,
                   Findings& out) {
    auto tokenizer_size = detail::tokenizer_size(directory);
    if (limits.empty() || !tokenizer_size) {
        return;
    }
    const RowLimit& model = limits.front();
    if (model.rows <= *tokenizer_size) {
        return;
    }
    // Rows beyond the smallest count do not exist, and vocab-size-mismatch
    // reports the disagreement, so padding is judged once the counts agree.
    bool counts_agree = std::all_of(limits.begin(), limits.end(), [&model](const RowLimit& limit) {
        return limit.rows == model.rows;
    });
    if (!counts_agree) {
        return;
    }

    int64_t extra = model.rows - *tokenizer_size;
    std::string surplus = model.label + " is " + std::to_string(model.rows) + ", " +
                          std::to_string(extra) + " more than the tokenizer's " +
                          std::to_string(*tokenizer_size) + " ids";
    Json values = {{"rows", model.rows}, {"tokenizer_size", *tokenizer_size}, {"padding", extra}};
    // Padding to a multiple of 64 is a deliberate speed-up; any other
    // surplus more often means tokens were removed or never added, so it is
    // not called padding.
    if (model.rows % 64 == 0) {
        out.push_back(make_finding("vocab-padding", {model.path}, surplus + " (padding)",
                                   "nothing to fix: the rows are padded to a multiple of 64",
                                   std::move(values)));
        return;
    }
    auto finding = make_finding(
        "vocab-padding", {model.path},
        surplus + ": no token id uses the extra rows, and " + std::to_string(model.rows) +
            " is not a multiple of 64 as padding usually is",
        "check that no tokens are missing from the tokenizer, or pad vocab_size to a multiple "
        "of 64",
        std::move(values));
    finding.severity = Severity::warning;
    out.push_back(std::move(finding));
}

void check_gguf_vocabulary(const detail::WeightSet& set, Findings& out) {
    const auto& tokens = set.gguf->tokens;
    if (tokens.empty()) {
        return;
    }
    for (const auto& tensor : set.tensors) {
        if (tensor.name != "token_embd.weight" && tensor.name != "output.weight") {
            continue;
        }
        auto rows = detail::row_count(*tensor.info);
        if (!rows || *rows == tokens.size()) {
            continue;
        }
        out.push_back(make_finding(
            "vocab-size-mismatch", {set.path},
            quote(tensor.name) + " in " + quote(set.path) + " has " + std::to_string(*rows) +
                " rows, but its token list (tokenizer.ggml.tokens) has " +
                std::to_string(tokens.size()) + " entries",
            "convert the model again from a checkpoint whose tokenizer and embeddings agree",
            {{"tensor", tensor.name},
             {"rows", *rows},
             {"token_count", static_cast<uint64_t>(tokens.size())}}));
    }
}

} // namespace

void check_vocabulary(const CheckInput& input, Findings& out) {
    for (const auto& directory : detail::model_directories(*input.state)) {
        auto limits = row_limits(directory);
        check_negative_token_ids(directory, out);
        check_token_ranges(directory, limits, out);
        check_row_agreement(limits, out);
        check_padding(directory, limits, out);
        for (const auto& set : directory.weight_sets) {
            if (set.gguf != nullptr) {
                check_gguf_vocabulary(set, out);
            }
        }
    }
}

} // namespace mlv::checks
