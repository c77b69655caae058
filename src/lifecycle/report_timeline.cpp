// The report's commit timeline and the chart of the weights' total size.
#include "report_parts.hpp"

#include "mlv/lifecycle/report.hpp"
#include "mlv/util/size.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mlv::lifecycle::report {

namespace {

// Timeline geometry, in pixels. Commits wrap into rows of up to
// `row_space` pixels; each commit takes one cell with a 2-pixel gap.
constexpr double row_space = 1100.0;
constexpr double min_cell = 11.0;
constexpr double max_cell = 36.0;
constexpr double left_margin = 72.0;
constexpr double right_margin = 16.0;
constexpr double row_height = 78.0;
constexpr double mark_top = 18.0;
constexpr double mark_height = 26.0;
constexpr double band_top = 47.0;
constexpr double band_height = 7.0;
constexpr double date_baseline = 70.0;
constexpr double date_label_width = 70.0;    // "2024-09-06" at 11 px
constexpr double minute_label_width = 100.0; // "2024-09-06 09:14"

std::string commit_tooltip(const CommitRecord& record, size_t index) {
    std::string stages(to_string(record.stage));
    for (const auto secondary : record.secondary_stages) {
        stages += ", " + std::string(to_string(secondary));
    }

    std::string tooltip =
        short_id(record.commit.id) + "  " + format_minute(record.commit.author.time) + " UTC  #" +
        std::to_string(index + 1) + "\n" + record.commit.summary + "\nstage: " + stages;
    if (!record.summary.empty()) {
        tooltip += "\n" + record.summary;
    }
    tooltip += "\nauthor: " + record.commit.author.name;
    return tooltip;
}

// The ordinal of each commit's session (0, 1, ...) in history order, and the
// first and last commit of each.
struct SessionSpan {
    size_t first = 0;
    size_t last = 0;
};

std::vector<SessionSpan> session_spans(const std::vector<CommitRecord>& history) {
    std::vector<SessionSpan> spans;
    for (size_t i = 0; i < history.size(); ++i) {
        if (i == 0 || session_key(history, i) != session_key(history, i - 1)) {
            spans.push_back({i, i});
        }
        spans.back().last = i;
    }
    return spans;
}

std::string session_tooltip(const std::vector<CommitRecord>& history, const SessionSpan& span,
                            size_t ordinal) {
    const auto& first = history[span.first].commit;
    const auto& last = history[span.last].commit;
    const size_t commits = span.last - span.first + 1;
    return "session " + std::to_string(ordinal + 1) + ": " + std::to_string(commits) +
           (commits == 1 ? " commit" : " commits") + " by " + first.author.name + "\n" +
           format_minute(first.author.time) + " to " + format_minute(last.author.time) + " UTC";
}

void draw_phase_marker(std::string& out, double x, double top, double row_width) {
    svg_line(out, x, top + mark_top - 4.0, x, top + band_top + band_height, "#333",
             "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"");
    if (x - left_margin >= 110.0) {
        svg_text(out, x - 4.0, top + 12.0, "\u2190 development", "end", "class=\"phase\"");
    }
    if (left_margin + row_width - x >= 110.0) {
        svg_text(out, x + 4.0, top + 12.0, "maintenance \u2192", "start", "class=\"phase\"");
    }
}

// Cells widen for short histories, up to max_cell, so that a few commits
// still fill a row. From 100 commits on, each row has 100 cells of min_cell.
struct RowLayout {
    double cell = min_cell;
    size_t commits_per_row = 100;
};

RowLayout row_layout(size_t commit_count) {
    RowLayout layout;
    const double fitted = row_space / static_cast<double>(std::max<size_t>(commit_count, 1));
    layout.cell = std::clamp(fitted, min_cell, max_cell);
    layout.commits_per_row = static_cast<size_t>(row_space / layout.cell);
    return layout;
}

void draw_row(std::string& out, const std::vector<CommitRecord>& history, size_t row,
              const RowLayout& layout, const std::vector<SessionSpan>& spans,
              std::optional<size_t> development_end) {
    const double cell = layout.cell;
    const size_t commits_per_row = layout.commits_per_row;
    const size_t first = row * commits_per_row;
    const size_t last = std::min(history.size(), first + commits_per_row);
    const double top = static_cast<double>(row) * row_height;
    const double row_width = static_cast<double>(commits_per_row) * cell;
    const auto x_of = [&](size_t commit) {
        return left_margin + static_cast<double>(commit - first) * cell;
    };

    svg_text(out, left_margin - 8.0, top + mark_top + 17.0,
             std::to_string(first + 1) + "\u2013" + std::to_string(last), "end", "class=\"axis\"");

    // Maintenance commits sit on a tinted background.
    const size_t maintenance_start = development_end ? *development_end + 1 : 0;
    if (maintenance_start < last) {
        const size_t from = std::max(first, maintenance_start);
        svg_rect(out, x_of(from) - 1.0, top + mark_top - 2.0,
                 static_cast<double>(last - from) * cell, mark_height + 4.0, "#f4efe1");
    }

    for (size_t i = first; i < last; ++i) {
        svg_rect(out, x_of(i), top + mark_top, cell - 2.0, mark_height,
                 stage_color(history[i].stage), commit_tooltip(history[i], i));
    }

    // Session bands alternate between two greys.
    for (size_t ordinal = 0; ordinal < spans.size(); ++ordinal) {
        const auto& span = spans[ordinal];
        if (span.last < first || span.first >= last) {
            continue;
        }
        const size_t from = std::max(span.first, first);
        const size_t to = std::min(span.last + 1, last);
        svg_rect(out, x_of(from), top + band_top, static_cast<double>(to - from) * cell - 2.0,
                 band_height, ordinal % 2 == 0 ? "#8596aa" : "#c3ccd8",
                 session_tooltip(history, span, ordinal));
    }

    // Ticks carry the time of day as well, because histories often span
    // only a day or two.
    for (const auto& tick : date_ticks(history, first, last, cell, minute_label_width + 8.0,
                                       row_width - minute_label_width)) {
        const double x = x_of(tick.commit);
        svg_line(out, x, top + band_top + band_height + 1.0, x,
                 top + band_top + band_height + (tick.labelled ? 7.0 : 4.0), "#666");
        if (tick.labelled) {
            svg_text(out, x, top + date_baseline,
                     format_minute(history[tick.commit].commit.author.time), "start",
                     "class=\"axis\"");
        }
    }

    if (development_end && *development_end >= first && *development_end < last) {
        draw_phase_marker(out, x_of(*development_end) + cell - 1.0, top, row_width);
    }
}

std::string stage_legend(const std::vector<CommitRecord>& history) {
    std::string out = "<div class=\"legend\">";
    for (const auto stage : all_stages) {
        const auto count = std::count_if(history.begin(), history.end(),
                                         [&](const CommitRecord& r) { return r.stage == stage; });
        if (count == 0) {
            continue;
        }
        out += "<span><i style=\"background:" + std::string(stage_color(stage)) + "\"></i>" +
               escape_html(to_string(stage)) + "</span>";
    }
    out += "<span><i class=\"session\"></i>change session</span>";
    out += "<span><i class=\"maintenance\"></i>maintenance phase</span>";
    out += "</div>";
    return out;
}

// Returns a step of 1, 2, 2.5 or 5 times a power of ten that divides
// `maximum` into at most `max_ticks` intervals.
double nice_step(double maximum, int max_ticks) {
    const double rough = maximum / max_ticks;
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (factor * power >= rough) {
            return factor * power;
        }
    }
    return 10.0 * power;
}

struct Unit {
    const char* name;
    double bytes;
};

// Binary units, as format_size writes sizes elsewhere in the report.
Unit unit_for(uint64_t maximum) {
    if (maximum >= (1ULL << 30)) {
        return {"GiB", 1073741824.0};
    }
    if (maximum >= (1ULL << 20)) {
        return {"MiB", 1048576.0};
    }
    if (maximum >= (1ULL << 10)) {
        return {"KiB", 1024.0};
    }
    return {"B", 1.0};
}

} // namespace

std::string timeline_section(const std::vector<CommitRecord>& history,
                             std::optional<size_t> development_end) {
    std::string out = "<section id=\"timeline\"><h2>Timeline</h2>";
    out += "<p class=\"note\">One mark per commit, oldest first, coloured by stage; hover a mark "
           "for its id, date and summary. The band below the marks shows change sessions.</p>";
    out += stage_legend(history);
    if (history.empty()) {
        return out + "<p>No commits in this range.</p></section>";
    }

    const RowLayout layout = row_layout(history.size());
    const size_t rows = (history.size() + layout.commits_per_row - 1) / layout.commits_per_row;
    const double width = left_margin + row_space + right_margin;
    const double height = static_cast<double>(rows) * row_height;
    const auto spans = session_spans(history);

    out += "<div class=\"scroll\"><svg class=\"timeline\" width=\"" + number(width) +
           "\" height=\"" + number(height) + "\" viewBox=\"0 0 " + number(width) + " " +
           number(height) + "\" role=\"img\" aria-label=\"commit timeline\">";
    for (size_t row = 0; row < rows; ++row) {
        draw_row(out, history, row, layout, spans, development_end);
    }
    out += "</svg></div></section>";
    return out;
}

std::string size_section(const std::vector<CommitRecord>& history,
                         std::optional<size_t> development_end) {
    std::string out = "<section id=\"size\"><h2>Total size of the weights</h2>";
    uint64_t maximum = 0;
    for (const auto& record : history) {
        maximum = std::max(maximum, record.weights_total_size);
    }
    if (maximum == 0) {
        return out + "<p>No weights in this range.</p></section>";
    }

    constexpr double left = 80.0;
    constexpr double top = 16.0;
    constexpr double plot_width = 1040.0;
    constexpr double plot_height = 220.0;
    constexpr double width = left + plot_width + 24.0;
    constexpr double height = top + plot_height + 60.0;

    const Unit unit = unit_for(maximum);
    const double maximum_in_unit = static_cast<double>(maximum) / unit.bytes;
    const double step = nice_step(maximum_in_unit * 1.05, 5);
    const double axis_maximum = std::ceil(maximum_in_unit * 1.05 / step) * step;
    const double per_commit = plot_width / static_cast<double>(history.size());
    const auto x_of = [&](size_t commit) {
        return left + static_cast<double>(commit) * per_commit;
    };
    const auto y_of = [&](uint64_t bytes) {
        return top + plot_height -
               static_cast<double>(bytes) / unit.bytes / axis_maximum * plot_height;
    };

    out += "<div class=\"scroll\"><svg width=\"" + number(width) + "\" height=\"" + number(height) +
           "\" viewBox=\"0 0 " + number(width) + " " + number(height) +
           "\" role=\"img\" aria-label=\"total size of the weights\">";

    // Horizontal grid lines with their values, with as many decimals as
    // the step needs (0.25 needs two).
    int decimals = 0;
    while (decimals < 6 && std::abs(step * std::pow(10.0, decimals) -
                                    std::round(step * std::pow(10.0, decimals))) > 1e-6) {
        ++decimals;
    }
    for (double value = 0.0; value <= axis_maximum + step / 2.0; value += step) {
        const double y = top + plot_height - value / axis_maximum * plot_height;
        svg_line(out, left, y, left + plot_width, y, value == 0.0 ? "#333" : "#ddd");
        char label[32];
        std::snprintf(label, sizeof label, "%.*f %s", decimals, value, unit.name);
        svg_text(out, left - 6.0, y + 4.0, label, "end", "class=\"axis\"");
    }
    svg_line(out, left, top, left, top + plot_height, "#333");
    svg_text(out, 16.0, top + plot_height / 2.0, std::string("size (") + unit.name + ")", "middle",
             "class=\"axis\" transform=\"rotate(-90 16 " + number(top + plot_height / 2.0) + ")\"");

    // The step line: each commit's size stays until the next commit.
    std::string path = "M" + number(x_of(0)) + " " + number(y_of(history[0].weights_total_size));
    for (size_t i = 0; i < history.size(); ++i) {
        path += " V" + number(y_of(history[i].weights_total_size)) + " H" + number(x_of(i + 1));
    }
    out += "<path d=\"" + path + " V" + number(top + plot_height) + " H" + number(x_of(0)) +
           " Z\" fill=\"#4e79a7\" fill-opacity=\"0.15\" stroke=\"none\"/>";
    out += "<path d=\"" + path + "\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\"/>";

    // Hover targets, one column per commit.
    for (size_t i = 0; i < history.size(); ++i) {
        const auto& record = history[i];
        svg_rect(out, x_of(i), top, per_commit, plot_height, "transparent",
                 short_id(record.commit.id) + "  " + format_minute(record.commit.author.time) +
                     " UTC\n" + record.commit.summary +
                     "\nweights: " + format_size(record.weights_total_size));
    }

    for (const auto& tick :
         date_ticks(history, 0, history.size(), per_commit, date_label_width + 10.0,
                    plot_width - date_label_width / 2.0)) {
        const double x = x_of(tick.commit);
        svg_line(out, x, top + plot_height, x, top + plot_height + (tick.labelled ? 6.0 : 3.0),
                 "#333");
        if (tick.labelled) {
            svg_text(out, x, top + plot_height + 20.0,
                     format_date(history[tick.commit].commit.author.time), "middle",
                     "class=\"axis\"");
        }
    }
    svg_text(out, left + plot_width / 2.0, top + plot_height + 46.0,
             "commit number, oldest to newest (one step per commit, dates in UTC)", "middle",
             "class=\"axis\"");

    if (development_end) {
        const double x = x_of(*development_end + 1);
        svg_line(out, x, top, x, top + plot_height, "#333",
                 "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"");
        svg_text(out, x > left + plot_width - 130.0 ? x - 4.0 : x + 4.0, top + 12.0,
                 "development ends", x > left + plot_width - 130.0 ? "end" : "start",
                 "class=\"phase\"");
    }

    out += "</svg></div></section>";
    return out;
}

} // namespace mlv::lifecycle::report
