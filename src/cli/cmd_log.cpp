// git mlv log: the history with a lifecycle stage, a maintenance type and a
// summary of the artifact changes for every commit.
#include "commands.hpp"
#include "common.hpp"

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/lifecycle/history.hpp"
#include "mlv/util/error.hpp"
#include "mlv/util/term.hpp"
#include "mlv/util/text.hpp"

#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>

namespace mlv::cli {
namespace {

struct LogOptions {
    std::string range = "HEAD";
    std::vector<std::string> given_range; // the range as given, empty for the default
    std::string stage;                    // empty: every stage
    bool json = false;
    bool phases = false;
    bool sessions = false;
    int64_t session_gap_minutes = lifecycle::default_session_gap_seconds / 60;
};

// Formats a signature time in its own offset: "2024-09-06T09:14:00+00:00",
// or "2024-09-06 09:14" when `human` is set.
std::string format_time(const git::Signature& signature, bool human) {
    std::time_t local = static_cast<std::time_t>(signature.time + signature.offset_minutes * 60);
    std::tm parts{};
    gmtime_r(&local, &parts);
    char buffer[40];
    if (human) {
        std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &parts);
        return buffer;
    }
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
    int offset = signature.offset_minutes;
    char sign = offset < 0 ? '-' : '+';
    offset = offset < 0 ? -offset : offset;
    char zone[8];
    std::snprintf(zone, sizeof zone, "%c%02d:%02d", sign, offset / 60, offset % 60);
    return std::string(buffer) + zone;
}

term::Color stage_color(lifecycle::Stage stage) {
    switch (stage) {
    case lifecycle::Stage::initial_import:
    case lifecycle::Stage::architecture:
        return term::Color::red;
    case lifecycle::Stage::training:
    case lifecycle::Stage::fine_tuning:
        return term::Color::magenta;
    case lifecycle::Stage::conversion:
    case lifecycle::Stage::tokenizer:
        return term::Color::yellow;
    case lifecycle::Stage::configuration:
    case lifecycle::Stage::evaluation:
        return term::Color::cyan;
    case lifecycle::Stage::documentation:
    case lifecycle::Stage::maintenance:
        return term::Color::green;
    }
    return term::Color::none;
}

std::string pad(std::string_view text, size_t width) {
    std::string out(text);
    if (out.size() < width) {
        out.append(width - out.size(), ' ');
    }
    return out;
}

bool stage_matches(const lifecycle::CommitRecord& record, std::optional<lifecycle::Stage> wanted) {
    if (!wanted) {
        return true;
    }
    if (record.stage == *wanted) {
        return true;
    }
    return std::find(record.secondary_stages.begin(), record.secondary_stages.end(), *wanted) !=
           record.secondary_stages.end();
}

std::string one_line(std::string text) {
    for (char& c : text) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return text;
}

void print_commit_line(const lifecycle::CommitRecord& record, bool color, const char* indent) {
    std::string stage = pad(lifecycle::to_string(record.stage), 14);
    std::cout << indent << term::paint(record.commit.id.substr(0, 7), term::Color::yellow, color)
              << ' ' << format_time(record.commit.author, true) << ' '
              << term::paint(stage, stage_color(record.stage), color) << ' '
              << pad(lifecycle::to_string(record.maintenance), 10) << ' '
              << one_line(record.summary);
    if (!record.secondary_stages.empty()) {
        std::string secondary;
        for (auto stage : record.secondary_stages) {
            secondary += (secondary.empty() ? "" : ", ") + std::string(lifecycle::to_string(stage));
        }
        std::cout << " [+" << secondary << "]";
    }
    std::cout << '\n';
}

// One session: its commits, first and last, and stage counts.
struct SessionInfo {
    int number = 0;
    size_t first = 0;
    size_t last = 0;
    std::map<lifecycle::Stage, size_t> stages;
};

std::vector<SessionInfo> collect_sessions(const std::vector<lifecycle::CommitRecord>& records) {
    std::vector<SessionInfo> sessions;
    for (size_t i = 0; i < records.size(); ++i) {
        if (sessions.empty() || sessions.back().number != records[i].session) {
            sessions.push_back(SessionInfo{records[i].session, i, i, {}});
        }
        sessions.back().last = i;
        ++sessions.back().stages[records[i].stage];
    }
    return sessions;
}

std::string stage_counts(const SessionInfo& session) {
    std::vector<std::pair<size_t, lifecycle::Stage>> sorted;
    for (const auto& [stage, count] : session.stages) {
        sorted.emplace_back(count, stage);
    }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string out;
    for (const auto& [count, stage] : sorted) {
        out += (out.empty() ? "" : ", ") + std::string(lifecycle::to_string(stage)) + " " +
               std::to_string(count);
    }
    return out;
}

std::string session_header(const SessionInfo& session,
                           const std::vector<lifecycle::CommitRecord>& records) {
    const auto& first = records[session.first].commit;
    const auto& last = records[session.last].commit;
    size_t count = session.last - session.first + 1;
    return "session " + std::to_string(session.number) + ": " + first.author.name + " <" +
           first.author.email + ">, " + format_time(first.author, true) + " .. " +
           format_time(last.author, true) + ", " + text::count_noun(count, "commit") + " (" +
           stage_counts(session) + ")";
}

std::string phase_lines(const lifecycle::Phases& phases,
                        const std::vector<lifecycle::CommitRecord>& records) {
    std::string out;
    if (!phases.development_end) {
        return "development phase: none (no commit changes weights or architecture)\n"
               "maintenance phase: all " +
               text::count_noun(records.size(), "commit") + "\n";
    }
    const auto& end = records[*phases.development_end];
    out += "development phase: " + records.front().commit.id.substr(0, 7) + " .. " +
           end.commit.id.substr(0, 7) + " (" + format_time(records.front().commit.author, true) +
           " .. " + format_time(end.commit.author, true) + ", " +
           text::count_noun(*phases.development_end + 1, "commit") + "), ended by a " +
           std::string(lifecycle::to_string(end.stage)) + " commit\n";
    if (phases.maintenance_begin >= records.size()) {
        out += "maintenance phase: not reached (the last commit changes weights or "
               "architecture)\n";
        return out;
    }
    const auto& begin = records[phases.maintenance_begin];
    out += "maintenance phase: since " + begin.commit.id.substr(0, 7) + " (" +
           format_time(begin.commit.author, true) + ", " +
           text::count_noun(records.size() - phases.maintenance_begin, "commit") + ")\n";
    return out;
}

void print_human(const std::vector<lifecycle::CommitRecord>& records, const LogOptions& options,
                 std::optional<lifecycle::Stage> wanted) {
    bool color = term::use_color(term::Stream::out);
    auto phases = lifecycle::split_phases(records);
    if (options.phases && !records.empty()) {
        std::cout << phase_lines(phases, records) << '\n';
    }
    auto sessions = collect_sessions(records);
    size_t next_session = 0;
    for (size_t i = 0; i < records.size(); ++i) {
        if (options.phases && i == phases.maintenance_begin && phases.development_end &&
            i < records.size()) {
            std::cout << term::paint("--- maintenance phase begins ---", term::Color::bold, color)
                      << '\n';
        }
        if (options.sessions && next_session < sessions.size() &&
            sessions[next_session].first == i) {
            std::cout << term::paint(session_header(sessions[next_session], records),
                                     term::Color::bold, color)
                      << '\n';
            ++next_session;
        }
        if (!stage_matches(records[i], wanted)) {
            continue;
        }
        print_commit_line(records[i], color, options.sessions ? "  " : "");
    }
}

Json commit_json(const lifecycle::CommitRecord& record) {
    Json secondary = Json::array();
    for (auto stage : record.secondary_stages) {
        secondary.push_back(lifecycle::to_string(stage));
    }
    Json files = Json::array();
    for (const auto& file : record.files) {
        files.push_back({{"path", file.path},
                         {"role", artifacts::to_string(file.role)},
                         {"summary", file.headline}});
    }
    return {
        {"commit", record.commit.id},
        {"parents", record.commit.parents},
        {"author", {{"name", record.commit.author.name}, {"email", record.commit.author.email}}},
        {"date", format_time(record.commit.author, false)},
        {"subject", record.commit.summary},
        {"stage", lifecycle::to_string(record.stage)},
        {"secondary_stages", secondary},
        {"maintenance", lifecycle::to_string(record.maintenance)},
        {"summary", record.summary},
        {"session", record.session},
        {"evidence", record.evidence},
        {"weights_total_size", record.weights_total_size},
        {"files", files}};
}

void print_json_output(const std::vector<lifecycle::CommitRecord>& records,
                       const LogOptions& options, std::optional<lifecycle::Stage> wanted) {
    Json commits = Json::array();
    for (const auto& record : records) {
        if (stage_matches(record, wanted)) {
            commits.push_back(commit_json(record));
        }
    }
    Json out = {{"range", options.range}, {"commits", commits}};
    if (options.sessions) {
        Json sessions = Json::array();
        for (const auto& session : collect_sessions(records)) {
            const auto& first = records[session.first].commit;
            const auto& last = records[session.last].commit;
            Json stages = Json::object();
            for (const auto& [stage, count] : session.stages) {
                stages[std::string(lifecycle::to_string(stage))] = count;
            }
            sessions.push_back(
                {{"session", session.number},
                 {"author", {{"name", first.author.name}, {"email", first.author.email}}},
                 {"first_commit", first.id},
                 {"last_commit", last.id},
                 {"start", format_time(first.author, false)},
                 {"end", format_time(last.author, false)},
                 {"commits", session.last - session.first + 1},
                 {"stages", stages}});
        }
        out["sessions"] = sessions;
    }
    if (options.phases) {
        auto phases = lifecycle::split_phases(records);
        Json development = nullptr;
        Json maintenance = nullptr;
        if (phases.development_end) {
            development = {{"first_commit", records.front().commit.id},
                           {"last_commit", records[*phases.development_end].commit.id},
                           {"commits", *phases.development_end + 1}};
        }
        if (phases.maintenance_begin < records.size()) {
            maintenance = {
                {"first_commit", records[phases.maintenance_begin].commit.id},
                {"last_commit", records.back().commit.id},
                {"start", format_time(records[phases.maintenance_begin].commit.author, false)},
                {"commits", records.size() - phases.maintenance_begin}};
        }
        out["phases"] = {{"development", development}, {"maintenance", maintenance}};
    }
    print_json(out);
}

void run_log(const LogOptions& options, const CommandContext& context) {
    std::optional<lifecycle::Stage> wanted;
    if (!options.stage.empty()) {
        wanted = lifecycle::parse_stage(options.stage);
        if (!wanted) {
            std::string names;
            for (auto stage : lifecycle::all_stages()) {
                names += (names.empty() ? "" : ", ") + std::string(lifecycle::to_string(stage));
            }
            throw FatalError("invalid stage '" + options.stage + "'; use one of: " + names,
                             exit_code::usage);
        }
    }
    if (options.session_gap_minutes < 0) {
        throw FatalError("invalid --session-gap " + std::to_string(options.session_gap_minutes) +
                             ": minutes must not be negative",
                         exit_code::usage);
    }

    auto repo = open_repository();
    resolve_arguments(repo, options.given_range, context.after_separator, range_rules("log"));
    if (options.range == "HEAD" && !repo.has_head()) {
        throw FatalError("your current branch does not have any commits yet", exit_code::git_error);
    }
    auto cache = open_cache(repo);
    artifacts::Loader loader(repo, *cache);
    lifecycle::HistoryOptions history_options;
    history_options.session_gap_seconds = options.session_gap_minutes * 60;
    if (!cache_disabled()) {
        history_options.log_cache_directory = repo.common_dir() + "mlv/log";
    }
    auto records =
        value_or_die(lifecycle::classify_history(repo, loader, options.range, history_options));
    cache->flush();
    print_loader_warnings(loader);

    if (options.json) {
        print_json_output(records, options, wanted);
        return;
    }
    print_human(records, options, wanted);
}

} // namespace

void register_log(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<LogOptions>();
    auto* command = app.add_subcommand(
        "log", "Show the history with a lifecycle stage and maintenance type per commit");
    command->footer("Stages: initial_import, architecture, training, fine_tuning, tokenizer,\n"
                    "configuration, conversion, evaluation, documentation, maintenance.\n"
                    "Stages in [+...] after a summary are secondary stages of that commit.\n"
                    "docs/lifecycle.md gives the rule and evidence behind each.");
    set_synopsis(*command, "git mlv log [<options>] [<revision-range>]");
    add_verbose_flag(*command);
    auto* range = command->add_option(
        "range", options->range, "A revision or A..B range to walk, oldest first (default HEAD)");
    command->add_option("--stage", options->stage,
                        "Show only commits with this primary or secondary stage");
    command->add_flag("--json", options->json,
                      "Write an object with a 'commits' array (and 'sessions', 'phases')");
    command->add_flag("--phases", options->phases,
                      "Split the history into a development and a maintenance phase");
    command->add_flag("--sessions", options->sessions,
                      "Group commits into change sessions (one author, short gaps)");
    command->add_option("--session-gap", options->session_gap_minutes,
                        "Minutes between two commits of one author that end a session "
                        "(default 60)");
    command->callback([options, range, &context] {
        options->given_range = range->results();
        run_log(*options, context);
    });
}

} // namespace mlv::cli
