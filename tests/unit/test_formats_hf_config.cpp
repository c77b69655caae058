#include "mlv/formats/hf_config.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace mlv;
using namespace mlv::formats;

namespace {

bool contains(const std::vector<std::string>& keys, const std::string& key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

const char* llama_config = R"({
  "_name_or_path": "meta-llama/Llama-2-7b-hf",
  "architectures": ["LlamaForCausalLM"],
  "bos_token_id": 1,
  "eos_token_id": 2,
  "hidden_size": 4096,
  "intermediate_size": 11008,
  "max_position_embeddings": 4096,
  "model_type": "llama",
  "num_attention_heads": 32,
  "num_hidden_layers": 32,
  "num_key_value_heads": 32,
  "rms_norm_eps": 1e-05,
  "rope_scaling": null,
  "tie_word_embeddings": false,
  "torch_dtype": "float16",
  "transformers_version": "4.31.0.dev0",
  "vocab_size": 32000
})";

} // namespace

TEST_CASE("model config: llama fields") {
    auto config = parse_model_config(llama_config);
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
    CHECK_FALSE(config->num_local_experts.has_value());
    CHECK(config->torch_dtype == "float16");
    CHECK(config->tie_word_embeddings == false);
    CHECK(config->name_or_path == "meta-llama/Llama-2-7b-hf");
    CHECK(config->transformers_version == "4.31.0.dev0");
    CHECK(config->token_ids.bos == std::vector<int64_t>{1});
    CHECK(config->token_ids.eos == std::vector<int64_t>{2});
    CHECK(config->token_ids.pad.empty());
    CHECK(config->text_config.empty());
    CHECK(config->raw.at("rms_norm_eps") == 1e-05);
    CHECK(config->raw.at("rope_scaling").is_null());
}

TEST_CASE("model config: eos list") {
    auto config = parse_model_config(R"({"eos_token_id": [128001, 128008, 128009],
                                         "pad_token_id": null, "sep_token_id": 102,
                                         "unk_token_id": 0, "decoder_start_token_id": 0})");
    REQUIRE(config.ok());
    CHECK(config->token_ids.eos == std::vector<int64_t>{128001, 128008, 128009});
    CHECK(config->token_ids.pad.empty());
    CHECK(config->token_ids.sep == std::vector<int64_t>{102});
    CHECK(config->token_ids.unk == std::vector<int64_t>{0});
    CHECK(config->token_ids.decoder_start == std::vector<int64_t>{0});
}

TEST_CASE("model config: gpt2 aliases") {
    auto config = parse_model_config(R"({"n_embd": 768, "n_layer": 12, "n_head": 12,
                                         "n_positions": 1024, "n_inner": null, "vocab_size": 50257})");
    REQUIRE(config.ok());
    CHECK(config->hidden_size == 768);
    CHECK(config->num_hidden_layers == 12);
    CHECK(config->num_attention_heads == 12);
    CHECK(config->max_position_embeddings == 1024);
    CHECK_FALSE(config->intermediate_size.has_value());
}

TEST_CASE("model config: t5 aliases") {
    auto config = parse_model_config(R"({"d_model": 512, "num_layers": 6, "num_heads": 8,
                                         "d_ff": 2048, "n_positions": 512})");
    REQUIRE(config.ok());
    CHECK(config->hidden_size == 512);
    CHECK(config->num_hidden_layers == 6);
    CHECK(config->num_attention_heads == 8);
    CHECK(config->intermediate_size == 2048);
    CHECK(config->max_position_embeddings == 512);
}

TEST_CASE("model config: canonical key wins over alias") {
    auto config = parse_model_config(R"({"hidden_size": 1024, "d_model": 512,
                                         "intermediate_size": 4096, "d_ff": 2048,
                                         "num_local_experts": 8, "num_experts": 60})");
    REQUIRE(config.ok());
    CHECK(config->hidden_size == 1024);
    CHECK(config->intermediate_size == 4096);
    CHECK(config->num_local_experts == 8);
}

TEST_CASE("model config: num_experts alias") {
    auto config = parse_model_config(R"({"num_experts": 60})");
    REQUIRE(config.ok());
    CHECK(config->num_local_experts == 60);
}

TEST_CASE("model config: dtype key") {
    auto only_new = parse_model_config(R"({"dtype": "bfloat16"})");
    REQUIRE(only_new.ok());
    CHECK(only_new->torch_dtype == "bfloat16");

    auto both = parse_model_config(R"({"dtype": "bfloat16", "torch_dtype": "float32"})");
    REQUIRE(both.ok());
    CHECK(both->torch_dtype == "bfloat16");
}

TEST_CASE("model config: text_config nested once") {
    auto config = parse_model_config(R"({
      "architectures": ["LlavaForConditionalGeneration"],
      "model_type": "llava",
      "text_config": {"model_type": "llama", "vocab_size": 32064, "hidden_size": 4096,
                      "text_config": {"vocab_size": 1}},
      "vision_config": {"hidden_size": 1024}
    })");
    REQUIRE(config.ok());
    CHECK_FALSE(config->vocab_size.has_value());
    REQUIRE(config->text_config.size() == 1);
    const ModelConfig& text = config->text_config[0];
    CHECK(text.model_type == "llama");
    CHECK(text.vocab_size == 32064);
    CHECK(text.hidden_size == 4096);
    CHECK(text.text_config.empty());
    CHECK(text.raw.at("text_config").at("vocab_size") == 1);
}

TEST_CASE("model config: wrong type names key") {
    auto string_size = parse_model_config(R"({"vocab_size": "32000"})");
    REQUIRE_FALSE(string_size.ok());
    CHECK(string_size.error().message == "'vocab_size' is a string, expected an integer");

    auto fraction = parse_model_config(R"({"hidden_size": 4096.5})");
    REQUIRE_FALSE(fraction.ok());
    CHECK(fraction.error().message == "'hidden_size' is the number 4096.5, expected an integer");

    auto alias = parse_model_config(R"({"n_embd": [768]})");
    REQUIRE_FALSE(alias.ok());
    CHECK(alias.error().message == "'n_embd' is an array, expected an integer");

    auto tie = parse_model_config(R"({"tie_word_embeddings": 1})");
    REQUIRE_FALSE(tie.ok());
    CHECK(tie.error().message == "'tie_word_embeddings' is the number 1, expected a boolean");

    auto architectures = parse_model_config(R"({"architectures": "LlamaForCausalLM"})");
    REQUIRE_FALSE(architectures.ok());
    CHECK(architectures.error().message ==
          "'architectures' is a string, expected a list of strings");

    auto eos = parse_model_config(R"({"eos_token_id": [1, "2"]})");
    REQUIRE_FALSE(eos.ok());
    CHECK(eos.error().message ==
          "'eos_token_id' is an array, expected an integer or a list of integers");

    auto nested = parse_model_config(R"({"text_config": {"num_hidden_layers": true}})");
    REQUIRE_FALSE(nested.ok());
    CHECK(nested.error().message ==
          "'text_config.num_hidden_layers' is a boolean, expected an integer");

    auto text_config = parse_model_config(R"({"text_config": "llama"})");
    REQUIRE_FALSE(text_config.ok());
    CHECK(text_config.error().message == "'text_config' is a string, expected an object");
}

TEST_CASE("model config: numbers beyond 64 bits") {
    auto unmodelled = parse_model_config(
        R"({"vocab_size": 32000, "model_max_length": 1000000000000000019884624838656})");
    REQUIRE(unmodelled.ok());
    CHECK(unmodelled->vocab_size == 32000);
    CHECK(unmodelled->raw.at("model_max_length").get<double>() == 1e30);

    auto modelled = parse_model_config(R"({"vocab_size": 1000000000000000019884624838656})");
    REQUIRE_FALSE(modelled.ok());
    CHECK(modelled.error().message ==
          "'vocab_size' is the number 1e+30, expected an integer within 64 bits");

    auto unsigned_max = parse_model_config(R"({"vocab_size": 18446744073709551615})");
    REQUIRE_FALSE(unsigned_max.ok());
}

TEST_CASE("model config: integral float accepted") {
    auto config = parse_model_config(R"({"vocab_size": 32000.0})");
    REQUIRE(config.ok());
    CHECK(config->vocab_size == 32000);
}

TEST_CASE("model config: invalid JSON position") {
    auto config = parse_model_config("{\n  \"a\": 1\n  \"b\": 2\n}");
    REQUIRE_FALSE(config.ok());
    // The column is that of the last character of the unexpected token.
    CHECK(config.error().message == "invalid JSON at line 3, column 5: unexpected string, "
                                    "expected ',' or '}'");
}

TEST_CASE("model config: top level not object") {
    auto array = parse_model_config("[1, 2]");
    REQUIRE_FALSE(array.ok());
    CHECK(array.error().message == "config.json top level is an array, expected an object");

    auto number = parse_model_config("42");
    REQUIRE_FALSE(number.ok());
    CHECK(number.error().message == "config.json top level is the number 42, expected an object");
}

TEST_CASE("model config: JSON round trip") {
    auto config = parse_model_config(R"({
      "architectures": ["A", "B"], "model_type": "m", "vocab_size": 10, "hidden_size": 20,
      "intermediate_size": 30, "num_hidden_layers": 2, "num_attention_heads": 4,
      "num_key_value_heads": 1, "max_position_embeddings": 128, "num_local_experts": 8,
      "torch_dtype": "bfloat16", "tie_word_embeddings": true, "_name_or_path": "x/y",
      "transformers_version": "4.40.0", "bos_token_id": 1, "eos_token_id": [2, 3],
      "pad_token_id": 0, "unk_token_id": 5, "sep_token_id": 6, "decoder_start_token_id": 7,
      "model_max_length": 1e30, "rope_scaling": {"type": "linear", "factor": 2.0},
      "text_config": {"vocab_size": 11, "eos_token_id": [4]}
    })");
    REQUIRE(config.ok());

    Json json;
    to_json(json, *config);
    auto reparsed = parse_json(json.dump());
    REQUIRE(reparsed.ok());
    ModelConfig copy;
    from_json(*reparsed, copy);

    Json copy_json;
    to_json(copy_json, copy);
    CHECK(copy_json == json);
    CHECK(copy.architectures == config->architectures);
    CHECK(copy.model_type == config->model_type);
    CHECK(copy.vocab_size == config->vocab_size);
    CHECK(copy.hidden_size == config->hidden_size);
    CHECK(copy.intermediate_size == config->intermediate_size);
    CHECK(copy.num_hidden_layers == config->num_hidden_layers);
    CHECK(copy.num_attention_heads == config->num_attention_heads);
    CHECK(copy.num_key_value_heads == config->num_key_value_heads);
    CHECK(copy.max_position_embeddings == config->max_position_embeddings);
    CHECK(copy.num_local_experts == config->num_local_experts);
    CHECK(copy.torch_dtype == config->torch_dtype);
    CHECK(copy.tie_word_embeddings == config->tie_word_embeddings);
    CHECK(copy.name_or_path == config->name_or_path);
    CHECK(copy.transformers_version == config->transformers_version);
    CHECK(copy.token_ids.eos == std::vector<int64_t>{2, 3});
    CHECK(copy.token_ids.decoder_start == std::vector<int64_t>{7});
    CHECK(copy.raw == config->raw);
    REQUIRE(copy.text_config.size() == 1);
    CHECK(copy.text_config[0].vocab_size == 11);
    CHECK(copy.text_config[0].token_ids.eos == std::vector<int64_t>{4});
    CHECK(copy.text_config[0].raw == config->text_config[0].raw);
}

TEST_CASE("model config: round trip of empty config") {
    auto config = parse_model_config("{}");
    REQUIRE(config.ok());
    Json json;
    to_json(json, *config);
    ModelConfig copy;
    from_json(*parse_json(json.dump()), copy);
    CHECK_FALSE(copy.vocab_size.has_value());
    CHECK_FALSE(copy.tie_word_embeddings.has_value());
    CHECK(copy.text_config.empty());
    CHECK(copy.raw == Json::object());
}

TEST_CASE("config keys: structural and context") {
    const auto& structural = structural_config_keys();
    for (const char* key : {"vocab_size",
                            "hidden_size",
                            "intermediate_size",
                            "num_hidden_layers",
                            "num_attention_heads",
                            "num_key_value_heads",
                            "head_dim",
                            "num_local_experts",
                            "num_experts_per_tok",
                            "model_type",
                            "architectures",
                            "tie_word_embeddings",
                            "n_embd",
                            "d_model",
                            "n_layer",
                            "n_head",
                            "num_layers",
                            "num_heads",
                            "n_inner",
                            "d_ff"}) {
        CAPTURE(key);
        CHECK(contains(structural, key));
    }
    const auto& context = context_config_keys();
    for (const char* key :
         {"max_position_embeddings", "n_positions", "rope_theta", "rope_scaling"}) {
        CAPTURE(key);
        CHECK(contains(context, key));
        CHECK_FALSE(contains(structural, key));
    }
}

TEST_CASE("generation config: fields") {
    auto config = parse_generation_config(R"({
      "bos_token_id": 1, "eos_token_id": [128001, 128009], "pad_token_id": 0,
      "do_sample": true, "temperature": 0.6, "top_p": 0.9, "top_k": 50, "typical_p": 1.0,
      "max_length": 4096, "max_new_tokens": 512, "transformers_version": "4.42.3"
    })");
    REQUIRE(config.ok());
    CHECK(config->token_ids.bos == std::vector<int64_t>{1});
    CHECK(config->token_ids.eos == std::vector<int64_t>{128001, 128009});
    CHECK(config->token_ids.pad == std::vector<int64_t>{0});
    CHECK(config->do_sample == true);
    CHECK(config->temperature == doctest::Approx(0.6));
    CHECK(config->top_p == doctest::Approx(0.9));
    CHECK(config->top_k == 50);
    CHECK(config->typical_p == 1.0);
    CHECK(config->max_length == 4096);
    CHECK(config->max_new_tokens == 512);
    CHECK(config->raw.at("transformers_version") == "4.42.3");
}

TEST_CASE("generation config: wrong type") {
    auto config = parse_generation_config(R"({"do_sample": "yes"})");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == "'do_sample' is a string, expected a boolean");
}

TEST_CASE("generation config: missing comma") {
    auto config = parse_generation_config("{\n  \"top_p\": 0.8,\n  \"transformers_version\": "
                                          "\"4.37.0\"\n  \"max_new_tokens\": 1024,\n}\n");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == "invalid JSON at line 4, column 18: unexpected string, "
                                    "expected ',' or '}'");
}

TEST_CASE("generation config: JSON round trip") {
    auto config = parse_generation_config(
        R"({"eos_token_id": [2, 3], "do_sample": false, "temperature": 0.7, "top_k": 40,
            "max_new_tokens": 10, "extra": {"a": [1, 2]}})");
    REQUIRE(config.ok());
    Json json;
    to_json(json, *config);
    GenerationConfig copy;
    from_json(*parse_json(json.dump()), copy);
    Json copy_json;
    to_json(copy_json, copy);
    CHECK(copy_json == json);
    CHECK(copy.token_ids.eos == std::vector<int64_t>{2, 3});
    CHECK(copy.do_sample == false);
    CHECK(copy.temperature == 0.7);
    CHECK(copy.top_k == 40);
    CHECK_FALSE(copy.top_p.has_value());
    CHECK(copy.max_new_tokens == 10);
    CHECK(copy.raw == config->raw);
}

TEST_CASE("adapter config: list of modules") {
    auto config = parse_adapter_config(R"({
      "base_model_name_or_path": "distilbert-base-uncased", "lora_alpha": 16,
      "peft_type": "LORA", "r": 8, "target_modules": ["v_lin", "q_lin"], "task_type": "SEQ_CLS"
    })");
    REQUIRE(config.ok());
    CHECK(config->peft_type == "LORA");
    CHECK(config->base_model_name_or_path == "distilbert-base-uncased");
    CHECK(config->r == 8);
    CHECK(config->lora_alpha == 16.0);
    CHECK(config->target_modules == std::vector<std::string>{"v_lin", "q_lin"});
    CHECK(config->task_type == "SEQ_CLS");
}

TEST_CASE("adapter config: regex module string") {
    auto config = parse_adapter_config(
        R"({"peft_type": "LORA", "base_model_name_or_path": null,
            "target_modules": ".*decoder.*(self_attn|encoder_attn).*(q_proj|v_proj)$"})");
    REQUIRE(config.ok());
    CHECK_FALSE(config->base_model_name_or_path.has_value());
    CHECK(config->target_modules ==
          std::vector<std::string>{".*decoder.*(self_attn|encoder_attn).*(q_proj|v_proj)$"});
}

TEST_CASE("adapter config: wrong type") {
    auto config = parse_adapter_config(R"({"r": "8"})");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == "'r' is a string, expected an integer");

    auto modules = parse_adapter_config(R"({"target_modules": 3})");
    REQUIRE_FALSE(modules.ok());
    CHECK(modules.error().message ==
          "'target_modules' is the number 3, expected a string or a list of strings");
}

TEST_CASE("trainer state: last loss") {
    auto state = parse_trainer_state(R"({
      "best_metric": 0.25, "best_model_checkpoint": "./results/checkpoint-300",
      "epoch": 3.0, "global_step": 375, "max_steps": 375, "num_train_epochs": 3,
      "log_history": [
        {"epoch": 1.0, "loss": 0.5, "step": 125},
        {"epoch": 2.0, "loss": 0.4, "step": 250},
        {"epoch": 2.0, "eval_loss": 0.3, "step": 250},
        {"epoch": 3.0, "train_loss": 0.45, "step": 375}
      ]
    })");
    REQUIRE(state.ok());
    CHECK(state->global_step == 375);
    CHECK(state->epoch == 3.0);
    CHECK(state->max_steps == 375);
    CHECK(state->num_train_epochs == 3.0);
    CHECK(state->best_metric == 0.25);
    CHECK(state->best_model_checkpoint == "./results/checkpoint-300");
    CHECK(state->log_history_length == 4);
    CHECK(state->last_loss == 0.4);
}

TEST_CASE("trainer state: no log history") {
    auto state = parse_trainer_state(R"({"global_step": 0, "best_metric": null})");
    REQUIRE(state.ok());
    CHECK(state->global_step == 0);
    CHECK_FALSE(state->best_metric.has_value());
    CHECK(state->log_history_length == 0);
    CHECK_FALSE(state->last_loss.has_value());
}

TEST_CASE("trainer state: wrong types") {
    auto history = parse_trainer_state(R"({"log_history": {"loss": 1}})");
    REQUIRE_FALSE(history.ok());
    CHECK(history.error().message == "'log_history' is an object, expected an array");

    auto step = parse_trainer_state(R"({"global_step": 1.5})");
    REQUIRE_FALSE(step.ok());
    CHECK(step.error().message == "'global_step' is the number 1.5, expected an integer");

    auto top = parse_trainer_state("null");
    REQUIRE_FALSE(top.ok());
    CHECK(top.error().message == "trainer_state.json top level is null, expected an object");
}
