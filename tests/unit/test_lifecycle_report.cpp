#include "mlv/lifecycle/report.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mlv::lifecycle;
using mlv::git::ChangeKind;

namespace {

FileChange modified(std::string path) {
    FileChange file;
    file.kind = ChangeKind::modified;
    file.path = path;
    file.old_path = std::move(path);
    return file;
}

CommitRecord commit(std::string id, int64_t time, int session, Stage stage,
                    std::vector<FileChange> changes) {
    CommitRecord record;
    record.commit.id = std::move(id);
    record.commit.parents = {"parent"};
    record.commit.author = {"Ada", "ada@example.org", time, 0};
    record.commit.summary =
        "Update " + (changes.empty() ? std::string("nothing") : changes[0].path);
    record.session = session;
    record.stage = stage;
    record.changes = std::move(changes);
    return record;
}

std::vector<CommitRecord> sample_history() {
    std::vector<CommitRecord> history = {
        commit("1111111aaaa", 1725560000, 1, Stage::initial_import,
               {modified("config.json"), modified("model.safetensors")}),
        commit("2222222bbbb", 1725563600, 2, Stage::training, {modified("model.safetensors")}),
        commit("3333333cccc", 1725563700, 2, Stage::configuration, {modified("config.json")}),
        commit("4444444dddd", 1725650000, 3, Stage::documentation, {modified("README.md")}),
    };
    history[0].commit.parents.clear();
    history[0].weights_total_size = 2'000'000'000;
    history[1].weights_total_size = 2'500'000'000;
    history[2].weights_total_size = 2'500'000'000;
    history[3].weights_total_size = 2'500'000'000;
    history[3].commit.summary = "Fix <script>alert('x')</script> & \"quotes\"";
    return history;
}

size_t count(const std::string& text, const std::string& needle) {
    size_t found = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++found;
    }
    return found;
}

std::string render(const std::vector<CommitRecord>& history, const std::string& title = "demo") {
    return render_report(history, mine_groups(history, mlv::checks::builtin_groups()),
                         {title, "HEAD"});
}

} // namespace

TEST_CASE("escape_html: special characters") {
    CHECK(escape_html("<script>") == "&lt;script&gt;");
    CHECK(escape_html("a & b") == "a &amp; b");
    CHECK(escape_html("\"x\" 'y'") == "&quot;x&quot; &#39;y&#39;");
    CHECK(escape_html("line\nnext\ttab") == "line\nnext\ttab");
    CHECK(escape_html("bell\x07 esc\x1b[31m") == "bell esc[31m");
    CHECK(escape_html("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("render_report: phases as split_phases") {
    auto history = sample_history();
    FileChange deleted = modified("pytorch_model.bin");
    deleted.kind = mlv::git::ChangeKind::deleted;
    history.push_back(commit("5555555eeee", 1725660000, 4, Stage::maintenance, {deleted}));
    REQUIRE(split_phases(history).development_end == std::optional<size_t>{1});

    const std::string html = render(history);
    CHECK(html.find("Development ends with <code>2222222</code>") != std::string::npos);
    CHECK(html.find("<td>development</td><td class=\"num\">2</td>") != std::string::npos);
    CHECK(html.find("<td>maintenance</td><td class=\"num\">3</td>") != std::string::npos);
}

TEST_CASE("render_report: no development stage") {
    const std::vector<CommitRecord> history = {
        commit("a", 1, 1, Stage::documentation, {modified("README.md")}),
        commit("b", 2, 1, Stage::configuration, {modified("config.json")}),
    };
    const std::string html = render(history);
    CHECK(html.find("the whole range counts as maintenance") != std::string::npos);
    CHECK(html.find("<td>maintenance</td><td class=\"num\">2</td>") != std::string::npos);
}

TEST_CASE("render_report: escapes commit messages") {
    const std::string html = render(sample_history());

    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;") !=
          std::string::npos);
}

TEST_CASE("render_report: escapes the title") {
    const std::string html = render(sample_history(), "a<b>&c");

    CHECK(html.find("a&lt;b&gt;&amp;c") != std::string::npos);
    CHECK(html.find("a<b>") == std::string::npos);
}

TEST_CASE("render_report: well-formed document") {
    const std::string html = render(sample_history());

    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("</html>") != std::string::npos);
    CHECK(count(html, "<svg") >= 3);
    CHECK(count(html, "<svg") == count(html, "</svg>"));
    CHECK(count(html, "<section") == count(html, "</section>"));
    CHECK(count(html, "<table") == count(html, "</table>"));
    CHECK(count(html, "<title>") == count(html, "</title>"));
    CHECK(count(html, "<text") == count(html, "</text>"));
}

TEST_CASE("render_report: no external resources") {
    const std::string html = render(sample_history());

    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
}

TEST_CASE("render_report: shows what the history holds") {
    const std::string html = render(sample_history());

    // Tooltips with short id and date, the phase marker and the size axis.
    CHECK(html.find("2222222  2024-09-05 19:13 UTC") != std::string::npos);
    CHECK(html.find("maintenance \u2192") != std::string::npos);
    CHECK(html.find("size (GiB)") != std::string::npos);
    CHECK(html.find("2.3 GiB") != std::string::npos);
    CHECK(html.find("id=\"sessions\"") != std::string::npos);
    CHECK(html.find("id=\"groups\"") != std::string::npos);
}

TEST_CASE("render_report: same input, same output") {
    const auto history = sample_history();
    CHECK(render(history) == render(history));
}

TEST_CASE("render_report: empty history") {
    const std::string html = render({});

    CHECK(html.find("No commits in this range") != std::string::npos);
    CHECK(html.find("No weights in this range") != std::string::npos);
    CHECK(count(html, "<section") == count(html, "</section>"));
}

TEST_CASE("render_report: maintenance types of all commits") {
    const auto history = sample_history();
    const std::string html = render(history);

    CHECK(html.find("Maintenance type of every commit") != std::string::npos);
    CHECK(html.find("In the maintenance phase (" + std::to_string(history.size() - 2) +
                    " commits)") != std::string::npos);
}

TEST_CASE("render_report: timeline ticks show the time") {
    const std::string html = render(sample_history());

    // The first tick of the timeline row carries the minute, not only the day.
    CHECK(html.find("class=\"axis\">2024-09-05 ") != std::string::npos);
}

TEST_CASE("render_report: fits narrow windows") {
    const std::string html = render(sample_history());

    // Wide SVGs and tables scroll inside their box; bar charts shrink.
    CHECK(html.find("svg.fit { max-width: 100%") != std::string::npos);
    CHECK(count(html, "<div class=\"scroll\"><table") == count(html, "<table"));
}
