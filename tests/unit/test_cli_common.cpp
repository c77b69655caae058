#include "cli/common.hpp"

#include <doctest/doctest.h>

#include <set>

using mlv::cli::ArgumentRules;
using mlv::cli::path_from_top;
using mlv::cli::PathArguments;
using mlv::cli::RangeSyntax;
using mlv::cli::revision_endpoints;
using mlv::cli::split_arguments;

namespace {

using Arguments = std::vector<std::string>;

// A repository with the commits HEAD, main and v1, and the files
// config.json, weights/ and main (a file named like the branch).
const std::set<std::string> revisions = {"HEAD", "main", "v1"};
const std::set<std::string> files = {"config.json", "weights", "main"};

bool is_revision(const std::string& argument) {
    for (const auto& end : revision_endpoints(argument, RangeSyntax::accepted)) {
        if (!revisions.contains(end)) {
            return false;
        }
    }
    return true;
}

bool is_path(const std::string& argument) {
    return files.contains(argument);
}

ArgumentRules show_rules() {
    ArgumentRules rules;
    rules.command = "show";
    rules.max_revisions = 1;
    return rules;
}

ArgumentRules log_rules() {
    ArgumentRules rules;
    rules.command = "log";
    rules.max_revisions = 1;
    rules.ranges = RangeSyntax::accepted;
    rules.paths = PathArguments::rejected;
    return rules;
}

mlv::Result<mlv::cli::RevisionsAndPaths>
split(const Arguments& arguments, const ArgumentRules& rules,
      const std::optional<Arguments>& after_separator = std::nullopt) {
    return split_arguments(arguments, after_separator, rules, is_revision, is_path);
}

} // namespace

TEST_CASE("revision_endpoints known answers") {
    CHECK(revision_endpoints("HEAD~2", RangeSyntax::accepted) == Arguments{"HEAD~2"});
    CHECK(revision_endpoints("a..b", RangeSyntax::accepted) == Arguments{"a", "b"});
    CHECK(revision_endpoints("a...b", RangeSyntax::accepted) == Arguments{"a", "b"});
    CHECK(revision_endpoints("..b", RangeSyntax::accepted) == Arguments{"HEAD", "b"});
    CHECK(revision_endpoints("a..", RangeSyntax::accepted) == Arguments{"a", "HEAD"});
    CHECK(revision_endpoints("^a", RangeSyntax::accepted) == Arguments{"a"});
    CHECK(revision_endpoints("a..b", RangeSyntax::rejected) == Arguments{"a..b"});
    CHECK(revision_endpoints("^a", RangeSyntax::rejected) == Arguments{"^a"});
}

TEST_CASE("split_arguments revision then paths") {
    auto result = split({"v1", "config.json", "weights"}, show_rules());
    REQUIRE(result);
    CHECK(result->revisions == Arguments{"v1"});
    CHECK(result->paths == Arguments{"config.json", "weights"});
}

TEST_CASE("split_arguments paths only") {
    auto result = split({"config.json"}, show_rules());
    REQUIRE(result);
    CHECK(result->revisions.empty());
    CHECK(result->paths == Arguments{"config.json"});
}

TEST_CASE("split_arguments unknown first argument") {
    auto result = split({"nosuchrev"}, show_rules());
    REQUIRE(!result);
    CHECK(result.error().code == 128);
    CHECK(result.error().message ==
          "ambiguous argument 'nosuchrev': unknown revision or path not in the working tree\n"
          "Use '--' to separate paths from revisions, like this:\n"
          "'git mlv show [<revision>] -- [<path>...]'");
}

TEST_CASE("split_arguments unknown path after revision") {
    auto result = split({"HEAD", "nosuchpath"}, show_rules());
    REQUIRE(!result);
    CHECK(result.error().code == 128);
    CHECK(result.error().message.starts_with(
        "ambiguous argument 'nosuchpath': unknown revision or path not in the working tree\n"));
}

TEST_CASE("split_arguments revision after a path is a path") {
    // Like git: once an argument is a path, so is every later one.
    auto result = split({"config.json", "v1"}, show_rules());
    REQUIRE(!result);
    CHECK(result.error().message.starts_with("ambiguous argument 'v1': unknown revision"));
}

TEST_CASE("split_arguments revision that is also a file") {
    auto result = split({"main"}, show_rules());
    REQUIRE(!result);
    CHECK(result.error().code == 128);
    CHECK(result.error().message.starts_with("ambiguous argument 'main': both revision and "
                                             "filename\nUse '--' to separate paths"));
}

TEST_CASE("split_arguments separator settles ambiguity") {
    auto as_revision = split({"main"}, show_rules(), Arguments{});
    REQUIRE(as_revision);
    CHECK(as_revision->revisions == Arguments{"main"});
    CHECK(as_revision->paths.empty());

    auto as_path = split({}, show_rules(), Arguments{"main"});
    REQUIRE(as_path);
    CHECK(as_path->revisions.empty());
    CHECK(as_path->paths == Arguments{"main"});
}

TEST_CASE("split_arguments paths after separator are not checked") {
    auto result = split({"HEAD"}, show_rules(), Arguments{"deleted.bin", "HEAD"});
    REQUIRE(result);
    CHECK(result->revisions == Arguments{"HEAD"});
    CHECK(result->paths == Arguments{"deleted.bin", "HEAD"});
}

TEST_CASE("split_arguments bad revision before separator") {
    auto result = split({"config.json"}, show_rules(), Arguments{});
    REQUIRE(!result);
    CHECK(result.error().code == 128);
    CHECK(result.error().message == "bad revision 'config.json'");
}

TEST_CASE("split_arguments too many revisions") {
    auto result = split({"HEAD", "v1"}, show_rules());
    REQUIRE(!result);
    CHECK(result.error().code == 129);
    CHECK(result.error().message ==
          "too many revisions: 'git mlv show' takes at most one revision");

    ArgumentRules two = show_rules();
    two.command = "diff";
    two.max_revisions = 2;
    auto three = split({"HEAD", "v1", "v1"}, two);
    REQUIRE(!three);
    CHECK(three.error().message ==
          "too many revisions: 'git mlv diff' takes at most two revisions");
}

TEST_CASE("split_arguments no revision allowed") {
    ArgumentRules rules = show_rules();
    rules.command = "show --staged";
    rules.max_revisions = 0;
    // Every argument is a path, checked later against the index.
    auto paths = split({"HEAD", "nosuch"}, rules);
    REQUIRE(paths);
    CHECK(paths->revisions.empty());
    CHECK(paths->paths == Arguments{"HEAD", "nosuch"});

    auto revision = split({"HEAD"}, rules, Arguments{});
    REQUIRE(!revision);
    CHECK(revision.error().code == 129);
    CHECK(revision.error().message ==
          "too many revisions: 'git mlv show --staged' takes no revision");
}

TEST_CASE("split_arguments ranges") {
    auto range = split({"v1..HEAD"}, log_rules());
    REQUIRE(range);
    CHECK(range->revisions == Arguments{"v1..HEAD"});

    auto unknown_end = split({"v1..nosuch"}, log_rules());
    REQUIRE(!unknown_end);
    CHECK(unknown_end.error().code == 128);
    CHECK(unknown_end.error().message == "unknown revision 'v1..nosuch'");
}

TEST_CASE("split_arguments command without paths") {
    // An existing file is still no revision, and no "--" hint is given.
    auto file = split({"config.json"}, log_rules());
    REQUIRE(!file);
    CHECK(file.error().code == 128);
    CHECK(file.error().message == "unknown revision 'config.json'");

    auto after = split({}, log_rules(), Arguments{"config.json"});
    REQUIRE(!after);
    CHECK(after.error().code == 129);
    CHECK(after.error().message == "unexpected path 'config.json': 'git mlv log' takes no paths");
}

TEST_CASE("split_arguments no arguments") {
    auto result = split({}, show_rules());
    REQUIRE(result);
    CHECK(result->revisions.empty());
    CHECK(result->paths.empty());
}

TEST_CASE("path_from_top known answers") {
    const std::string top = "/work/repo/";
    CHECK(path_from_top(top, "", "config.json").value() == "config.json");
    CHECK(path_from_top(top, "eval/", "results.json").value() == "eval/results.json");
    CHECK(path_from_top(top, "eval/", "../config.json").value() == "config.json");
    CHECK(path_from_top(top, "eval/", "./a//b/").value() == "eval/a/b");
    CHECK(path_from_top(top, "eval/", ".").value() == "eval");
    CHECK(path_from_top(top, "eval/", "..").value() == ".");
    CHECK(path_from_top(top, "", ".").value() == ".");
    CHECK(path_from_top(top, "eval/", "/work/repo/config.json").value() == "config.json");
    CHECK(path_from_top(top, "eval/", "/work/repo").value() == ".");
}

TEST_CASE("path_from_top outside the work tree") {
    const std::string top = "/work/repo/";
    auto parent = path_from_top(top, "eval/", "../../x");
    REQUIRE(!parent);
    CHECK(parent.error().code == 128);
    CHECK(parent.error().message == "'../../x' is outside the repository at '/work/repo'");

    auto absolute = path_from_top(top, "", "/work/repository/x");
    REQUIRE(!absolute);
    CHECK(absolute.error().message ==
          "'/work/repository/x' is outside the repository at '/work/repo'");

    CHECK(!path_from_top("", "", "/work/repo/x"));
}
