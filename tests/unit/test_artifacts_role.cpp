#include "mlv/artifacts/role.hpp"

#include <doctest/doctest.h>

using namespace mlv::artifacts;

TEST_CASE("builtin roles of the hugging face layout") {
    struct Case {
        const char* path;
        Role role;
    };
    const Case cases[] = {
        {"model.safetensors", Role::weights},
        {"model-00001-of-00002.safetensors", Role::weights},
        {"pytorch_model.bin", Role::weights},
        {"model.safetensors.index.json", Role::weights},
        {"pytorch_model.bin.index.json", Role::weights},
        {"llama-7b.Q4_K_M.gguf", Role::weights},
        {"model.onnx", Role::weights},
        {"tf_model.h5", Role::weights},
        {"flax_model.msgpack", Role::weights},
        {"model.tflite", Role::weights},
        {"checkpoint.ckpt", Role::weights},
        {"consolidated.00.pth", Role::weights},
        {"tokenizer.json", Role::tokenizer},
        {"tokenizer_config.json", Role::tokenizer},
        {"special_tokens_map.json", Role::tokenizer},
        {"added_tokens.json", Role::tokenizer},
        {"vocab.txt", Role::tokenizer},
        {"vocab.json", Role::tokenizer},
        {"merges.txt", Role::tokenizer},
        {"tokenizer.model", Role::tokenizer},
        {"spiece.model", Role::tokenizer},
        {"chat_template.jinja", Role::tokenizer},
        {"config.json", Role::config},
        {"generation_config.json", Role::config},
        {"preprocessor_config.json", Role::config},
        {"adapter_config.json", Role::config},
        {"training_args.bin", Role::training},
        {"training_args.json", Role::training},
        {"trainer_state.json", Role::training},
        {"optimizer.pt", Role::training},
        {"scheduler.pt", Role::training},
        {"scaler.pt", Role::training},
        {"rng_state.pth", Role::training},
        {"rng_state_3.pth", Role::training},
        {"all_results.json", Role::training},
        {"eval_results.json", Role::training},
        {"runs/Jul01/events.out.tfevents.1688.host.1.0", Role::training},
        {"checkpoint-500/trainer_state.json", Role::training},
        {"README.md", Role::docs},
        {"docs/usage.md", Role::docs},
        {"LICENSE", Role::docs},
        {"LICENSE.txt", Role::docs},
        {"Responsible-Use-Guide.pdf", Role::docs},
        {".gitattributes", Role::other},
        {"handler.py", Role::other},
    };
    for (const auto& c : cases) {
        CAPTURE(c.path);
        CHECK(builtin_role(c.path) == c.role);
    }
}

TEST_CASE("role attribute and patterns override") {
    std::vector<RolePattern> patterns = {{"*.weights", Role::weights},
                                         {"extra/*.json", Role::config}};
    CHECK(resolve_role("a/b.weights", std::nullopt, patterns).role == Role::weights);
    CHECK(resolve_role("extra/x.json", std::nullopt, patterns).role == Role::config);
    CHECK(resolve_role("other/extra/x.json", std::nullopt, patterns).role == Role::other);
    CHECK(resolve_role("model.safetensors", std::string("docs"), patterns).role == Role::docs);
    // An invalid attribute value falls back to patterns and built-ins.
    CHECK(resolve_role("model.safetensors", std::string("bogus"), patterns).role == Role::weights);
}

TEST_CASE("role origin follows precedence") {
    std::vector<RolePattern> patterns = {{"*.bin", Role::docs}};
    CHECK(resolve_role("notes.bin", std::string("other"), patterns).origin ==
          RoleOrigin::attribute);
    CHECK(resolve_role("notes.bin", std::string("other"), patterns).role == Role::other);
    CHECK(resolve_role("notes.bin", std::nullopt, patterns).origin == RoleOrigin::configuration);
    CHECK(resolve_role("notes.bin", std::string("banana"), patterns).origin ==
          RoleOrigin::configuration);
    CHECK(resolve_role("notes.txt", std::nullopt, patterns).origin == RoleOrigin::builtin);
}

TEST_CASE("role names list for messages") {
    CHECK(role_names_list() == "weights, tokenizer, config, training, docs, other");
}

TEST_CASE("format_for_role keeps weights readers") {
    for (Role role : {Role::weights, Role::training}) {
        CAPTURE(to_string(role));
        CHECK(format_for_role(Format::pytorch, role) == Format::pytorch);
        CHECK(format_for_role(Format::safetensors, role) == Format::safetensors);
        CHECK(format_for_role(Format::shard_index, role) == Format::shard_index);
        CHECK(format_for_role(Format::training_args, role) == Format::training_args);
        CHECK(format_for_role(Format::model_config, role) == Format::model_config);
    }
}

TEST_CASE("format_for_role tokenizer and config") {
    for (Role role : {Role::tokenizer, Role::config}) {
        CAPTURE(to_string(role));
        CHECK(format_for_role(Format::pytorch, role) == Format::binary);
        CHECK(format_for_role(Format::gguf, role) == Format::binary);
        CHECK(format_for_role(Format::onnx, role) == Format::binary);
        CHECK(format_for_role(Format::shard_index, role) == Format::json);
        CHECK(format_for_role(Format::tokenizer_json, role) == Format::tokenizer_json);
        CHECK(format_for_role(Format::model_config, role) == Format::model_config);
        CHECK(format_for_role(Format::sentencepiece, role) == Format::sentencepiece);
    }
}

TEST_CASE("format_for_role docs and other") {
    for (Role role : {Role::docs, Role::other}) {
        CAPTURE(to_string(role));
        CHECK(format_for_role(Format::pytorch, role) == Format::binary);
        CHECK(format_for_role(Format::safetensors, role) == Format::binary);
        CHECK(format_for_role(Format::gguf, role) == Format::binary);
        CHECK(format_for_role(Format::sentencepiece, role) == Format::binary);
        CHECK(format_for_role(Format::training_args, role) == Format::binary);
        CHECK(format_for_role(Format::shard_index, role) == Format::json);
        CHECK(format_for_role(Format::model_config, role) == Format::json);
        CHECK(format_for_role(Format::tokenizer_json, role) == Format::json);
        CHECK(format_for_role(Format::vocab_txt, role) == Format::text);
        CHECK(format_for_role(Format::chat_template, role) == Format::text);
        CHECK(format_for_role(Format::markdown, role) == Format::markdown);
        CHECK(format_for_role(Format::json, role) == Format::json);
        CHECK(format_for_role(Format::text, role) == Format::text);
        CHECK(format_for_role(Format::binary, role) == Format::binary);
    }
}

TEST_CASE("content sniffing by role and origin") {
    CHECK(content_sniffing({Role::weights, RoleOrigin::attribute}) == ContentSniffing::allowed);
    CHECK(content_sniffing({Role::training, RoleOrigin::builtin}) == ContentSniffing::allowed);
    CHECK(content_sniffing({Role::other, RoleOrigin::builtin}) == ContentSniffing::allowed);
    CHECK(content_sniffing({Role::other, RoleOrigin::attribute}) == ContentSniffing::off);
    CHECK(content_sniffing({Role::other, RoleOrigin::configuration}) == ContentSniffing::off);
    CHECK(content_sniffing({Role::docs, RoleOrigin::builtin}) == ContentSniffing::off);
    CHECK(content_sniffing({Role::config, RoleOrigin::builtin}) == ContentSniffing::off);
    CHECK(content_sniffing({Role::tokenizer, RoleOrigin::configuration}) == ContentSniffing::off);
}

TEST_CASE("path_matches like gitattributes") {
    CHECK(path_matches("*.safetensors", "a/b/model.safetensors"));
    CHECK(path_matches("/model.safetensors", "model.safetensors"));
    CHECK_FALSE(path_matches("/model.safetensors", "sub/model.safetensors"));
    CHECK(path_matches("models/*.gguf", "models/x.gguf"));
    CHECK_FALSE(path_matches("models/*.gguf", "models/sub/x.gguf"));
    CHECK(path_matches("models/**/*.gguf", "models/sub/deep/x.gguf"));
    CHECK(path_matches("models/**/*.gguf", "models/x.gguf"));
    CHECK(path_matches("model-?????-of-*.bin", "model-00001-of-00002.bin"));
    CHECK_FALSE(path_matches("", "x"));
}

TEST_CASE("formats from paths") {
    CHECK(format_from_path("model.safetensors.index.json") == Format::shard_index);
    CHECK(format_from_path("pytorch_model.bin.index.json") == Format::shard_index);
    CHECK(format_from_path("training_args.bin") == Format::training_args);
    CHECK(format_from_path("pytorch_model-00001-of-00002.bin") == Format::pytorch);
    CHECK(format_from_path("tokenizer.model") == Format::sentencepiece);
    CHECK(format_from_path("config.json") == Format::model_config);
    CHECK(format_from_path("x/README.md") == Format::markdown);
    CHECK(format_from_path("data.json") == Format::json);
    for (auto name : {"safetensors", "shard-index", "gguf", "tokenizer-json", "binary"}) {
        auto format = parse_format(name);
        REQUIRE(format.has_value());
        CHECK(to_string(*format) == name);
    }
}
