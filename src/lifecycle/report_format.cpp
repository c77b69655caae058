// Text formatting, colours and SVG primitives for the HTML report.
#include "report_parts.hpp"

#include "mlv/lifecycle/report.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace mlv::lifecycle {

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            // C0 controls are not allowed in HTML text; a commit message
            // with an escape sequence would otherwise make the file invalid.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
                break;
            }
            if (c == 0x7f) {
                break;
            }
            out += c;
        }
    }
    return out;
}

} // namespace mlv::lifecycle

namespace mlv::lifecycle::report {

std::string_view stage_color(Stage stage) {
    switch (stage) {
    case Stage::initial_import:
        return "#7f7f7f";
    case Stage::architecture:
        return "#d62728";
    case Stage::training:
        return "#1f77b4";
    case Stage::fine_tuning:
        return "#17becf";
    case Stage::tokenizer:
        return "#9467bd";
    case Stage::configuration:
        return "#ff7f0e";
    case Stage::conversion:
        return "#8c564b";
    case Stage::evaluation:
        return "#2ca02c";
    case Stage::documentation:
        return "#bcbd22";
    case Stage::maintenance:
        return "#e377c2";
    }
    return "#7f7f7f";
}

std::string_view maintenance_color(Maintenance maintenance) {
    switch (maintenance) {
    case Maintenance::corrective:
        return "#d62728";
    case Maintenance::perfective:
        return "#1f77b4";
    case Maintenance::adaptive:
        return "#2ca02c";
    }
    return "#7f7f7f";
}

std::string_view group_color(size_t index) {
    // Tableau 10, in an order that keeps neighbouring groups apart.
    static constexpr std::array<std::string_view, 10> palette = {
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
        "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"};
    return palette[index % palette.size()];
}

namespace {

std::string format_utc(int64_t time, const char* format) {
    const auto seconds = static_cast<std::time_t>(time);
    std::tm parts{};
    if (gmtime_r(&seconds, &parts) == nullptr) {
        return "?";
    }
    char buffer[32];
    const size_t length = std::strftime(buffer, sizeof buffer, format, &parts);
    return std::string(buffer, length);
}

} // namespace

std::string format_date(int64_t time) {
    return format_utc(time, "%Y-%m-%d");
}

std::string format_minute(int64_t time) {
    return format_utc(time, "%Y-%m-%d %H:%M");
}

std::string format_duration(int64_t seconds) {
    if (seconds < 0) {
        seconds = -seconds;
    }
    char buffer[32];
    if (seconds < 60) {
        std::snprintf(buffer, sizeof buffer, "%lld s", static_cast<long long>(seconds));
    } else if (seconds < 3600) {
        std::snprintf(buffer, sizeof buffer, "%lld min", static_cast<long long>(seconds / 60));
    } else if (seconds < 86400) {
        std::snprintf(buffer, sizeof buffer, "%.1f h", static_cast<double>(seconds) / 3600.0);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.1f d", static_cast<double>(seconds) / 86400.0);
    }
    return buffer;
}

std::string short_id(const std::string& id) {
    return id.substr(0, 7);
}

std::string number(double value) {
    if (!std::isfinite(value)) {
        return "0";
    }
    char buffer[32];
    const double rounded = std::round(value * 10.0) / 10.0;
    if (rounded == std::floor(rounded)) {
        std::snprintf(buffer, sizeof buffer, "%.0f", rounded);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.1f", rounded);
    }
    return buffer;
}

void svg_rect(std::string& out, double x, double y, double width, double height,
              std::string_view fill, std::string_view title, std::string_view attributes) {
    out += "<rect x=\"" + number(x) + "\" y=\"" + number(y) + "\" width=\"" + number(width) +
           "\" height=\"" + number(height) + "\" fill=\"" + std::string(fill) + "\"";
    if (!attributes.empty()) {
        out += ' ';
        out += attributes;
    }
    if (title.empty()) {
        out += "/>";
        return;
    }
    out += "><title>" + escape_html(title) + "</title></rect>";
}

void svg_line(std::string& out, double x1, double y1, double x2, double y2, std::string_view stroke,
              std::string_view attributes) {
    out += "<line x1=\"" + number(x1) + "\" y1=\"" + number(y1) + "\" x2=\"" + number(x2) +
           "\" y2=\"" + number(y2) + "\" stroke=\"" + std::string(stroke) + "\"";
    if (!attributes.empty()) {
        out += ' ';
        out += attributes;
    }
    out += "/>";
}

void svg_text(std::string& out, double x, double y, std::string_view content,
              std::string_view anchor, std::string_view attributes) {
    out += "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\"";
    if (anchor != "start") {
        out += " text-anchor=\"" + std::string(anchor) + "\"";
    }
    if (!attributes.empty()) {
        out += ' ';
        out += attributes;
    }
    out += ">" + escape_html(content) + "</text>";
}

std::vector<DateTick> date_ticks(const std::vector<CommitRecord>& history, size_t first,
                                 size_t last, double pixels_per_commit, double min_spacing,
                                 double max_label_x) {
    std::vector<DateTick> ticks;
    double last_label = -1e9;
    std::string previous_date;
    for (size_t i = first; i < last; ++i) {
        const std::string date = format_date(history[i].commit.author.time);
        if (i != first && date == previous_date) {
            continue;
        }
        previous_date = date;

        const double x = static_cast<double>(i - first) * pixels_per_commit;
        const bool labelled = x - last_label >= min_spacing && x <= max_label_x;
        if (labelled) {
            last_label = x;
        }
        ticks.push_back({i, labelled});
    }
    return ticks;
}

} // namespace mlv::lifecycle::report
