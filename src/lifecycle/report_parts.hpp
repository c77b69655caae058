// Building blocks of the HTML report, shared by its section writers.
#pragma once

#include "mlv/lifecycle/groups.hpp"
#include "mlv/lifecycle/history.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::lifecycle::report {

inline constexpr std::array all_stages = {
    Stage::initial_import, Stage::architecture,  Stage::training,   Stage::fine_tuning,
    Stage::tokenizer,      Stage::configuration, Stage::conversion, Stage::evaluation,
    Stage::documentation,  Stage::maintenance,
};

std::string_view stage_color(Stage stage);
std::string_view maintenance_color(Maintenance maintenance);
// Colour of the `index`-th mined group; the palette repeats after ten.
std::string_view group_color(size_t index);

// UTC dates: "2024-09-06" and "2024-09-06 09:34".
std::string format_date(int64_t time);
std::string format_minute(int64_t time);
// A duration in seconds as "45 s", "12 min", "3.5 h" or "4 d".
std::string format_duration(int64_t seconds);

std::string short_id(const std::string& id);

// A coordinate or length for an SVG attribute, with at most one decimal.
std::string number(double value);

// Appends SVG elements to `out`. `title` becomes a <title> child, the
// tooltip browsers show; `attributes` is inserted verbatim and must already
// be escaped.
void svg_rect(std::string& out, double x, double y, double width, double height,
              std::string_view fill, std::string_view title = {}, std::string_view attributes = {});
void svg_line(std::string& out, double x1, double y1, double x2, double y2, std::string_view stroke,
              std::string_view attributes = {});
// `anchor` is "start", "middle" or "end".
void svg_text(std::string& out, double x, double y, std::string_view content,
              std::string_view anchor = "start", std::string_view attributes = {});

// The commits shown on one date axis: a label at the first commit and at
// each change of date, skipping labels closer than `min_spacing` pixels to
// the previous one or starting after `max_label_x`. Positions are relative to
// commit `first`.
struct DateTick {
    size_t commit = 0;
    bool labelled = false;
};
std::vector<DateTick> date_ticks(const std::vector<CommitRecord>& history, size_t first,
                                 size_t last, double pixels_per_commit, double min_spacing,
                                 double max_label_x);

// Section writers, each returning an HTML fragment.
std::string timeline_section(const std::vector<CommitRecord>& history,
                             std::optional<size_t> development_end);
std::string size_section(const std::vector<CommitRecord>& history,
                         std::optional<size_t> development_end);
std::string groups_section(const GroupsResult& groups);

} // namespace mlv::lifecycle::report
