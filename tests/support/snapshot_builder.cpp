#include "support/snapshot_builder.hpp"

#include <algorithm>
#include <functional>

namespace mlv::test {

using artifacts::Artifact;
using artifacts::Description;

namespace {

// A 64-digit stand-in for a content SHA-256, derived from `text`.
std::string fake_oid(const std::string& text) {
    std::string digits = std::to_string(std::hash<std::string>{}(text));
    std::string oid;
    while (oid.size() < 64) {
        oid += digits;
    }
    return oid.substr(0, 64);
}

std::string metadata_text(const artifacts::Metadata& metadata) {
    return std::visit(
        [](const auto& value) -> std::string {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return "{}";
            } else if constexpr (std::is_same_v<T, formats::ModelConfig>) {
                // Written out here because the JSON conversion of configs
                // belongs to the reader.
                return Json({value.raw, value.vocab_size, value.hidden_size,
                             value.num_hidden_layers, value.tie_word_embeddings, value.torch_dtype,
                             Json(value.token_ids)})
                    .dump();
            } else if constexpr (std::is_same_v<T, formats::GenerationConfig>) {
                return Json({value.raw, Json(value.token_ids), value.do_sample, value.temperature,
                             value.top_p, value.top_k})
                    .dump();
            } else {
                return Json(value).dump(-1, ' ', false, Json::error_handler_t::replace);
            }
        },
        metadata);
}

} // namespace

SnapshotBuilder::SnapshotBuilder(artifacts::SnapshotKind kind) {
    snapshot_.kind = kind;
    if (kind == artifacts::SnapshotKind::commit) {
        snapshot_.commit_id = std::string(40, 'c');
    }
}

SnapshotBuilder& SnapshotBuilder::add_described(const std::string& path, artifacts::Format format,
                                                artifacts::Metadata metadata) {
    Artifact artifact;
    artifact.path = path;
    artifact.format = format;
    artifact.oid = fake_oid(path + metadata_text(metadata));
    artifact.size = 4096;
    auto description = std::make_shared<Description>();
    description->format = format;
    description->metadata = std::move(metadata);
    artifact.description = std::move(description);
    return put(std::move(artifact));
}

SnapshotBuilder& SnapshotBuilder::add_invalid(const std::string& path, artifacts::Format format,
                                              const std::string& error) {
    Artifact artifact;
    artifact.path = path;
    artifact.format = format;
    artifact.oid = fake_oid(path + error);
    artifact.size = 200;
    auto description = std::make_shared<Description>();
    description->format = format;
    description->error = error;
    artifact.description = std::move(description);
    return put(std::move(artifact));
}

SnapshotBuilder& SnapshotBuilder::add_pointer(const std::string& path, artifacts::Format format,
                                              artifacts::Storage storage, uint64_t size) {
    Artifact artifact;
    artifact.path = path;
    artifact.format = format;
    artifact.storage = storage;
    artifact.size = size;
    artifact.oid = fake_oid("pointer " + path);
    return put(std::move(artifact));
}

SnapshotBuilder& SnapshotBuilder::add_plain(const std::string& path, artifacts::Format format,
                                            uint64_t size, const std::string& oid) {
    Artifact artifact;
    artifact.path = path;
    artifact.format = format;
    artifact.size = size;
    artifact.oid = oid.empty() ? fake_oid("plain " + path) : fake_oid(oid);
    return put(std::move(artifact));
}

SnapshotBuilder& SnapshotBuilder::remove(const std::string& path) {
    auto& artifacts = snapshot_.artifacts;
    artifacts.erase(std::remove_if(artifacts.begin(), artifacts.end(),
                                   [&path](const Artifact& a) { return a.path == path; }),
                    artifacts.end());
    return *this;
}

SnapshotBuilder& SnapshotBuilder::put(Artifact artifact) {
    remove(artifact.path);
    auto& artifacts = snapshot_.artifacts;
    auto at = std::lower_bound(artifacts.begin(), artifacts.end(), artifact.path,
                               [](const Artifact& a, const std::string& p) { return a.path < p; });
    artifacts.insert(at, std::move(artifact));
    return *this;
}

formats::TensorInfo tensor(const std::string& name, const std::string& dtype,
                           std::vector<uint64_t> shape) {
    formats::TensorInfo info;
    info.name = name;
    info.dtype = dtype;
    info.shape = std::move(shape);
    return info;
}

formats::SafetensorsHeader safetensors(std::vector<formats::TensorInfo> tensors) {
    formats::SafetensorsHeader header;
    uint64_t offset = 0;
    for (auto& info : tensors) {
        uint64_t elements = 1;
        for (auto dimension : info.shape) {
            elements *= dimension;
        }
        uint64_t width = info.dtype == "F32" || info.dtype == "I32" ? 4 : 2;
        info.data_begin = offset;
        info.data_end = offset + elements * width;
        offset = info.data_end;
        header.parameter_count += elements;
    }
    header.tensors = std::move(tensors);
    return header;
}

formats::Vocabulary numbered_vocabulary(int64_t count, int64_t first_id) {
    formats::Vocabulary vocabulary;
    for (int64_t i = 0; i < count; ++i) {
        vocabulary.entries.emplace_back("t" + std::to_string(first_id + i), first_id + i);
    }
    vocabulary.max_id = count > 0 ? first_id + count - 1 : -1;
    return vocabulary;
}

std::vector<std::string> llama_tensor_names(int layers, bool with_head) {
    std::vector<std::string> names = {"model.embed_tokens.weight", "model.norm.weight"};
    if (with_head) {
        names.push_back("lm_head.weight");
    }
    for (int i = 0; i < layers; ++i) {
        std::string prefix = "model.layers." + std::to_string(i) + ".";
        for (const char* part :
             {"input_layernorm.weight", "mlp.down_proj.weight", "mlp.gate_proj.weight",
              "mlp.up_proj.weight", "post_attention_layernorm.weight", "self_attn.k_proj.weight",
              "self_attn.o_proj.weight", "self_attn.q_proj.weight", "self_attn.v_proj.weight"}) {
            names.push_back(prefix + part);
        }
    }
    return names;
}

std::vector<checks::Finding> with_rule(const checks::Findings& findings, const std::string& rule) {
    std::vector<checks::Finding> out;
    for (const auto& finding : findings) {
        if (finding.rule == rule) {
            out.push_back(finding);
        }
    }
    return out;
}

checks::Findings check(const artifacts::Snapshot& state, const artifacts::Snapshot* parent) {
    checks::CheckInput input;
    input.state = &state;
    input.parent = parent;
    return checks::run_rules(input);
}

} // namespace mlv::test
