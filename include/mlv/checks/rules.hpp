// The rules of `git mlv check`: pure functions over the artifacts of one
// state of the repository (docs/checks.md documents each rule).
//
// Rules never read files. Everything they need is in CheckInput: the
// artifacts with their header metadata, the `filter` attribute of each path
// for the state being checked and, for the co-edit rule, the parent state.
// Each rule appends findings with its default severity; configuration is
// applied afterwards (see config.hpp).
#pragma once

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/checks/finding.hpp"
#include "mlv/checks/groups.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlv::checks {

enum class LfsObjects { optional, required };

// Whether git-lfs pushes commits whose LFS objects are missing locally and
// on the remote (git config lfs.allowincompletepush): it then warns instead
// of failing the push.
enum class IncompletePush { rejected, allowed };

struct CheckInput {
    const artifacts::Snapshot* state = nullptr; // required
    // The state the change is measured against (HEAD for the index and the
    // working tree, the first parent for a commit); null when there is none,
    // which turns the co-edit rule off.
    const artifacts::Snapshot* parent = nullptr;
    // The `filter` attribute of each path of `state`, as the state's own
    // .gitattributes set it; a path that is absent has none.
    std::map<std::string, std::string> filters;
    // Groups whose members are compared by contract (vocabulary, special
    // tokens, shapes, architecture keys, training step), within one directory.
    std::vector<CoEditGroup> groups = builtin_groups();
    // Groups from configuration: any change to one member makes every other
    // unchanged member stale, wherever the patterns match.
    std::vector<CoEditGroup> configured_groups;
    // `required` turns on lfs-object-missing, an error unless
    // `incomplete_push` is `allowed`, which makes it a warning.
    LfsObjects lfs_objects = LfsObjects::optional;
    IncompletePush incomplete_push = IncompletePush::rejected;
};

using Findings = std::vector<Finding>;

// Runs every rule on `input` and returns the findings in rule order.
Findings run_rules(const CheckInput& input);

// The rules one by one, for tests and callers that want a subset.
void check_integrity(const CheckInput& input, Findings& out);
void check_lfs(const CheckInput& input, Findings& out);
void check_vocabulary(const CheckInput& input, Findings& out);
void check_special_tokens(const CheckInput& input, Findings& out);
void check_shapes(const CheckInput& input, Findings& out);
void check_shards(const CheckInput& input, Findings& out);
void check_generation(const CheckInput& input, Findings& out);
void check_chat_template(const CheckInput& input, Findings& out);
void check_co_edit(const CheckInput& input, Findings& out);

// Checks that the block tags of a Jinja template balance. Returns nullopt
// when they do, else what is wrong with its line ("'endfor' at line 4 closes
// 'if' opened at line 2").
std::optional<std::string> find_unbalanced_block(std::string_view source);

// Returns the special tokens a chat template writes right after a message's
// content (the end-of-turn marker: "<|eot_id|>", "<|im_end|>"), among
// `special_tokens`. A heuristic: see docs/checks.md, chat-template-eos.
std::vector<std::string> find_end_of_turn_tokens(std::string_view source,
                                                 const std::vector<std::string>& special_tokens);

} // namespace mlv::checks
