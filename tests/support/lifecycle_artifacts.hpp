// Artifacts built in code for the lifecycle tests: a path, a role, a format,
// a content id and parsed metadata, without any file or reader behind them.
#pragma once

#include "mlv/artifacts/artifact.hpp"
#include "mlv/lifecycle/diff.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mlv::test {

// Returns a 64-digit content id derived from `seed`, so that equal seeds give
// equal ids.
inline std::string fake_oid(const std::string& seed) {
    std::string out;
    size_t hash = std::hash<std::string>{}(seed);
    while (out.size() < 64) {
        static const char digits[] = "0123456789abcdef";
        out.push_back(digits[hash % 16]);
        hash = hash / 16 + 0x9e3779b97f4a7c15ull * (out.size() + 1);
    }
    return out;
}

// An artifact whose content id is derived from `content_seed`.
inline artifacts::Artifact make_artifact(const std::string& path, artifacts::Role role,
                                         artifacts::Format format, const std::string& content_seed,
                                         artifacts::Metadata metadata = {}, uint64_t size = 100) {
    artifacts::Artifact artifact;
    artifact.path = path;
    artifact.role = role;
    artifact.format = format;
    artifact.size = size;
    artifact.oid = fake_oid(content_seed);
    artifact.blob_id = fake_oid("blob:" + content_seed).substr(0, 40);
    auto description = std::make_shared<artifacts::Description>();
    description->format = format;
    description->metadata = std::move(metadata);
    artifact.description = std::move(description);
    return artifact;
}

// A weights file stored as an LFS pointer whose object is absent.
inline artifacts::Artifact make_lfs_weights(const std::string& path, const std::string& seed,
                                            uint64_t size = 4'000'000'000ull) {
    artifacts::Artifact artifact;
    artifact.path = path;
    artifact.role = artifacts::Role::weights;
    artifact.format = artifacts::format_from_path(path);
    artifact.storage = artifacts::Storage::lfs_missing;
    artifact.size = size;
    artifact.oid = fake_oid(seed);
    artifact.blob_id = fake_oid("pointer:" + seed).substr(0, 40);
    return artifact;
}

// A safetensors header with contiguous F32 tensors, in the given order.
inline formats::SafetensorsHeader
make_header(const std::vector<std::pair<std::string, std::vector<uint64_t>>>& tensors,
            const std::string& dtype = "F32") {
    formats::SafetensorsHeader header;
    uint64_t offset = 0;
    for (const auto& [name, shape] : tensors) {
        uint64_t count = 1;
        for (auto dimension : shape) {
            count *= dimension;
        }
        uint64_t bytes = count * (dtype == "F32" ? 4 : 2);
        header.tensors.push_back(formats::TensorInfo{name, dtype, shape, offset, offset + bytes});
        offset += bytes;
        header.parameter_count += count;
    }
    header.header_size = 16;
    return header;
}

inline formats::ShardIndex
make_index(const std::vector<std::pair<std::string, std::string>>& weight_map,
           std::optional<uint64_t> total_size) {
    formats::ShardIndex index;
    index.total_size = total_size;
    for (const auto& [tensor, shard] : weight_map) {
        index.weight_map[tensor] = shard;
        if (std::find(index.shards.begin(), index.shards.end(), shard) == index.shards.end()) {
            index.shards.push_back(shard);
        }
    }
    std::sort(index.shards.begin(), index.shards.end());
    return index;
}

inline formats::ModelConfig make_config(const Json& raw) {
    formats::ModelConfig config;
    config.raw = raw;
    if (raw.contains("vocab_size")) {
        config.vocab_size = raw["vocab_size"].get<int64_t>();
    }
    if (raw.contains("_name_or_path")) {
        config.name_or_path = raw["_name_or_path"].get<std::string>();
    }
    return config;
}

inline lifecycle::FileChange modified(artifacts::Artifact before, artifacts::Artifact after) {
    lifecycle::FileChange change;
    change.kind = git::ChangeKind::modified;
    change.path = after.path;
    change.old_path = before.path;
    change.before = std::move(before);
    change.after = std::move(after);
    return change;
}

inline lifecycle::FileChange added(artifacts::Artifact after) {
    lifecycle::FileChange change;
    change.kind = git::ChangeKind::added;
    change.path = after.path;
    change.old_path = after.path;
    change.after = std::move(after);
    return change;
}

inline lifecycle::FileChange deleted(artifacts::Artifact before) {
    lifecycle::FileChange change;
    change.kind = git::ChangeKind::deleted;
    change.path = before.path;
    change.old_path = before.path;
    change.before = std::move(before);
    return change;
}

// Returns true when a summary line of `diff` contains `needle`.
inline bool has_line(const lifecycle::FileDiff& diff, const std::string& needle) {
    return std::any_of(diff.summary.begin(), diff.summary.end(), [&](const std::string& line) {
        return line.find(needle) != std::string::npos;
    });
}

// Returns the change of tensor `name` in `diff`, or nullptr when it has none.
inline const lifecycle::TensorChange* find_tensor(const lifecycle::FileDiff& diff,
                                                  const std::string& name) {
    for (const auto& change : diff.tensors) {
        if (change.name == name) {
            return &change;
        }
    }
    return nullptr;
}

// The bytes of a safetensors file for `header`: the length, a header of
// header_size filler bytes, then `data`.
inline std::string safetensors_bytes(const formats::SafetensorsHeader& header,
                                     const std::string& data) {
    std::string out(8, '\0');
    uint64_t length = header.header_size;
    std::memcpy(out.data(), &length, 8);
    out += std::string(header.header_size, ' ');
    out += data;
    return out;
}

} // namespace mlv::test
