// Co-edit groups: files that must change together.
//
// `git mlv check` enforces them (a member whose contract changed while a
// dependent member stayed untouched is stale), and `git mlv groups` mines
// them from history and can write them to .mlv.json under "groups":
//
//   "groups": [{"name": "tokenizer", "members": ["tokenizer.json", "tokenizer_config.json"]}]
#pragma once

#include <string>
#include <vector>

namespace mlv::checks {

struct CoEditGroup {
    std::string name;
    // Path patterns with .gitattributes syntax (see artifacts::path_matches).
    std::vector<std::string> members;
};

// The built-in groups: tokenizer files; config with weights and shard index;
// training state; model card.
const std::vector<CoEditGroup>& builtin_groups();

} // namespace mlv::checks
