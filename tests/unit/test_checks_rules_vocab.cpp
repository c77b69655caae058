#include "support/snapshot_builder.hpp"

#include "mlv/checks/rules.hpp"

#include <doctest/doctest.h>

using mlv::artifacts::Format;
using mlv::checks::Severity;
using mlv::test::check;
using mlv::test::numbered_vocabulary;
using mlv::test::SnapshotBuilder;
using mlv::test::tensor;
using mlv::test::with_rule;
namespace formats = mlv::formats;

namespace {

formats::ModelConfig llama_config(int64_t vocab_size) {
    formats::ModelConfig config;
    config.architectures = {"LlamaForCausalLM"};
    config.model_type = "llama";
    config.vocab_size = vocab_size;
    config.hidden_size = 64;
    config.num_hidden_layers = 2;
    config.tie_word_embeddings = false;
    config.torch_dtype = "float16";
    config.token_ids.bos = {1};
    config.token_ids.eos = {2};
    return config;
}

formats::TokenizerJson tokenizer_json(int64_t vocab, std::vector<formats::AddedToken> added) {
    formats::TokenizerJson tokenizer;
    tokenizer.model_type = "BPE";
    tokenizer.vocab = numbered_vocabulary(vocab);
    tokenizer.added_tokens = std::move(added);
    tokenizer.max_id = vocab - 1;
    for (const auto& token : tokenizer.added_tokens) {
        tokenizer.max_id = std::max(tokenizer.max_id, token.id);
    }
    tokenizer.total_size = static_cast<uint64_t>(tokenizer.max_id + 1);
    return tokenizer;
}

formats::Vocabulary vocabulary(std::vector<std::pair<std::string, int64_t>> entries) {
    formats::Vocabulary out;
    out.entries = std::move(entries);
    for (const auto& entry : out.entries) {
        out.max_id = std::max(out.max_id, entry.second);
    }
    return out;
}

formats::SafetensorsHeader llama_weights(uint64_t embedding_rows, uint64_t head_rows) {
    return mlv::test::safetensors({tensor("model.embed_tokens.weight", "F16", {embedding_rows, 64}),
                                   tensor("lm_head.weight", "F16", {head_rows, 64}),
                                   tensor("model.layers.0.mlp.up_proj.weight", "F16", {128, 64}),
                                   tensor("model.layers.1.mlp.up_proj.weight", "F16", {128, 64}),
                                   tensor("model.norm.weight", "F16", {64})});
}

} // namespace

TEST_CASE("vocab: added_tokens.json id at vocab_size") {
    formats::GenerationConfig generation;
    generation.token_ids.pad = {32000};
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(32000))
        .add("tokenizer.json", Format::tokenizer_json, tokenizer_json(32000, {}))
        .add("added_tokens.json", Format::added_tokens, vocabulary({{"<pad>", 32000}}))
        .add("generation_config.json", Format::generation_config, generation);

    auto findings = check(state.snapshot());
    auto out_of_range = with_rule(findings, "vocab-token-out-of-range");
    REQUIRE(out_of_range.size() == 1);
    CHECK(out_of_range[0].severity == Severity::error);
    CHECK(out_of_range[0].paths.front() == "added_tokens.json");
    CHECK(out_of_range[0].message.find("'<pad>' has id 32000") != std::string::npos);
    CHECK(out_of_range[0].message.find("vocab_size in 'config.json' is 32000") !=
          std::string::npos);
    CHECK(out_of_range[0].values["max_token_id"] == 32000);

    auto pad = with_rule(findings, "special-token-id-out-of-range");
    REQUIRE(pad.size() == 1);
    CHECK(pad[0].paths.front() == "generation_config.json");
    CHECK(pad[0].message.find("pad_token_id 32000") != std::string::npos);
}

TEST_CASE("vocab: every token source is bounded") {
    // The same defect in each file that assigns ids.
    struct Case {
        const char* path;
        Format format;
    };
    for (auto [path, format] :
         {Case{"vocab.txt", Format::vocab_txt}, Case{"vocab.json", Format::vocab_json},
          Case{"added_tokens.json", Format::added_tokens}}) {
        CAPTURE(path);
        SnapshotBuilder state;
        state.add("config.json", Format::model_config, llama_config(100))
            .add(path, format, numbered_vocabulary(101));
        auto findings = with_rule(check(state.snapshot()), "vocab-token-out-of-range");
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].paths.front() == path);
    }

    formats::TokenizerConfig tokenizer_config;
    tokenizer_config.added_tokens_decoder = {{"<|im_end|>", 100, true}};
    formats::SentencePieceModel sentencepiece;
    sentencepiece.vocab = numbered_vocabulary(100);
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(100))
        .add("tokenizer.model", Format::sentencepiece, sentencepiece)
        .add("tokenizer_config.json", Format::tokenizer_config, tokenizer_config);
    auto findings = with_rule(check(state.snapshot()), "vocab-token-out-of-range");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].paths.front() == "tokenizer_config.json");
}

TEST_CASE("vocab: tokenizer.json added tokens beyond vocab_size") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(32000))
        .add("tokenizer.json", Format::tokenizer_json,
             tokenizer_json(32000, {{"<unk>", 0, true},
                                    {"<|a|>", 32000, true},
                                    {"<|b|>", 32001, true},
                                    {"<|c|>", 32002, true},
                                    {"<|d|>", 32003, true}}));

    auto findings = with_rule(check(state.snapshot()), "vocab-token-out-of-range");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("4 tokens") != std::string::npos);
    CHECK(findings[0].message.find("from 32000 to 32003") != std::string::npos);
    CHECK(findings[0].values["max_token_id"] == 32003);
    CHECK(findings[0].values["limit"] == 32000);
}

TEST_CASE("vocab: token bound by embedding rows") {
    // Without vocab_size, the embedding's rows bound the ids.
    auto config = llama_config(32000);
    config.vocab_size.reset();
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config)
        .add("model.safetensors", Format::safetensors, llama_weights(32000, 32000))
        .add("added_tokens.json", Format::added_tokens, vocabulary({{"<pad>", 32000}}));
    auto findings = with_rule(check(state.snapshot()), "vocab-token-out-of-range");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("input embedding 'model.embed_tokens.weight'") !=
          std::string::npos);
}

TEST_CASE("vocab: gguf token list longer than embedding") {
    formats::GgufFile gguf;
    gguf.version = 3;
    gguf.architecture = "llama";
    for (int i = 0; i < 32001; ++i) {
        gguf.tokens.push_back("t" + std::to_string(i));
    }
    gguf.tensors = {tensor("token_embd.weight", "Q4_K", {32000, 4096}),
                    tensor("output.weight", "Q6_K", {32000, 4096})};
    SnapshotBuilder state;
    state.add("model-q4_k_m.gguf", Format::gguf, gguf);

    auto findings = with_rule(check(state.snapshot()), "vocab-size-mismatch");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].message.find("'token_embd.weight'") != std::string::npos);
    CHECK(findings[0].message.find("32000 rows") != std::string::npos);
    CHECK(findings[0].message.find("32001 entries") != std::string::npos);
    CHECK(findings[1].message.find("'output.weight'") != std::string::npos);
}

TEST_CASE("vocab: gguf consistent file passes") {
    formats::GgufFile gguf;
    gguf.architecture = "llama";
    for (int i = 0; i < 100; ++i) {
        gguf.tokens.push_back("t" + std::to_string(i));
    }
    gguf.special_token_ids = {{"bos", 1}, {"eos", 2}};
    gguf.tensors = {tensor("token_embd.weight", "F16", {100, 8})};
    SnapshotBuilder state;
    state.add("tiny.gguf", Format::gguf, gguf);
    CHECK(check(state.snapshot()).empty());
}

TEST_CASE("vocab: padding to a multiple of 64 is info") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(152064))
        .add("tokenizer.json", Format::tokenizer_json,
             tokenizer_json(151643, {{"<|endoftext|>", 151643, true},
                                     {"<|im_start|>", 151644, true},
                                     {"<|im_end|>", 151645, true}}));

    auto findings = check(state.snapshot());
    CHECK(with_rule(findings, "vocab-token-out-of-range").empty());
    auto padding = with_rule(findings, "vocab-padding");
    REQUIRE(padding.size() == 1);
    CHECK(padding[0].severity == Severity::info);
    CHECK(padding[0].values["padding"] == 152064 - 151646);
    CHECK(padding[0].message.find("(padding)") != std::string::npos);
    for (const auto& finding : findings) {
        CHECK(finding.severity != Severity::error);
    }
}

TEST_CASE("vocab: no padding beside a row mismatch") {
    // vocab_size 66 with 65 embedding rows: the 66th row does not exist.
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(66))
        .add("tokenizer.json", Format::tokenizer_json, tokenizer_json(65, {}))
        .add("model.safetensors", Format::safetensors, llama_weights(65, 65));
    auto findings = check(state.snapshot());
    CHECK(!with_rule(findings, "vocab-size-mismatch").empty());
    CHECK(with_rule(findings, "vocab-padding").empty());
}

TEST_CASE("vocab: odd padding is a warning") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(32005))
        .add("tokenizer.json", Format::tokenizer_json, tokenizer_json(32000, {}));
    auto padding = with_rule(check(state.snapshot()), "vocab-padding");
    REQUIRE(padding.size() == 1);
    CHECK(padding[0].severity == Severity::warning);
    CHECK(padding[0].message.find("(padding)") == std::string::npos);
    CHECK(padding[0].message.find("the tokenizer has no token for the last 5 ids") !=
          std::string::npos);
}

TEST_CASE("vocab: one row too many is not padding") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(385))
        .add("tokenizer.json", Format::tokenizer_json, tokenizer_json(384, {}));
    auto padding = with_rule(check(state.snapshot()), "vocab-padding");
    REQUIRE(padding.size() == 1);
    CHECK(padding[0].severity == Severity::warning);
    CHECK(padding[0].message.find("(padding)") == std::string::npos);
    CHECK(padding[0].values["padding"] == 1);
    CHECK(padding[0].message.find("no token for the last id,") != std::string::npos);
}

TEST_CASE("vocab: output head rows differ") {
    // An untied model whose head was resized while embedding and vocab_size were not.
    auto config = llama_config(250102);
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, config)
        .add("model.safetensors", Format::safetensors, llama_weights(250102, 250112));

    auto findings = with_rule(check(state.snapshot()), "vocab-size-mismatch");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::error);
    CHECK(findings[0].message.find("output head 'lm_head.weight'") != std::string::npos);
    CHECK(findings[0].message.find("250112 rows") != std::string::npos);
    CHECK(findings[0].message.find("vocab_size in 'config.json' is 250102") != std::string::npos);
    CHECK(findings[0].paths.front() == "model.safetensors");

    // Without vocab_size the input embedding is the reference.
    config.vocab_size.reset();
    SnapshotBuilder unsized;
    unsized.add("config.json", Format::model_config, config)
        .add("model.safetensors", Format::safetensors, llama_weights(250102, 250112));
    auto unsized_findings = with_rule(check(unsized.snapshot()), "vocab-size-mismatch");
    REQUIRE(unsized_findings.size() == 1);
    CHECK(unsized_findings[0].message.find("input embedding 'model.embed_tokens.weight'") !=
          std::string::npos);
}

TEST_CASE("vocab: embedding rows differ from vocab_size") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(32000))
        .add("model.safetensors", Format::safetensors, llama_weights(32001, 32001));
    auto findings = with_rule(check(state.snapshot()), "vocab-size-mismatch");
    CHECK(findings.size() == 2);
}

TEST_CASE("vocab: matching model passes") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(32000))
        .add("model.safetensors", Format::safetensors, llama_weights(32000, 32000))
        .add("tokenizer.json", Format::tokenizer_json,
             tokenizer_json(32000, {{"<unk>", 0, true}, {"<s>", 1, true}, {"</s>", 2, true}}));
    CHECK(check(state.snapshot()).empty());
}

TEST_CASE("vocab: directories are separate models") {
    SnapshotBuilder state;
    state.add("config.json", Format::model_config, llama_config(32000))
        .add("draft/config.json", Format::model_config, llama_config(100))
        .add("tokenizer.json", Format::tokenizer_json, tokenizer_json(32000, {}));
    CHECK(with_rule(check(state.snapshot()), "vocab-token-out-of-range").empty());
}

TEST_CASE("vocab: embedding and head names of other families") {
    // Each family's input embedding and output head, with a head one row
    // short of vocab_size: the mismatch is found only when both are named.
    struct Names {
        const char* embedding;
        const char* head;
    };
    for (auto [embedding, head] :
         {Names{"model.embed_tokens.weight", "lm_head.weight"},
          Names{"gpt_neox.embed_in.weight", "embed_out.weight"},
          Names{"transformer.wte.weight", "lm_head.weight"},
          Names{"transformer.word_embeddings.weight", "lm_head.weight"},
          Names{"transformer.embedding.word_embeddings.weight", "transformer.output_layer.weight"},
          Names{"transformer.embd.wte.weight", "lm_head.linear.weight"},
          Names{"model.tok_embeddings.weight", "output.weight"},
          Names{"shared.weight", "lm_head.weight"},
          Names{"language_model.model.embed_tokens.weight", "language_model.lm_head.weight"}}) {
        CAPTURE(embedding);
        SnapshotBuilder state;
        state.add("config.json", Format::model_config, llama_config(1000))
            .add("model.safetensors", Format::safetensors,
                 mlv::test::safetensors(
                     {tensor(embedding, "F16", {1000, 64}), tensor(head, "F16", {999, 64})}));
        auto findings = with_rule(check(state.snapshot()), "vocab-size-mismatch");
        REQUIRE(findings.size() == 1);
        CHECK(findings[0].message.find(head) != std::string::npos);
        CHECK(with_rule(check(state.snapshot()), "output-head-missing").empty());
    }
}

namespace {

formats::AddedToken special(const std::string& content, int64_t id) {
    formats::AddedToken token;
    token.content = content;
    token.id = id;
    token.special = true;
    return token;
}

// tokenizer.json with `vocab` numbered tokens, the first three of them
// also added tokens as BERT's and Llama's are.
formats::TokenizerJson fast_tokenizer(int64_t vocab) {
    return tokenizer_json(vocab, {special("t0", 0), special("t1", 1), special("t2", 2)});
}

} // namespace

TEST_CASE("vocab: slow vocabulary lacks a token") {
    for (auto [path, format] :
         {std::pair{"vocab.txt", Format::vocab_txt}, std::pair{"vocab.json", Format::vocab_json}}) {
        CAPTURE(path);
        SnapshotBuilder state;
        state.add("tokenizer.json", Format::tokenizer_json, fast_tokenizer(101))
            .add(path, format, numbered_vocabulary(100));

        auto found = with_rule(check(state.snapshot()), "tokenizer-vocab-mismatch");
        REQUIRE(found.size() == 1);
        CHECK(found[0].severity == Severity::warning);
        CHECK(found[0].paths == std::vector<std::string>{path, "tokenizer.json"});
        CHECK(found[0].message ==
              std::string("'") + path +
                  "' of the slow tokenizer has 97 tokens and "
                  "'tokenizer.json' has 98, not counting added and special tokens, so "
                  "it lacks 't100'");
        CHECK(found[0].values["different_ids"] == 0);
    }
}

TEST_CASE("vocab: sentencepiece model has more pieces") {
    formats::SentencePieceModel model;
    model.vocab = numbered_vocabulary(102);
    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, fast_tokenizer(100))
        .add("tokenizer.model", Format::sentencepiece, model);

    auto found = with_rule(check(state.snapshot()), "tokenizer-vocab-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(found[0].message.find("so 'tokenizer.json' lacks 't100' and 't101'") !=
          std::string::npos);
}

TEST_CASE("vocab: slow and fast vocabularies agree") {
    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, fast_tokenizer(100))
        .add("vocab.txt", Format::vocab_txt, numbered_vocabulary(100))
        .add("added_tokens.json", Format::added_tokens, vocabulary({{"<pad>", 100}}));
    CHECK(with_rule(check(state.snapshot()), "tokenizer-vocab-mismatch").empty());
}

TEST_CASE("vocab: added tokens excluded from both sides") {
    // As in XLM-R: the vocabulary of tokenizer.json contains <pad> and
    // <mask> as added tokens, while the SentencePiece model has no such pieces.
    auto fast =
        tokenizer_json(100, {special("t0", 0), special("<pad>", 100), special("<mask>", 101)});
    fast.vocab.entries.emplace_back("<pad>", 100);
    fast.vocab.entries.emplace_back("<mask>", 101);
    formats::SentencePieceModel model;
    model.vocab = numbered_vocabulary(100);
    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, fast)
        .add("sentencepiece.bpe.model", Format::sentencepiece, model);
    CHECK(with_rule(check(state.snapshot()), "tokenizer-vocab-mismatch").empty());
}

TEST_CASE("vocab: slow vocabulary of another folder") {
    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, fast_tokenizer(101))
        .add("old/vocab.txt", Format::vocab_txt, numbered_vocabulary(100));
    CHECK(with_rule(check(state.snapshot()), "tokenizer-vocab-mismatch").empty());
}

TEST_CASE("vocab: slow vocabulary numbers a token differently") {
    // The same tokens, but 't5' and 't6' swapped in vocab.txt.
    auto slow = numbered_vocabulary(100);
    std::swap(slow.entries[5].first, slow.entries[6].first);
    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, fast_tokenizer(100))
        .add("vocab.txt", Format::vocab_txt, slow);

    auto found = with_rule(check(state.snapshot()), "tokenizer-vocab-mismatch");
    REQUIRE(found.size() == 1);
    CHECK(found[0].message == "'vocab.txt' of the slow tokenizer gives 2 tokens another id than "
                              "'tokenizer.json': 't5' is 6 in 'vocab.txt' and 5 in "
                              "'tokenizer.json', 't6' is 5 in 'vocab.txt' and 6 in "
                              "'tokenizer.json'");
    CHECK(found[0].values["different_ids"] == 2);
}

TEST_CASE("vocab: sentencepiece ids may be shifted") {
    // Converters shift SentencePiece ids (XLM-R by one), so only the sizes
    // of a SentencePiece vocabulary are compared.
    formats::SentencePieceModel model;
    model.vocab = numbered_vocabulary(100);
    for (auto& entry : model.vocab.entries) {
        entry.second += 1;
    }
    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, fast_tokenizer(100))
        .add("tokenizer.model", Format::sentencepiece, model);
    CHECK(with_rule(check(state.snapshot()), "tokenizer-vocab-mismatch").empty());
}

TEST_CASE("vocab: named special tokens excluded") {
    // <pad> is in the fast vocabulary only, and named in
    // tokenizer_config.json but not an added token.
    auto fast = fast_tokenizer(100);
    fast.vocab.entries.emplace_back("<pad>", 100);
    formats::TokenizerConfig config;
    config.special_tokens = {{"pad_token", "<pad>"}};
    SnapshotBuilder state;
    state.add("tokenizer.json", Format::tokenizer_json, fast)
        .add("tokenizer_config.json", Format::tokenizer_config, config)
        .add("vocab.json", Format::vocab_json, numbered_vocabulary(100));
    CHECK(with_rule(check(state.snapshot()), "tokenizer-vocab-mismatch").empty());
}
