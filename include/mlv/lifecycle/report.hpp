// The lifecycle report: one self-contained HTML file with inline SVG and CSS,
// no scripts and no network access, written by `git mlv report`.
// docs/report.md describes what it shows.
#pragma once

#include "mlv/lifecycle/groups.hpp"
#include "mlv/lifecycle/history.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::lifecycle {

// Escapes text for HTML element content and attribute values: & < > " ' become
// entities, and control characters other than tab and newline are dropped.
std::string escape_html(std::string_view text);

struct ReportOptions {
    std::string title; // shown as "Lifecycle of <title>", usually the repository's directory name
    std::string range; // the revision range the history covers
};

// Renders the report for `history` (oldest first) and the groups mined from
// it. The output depends only on the arguments: it carries no generation
// time, so the same history gives the same file.
std::string render_report(const std::vector<CommitRecord>& history, const GroupsResult& groups,
                          const ReportOptions& options);

} // namespace mlv::lifecycle
