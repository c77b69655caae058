// git mlv check: the compatibility gate (docs/checks.md).
#include "commands.hpp"
#include "common.hpp"

#include "mlv/checks/check.hpp"
#include "mlv/checks/output.hpp"
#include "mlv/util/error.hpp"
#include "mlv/util/term.hpp"

#include <iostream>
#include <limits>

namespace mlv::cli {

namespace {

struct CheckOptions {
    std::vector<std::string> revisions;
    bool staged = false;
    bool json = false;
    std::string format = "human";
    bool strict = false;
    bool require_lfs_objects = false;
    bool range = false;
    bool every_commit = false;
    bool list_rules = false;
    bool quiet = false;
};

void print_rules(bool as_json) {
    Json rules = Json::array();
    for (const auto& rule : checks::rule_catalog()) {
        if (as_json) {
            rules.push_back({{"id", rule.id},
                             {"severity", std::string(checks::to_string(rule.default_severity))},
                             {"summary", rule.summary}});
            continue;
        }
        std::string severity(checks::to_string(rule.default_severity));
        std::cout << rule.id << std::string(32 - std::min<size_t>(31, rule.id.size()), ' ')
                  << severity << std::string(9 - severity.size(), ' ') << rule.summary << '\n';
    }
    if (as_json) {
        print_json({{"rules", rules}});
    }
}

int run_check_command(const CheckOptions& options, const CommandContext& context) {
    std::string format = options.json ? "json" : options.format;
    if (options.list_rules) {
        print_rules(format == "json");
        return exit_code::ok;
    }

    auto repo = open_repository();
    ArgumentRules rules;
    rules.command = "check";
    rules.max_revisions = std::numeric_limits<size_t>::max();
    rules.ranges = RangeSyntax::accepted;
    rules.paths = PathArguments::rejected;
    resolve_arguments(repo, options.revisions, context.after_separator, rules);
    auto cache = open_cache(repo);

    checks::CheckRequest request;
    request.target = options.staged              ? checks::CheckTarget::index
                     : options.revisions.empty() ? checks::CheckTarget::worktree
                                                 : checks::CheckTarget::commits;
    request.revisions = options.revisions;
    request.revision_syntax =
        options.range ? checks::RevisionSyntax::rev_list : checks::RevisionSyntax::git_show;
    if (options.every_commit) {
        request.range_errors = checks::RangeErrors::every_commit;
    }
    request.lfs_objects =
        options.require_lfs_objects ? checks::LfsObjects::required : checks::LfsObjects::optional;

    auto report = value_or_die(checks::run_check(repo, *cache, request));
    for (const auto& warning : report.warnings) {
        print_warning(warning);
    }

    if (format == "json") {
        print_json(checks::format_json(report));
    } else if (format == "sarif") {
        print_json(checks::format_sarif(report));
    } else if (!(options.quiet && report.findings.empty())) {
        auto color = term::use_color(term::Stream::out) ? checks::Color::on : checks::Color::off;
        std::cout << checks::format_human(report, color);
    }

    bool failed = report.count(checks::Severity::error) > 0 ||
                  (options.strict && report.count(checks::Severity::warning) > 0);
    return failed ? exit_code::failure : exit_code::ok;
}

} // namespace

void register_check(CLI::App& app, CommandContext& context) {
    auto options = std::make_shared<CheckOptions>();
    auto* command = app.add_subcommand(
        "check", "Check that model files agree: vocabulary, special tokens, shapes, shards, LFS");
    set_synopsis(*command, "git mlv check [<options>] [<revision>... | <a>..<b> | ^<revision>...]");
    command->footer("With no revision, checks the working tree. Each finding names its rule; "
                    "'git mlv check --list-rules' lists them.\nExit status: 1 when there is an "
                    "error (or, with --strict, a warning), "
                    "128 on Git errors, 129 on usage errors.");

    auto* revisions = command->add_option(
        "revisions", options->revisions,
        "Commits to check: <rev> checks one commit, <a>..<b> and ^<rev> select a range as in "
        "git rev-list");
    command
        ->add_flag("--staged,--cached", options->staged,
                   "Check the index (what the next commit records)")
        ->excludes(revisions);
    auto* json = command->add_flag("--json", options->json, "Write the report as JSON");
    command->add_option("--format", options->format, "Output format: human, json or sarif (2.1.0)")
        ->check(CLI::IsMember({"human", "json", "sarif"}))
        ->excludes(json);
    command->add_flag("--strict", options->strict, "Exit with status 1 on warnings too");
    command->add_flag("--require-lfs-objects", options->require_lfs_objects,
                      "Report LFS pointers whose object is not in .git/lfs/objects as errors "
                      "(rule lfs-object-missing; used by the pre-push hook)");
    command
        ->add_flag("--range", options->range,
                   "Read the revisions as git rev-list does even without ^ or ..: a lone <rev> "
                   "selects it and every commit it reaches")
        ->needs(revisions);
    command->add_flag("--every-commit", options->every_commit,
                      "In a range, fail on an error that a later commit of the range fixed too "
                      "(by default it is a warning naming that commit)");
    command->add_flag("--list-rules", options->list_rules,
                      "List the rule ids with their default severity and exit");
    command->add_flag("-q,--quiet", options->quiet,
                      "Print nothing when there are no findings (human output only; the hooks "
                      "use it)");
    add_verbose_flag(*command);
    add_progress_flags(*command);

    command->callback(
        [options, &context] { context.exit_status = run_check_command(*options, context); });
}

} // namespace mlv::cli
