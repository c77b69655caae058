#include "mlv/checks/output.hpp"

#include "mlv/util/term.hpp"
#include "mlv/util/text.hpp"

#include <map>
#include <set>

namespace mlv::checks {

namespace {

term::Color color_of(Severity severity) {
    switch (severity) {
    case Severity::error:
        return term::Color::red;
    case Severity::warning:
        return term::Color::yellow;
    default:
        return term::Color::cyan;
    }
}

// A repository path as a relative URI reference (RFC 3986): every byte
// but the unreserved characters and '/' is percent-encoded, so spaces,
// non-ASCII names and a colon (which would read as a URI scheme) survive.
std::string uri_of_path(std::string_view path) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        bool ascii_alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (ascii_alnum || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out += static_cast<char>(c);
            continue;
        }
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 0x0F];
    }
    return out;
}

std::string summary_line(const CheckReport& report) {
    if (report.findings.empty()) {
        return "no findings";
    }
    std::set<std::string> files;
    for (const auto& finding : report.findings) {
        files.insert(finding.paths.front());
    }
    std::string line = text::count_noun(report.count(Severity::error), "error") + ", " +
                       text::count_noun(report.count(Severity::warning), "warning") + ", " +
                       std::to_string(report.count(Severity::info)) + " info in " +
                       text::count_noun(files.size(), "file");
    if (report.states.size() > 1) {
        line += " (" + text::count_noun(report.states.size(), "commit") + " checked)";
    }
    return line;
}

// The sentence about weights files whose headers no rule read, or "" when
// every weights file was read.
std::string unread_weights_line(const CheckReport& report) {
    auto paths = report.unread_weights();
    if (paths.empty()) {
        return "";
    }
    if (paths.size() == 1) {
        return "'" + paths.front() +
               "' not checked: its LFS object is not present locally (git lfs pull)";
    }
    return text::count_noun(paths.size(), "weights file") +
           " not checked: their LFS objects are not present locally (git lfs pull)";
}

} // namespace

namespace {

std::string subject_of(const std::vector<CheckedState>& states, const std::string& commit) {
    for (const auto& state : states) {
        if (state.commit_id == commit) {
            return state.summary;
        }
    }
    return "";
}

// The heading above a commit's findings: those inherited from the state
// before the range, or those the commit introduced.
std::string commit_heading(const CheckReport& report, const Finding& finding, bool paint) {
    if (!finding.inherited_from.empty()) {
        const std::string& parent = finding.inherited_from;
        return "present before the range, at " +
               term::paint("commit " + parent.substr(0, 12), term::Color::yellow, paint) + " " +
               subject_of(report.baselines, parent);
    }
    return term::paint("commit " + finding.commit.substr(0, 12), term::Color::yellow, paint) + " " +
           subject_of(report.states, finding.commit);
}

void append_finding(const CheckReport& report, const Finding& finding, bool paint,
                    std::string& out) {
    out += "  " +
           term::paint(std::string(to_string(finding.severity)) + ":", color_of(finding.severity),
                       paint) +
           " " + finding.message + " " +
           term::paint("[" + finding.rule + "]", term::Color::dim, paint) + "\n";
    if (!finding.fixed_by.empty()) {
        out += "    an error, fixed later in this range by " +
               term::paint("commit " + finding.fixed_by.substr(0, 12), term::Color::yellow, paint) +
               " " + subject_of(report.states, finding.fixed_by) + "\n";
        return;
    }
    if (!finding.hint.empty()) {
        out += "    " + term::paint("hint: " + finding.hint, term::Color::dim, paint) + "\n";
    }
}

} // namespace

std::string format_human(const CheckReport& report, Color color) {
    bool paint = color == Color::on;

    // Inherited findings first, under their own heading, so that a range's
    // first commit is not blamed for what it did not change.
    std::vector<const Finding*> ordered;
    for (const auto& finding : report.findings) {
        if (!finding.inherited_from.empty()) {
            ordered.push_back(&finding);
        }
    }
    for (const auto& finding : report.findings) {
        if (finding.inherited_from.empty()) {
            ordered.push_back(&finding);
        }
    }

    std::string out;
    std::string section;
    std::string file;
    for (const Finding* finding : ordered) {
        std::string key =
            finding->inherited_from.empty() ? finding->commit : "^" + finding->inherited_from;
        if (key != section || out.empty()) {
            section = key;
            file.clear();
            if (!finding->commit.empty()) {
                out += (out.empty() ? "" : "\n") + commit_heading(report, *finding, paint) + "\n";
            }
        }
        if (finding->paths.front() != file) {
            file = finding->paths.front();
            // NOTE: quoted with core.quotePath's default, because the
            // report does not carry the repository's configuration.
            out += term::paint(term::quote_path(file), term::Color::bold, paint) + "\n";
        }
        append_finding(report, *finding, paint, out);
    }
    if (!out.empty()) {
        out += "\n";
    }
    out += summary_line(report) + "\n";
    auto unread = unread_weights_line(report);
    if (!unread.empty()) {
        out += unread + "\n";
    }
    return out;
}

namespace {

std::string_view kind_name(artifacts::SnapshotKind kind) {
    switch (kind) {
    case artifacts::SnapshotKind::commit:
        return "commit";
    case artifacts::SnapshotKind::index:
        return "index";
    case artifacts::SnapshotKind::worktree:
        return "worktree";
    }
    return "worktree";
}

} // namespace

Json format_json(const CheckReport& report) {
    Json findings = Json::array();
    for (const auto& finding : report.findings) {
        findings.push_back(to_json(finding));
    }
    Json checked = Json::array();
    for (const auto& state : report.states) {
        Json entry = {{"kind", std::string(kind_name(state.kind))},
                      {"files", state.artifact_count}};
        if (!state.commit_id.empty()) {
            entry["commit"] = state.commit_id;
            entry["summary"] = state.summary;
        }
        checked.push_back(std::move(entry));
    }
    Json not_checked = Json::array();
    for (const auto& path : report.unread_weights()) {
        not_checked.push_back({{"path", path}, {"reason", "lfs_object_missing"}});
    }
    return {{"findings", std::move(findings)},
            {"not_checked", std::move(not_checked)},
            {"summary",
             {{"error", report.count(Severity::error)},
              {"warning", report.count(Severity::warning)},
              {"info", report.count(Severity::info)}}},
            {"checked", std::move(checked)}};
}

Json format_sarif(const CheckReport& report) {
    Json rules = Json::array();
    std::map<std::string, size_t> rule_index;
    for (const auto& rule : rule_catalog()) {
        rule_index[std::string(rule.id)] = rules.size();
        std::string level = rule.default_severity == Severity::info      ? "note"
                            : rule.default_severity == Severity::warning ? "warning"
                                                                         : "error";
        rules.push_back({{"id", rule.id},
                         {"shortDescription", {{"text", rule.summary}}},
                         {"defaultConfiguration", {{"level", level}}}});
    }

    Json results = Json::array();
    for (const auto& finding : report.findings) {
        std::string level = finding.severity == Severity::info      ? "note"
                            : finding.severity == Severity::warning ? "warning"
                                                                    : "error";
        std::string text = finding.message;
        if (!finding.hint.empty()) {
            text += " (hint: " + finding.hint + ")";
        }
        Json locations = Json::array();
        for (const auto& path : finding.paths) {
            Json physical = {{"artifactLocation", {{"uri", uri_of_path(path)}}}};
            locations.push_back({{"physicalLocation", std::move(physical)}});
        }
        // A position in the finding's values (the line and column of a JSON
        // syntax error) is in its first file.
        if (finding.values.contains("line") && finding.values["line"].is_number_integer() &&
            finding.values["line"].get<int64_t>() >= 1 && !locations.empty()) {
            Json region = {{"startLine", finding.values["line"]}};
            if (finding.values.contains("column") && finding.values["column"].is_number_integer() &&
                finding.values["column"].get<int64_t>() >= 1) {
                region["startColumn"] = finding.values["column"];
            }
            locations[0]["physicalLocation"]["region"] = std::move(region);
        }
        Json result = {{"ruleId", finding.rule},
                       {"level", level},
                       {"message", {{"text", text}}},
                       {"locations", std::move(locations)}};
        auto index = rule_index.find(finding.rule);
        if (index != rule_index.end()) {
            result["ruleIndex"] = index->second;
        }
        if (!finding.commit.empty()) {
            result["properties"] = {{"commit", finding.commit}};
        }
        if (!finding.inherited_from.empty()) {
            result["properties"]["inheritedFrom"] = finding.inherited_from;
        }
        if (!finding.fixed_by.empty()) {
            result["properties"]["fixedBy"] = finding.fixed_by;
        }
        results.push_back(std::move(result));
    }

    // The driver has no informationUri: SARIF makes it optional and requires
    // an absolute URI, and the project has no public address to give.
    Json driver = {{"name", "git-mlv"}, {"version", MLV_VERSION}, {"rules", std::move(rules)}};
    Json run = {{"tool", {{"driver", std::move(driver)}}}, {"results", std::move(results)}};
    // Weights files no rule read are not results (nothing is wrong with
    // them) but notes on the run, so that a clean log does not claim more
    // than was checked.
    auto unread = report.unread_weights();
    if (!unread.empty()) {
        Json locations = Json::array();
        for (const auto& path : unread) {
            locations.push_back(
                {{"physicalLocation", {{"artifactLocation", {{"uri", uri_of_path(path)}}}}}});
        }
        Json notification = {{"level", "note"},
                             {"message", {{"text", unread_weights_line(report)}}},
                             {"locations", std::move(locations)}};
        run["invocations"] =
            Json::array({{{"executionSuccessful", true},
                          {"toolExecutionNotifications", Json::array({std::move(notification)})}}});
    }
    return {{"version", "2.1.0"},
            {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
            {"runs", Json::array({std::move(run)})}};
}

} // namespace mlv::checks
