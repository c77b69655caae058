// Shape rules (config against tensors) and shard rules (index against files).
#include "model_view.hpp"

#include "mlv/checks/rules.hpp"
#include "mlv/formats/shard_index.hpp"
#include "mlv/util/path.hpp"
#include "mlv/util/text.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace mlv::checks {

using artifacts::Artifact;
using detail::make_finding;
using detail::ModelDirectory;
using detail::quote;
using detail::WeightSet;

namespace {

// The width an input embedding must have: hidden_size, unless the model
// projects a narrower embedding up (ALBERT's embedding_size, OPT's
// word_embed_proj_dim).
std::optional<std::pair<int64_t, std::string>>
expected_embedding_width(const formats::ModelConfig& config) {
    for (const char* key : {"embedding_size", "word_embed_proj_dim"}) {
        if (auto width = json_int(config.raw, key)) {
            return std::make_pair(*width, std::string(key));
        }
    }
    if (auto hidden = detail::config_hidden_size(config)) {
        return std::make_pair(*hidden, std::string("hidden_size"));
    }
    return std::nullopt;
}

void check_embedding_width(const ModelDirectory& directory, const WeightSet& set, Findings& out) {
    auto expected = expected_embedding_width(*directory.model_config);
    if (!expected) {
        return;
    }
    for (const auto& tensor : set.tensors) {
        if (tensor.info == nullptr || tensor.info->shape.size() != 2 ||
            !detail::is_input_embedding(tensor.name)) {
            continue;
        }
        auto width = static_cast<int64_t>(tensor.info->shape[1]);
        if (width == expected->first) {
            continue;
        }
        out.push_back(make_finding(
            "embedding-width", {tensor.path, directory.config->path},
            quote(tensor.name) + " in " + quote(tensor.path) + " is " + std::to_string(width) +
                " wide, but " + expected->second + " in " + quote(directory.config->path) + " is " +
                std::to_string(expected->first),
            "set " + expected->second +
                " to the width of the weights, or save weights of the "
                "configured size",
            {{"tensor", tensor.name}, {"width", width}, {expected->second, expected->first}}));
    }
}

// Layer indexes by the name prefix they follow: "model.layers." -> {0..31}.
std::map<std::string, std::set<uint64_t>> layer_indexes(const WeightSet& set) {
    std::map<std::string, std::set<uint64_t>> out;
    for (const auto& tensor : set.tensors) {
        const std::string& name = tensor.name;
        if (detail::is_input_embedding(name) || name.find("vision") != std::string::npos ||
            name.find("visual") != std::string::npos || name.find("audio") != std::string::npos) {
            continue;
        }
        for (std::string_view marker : {"layers.", "h.", "blk.", "layer."}) {
            size_t at = name.find(marker);
            while (at != std::string::npos) {
                bool starts_component = at == 0 || name[at - 1] == '.';
                size_t digits = at + marker.size();
                size_t end = digits;
                while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) {
                    ++end;
                }
                if (starts_component && end > digits && end < name.size() && name[end] == '.' &&
                    end - digits < 7) {
                    out[name.substr(0, digits)].insert(
                        std::stoull(name.substr(digits, end - digits)));
                    break;
                }
                at = name.find(marker, at + 1);
            }
        }
    }
    return out;
}

void check_layer_count(const ModelDirectory& directory, const WeightSet& set, Findings& out) {
    auto configured = detail::config_layer_count(*directory.model_config);
    auto groups = layer_indexes(set);
    if (!configured || groups.empty()) {
        return;
    }
    // DeepSeek-V3 stores its multi-token-prediction layers after the
    // num_hidden_layers regular ones.
    int64_t extra = json_int(directory.model_config->raw, "num_nextn_predict_layers").value_or(0);

    const std::pair<const std::string, std::set<uint64_t>>* largest = nullptr;
    for (const auto& group : groups) {
        auto count = static_cast<int64_t>(group.second.size());
        if (count == *configured || count == *configured + extra) {
            return;
        }
        if (largest == nullptr || group.second.size() > largest->second.size()) {
            largest = &group;
        }
    }

    const auto& [prefix, indexes] = *largest;
    uint64_t last = *indexes.rbegin();
    std::string numbering = prefix + "0 to " + prefix + std::to_string(last);
    if (last + 1 != indexes.size()) {
        numbering += ", " + std::to_string(last + 1 - indexes.size()) + " missing";
    }
    out.push_back(make_finding(
        "layer-count", {set.path, directory.config->path},
        "tensor names in " + quote(set.path) + " have " + std::to_string(indexes.size()) +
            " layers (" + numbering + "), but num_hidden_layers in " +
            quote(directory.config->path) + " is " + std::to_string(*configured),
        "set num_hidden_layers to the number of layers saved, or save every layer",
        {{"layers", indexes.size()}, {"num_hidden_layers", *configured}, {"prefix", prefix}}));
}

std::optional<std::string> dtype_of_torch_dtype(std::string_view torch_dtype) {
    if (torch_dtype == "float16" || torch_dtype == "torch.float16") {
        return "F16";
    }
    if (torch_dtype == "bfloat16" || torch_dtype == "torch.bfloat16") {
        return "BF16";
    }
    if (torch_dtype == "float32" || torch_dtype == "torch.float32") {
        return "F32";
    }
    return std::nullopt;
}

void check_torch_dtype(const ModelDirectory& directory, const WeightSet& set, Findings& out) {
    const auto& config = *directory.model_config;
    auto torch_dtype = config.torch_dtype ? config.torch_dtype : json_string(config.raw, "dtype");
    if (!torch_dtype) {
        return;
    }
    auto expected = dtype_of_torch_dtype(*torch_dtype);
    if (!expected) {
        return;
    }

    // Quantized and integer tensors keep their own types; the majority of
    // floating-point parameters shows the dtype the weights were saved in.
    std::map<std::string, uint64_t> parameters;
    std::map<std::string, uint64_t> tensor_counts;
    uint64_t float_tensors = 0;
    for (const auto& tensor : set.tensors) {
        if (tensor.info == nullptr) {
            continue;
        }
        const auto& dtype = tensor.info->dtype;
        if (dtype != "F16" && dtype != "BF16" && dtype != "F32") {
            continue;
        }
        parameters[dtype] += formats::element_count(tensor.info->shape).value_or(0);
        tensor_counts[dtype] += 1;
        ++float_tensors;
    }
    if (parameters.empty()) {
        return;
    }
    auto majority = std::max_element(parameters.begin(), parameters.end(),
                                     [](auto& a, auto& b) { return a.second < b.second; });
    if (majority->first == *expected) {
        return;
    }
    out.push_back(make_finding(
        "torch-dtype-mismatch", {directory.config->path, set.path},
        "torch_dtype in " + quote(directory.config->path) + " is " + *torch_dtype +
            ", but most parameters in " + quote(set.path) + " are " + majority->first + " (" +
            std::to_string(tensor_counts[majority->first]) + " of " +
            std::to_string(float_tensors) + " floating-point tensors)",
        "set torch_dtype to the dtype the weights are saved in, or convert the weights",
        {{"torch_dtype", *torch_dtype}, {"dtype", majority->first}}));
}

bool is_generative(const formats::ModelConfig& config) {
    for (const auto& architecture : config.architectures) {
        for (std::string_view suffix : {"ForCausalLM", "LMHeadModel", "ForConditionalGeneration"}) {
            if (architecture.size() >= suffix.size() &&
                architecture.compare(architecture.size() - suffix.size(), suffix.size(), suffix) ==
                    0) {
                return true;
            }
        }
    }
    return false;
}

void check_tied_head(const ModelDirectory& directory, const WeightSet& set, Findings& out) {
    const auto& config = *directory.model_config;
    if (!config.tie_word_embeddings || set.tensors.empty()) {
        return;
    }
    const detail::TensorEntry* head = nullptr;
    for (const auto& tensor : set.tensors) {
        if (detail::is_output_head(tensor.name)) {
            head = &tensor;
            break;
        }
    }

    if (!*config.tie_word_embeddings && head == nullptr && is_generative(config)) {
        out.push_back(make_finding(
            "output-head-missing", {directory.config->path, set.path},
            "tie_word_embeddings is false in " + quote(directory.config->path) + ", but " +
                quote(set.path) +
                " has no output head (lm_head.weight), so it is initialised at random on load",
            "save the model with its lm_head.weight, or set tie_word_embeddings to true if the "
            "head shares the input embedding",
            {{"tie_word_embeddings", false}}));
    }
    if (*config.tie_word_embeddings && head != nullptr) {
        out.push_back(make_finding(
            "output-head-tied", {directory.config->path, set.path},
            "tie_word_embeddings is true in " + quote(directory.config->path) + ", but " +
                quote(set.path) + " stores " + quote(head->name) +
                ", which loading replaces with the input embedding",
            "set tie_word_embeddings to false if the head is trained separately, or drop the "
            "tensor",
            {{"tie_word_embeddings", true}, {"tensor", head->name}}));
    }
}

void check_gguf_shapes(const WeightSet& set, Findings& out) {
    const auto& gguf = *set.gguf;
    if (!gguf.architecture) {
        return;
    }
    auto key = [&gguf](const char* name) -> std::optional<int64_t> {
        auto it = gguf.metadata.find(*gguf.architecture + "." + name);
        return it == gguf.metadata.end() ? std::nullopt : json_to_int(it->second);
    };

    auto width = key("embedding_length");
    for (const auto& tensor : set.tensors) {
        if (!width || tensor.name != "token_embd.weight" || tensor.info->shape.size() != 2 ||
            static_cast<int64_t>(tensor.info->shape[1]) == *width) {
            continue;
        }
        out.push_back(make_finding(
            "embedding-width", {set.path},
            "'token_embd.weight' in " + quote(set.path) + " is " +
                std::to_string(tensor.info->shape[1]) + " wide, but " + *gguf.architecture +
                ".embedding_length is " + std::to_string(*width),
            "convert the model again", {{"width", tensor.info->shape[1]}, {"expected", *width}}));
    }

    // A file split by gguf-split holds only some of the blocks; the others
    // are in the files that its split.count names.
    auto split = gguf.metadata.find("split.count");
    if (split != gguf.metadata.end() && json_to_int(split->second).value_or(1) > 1) {
        return;
    }

    auto blocks = key("block_count");
    auto groups = layer_indexes(set);
    auto found = groups.find("blk.");
    if (blocks && found != groups.end() && static_cast<int64_t>(found->second.size()) != *blocks) {
        out.push_back(make_finding("layer-count", {set.path},
                                   "tensor names in " + quote(set.path) + " have " +
                                       text::count_noun(found->second.size(), "block") + ", but " +
                                       *gguf.architecture + ".block_count is " +
                                       std::to_string(*blocks),
                                   "convert the model again",
                                   {{"layers", found->second.size()}, {"block_count", *blocks}}));
    }
}

} // namespace

void check_shapes(const CheckInput& input, Findings& out) {
    for (const auto& directory : detail::model_directories(*input.state)) {
        for (const auto& set : directory.weight_sets) {
            if (set.gguf != nullptr) {
                check_gguf_shapes(set, out);
                continue;
            }
            if (directory.model_config == nullptr) {
                continue;
            }
            check_embedding_width(directory, set, out);
            check_layer_count(directory, set, out);
            check_torch_dtype(directory, set, out);
            check_tied_head(directory, set, out);
        }
    }
}

namespace {

std::string extension_of(std::string_view name) {
    auto dot = name.rfind('.');
    return dot == std::string_view::npos ? std::string() : std::string(name.substr(dot + 1));
}

// "model.safetensors.index.json" -> "safetensors".
std::string index_extension(std::string_view index_name) {
    constexpr std::string_view suffix = ".index.json";
    if (index_name.size() > suffix.size() &&
        index_name.substr(index_name.size() - suffix.size()) == suffix) {
        return extension_of(index_name.substr(0, index_name.size() - suffix.size()));
    }
    return {};
}

// "1 tensor", "3 tensors".
bool is_weight_extension(std::string_view extension) {
    return extension == "safetensors" || extension == "bin";
}

void check_index(const ModelDirectory& directory, const Artifact& index_file,
                 const formats::ShardIndex& index,
                 const std::map<std::string, const Artifact*>& present, Findings& out) {
    const std::string& index_path = index_file.path;

    std::vector<std::string> missing;
    std::set<uint32_t> counts;
    for (const auto& shard : index.shards) {
        if (present.count(directory.directory + shard) == 0) {
            missing.push_back(directory.directory + shard);
        }
        if (auto number = formats::parse_shard_number(shard)) {
            counts.insert(number->count);
        }
    }
    if (!missing.empty()) {
        std::vector<std::string> paths = {index_path};
        paths.insert(paths.end(), missing.begin(), missing.end());
        out.push_back(make_finding(
            "shard-missing", paths,
            std::to_string(missing.size()) + " of the " + std::to_string(index.shards.size()) +
                " shards named by " + quote(index_path) +
                (missing.size() == 1 ? " is missing: " : " are missing: ") +
                detail::list_quoted(missing),
            "add the missing shards, or write the index again with the shards you have "
            "(save_pretrained writes both)",
            {{"missing", missing}, {"shard_count", index.shards.size()}}));
    }

    if (counts.size() > 1) {
        out.push_back(make_finding(
            "shard-count-mismatch", {index_path},
            "shards named by " + quote(index_path) + " disagree on their count: -of-" +
                std::to_string(*counts.begin()) + " and -of-" + std::to_string(*counts.rbegin()),
            "write the index again from one complete save", {{"counts", counts}}));
    } else if (counts.size() == 1 && *counts.begin() != index.shards.size()) {
        out.push_back(
            make_finding("shard-count-mismatch", {index_path},
                         quote(index_path) + " names " + std::to_string(index.shards.size()) +
                             " shards, but their names say -of-" + std::to_string(*counts.begin()),
                         "write the index again from one complete save",
                         {{"named", index.shards.size()}, {"count", *counts.begin()}}));
    }

    // Shard files present with another -of-N than the index's, as after
    // re-sharding without updating the index. When every shard the index
    // names is present, the model loads, and shard-unreferenced reports the
    // leftovers as a warning.
    std::string extension = index_extension(path_file_name(index_path));
    std::map<uint32_t, uint64_t> present_counts;
    for (const auto& [path, artifact] : present) {
        auto number = formats::parse_shard_number(path_file_name(path));
        if (number && extension_of(path) == extension && counts.count(number->count) == 0) {
            present_counts[number->count] += 1;
        }
    }
    if (counts.size() == 1 && !present_counts.empty() && !missing.empty()) {
        auto [other, files] = *present_counts.rbegin();
        out.push_back(make_finding(
            "shard-count-mismatch", {index_path},
            quote(index_path) + " names shards -of-" + std::to_string(*counts.begin()) +
                ", but the directory holds " + std::to_string(files) +
                (files == 1 ? " shard file -of-" : " shard files -of-") + std::to_string(other),
            "write the index again for the shards present (save_pretrained writes both)",
            {{"index_count", *counts.begin()}, {"present_count", other}, {"present", files}}));
    }

    bool all_headers = true;
    uint64_t total = 0;
    for (const auto& shard : index.shards) {
        auto it = present.find(directory.directory + shard);
        const auto* header =
            it == present.end() ? nullptr : it->second->get<formats::SafetensorsHeader>();
        if (header == nullptr) {
            all_headers = false;
            continue;
        }

        std::set<std::string> in_header;
        for (const auto& tensor : header->tensors) {
            in_header.insert(tensor.name);
            total += tensor.data_end - tensor.data_begin;
        }
        std::vector<std::string> absent;
        for (const auto& [name, mapped] : index.weight_map) {
            if (mapped == shard && in_header.count(name) == 0) {
                absent.push_back(name);
            }
        }
        std::vector<std::string> unmapped;
        for (const auto& name : in_header) {
            if (index.weight_map.count(name) == 0) {
                unmapped.push_back(name);
            }
        }
        const std::string& shard_path = it->second->path;
        if (!absent.empty()) {
            out.push_back(make_finding(
                "shard-tensor-missing", {index_path, shard_path},
                quote(index_path) + " maps " + text::count_noun(absent.size(), "tensor") + " to " +
                    quote(shard_path) +
                    " that its header does not have: " + detail::list_quoted(absent),
                "write the index again from the shards (save_pretrained writes both)",
                {{"tensors", absent}}));
        }
        if (!unmapped.empty()) {
            out.push_back(make_finding(
                "shard-tensor-unmapped", {index_path, shard_path},
                quote(shard_path) + " has " + text::count_noun(unmapped.size(), "tensor") +
                    " that " + quote(index_path) +
                    " does not map, so loaders skip them: " + detail::list_quoted(unmapped),
                "add them to weight_map or remove them from the shard", {{"tensors", unmapped}}));
        }
    }

    if (all_headers && index.total_size && *index.total_size != total) {
        out.push_back(make_finding(
            "shard-total-size", {index_path},
            "total_size in " + quote(index_path) + " is " + std::to_string(*index.total_size) +
                ", but the tensors of its shards take " + text::count_noun(total, "byte"),
            "set metadata.total_size to " + std::to_string(total),
            {{"total_size", *index.total_size}, {"tensor_bytes", total}}));
    }
}

void check_orphan_shards(const ModelDirectory& directory,
                         const std::map<std::string, const Artifact*>& present,
                         const std::set<std::string>& referenced,
                         const std::set<std::string>& indexed_extensions, Findings& out) {
    std::map<std::string, std::vector<std::string>> orphans; // extension -> paths
    for (const auto& [path, artifact] : present) {
        std::string extension = extension_of(path);
        if (is_weight_extension(extension) && referenced.count(path) == 0 &&
            formats::parse_shard_number(path_file_name(path))) {
            orphans[extension].push_back(path);
        }
    }
    for (const auto& [extension, paths] : orphans) {
        if (indexed_extensions.count(extension) != 0) {
            out.push_back(
                make_finding("shard-unreferenced", paths,
                             std::to_string(paths.size()) + " ." + extension +
                                 (paths.size() == 1 ? " shard file in " : " shard files in ") +
                                 (directory.directory.empty() ? std::string("the top directory")
                                                              : quote(directory.directory)) +
                                 (paths.size() == 1 ? " is" : " are") +
                                 " not named by any index: " + detail::list_quoted(paths),
                             "delete the stale shards, or write the index again to include them",
                             {{"files", paths}}));
        } else {
            out.push_back(make_finding(
                "shard-index-missing", paths,
                std::to_string(paths.size()) + " ." + extension +
                    (paths.size() == 1 ? " shard file has no ." : " shard files have no .") +
                    extension + ".index.json, so loaders cannot find their tensors: " +
                    detail::list_quoted(paths),
                "commit the index that save_pretrained wrote next to the shards",
                {{"files", paths}}));
        }
    }
}

} // namespace

void check_shards(const CheckInput& input, Findings& out) {
    for (const auto& directory : detail::model_directories(*input.state)) {
        std::map<std::string, const Artifact*> present;
        for (const auto* artifact : directory.artifacts) {
            present.emplace(artifact->path, artifact);
        }

        std::set<std::string> referenced;
        std::set<std::string> indexed_extensions;
        for (const auto* artifact : directory.artifacts) {
            const auto* index = artifact->get<formats::ShardIndex>();
            if (index == nullptr) {
                continue;
            }
            for (const auto& shard : index->shards) {
                referenced.insert(directory.directory + shard);
            }
            indexed_extensions.insert(index_extension(path_file_name(artifact->path)));
            check_index(directory, *artifact, *index, present, out);
        }
        check_orphan_shards(directory, present, referenced, indexed_extensions, out);
    }
}

} // namespace mlv::checks
