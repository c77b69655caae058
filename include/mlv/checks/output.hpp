// Renderings of a check report: human text, JSON and SARIF 2.1.0.
#pragma once

#include "mlv/checks/check.hpp"
#include "mlv/util/json.hpp"

#include <string>

namespace mlv::checks {

enum class Color { off, on };

// Findings grouped by commit (for commits) and by file, in Git's wording:
//
//   config.json
//     error: 'hidden_size' ... [embedding-width]
//       hint: set hidden_size to ...
//
// followed by a summary line ("2 errors, 1 warning in 3 files"). Empty
// report: "no findings". A last line names the weights files whose LFS
// object is not present locally, which no rule read.
std::string format_human(const CheckReport& report, Color color);

// {"findings": [...], "summary": {"error": n, "warning": n, "info": n},
//  "checked": [{"kind": "commit", "commit": "...", "summary": "..."}],
//  "not_checked": [{"path": "...", "reason": "lfs_object_missing"}]}
Json format_json(const CheckReport& report);

// A SARIF 2.1.0 log with one run: the tool with every rule of the catalog,
// and one result per finding (level error, warning or note; the finding's
// paths as locations). Unread weights files become a note in the run's
// invocation (toolExecutionNotifications).
Json format_sarif(const CheckReport& report);

} // namespace mlv::checks
