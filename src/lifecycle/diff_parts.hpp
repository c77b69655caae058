// Internal pieces of the semantic diff, one file per kind of content.
#pragma once

#include "mlv/lifecycle/diff.hpp"

#include <string>
#include <vector>

namespace mlv::lifecycle::detail {

// Detail lines listed per category before "... and N more".
inline constexpr size_t max_listed = 10;

// The tensor infos of a weights artifact, or null when it has none known.
const std::vector<formats::TensorInfo>* tensors_of(const artifacts::Artifact& artifact);

// Fills the tensor changes, value check and parameter counts of `diff`.
void diff_weights(const FileChange& change, const DiffOptions& options, const TreeContext* context,
                  FileDiff& diff);

// Fills `diff.shards` when both sides are shard indexes.
void diff_shard_index(const artifacts::Artifact& before, const artifacts::Artifact& after,
                      FileDiff& diff);

// Fills `diff.tokens` when both sides carry a vocabulary, special tokens,
// merges or chat templates.
void diff_tokens(const artifacts::Artifact& before, const artifacts::Artifact& after,
                 FileDiff& diff);

// Fills `diff.trainer` when both sides are trainer states.
void diff_trainer(const artifacts::Artifact& before, const artifacts::Artifact& after,
                  FileDiff& diff);

// Fills `diff.keys` (and body_changed for Markdown) from the raw JSON or
// front matter of both sides.
void diff_keys(const FileChange& change, const DiffOptions& options, FileDiff& diff);

// Appends the summary lines of each part of `diff`.
void summarize_weights(FileDiff& diff);
void summarize_shards(FileDiff& diff);
void summarize_tokens(FileDiff& diff);
void summarize_trainer(FileDiff& diff);
void summarize_keys(FileDiff& diff);

// Detects format conversions among the changes.
std::vector<Conversion> detect_conversions(const std::vector<FileChange>& changes,
                                           const TreeContext* context);

std::string short_oid(const std::string& oid);
std::string format_shape(const std::vector<uint64_t>& shape);

} // namespace mlv::lifecycle::detail
