#include "mlv/util/progress.hpp"

#include "mlv/util/size.hpp"
#include "mlv/util/term.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace mlv::progress {
namespace {

// Redraws at most ten times a second: often enough to look alive, rarely
// enough to cost nothing next to hashing.
constexpr auto redraw_interval = std::chrono::milliseconds(100);

// Lines stay inside a classic 80-column terminal, so that "\r" returns to
// the start of the same line instead of a wrapped one.
constexpr size_t max_line_width = 79;

int& state() {
    // -1 means "not decided yet": the terminal test runs on first use.
    static int value = -1;
    return value;
}

} // namespace

void set_enabled(bool on) {
    state() = on ? 1 : 0;
}

bool enabled() {
    int& value = state();
    if (value < 0) {
        value = term::is_terminal(term::Stream::err) ? 1 : 0;
    }
    return value == 1;
}

std::string format_line(std::string_view title, uint64_t done, uint64_t total, size_t max_width) {
    uint64_t percent = 100;
    if (total > 0 && done < total) {
        // done * 100 overflows only above 184 PB; divide first for such sizes.
        percent = done <= UINT64_MAX / 100 ? done * 100 / total : done / (total / 100);
    }
    std::string counts = ": " + std::to_string(percent) + "% (" + format_size(done) + " / " +
                         format_size(total) + ")";

    std::string shown(title);
    if (shown.size() + counts.size() > max_width) {
        size_t room = max_width > counts.size() + 3 ? max_width - counts.size() - 3 : 0;
        shown = "..." + shown.substr(shown.size() - std::min(room, shown.size()));
    }
    return shown + counts;
}

bool Throttle::should_draw(Clock::time_point now) {
    if (now - start_ < delay_) {
        return false;
    }
    if (has_drawn_ && now - last_draw_ < interval_) {
        return false;
    }
    has_drawn_ = true;
    last_draw_ = now;
    return true;
}

Throttle::Clock::duration start_delay() {
    const char* text = std::getenv("GIT_PROGRESS_DELAY");
    if (text != nullptr && *text != '\0') {
        char* end = nullptr;
        long seconds = std::strtol(text, &end, 10);
        if (*end == '\0' && seconds >= 0) {
            return std::chrono::seconds(seconds);
        }
    }
    return std::chrono::seconds(2);
}

Meter::Meter(std::string title, uint64_t total)
    : title_(std::move(title)), total_(total), active_(enabled()),
      throttle_(Throttle::Clock::now(), start_delay(), redraw_interval) {
}

Meter::~Meter() {
    if (!throttle_.has_drawn()) {
        return;
    }
    // "\033[K" erases to the end of the line, so the next output starts on a
    // clean line.
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
}

void Meter::update(uint64_t done) {
    if (!active_ || !throttle_.should_draw(Throttle::Clock::now())) {
        return;
    }
    std::string line = format_line(title_, done, total_, max_line_width);
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    std::fflush(stderr);
}

} // namespace mlv::progress
