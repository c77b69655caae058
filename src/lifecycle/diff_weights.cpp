// Weights: tensor sets, tensor values, shard layout and format conversions.
#include "diff_parts.hpp"

#include "mlv/util/path.hpp"
#include "mlv/util/size.hpp"
#include "mlv/util/text.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

namespace mlv::lifecycle {

using artifacts::Artifact;
using artifacts::Format;
using formats::TensorInfo;

namespace detail {

const std::vector<TensorInfo>* tensors_of(const Artifact& artifact) {
    if (const auto* header = artifact.get<formats::SafetensorsHeader>()) {
        return &header->tensors;
    }
    if (const auto* gguf = artifact.get<formats::GgufFile>()) {
        return &gguf->tensors;
    }
    if (const auto* onnx = artifact.get<formats::OnnxModel>()) {
        return &onnx->initializers;
    }
    return nullptr;
}

namespace {

std::optional<uint64_t> parameters_of(const Artifact& artifact) {
    if (const auto* header = artifact.get<formats::SafetensorsHeader>()) {
        return header->parameter_count;
    }
    if (const auto* gguf = artifact.get<formats::GgufFile>()) {
        return gguf->parameter_count;
    }
    if (const auto* onnx = artifact.get<formats::OnnxModel>()) {
        return onnx->parameter_count;
    }
    return std::nullopt;
}

// Where tensor data starts in the file, for formats whose tensor offsets are
// relative to a data section we can locate.
std::optional<uint64_t> data_section_offset(const Artifact& artifact) {
    if (const auto* header = artifact.get<formats::SafetensorsHeader>()) {
        return 8 + header->header_size;
    }
    // TODO: GGUF data follows the tensor infos after alignment padding, but
    // GgufFile does not record that offset, so GGUF values are not compared.
    return std::nullopt;
}

constexpr uint64_t compare_chunk_size = 1 << 20;

// Compares two byte ranges through fixed-size buffers, stopping at the first
// difference, so memory use does not grow with tensor size.
Result<bool> ranges_equal(const ByteSource& a, uint64_t a_begin, const ByteSource& b,
                          uint64_t b_begin, uint64_t length, std::vector<std::byte>& buffer_a,
                          std::vector<std::byte>& buffer_b) {
    for (uint64_t done = 0; done < length;) {
        uint64_t n = std::min(compare_chunk_size, length - done);
        auto span_a = std::span(buffer_a.data(), static_cast<size_t>(n));
        auto span_b = std::span(buffer_b.data(), static_cast<size_t>(n));
        if (auto status = a.read(a_begin + done, span_a); !status) {
            return status.error();
        }
        if (auto status = b.read(b_begin + done, span_b); !status) {
            return status.error();
        }
        if (std::memcmp(span_a.data(), span_b.data(), static_cast<size_t>(n)) != 0) {
            return false;
        }
        done += n;
    }
    return true;
}

struct KeptTensor {
    const TensorInfo* before;
    const TensorInfo* after;
};

// Returns why the values of a changed file cannot be compared when either
// version has no tensor list: an absent LFS object, a reader error, or a
// format whose tensors nothing lists.
ValueGap missing_tensors_gap(const Artifact& before, const Artifact& after) {
    bool old_missing = !before.content_present();
    bool new_missing = !after.content_present();
    if (old_missing && new_missing) {
        return ValueGap::objects_missing;
    }
    if (old_missing) {
        return ValueGap::old_object_missing;
    }
    if (new_missing) {
        return ValueGap::new_object_missing;
    }
    for (const Artifact* artifact : {&before, &after}) {
        if (artifact->description && artifact->description->error) {
            return ValueGap::unreadable;
        }
    }
    return ValueGap::format_not_compared;
}

// Compares the bytes of tensors that kept name, dtype and shape. Returns
// ValueGap::none when every kept tensor was compared, else why not; read
// errors are added to `diff.errors`.
ValueGap compare_values(const Artifact& before, const Artifact& after,
                        const std::vector<KeptTensor>& kept, const DiffOptions& options,
                        FileDiff& diff) {
    auto before_offset = data_section_offset(before);
    auto after_offset = data_section_offset(after);
    if (!before_offset || !after_offset) {
        return ValueGap::format_not_compared;
    }
    if (!options.open_content) {
        return ValueGap::headers_only;
    }
    if (!before.content_present() || !after.content_present()) {
        return missing_tensors_gap(before, after);
    }
    auto source_a = options.open_content(before);
    if (!source_a) {
        diff.errors.push_back("cannot read the old version: " + source_a.error().message);
        return ValueGap::unreadable;
    }
    auto source_b = options.open_content(after);
    if (!source_b) {
        diff.errors.push_back("cannot read the new version: " + source_b.error().message);
        return ValueGap::unreadable;
    }

    std::vector<std::byte> buffer_a(compare_chunk_size);
    std::vector<std::byte> buffer_b(compare_chunk_size);
    std::vector<TensorChange> changed;
    for (const auto& tensor : kept) {
        uint64_t length = tensor.before->data_end - tensor.before->data_begin;
        if (tensor.after->data_end - tensor.after->data_begin != length) {
            // Equal dtypes and shapes give equal lengths in a validated
            // header, so this is a reader bug.
            diff.errors.push_back(
                "cannot compare tensor '" + tensor.before->name + "': " + std::to_string(length) +
                " bytes in the old version, " +
                std::to_string(tensor.after->data_end - tensor.after->data_begin) +
                " in the new one with the same dtype and shape");
            return ValueGap::unreadable;
        }
        auto equal =
            ranges_equal(**source_a, *before_offset + tensor.before->data_begin, **source_b,
                         *after_offset + tensor.after->data_begin, length, buffer_a, buffer_b);
        if (!equal) {
            diff.errors.push_back("cannot compare tensor '" + tensor.before->name +
                                  "': " + equal.error().message);
            return ValueGap::unreadable;
        }
        if (!*equal) {
            changed.push_back(TensorChange{TensorChange::Kind::values_changed, tensor.after->name,
                                           tensor.before->dtype, tensor.after->dtype,
                                           tensor.before->shape, tensor.after->shape});
        }
    }
    diff.tensors.insert(diff.tensors.end(), changed.begin(), changed.end());
    diff.tensors_compared = kept.size();
    return ValueGap::none;
}

// Fills added, removed, reshaped and retyped tensors; returns the kept ones.
std::vector<KeptTensor> diff_tensor_sets(const std::vector<TensorInfo>& before,
                                         const std::vector<TensorInfo>& after, FileDiff& diff) {
    std::map<std::string_view, const TensorInfo*> old_by_name;
    for (const auto& tensor : before) {
        old_by_name.emplace(tensor.name, &tensor);
    }
    std::set<std::string_view> seen;
    std::vector<KeptTensor> kept;
    for (const auto& tensor : after) {
        seen.insert(tensor.name);
        auto it = old_by_name.find(tensor.name);
        if (it == old_by_name.end()) {
            diff.tensors.push_back(TensorChange{
                TensorChange::Kind::added, tensor.name, "", tensor.dtype, {}, tensor.shape});
            continue;
        }
        const TensorInfo& old = *it->second;
        if (old.shape != tensor.shape) {
            diff.tensors.push_back(TensorChange{TensorChange::Kind::reshaped, tensor.name,
                                                old.dtype, tensor.dtype, old.shape, tensor.shape});
        } else if (old.dtype != tensor.dtype) {
            diff.tensors.push_back(TensorChange{TensorChange::Kind::retyped, tensor.name, old.dtype,
                                                tensor.dtype, old.shape, tensor.shape});
        } else {
            kept.push_back(KeptTensor{&old, &tensor});
        }
    }
    for (const auto& tensor : before) {
        if (!seen.count(tensor.name)) {
            diff.tensors.push_back(TensorChange{
                TensorChange::Kind::removed, tensor.name, tensor.dtype, "", tensor.shape, {}});
        }
    }
    return kept;
}

// Weights files, not their shard indexes (whose diff is the shard layout).
bool is_weights(const Artifact& artifact) {
    if (artifact.format == Format::shard_index) {
        return false;
    }
    return artifact.role == artifacts::Role::weights || tensors_of(artifact) != nullptr;
}

} // namespace

void diff_weights(const FileChange& change, const DiffOptions& options, const TreeContext*,
                  FileDiff& diff) {
    bool before_weights = change.before && is_weights(*change.before);
    bool after_weights = change.after && is_weights(*change.after);
    if (!before_weights && !after_weights) {
        return;
    }
    if (change.before) {
        diff.old_parameters = parameters_of(*change.before);
    }
    if (change.after) {
        diff.new_parameters = parameters_of(*change.after);
    }
    if (!change.before || !change.after) {
        return; // additions and deletions are described by their kind line
    }
    if (diff.old_oid == diff.new_oid && !diff.old_oid.empty()) {
        diff.values = ValueCheck::same_content;
        return;
    }

    const auto* before_tensors = tensors_of(*change.before);
    const auto* after_tensors = tensors_of(*change.after);
    if (!before_tensors || !after_tensors) {
        diff.values = ValueCheck::content_changed;
        diff.value_gap = missing_tensors_gap(*change.before, *change.after);
        return;
    }
    auto kept = diff_tensor_sets(*before_tensors, *after_tensors, diff);
    diff.tensors_kept = kept.size();
    if (kept.empty()) {
        return;
    }
    diff.value_gap = compare_values(*change.before, *change.after, kept, options, diff);
    diff.values =
        diff.value_gap == ValueGap::none ? ValueCheck::compared : ValueCheck::content_changed;
}

namespace {

// The end of the "content changed" line: why the values were not compared.
// An unreadable version adds nothing because its error lines come first.
std::string value_gap_text(const FileDiff& diff) {
    switch (diff.value_gap) {
    case ValueGap::none:
    case ValueGap::unreadable:
        return "";
    case ValueGap::headers_only:
        return "; " + std::to_string(diff.tensors_kept) +
               " tensors kept name, shape and dtype, values not compared";
    case ValueGap::old_object_missing:
        return "; tensors not compared, the LFS object of the old version is not present locally";
    case ValueGap::new_object_missing:
        return "; tensors not compared, the LFS object of the new version is not present locally";
    case ValueGap::objects_missing:
        return "; tensors not compared, the LFS objects of both versions are not present locally";
    case ValueGap::format_not_compared: {
        auto format = diff.new_format ? *diff.new_format : Format::binary;
        return "; tensor values of " + std::string(artifacts::to_string(format)) +
               " files are not compared";
    }
    }
    return "";
}

} // namespace

void summarize_weights(FileDiff& diff) {
    if (diff.kind == git::ChangeKind::added || diff.kind == git::ChangeKind::deleted) {
        return;
    }
    std::map<TensorChange::Kind, size_t> counts;
    for (const auto& change : diff.tensors) {
        ++counts[change.kind];
    }
    if (!counts.empty()) {
        std::string line = "tensors:";
        const char* separator = " ";
        for (const auto& [kind, count] : counts) {
            line += separator + std::to_string(count) + " " +
                    std::string(kind == TensorChange::Kind::values_changed ? "with changed values"
                                                                           : to_string(kind));
            separator = ", ";
        }
        if (diff.values == ValueCheck::compared) {
            line += " (" + std::to_string(diff.tensors_compared) + " compared)";
        }
        diff.summary.push_back(line);
    }

    std::map<TensorChange::Kind, size_t> listed;
    for (const auto& change : diff.tensors) {
        if (listed[change.kind]++ >= max_listed) {
            continue;
        }
        std::string line = "  " + std::string(to_string(change.kind)) + " " + change.name;
        switch (change.kind) {
        case TensorChange::Kind::added:
            line += " " + change.new_dtype + " " + format_shape(change.new_shape);
            break;
        case TensorChange::Kind::removed:
            line += " " + change.old_dtype + " " + format_shape(change.old_shape);
            break;
        case TensorChange::Kind::reshaped:
            line += " " + format_shape(change.old_shape) + " -> " + format_shape(change.new_shape);
            break;
        case TensorChange::Kind::retyped:
            line += " " + change.old_dtype + " -> " + change.new_dtype;
            break;
        case TensorChange::Kind::values_changed:
            break;
        }
        diff.summary.push_back(line);
    }
    for (const auto& [kind, count] : listed) {
        if (count > max_listed) {
            diff.summary.push_back("  ... and " + std::to_string(count - max_listed) + " more " +
                                   std::string(to_string(kind)));
        }
    }

    if (diff.values == ValueCheck::compared && counts[TensorChange::Kind::values_changed] == 0) {
        diff.summary.push_back("values unchanged in " +
                               text::count_noun(diff.tensors_compared, "tensor"));
    }
    if (diff.values == ValueCheck::content_changed) {
        std::string line =
            "content changed (oid " + short_oid(diff.old_oid) + " -> " + short_oid(diff.new_oid);
        if (diff.old_size != diff.new_size) {
            line += ", " + format_size(diff.old_size) + " -> " + format_size(diff.new_size);
        }
        diff.summary.push_back(line + ")" + value_gap_text(diff));
    }
    if (diff.old_parameters && diff.new_parameters &&
        *diff.old_parameters != *diff.new_parameters) {
        diff.summary.push_back("parameters " + std::to_string(*diff.old_parameters) + " -> " +
                               std::to_string(*diff.new_parameters));
    }
}

void diff_shard_index(const Artifact& before, const Artifact& after, FileDiff& diff) {
    const auto* old_index = before.get<formats::ShardIndex>();
    const auto* new_index = after.get<formats::ShardIndex>();
    if (!old_index || !new_index) {
        return;
    }
    ShardLayoutDiff shards;
    shards.old_shard_count = old_index->shards.size();
    shards.new_shard_count = new_index->shards.size();
    shards.old_total_size = old_index->total_size;
    shards.new_total_size = new_index->total_size;
    for (const auto& [tensor, shard] : new_index->weight_map) {
        auto it = old_index->weight_map.find(tensor);
        if (it == old_index->weight_map.end()) {
            shards.tensors_added.push_back(tensor);
        } else if (it->second != shard) {
            shards.moved.push_back(TensorMove{tensor, it->second, shard});
        }
    }
    for (const auto& [tensor, shard] : old_index->weight_map) {
        if (!new_index->weight_map.count(tensor)) {
            shards.tensors_removed.push_back(tensor);
        }
    }
    diff.shards = std::move(shards);
}

void summarize_shards(FileDiff& diff) {
    if (!diff.shards) {
        return;
    }
    const auto& shards = *diff.shards;
    std::vector<std::string> parts;
    if (shards.old_shard_count != shards.new_shard_count) {
        parts.push_back("shards " + std::to_string(shards.old_shard_count) + " -> " +
                        std::to_string(shards.new_shard_count));
    }
    if (shards.old_total_size != shards.new_total_size) {
        // The exact count, as the index writes it, with a readable size.
        auto text = [](const std::optional<uint64_t>& size) {
            return size ? std::to_string(*size) + " (" + format_size(*size) + ")"
                        : std::string("(absent)");
        };
        parts.push_back("total_size " + text(shards.old_total_size) + " -> " +
                        text(shards.new_total_size));
    }
    if (!shards.moved.empty()) {
        parts.push_back(text::count_noun(shards.moved.size(), "tensor") + " moved between shards");
    }
    if (!shards.tensors_added.empty()) {
        parts.push_back(text::count_noun(shards.tensors_added.size(), "tensor") + " added");
    }
    if (!shards.tensors_removed.empty()) {
        parts.push_back(text::count_noun(shards.tensors_removed.size(), "tensor") + " removed");
    }
    if (parts.empty()) {
        return;
    }
    std::string line = "shard index: ";
    for (size_t i = 0; i < parts.size(); ++i) {
        line += (i ? ", " : "") + parts[i];
    }
    diff.summary.push_back(line);
    size_t listed = 0;
    for (const auto& move : shards.moved) {
        if (listed++ == max_listed) {
            diff.summary.push_back("  ... and " + std::to_string(shards.moved.size() - max_listed) +
                                   " more moved");
            break;
        }
        diff.summary.push_back("  moved " + move.tensor + ": " + move.from_shard + " -> " +
                               move.to_shard);
    }
}

namespace {

bool is_weights_file(const Artifact& artifact) {
    return artifact.role == artifacts::Role::weights && artifact.format != Format::shard_index;
}

std::set<std::string> names_in_indexes(const std::string& directory, Format format,
                                       const std::map<std::string, Artifact>& tree) {
    std::set<std::string> names;
    for (const auto& [path, artifact] : tree) {
        const auto* index = artifact.get<formats::ShardIndex>();
        if (!index || path_directory(path) != directory) {
            continue;
        }
        bool matches_format = false;
        for (const auto& shard : index->shards) {
            matches_format = matches_format || artifacts::format_from_path(shard) == format ||
                             (format == Format::pytorch && shard.ends_with(".bin"));
        }
        if (!matches_format) {
            continue;
        }
        for (const auto& [tensor, shard] : index->weight_map) {
            names.insert(tensor);
        }
    }
    return names;
}

// A group of weights files of one format in one directory, added or deleted.
struct WeightsGroup {
    std::vector<const Artifact*> files;
    std::set<std::string> names;
    bool names_complete = true; // every file's tensor names are known
};

void add_to_group(WeightsGroup& group, const Artifact& artifact,
                  const std::map<std::string, Artifact>* tree) {
    group.files.push_back(&artifact);
    std::vector<std::string> names;
    if (tree) {
        names = tensor_names_of(artifact, *tree);
    } else if (const auto* tensors = tensors_of(artifact)) {
        for (const auto& tensor : *tensors) {
            names.push_back(tensor.name);
        }
    }
    if (names.empty()) {
        group.names_complete = false;
    }
    group.names.insert(names.begin(), names.end());
}

using GroupKey = std::pair<std::string, Format>; // directory, format

} // namespace

std::vector<Conversion> detect_conversions(const std::vector<FileChange>& changes,
                                           const TreeContext* context) {
    std::map<GroupKey, WeightsGroup> deleted;
    std::map<GroupKey, WeightsGroup> added;
    for (const auto& change : changes) {
        if (change.kind == git::ChangeKind::deleted && change.before &&
            is_weights_file(*change.before)) {
            add_to_group(deleted[{path_directory(change.path), change.before->format}],
                         *change.before, context ? &context->before : nullptr);
        }
        if (change.kind == git::ChangeKind::added && change.after &&
            is_weights_file(*change.after)) {
            add_to_group(added[{path_directory(change.path), change.after->format}], *change.after,
                         context ? &context->after : nullptr);
        }
    }

    std::vector<Conversion> out;
    for (const auto& [key, target] : added) {
        const auto& [directory, to_format] = key;
        for (const auto& [source_key, source] : deleted) {
            if (source_key.first != directory || source_key.second == to_format) {
                continue;
            }
            Conversion conversion;
            conversion.from_format = source_key.second;
            conversion.to_format = to_format;
            for (const auto* file : source.files) {
                conversion.from_paths.push_back(file->path);
            }
            for (const auto* file : target.files) {
                conversion.to_paths.push_back(file->path);
            }
            bool names_known = source.names_complete && target.names_complete;
            conversion.tensors_match = names_known && source.names == target.names;
            conversion.tensor_count = names_known ? target.names.size() : 0;
            std::string source_noun =
                std::string(artifacts::to_string(source_key.second)) + " file";
            std::string target_noun = std::string(artifacts::to_string(to_format)) + " file";
            conversion.summary = text::count_noun(source.files.size(), source_noun) +
                                 " replaced by " +
                                 text::count_noun(target.files.size(), target_noun);
            if (conversion.tensors_match) {
                conversion.summary +=
                    " with the same " + text::count_noun(conversion.tensor_count, "tensor");
            } else if (names_known) {
                conversion.summary += "; tensor names differ";
            } else {
                conversion.summary += "; tensor names unknown on one side";
            }
            out.push_back(std::move(conversion));
        }
        if (!context) {
            continue;
        }
        // A new format added beside weights that stay: an export of the same
        // tensors when the other format's index, present before the commit,
        // names the same tensors. A format the tree already had is a new
        // layout of that format, not an export.
        if (!names_in_indexes(directory, to_format, context->before).empty()) {
            continue;
        }
        for (Format other : {Format::pytorch, Format::safetensors}) {
            if (other == to_format || deleted.count({directory, other}) || !target.names_complete) {
                continue;
            }
            auto existing = names_in_indexes(directory, other, context->before);
            if (existing.empty() || existing != target.names) {
                continue;
            }
            Conversion conversion;
            conversion.from_format = other;
            conversion.to_format = to_format;
            for (const auto* file : target.files) {
                conversion.to_paths.push_back(file->path);
            }
            conversion.tensors_match = true;
            conversion.tensor_count = existing.size();
            conversion.summary =
                text::count_noun(target.files.size(),
                                 std::string(artifacts::to_string(to_format)) + " file") +
                " added with the same " + text::count_noun(existing.size(), "tensor") + " as the " +
                std::string(artifacts::to_string(other)) + " weights";
            out.push_back(std::move(conversion));
        }
    }
    return out;
}

} // namespace detail

std::vector<std::string> tensor_names_of(const Artifact& weights,
                                         const std::map<std::string, Artifact>& tree) {
    std::vector<std::string> names;
    if (const auto* tensors = detail::tensors_of(weights)) {
        for (const auto& tensor : *tensors) {
            names.push_back(tensor.name);
        }
        return names;
    }
    std::string directory = path_directory(weights.path);
    std::string file_name = path_file_name(weights.path);
    for (const auto& [path, artifact] : tree) {
        const auto* index = artifact.get<formats::ShardIndex>();
        if (!index || path_directory(path) != directory) {
            continue;
        }
        for (const auto& [tensor, shard] : index->weight_map) {
            if (shard == file_name) {
                names.push_back(tensor);
            }
        }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

} // namespace mlv::lifecycle
