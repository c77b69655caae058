// Known answers for the configuration and tokenizer readers on real files.
// Each case returns early when the corpus or its file is absent.
#include "mlv/formats/hf_config.hpp"
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
    CHECK(config.error().message == "invalid JSON at line 12, column 18: syntax error while "
                                    "parsing object - unexpected string literal; expected '}'");
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
