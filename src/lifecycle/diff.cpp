#include "mlv/lifecycle/diff.hpp"

#include "diff_parts.hpp"
#include "mlv/util/size.hpp"
#include "mlv/util/text.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace mlv::lifecycle {

using artifacts::Artifact;
using artifacts::Format;

std::string_view change_verb(git::ChangeKind kind) {
    switch (kind) {
    case git::ChangeKind::added:
        return "added";
    case git::ChangeKind::deleted:
        return "deleted";
    case git::ChangeKind::renamed:
        return "renamed";
    case git::ChangeKind::copied:
        return "copied";
    case git::ChangeKind::type_changed:
    case git::ChangeKind::modified:
        return "modified";
    }
    return "modified";
}

std::string_view to_string(TensorChange::Kind kind) {
    switch (kind) {
    case TensorChange::Kind::added:
        return "added";
    case TensorChange::Kind::removed:
        return "removed";
    case TensorChange::Kind::reshaped:
        return "reshaped";
    case TensorChange::Kind::retyped:
        return "retyped";
    case TensorChange::Kind::values_changed:
        return "values_changed";
    }
    return "added";
}

std::string_view to_string(ValueCheck check) {
    switch (check) {
    case ValueCheck::not_applicable:
        return "not_applicable";
    case ValueCheck::same_content:
        return "same_content";
    case ValueCheck::compared:
        return "compared";
    case ValueCheck::content_changed:
        return "content_changed";
    }
    return "not_applicable";
}

std::string_view to_string(ValueGap gap) {
    switch (gap) {
    case ValueGap::none:
        return "none";
    case ValueGap::headers_only:
        return "headers_only";
    case ValueGap::old_object_missing:
        return "old_object_missing";
    case ValueGap::new_object_missing:
        return "new_object_missing";
    case ValueGap::objects_missing:
        return "objects_missing";
    case ValueGap::unreadable:
        return "unreadable";
    case ValueGap::format_not_compared:
        return "format_not_compared";
    }
    return "none";
}

bool TokenDiff::empty() const {
    return added.empty() && removed.empty() && renumbered.empty() && special_tokens.empty() &&
           token_flags.empty() && pipeline.empty() && !old_merges && chat_templates_changed.empty();
}

std::string FileDiff::headline() const {
    if (!summary.empty()) {
        return summary.front();
    }
    switch (kind) {
    case git::ChangeKind::added:
        return "added";
    case git::ChangeKind::deleted:
        return "deleted";
    case git::ChangeKind::renamed:
        return "renamed from " + old_path;
    case git::ChangeKind::copied:
        return "copied from " + old_path;
    case git::ChangeKind::type_changed:
        return "file type changed";
    case git::ChangeKind::modified:
        break;
    }
    return content_changed ? "content changed" : "unchanged";
}

namespace {

constexpr std::string_view added_prefix = "added: ";
constexpr std::string_view deleted_prefix = "deleted: ";

} // namespace

std::string FileDiff::change_detail() const {
    if (summary.empty()) {
        return kind == git::ChangeKind::modified && content_changed ? "content changed" : "";
    }
    // add_kind_line writes the first summary line for every kind but
    // modified. For additions and deletions it carries the description
    // after the kind word; for the other kinds it only names the change.
    const std::string& first = summary.front();
    switch (kind) {
    case git::ChangeKind::added:
    case git::ChangeKind::deleted: {
        std::string_view prefix = kind == git::ChangeKind::added ? added_prefix : deleted_prefix;
        std::string_view line = first;
        return line.substr(0, prefix.size()) == prefix ? std::string(line.substr(prefix.size()))
                                                       : first;
    }
    case git::ChangeKind::renamed:
    case git::ChangeKind::copied:
    case git::ChangeKind::type_changed:
        if (summary.size() > 1) {
            return summary[1];
        }
        return content_changed ? "content changed" : "content unchanged";
    case git::ChangeKind::modified:
        break;
    }
    return first;
}

namespace detail {

std::string short_oid(const std::string& oid) {
    return oid.substr(0, 7);
}

std::string format_shape(const std::vector<uint64_t>& shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        out += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return out + "]";
}

} // namespace detail

std::string short_value(const std::optional<Json>& value, size_t max_length) {
    if (!value) {
        return "(absent)";
    }
    std::string text = value->dump(-1, ' ', false, Json::error_handler_t::replace);
    if (text.size() > max_length) {
        text = text.substr(0, max_length) + "...";
    }
    return text;
}

std::vector<KeyChange> diff_json(const Json& before, const Json& after, const std::string& prefix) {
    std::vector<KeyChange> out;
    if (before == after) {
        return out;
    }
    if (!before.is_object() || !after.is_object()) {
        out.push_back(KeyChange{prefix, std::optional<Json>(std::in_place, before),
                                std::optional<Json>(std::in_place, after)});
        return out;
    }

    // Keys in sorted order so that output does not depend on file order.
    std::set<std::string> keys;
    for (const auto& [key, value] : before.items()) {
        keys.insert(key);
    }
    for (const auto& [key, value] : after.items()) {
        keys.insert(key);
    }
    for (const auto& key : keys) {
        std::string path = prefix.empty() ? key : prefix + "." + key;
        auto old_it = before.find(key);
        auto new_it = after.find(key);
        if (old_it == before.end()) {
            out.push_back(
                KeyChange{path, std::nullopt, std::optional<Json>(std::in_place, *new_it)});
        } else if (new_it == after.end()) {
            out.push_back(
                KeyChange{path, std::optional<Json>(std::in_place, *old_it), std::nullopt});
        } else if (*old_it != *new_it) {
            auto nested = diff_json(*old_it, *new_it, path);
            out.insert(out.end(), nested.begin(), nested.end());
        }
    }
    return out;
}

namespace {

artifacts::Role role_of(const FileChange& change) {
    if (change.after) {
        return change.after->role;
    }
    if (change.before) {
        return change.before->role;
    }
    return artifacts::Role::other;
}

std::string describe_artifact(const Artifact& artifact) {
    std::string line =
        std::string(artifacts::to_string(artifact.format)) + ", " + format_size(artifact.size);
    if (const auto* tensors = detail::tensors_of(artifact)) {
        line += ", " + text::count_noun(tensors->size(), "tensor");
    }
    return line;
}

// A deleted file needs no content, so only an added one mentions an absent
// LFS object, which explains why it has no tensor count.
std::string describe_added(const Artifact& artifact) {
    std::string line = describe_artifact(artifact);
    if (!artifact.content_present()) {
        line += " (LFS object not present)";
    }
    return line;
}

void fill_basics(const FileChange& change, FileDiff& diff) {
    diff.kind = change.kind;
    diff.path = change.path;
    diff.old_path = change.old_path.empty() ? change.path : change.old_path;
    diff.role = role_of(change);
    if (change.before) {
        diff.old_format = change.before->format;
        diff.old_oid = change.before->oid;
        diff.old_size = change.before->size;
        if (change.before->description && change.before->description->error) {
            diff.errors.push_back("cannot read the old version: " +
                                  *change.before->description->error);
        }
    }
    if (change.after) {
        diff.new_format = change.after->format;
        diff.new_oid = change.after->oid;
        diff.new_size = change.after->size;
        if (change.after->description && change.after->description->error) {
            diff.errors.push_back("cannot read the new version: " +
                                  *change.after->description->error);
        }
    }
    diff.content_changed =
        !change.before || !change.after || diff.old_oid != diff.new_oid || diff.old_oid.empty();
}

void add_kind_line(FileDiff& diff, const FileChange& change) {
    switch (change.kind) {
    case git::ChangeKind::added:
        diff.summary.push_back(std::string(added_prefix) +
                               (change.after ? describe_added(*change.after) : ""));
        break;
    case git::ChangeKind::deleted:
        diff.summary.push_back(std::string(deleted_prefix) +
                               (change.before ? describe_artifact(*change.before) : ""));
        break;
    case git::ChangeKind::renamed:
    case git::ChangeKind::copied: {
        std::string verb = change.kind == git::ChangeKind::renamed ? "renamed" : "copied";
        diff.summary.push_back(verb + " from " + diff.old_path +
                               (diff.content_changed ? "" : ", content unchanged"));
        break;
    }
    case git::ChangeKind::type_changed:
        diff.summary.push_back("file type changed");
        break;
    case git::ChangeKind::modified:
        break;
    }
    if (diff.old_format && diff.new_format && *diff.old_format != *diff.new_format) {
        diff.summary.push_back("format " + std::string(artifacts::to_string(*diff.old_format)) +
                               " -> " + std::string(artifacts::to_string(*diff.new_format)));
    }
}

} // namespace

FileDiff diff_file(const FileChange& change, const DiffOptions& options,
                   const TreeContext* context) {
    FileDiff diff;
    fill_basics(change, diff);
    add_kind_line(diff, change);
    if (!diff.content_changed) {
        return diff;
    }

    detail::diff_weights(change, options, context, diff);
    if (change.before && change.after) {
        detail::diff_shard_index(*change.before, *change.after, diff);
        detail::diff_tokens(*change.before, *change.after, diff);
        detail::diff_trainer(*change.before, *change.after, diff);
    }
    detail::diff_keys(change, options, diff);

    // A version that cannot be read is the first thing to fix, and the
    // other lines are incomplete because of it, so its errors lead.
    diff.summary.insert(diff.summary.end(), diff.errors.begin(), diff.errors.end());
    detail::summarize_weights(diff);
    detail::summarize_shards(diff);
    detail::summarize_tokens(diff);
    detail::summarize_trainer(diff);
    detail::summarize_keys(diff);
    if (diff.summary.empty()) {
        diff.summary.push_back("content changed (" + format_size(diff.old_size) + " -> " +
                               format_size(diff.new_size) + ")");
    }
    return diff;
}

ChangeSetDiff diff_change_set(const std::vector<FileChange>& changes, const DiffOptions& options,
                              const TreeContext* context) {
    ChangeSetDiff out;
    out.files.reserve(changes.size());
    for (const auto& change : changes) {
        out.files.push_back(diff_file(change, options, context));
    }
    out.conversions = detail::detect_conversions(changes, context);
    return out;
}

// JSON output --------------------------------------------------------------

namespace {

std::string_view change_kind_name(git::ChangeKind kind) {
    switch (kind) {
    case git::ChangeKind::added:
        return "added";
    case git::ChangeKind::deleted:
        return "deleted";
    case git::ChangeKind::modified:
        return "modified";
    case git::ChangeKind::renamed:
        return "renamed";
    case git::ChangeKind::copied:
        return "copied";
    case git::ChangeKind::type_changed:
        return "type_changed";
    }
    return "modified";
}

Json to_json(const KeyChange& change) {
    Json out = {{"key", change.key}};
    out["before"] = change.before ? *change.before : Json();
    out["after"] = change.after ? *change.after : Json();
    out["change"] = !change.before ? "added" : !change.after ? "removed" : "changed";
    return out;
}

Json keys_to_json(const std::vector<KeyChange>& changes) {
    Json out = Json::array();
    for (const auto& change : changes) {
        out.push_back(to_json(change));
    }
    return out;
}

Json tokens_to_json(const std::vector<TokenEntry>& entries) {
    Json out = Json::array();
    for (const auto& entry : entries) {
        out.push_back({{"token", entry.token}, {"id", entry.id}});
    }
    return out;
}

template <class T> Json optional_json(const std::optional<T>& value) {
    return value ? Json(*value) : Json();
}

Json to_json(const TokenDiff& tokens) {
    Json out;
    out["added"] = tokens_to_json(tokens.added);
    out["removed"] = tokens_to_json(tokens.removed);
    Json renumbered = Json::array();
    for (const auto& entry : tokens.renumbered) {
        renumbered.push_back(
            {{"token", entry.token}, {"old_id", entry.old_id}, {"new_id", entry.new_id}});
    }
    out["renumbered"] = renumbered;
    out["special_tokens"] = keys_to_json(tokens.special_tokens);
    Json flags = Json::array();
    for (const auto& change : tokens.token_flags) {
        flags.push_back({{"token", change.token},
                         {"flag", change.flag},
                         {"before", optional_json(change.before)},
                         {"after", optional_json(change.after)}});
    }
    out["token_flags"] = flags;
    out["pipeline"] = keys_to_json(tokens.pipeline);
    out["old_merges"] = optional_json(tokens.old_merges);
    out["new_merges"] = optional_json(tokens.new_merges);
    out["chat_templates_changed"] = tokens.chat_templates_changed;
    out["old_size"] = tokens.old_size;
    out["new_size"] = tokens.new_size;
    return out;
}

Json to_json(const TrainerProgress& progress) {
    return {{"old_step", optional_json(progress.old_step)},
            {"new_step", optional_json(progress.new_step)},
            {"old_epoch", optional_json(progress.old_epoch)},
            {"new_epoch", optional_json(progress.new_epoch)},
            {"old_best_metric", optional_json(progress.old_best_metric)},
            {"new_best_metric", optional_json(progress.new_best_metric)},
            {"old_loss", optional_json(progress.old_loss)},
            {"new_loss", optional_json(progress.new_loss)}};
}

Json to_json(const ShardLayoutDiff& shards) {
    Json moved = Json::array();
    for (const auto& move : shards.moved) {
        moved.push_back(
            {{"tensor", move.tensor}, {"from", move.from_shard}, {"to", move.to_shard}});
    }
    return {{"old_shard_count", shards.old_shard_count},
            {"new_shard_count", shards.new_shard_count},
            {"old_total_size", optional_json(shards.old_total_size)},
            {"new_total_size", optional_json(shards.new_total_size)},
            {"moved", moved},
            {"tensors_added", shards.tensors_added},
            {"tensors_removed", shards.tensors_removed}};
}

Json to_json(const TensorChange& change) {
    Json out = {{"name", change.name}, {"change", to_string(change.kind)}};
    if (!change.old_dtype.empty()) {
        out["old_dtype"] = change.old_dtype;
        out["old_shape"] = change.old_shape;
    }
    if (!change.new_dtype.empty()) {
        out["new_dtype"] = change.new_dtype;
        out["new_shape"] = change.new_shape;
    }
    return out;
}

} // namespace

Json to_json(const FileDiff& diff) {
    Json out;
    out["path"] = diff.path;
    if (diff.old_path != diff.path) {
        out["old_path"] = diff.old_path;
    }
    out["change"] = change_kind_name(diff.kind);
    out["role"] = artifacts::to_string(diff.role);
    out["old_format"] = diff.old_format ? Json(artifacts::to_string(*diff.old_format)) : Json();
    out["new_format"] = diff.new_format ? Json(artifacts::to_string(*diff.new_format)) : Json();
    out["old_oid"] = diff.old_oid.empty() ? Json() : Json(diff.old_oid);
    out["new_oid"] = diff.new_oid.empty() ? Json() : Json(diff.new_oid);
    out["old_size"] = diff.old_size;
    out["new_size"] = diff.new_size;
    out["content_changed"] = diff.content_changed;
    out["errors"] = diff.errors;

    Json tensors = Json::array();
    for (const auto& change : diff.tensors) {
        tensors.push_back(to_json(change));
    }
    out["tensors"] = tensors;
    out["values"] = to_string(diff.values);
    out["value_gap"] = to_string(diff.value_gap);
    out["tensors_kept"] = diff.tensors_kept;
    out["tensors_compared"] = diff.tensors_compared;
    out["old_parameters"] = optional_json(diff.old_parameters);
    out["new_parameters"] = optional_json(diff.new_parameters);
    out["keys"] = keys_to_json(diff.keys);
    out["body_changed"] = diff.body_changed;
    out["tokens"] = diff.tokens ? to_json(*diff.tokens) : Json();
    out["trainer"] = diff.trainer ? to_json(*diff.trainer) : Json();
    out["shards"] = diff.shards ? to_json(*diff.shards) : Json();
    out["summary"] = diff.summary;
    return out;
}

Json to_json(const Conversion& conversion) {
    return {{"from", conversion.from_paths},
            {"to", conversion.to_paths},
            {"from_format", artifacts::to_string(conversion.from_format)},
            {"to_format", artifacts::to_string(conversion.to_format)},
            {"tensor_count", conversion.tensor_count},
            {"tensors_match", conversion.tensors_match},
            {"summary", conversion.summary}};
}

Json to_json(const ChangeSetDiff& diff) {
    Json files = Json::array();
    for (const auto& file : diff.files) {
        files.push_back(to_json(file));
    }
    Json conversions = Json::array();
    for (const auto& conversion : diff.conversions) {
        conversions.push_back(to_json(conversion));
    }
    return {{"files", files}, {"conversions", conversions}};
}

} // namespace mlv::lifecycle
