// Vocabulary rules: token ids against vocab_size and embedding rows.
#include "model_view.hpp"

#include "mlv/checks/rules.hpp"
#include "mlv/util/text.hpp"

#include <algorithm>
#include <map>
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
            other.label + " has " + text::count_noun(other.rows, "row") + ", but " +
                reference.label + " is " + std::to_string(reference.rows),
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
                          text::count_noun(*tokenizer_size, "id");
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
        surplus + ": the tokenizer has no token for the last " +
            (extra == 1 ? std::string("id") : text::count_noun(extra, "id")) + ", and " +
            std::to_string(model.rows) + " is not a multiple of 64 as padding usually is",
        "check that no tokens are missing from the tokenizer, or pad vocab_size to a multiple "
        "of 64",
        std::move(values));
    finding.severity = Severity::warning;
    out.push_back(std::move(finding));
}

// The added and named special tokens of the directory's tokenizer files.
// Converters between slow and fast tokenizers place these differently
// (transformers' XLM-R converter puts <pad> and <mask> into the vocabulary
// of tokenizer.json, and the SentencePiece model has no such pieces), so the
// vocabularies are compared without them.
std::set<std::string> added_token_contents(const ModelDirectory& directory) {
    std::set<std::string> out;
    for (const auto* artifact : directory.artifacts) {
        if (const auto* tokenizer = artifact->get<formats::TokenizerJson>()) {
            for (const auto& added : tokenizer->added_tokens) {
                out.insert(added.content);
            }
        } else if (const auto* config = artifact->get<formats::TokenizerConfig>()) {
            for (const auto& added : config->added_tokens_decoder) {
                out.insert(added.content);
            }
            for (const auto& named : config->special_tokens) {
                out.insert(named.second);
            }
            out.insert(config->additional_special_tokens.begin(),
                       config->additional_special_tokens.end());
        } else if (const auto* map = artifact->get<formats::SpecialTokensMap>()) {
            for (const auto& named : map->special_tokens) {
                out.insert(named.second);
            }
            out.insert(map->additional_special_tokens.begin(),
                       map->additional_special_tokens.end());
        } else if (const auto* vocabulary = artifact->get<formats::Vocabulary>();
                   vocabulary != nullptr && artifact->format == artifacts::Format::added_tokens) {
            for (const auto& entry : vocabulary->entries) {
                out.insert(entry.first);
            }
        }
    }
    return out;
}

// Token to id, without the tokens in `excluded`. A token listed twice keeps
// its last id, as BertTokenizer does when vocab.txt repeats a line.
std::map<std::string, int64_t> without(const std::vector<std::pair<std::string, int64_t>>& entries,
                                       const std::set<std::string>& excluded) {
    std::map<std::string, int64_t> out;
    for (const auto& [token, id] : entries) {
        if (excluded.count(token) == 0) {
            out[token] = id;
        }
    }
    return out;
}

// The tokens of `from` that `other` lacks.
std::vector<std::string> missing_from(const std::map<std::string, int64_t>& from,
                                      const std::map<std::string, int64_t>& other) {
    std::vector<std::string> out;
    for (const auto& entry : from) {
        if (other.count(entry.first) == 0) {
            out.push_back(entry.first);
        }
    }
    return out;
}

struct SlowVocabulary {
    const artifacts::Artifact* artifact = nullptr;
    const formats::Vocabulary* vocabulary = nullptr;
    // vocab.txt and vocab.json number tokens as tokenizer.json does. A
    // SentencePiece model may not: XLM-R's tokenizer.json numbers its pieces
    // one higher, after <s>, <pad>, </s> and <unk>.
    bool same_ids = false;
};

// "'a' is 5 in 'vocab.txt' and 7 in 'tokenizer.json'", for up to 3 tokens.
std::string
describe_id_changes(const std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>>& changes,
                    const std::string& slow_path, const std::string& fast_path) {
    std::string out;
    size_t listed = std::min<size_t>(changes.size(), 3);
    for (size_t i = 0; i < listed; ++i) {
        const auto& [token, ids] = changes[i];
        out += (i > 0 ? ", " : "") + quote(token) + " is " + std::to_string(ids.first) + " in " +
               quote(slow_path) + " and " + std::to_string(ids.second) + " in " + quote(fast_path);
    }
    if (changes.size() > listed) {
        out += " and " + std::to_string(changes.size() - listed) + " more";
    }
    return out;
}

// A folder with tokenizer.json and a slow tokenizer's vocabulary (vocab.txt,
// vocab.json, a SentencePiece model) encodes text differently with
// use_fast=False when the two vocabularies differ.
void check_slow_vocabulary(const ModelDirectory& directory, Findings& out) {
    const artifacts::Artifact* fast_file = nullptr;
    const formats::TokenizerJson* fast = nullptr;
    std::vector<SlowVocabulary> slow;
    for (const auto* artifact : directory.artifacts) {
        if (const auto* tokenizer = artifact->get<formats::TokenizerJson>()) {
            fast_file = artifact;
            fast = tokenizer;
        } else if (const auto* vocabulary = artifact->get<formats::Vocabulary>();
                   vocabulary != nullptr && artifact->format != artifacts::Format::added_tokens) {
            slow.push_back({artifact, vocabulary, true});
        } else if (const auto* model = artifact->get<formats::SentencePieceModel>()) {
            slow.push_back({artifact, &model->vocab, false});
        }
    }
    if (fast == nullptr || fast->vocab.entries.empty()) {
        return;
    }

    auto added = added_token_contents(directory);
    auto fast_tokens = without(fast->vocab.entries, added);
    for (const auto& candidate : slow) {
        const std::string& slow_path = candidate.artifact->path;
        const std::string& fast_path = fast_file->path;
        auto slow_tokens = without(candidate.vocabulary->entries, added);

        // Clauses after "'vocab.txt' of the slow tokenizer".
        std::vector<std::string> problems;
        if (slow_tokens.size() != fast_tokens.size()) {
            std::string sizes = "has " + std::to_string(slow_tokens.size()) + " tokens and " +
                                quote(fast_path) + " has " + std::to_string(fast_tokens.size()) +
                                ", not counting added and special tokens";
            auto slow_lacks = missing_from(fast_tokens, slow_tokens);
            auto fast_lacks = missing_from(slow_tokens, fast_tokens);
            if (!slow_lacks.empty()) {
                sizes += ", so it lacks " + detail::list_quoted(slow_lacks);
            }
            if (!fast_lacks.empty()) {
                sizes += (slow_lacks.empty() ? ", so " : " and ") + quote(fast_path) + " lacks " +
                         detail::list_quoted(fast_lacks);
            }
            problems.push_back(std::move(sizes));
        }

        std::vector<std::pair<std::string, std::pair<int64_t, int64_t>>> id_changes;
        if (candidate.same_ids) {
            for (const auto& [token, id] : slow_tokens) {
                auto other = fast_tokens.find(token);
                if (other != fast_tokens.end() && other->second != id) {
                    id_changes.push_back({token, {id, other->second}});
                }
            }
        }
        if (!id_changes.empty()) {
            problems.push_back("gives " + std::to_string(id_changes.size()) +
                               (id_changes.size() == 1 ? " token" : " tokens") +
                               " another id than " + quote(fast_path) + ": " +
                               describe_id_changes(id_changes, slow_path, fast_path));
        }
        if (problems.empty()) {
            continue;
        }

        std::string message = quote(slow_path) + " of the slow tokenizer " + problems.front();
        if (problems.size() > 1) {
            message += ", and it " + problems.back();
        }
        out.push_back(make_finding(
            "tokenizer-vocab-mismatch", {slow_path, fast_path}, message,
            "write both files from one tokenizer (save_pretrained), or remove the file of the "
            "outdated tokenizer",
            {{"slow_tokens", slow_tokens.size()},
             {"fast_tokens", fast_tokens.size()},
             {"different_ids", id_changes.size()}}));
    }
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
            quote(tensor.name) + " in " + quote(set.path) + " has " +
                text::count_noun(*rows, "row") +
                ", but its token list (tokenizer.ggml.tokens) has " +
                text::count_noun(tokens.size(), "entry", "entries"),
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
        check_slow_vocabulary(directory, out);
        for (const auto& set : directory.weight_sets) {
            if (set.gguf != nullptr) {
                check_gguf_vocabulary(set, out);
            }
        }
    }
}

} // namespace mlv::checks
