// A one-line progress meter on stderr for long operations (hashing a large
// working-tree file).
//
// Progress is drawn only when stderr is a terminal, unless a command turns it
// on or off with --progress or --no-progress. Nothing is drawn before a delay
// (GIT_PROGRESS_DELAY seconds, as in Git, default 2), so short operations
// leave stderr untouched, and redraws are throttled.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mlv::progress {

// Turns progress output on or off for the rest of the process.
void set_enabled(bool enabled);

// Returns whether progress is drawn; until set_enabled is called, whether
// stderr is a terminal.
bool enabled();

// Returns the line for `done` of `total` bytes, for example
// "hashing model.safetensors: 45% (4.2 GiB / 9.3 GiB)". A title that would
// make the line longer than `max_width` characters is shortened from the
// left with "...".
std::string format_line(std::string_view title, uint64_t done, uint64_t total, size_t max_width);

// Decides when a meter redraws: never before `delay` after the start, then at
// most once per `interval`.
class Throttle {
  public:
    using Clock = std::chrono::steady_clock;

    Throttle(Clock::time_point start, Clock::duration delay, Clock::duration interval)
        : start_(start), delay_(delay), interval_(interval) {}

    // Returns whether to draw at `now`; a true result counts as a draw.
    bool should_draw(Clock::time_point now);

    bool has_drawn() const { return has_drawn_; }

  private:
    Clock::time_point start_;
    Clock::duration delay_;
    Clock::duration interval_;
    Clock::time_point last_draw_{};
    bool has_drawn_ = false;
};

// The delay before the first draw: GIT_PROGRESS_DELAY seconds when set to a
// non-negative integer, else 2 seconds.
Throttle::Clock::duration start_delay();

// Progress of one operation over `total` bytes. Draws nothing when progress
// is disabled; clears its line when destroyed if it drew anything.
class Meter {
  public:
    Meter(std::string title, uint64_t total);
    ~Meter();
    Meter(const Meter&) = delete;
    Meter& operator=(const Meter&) = delete;

    // Records that `done` bytes are processed and redraws when the throttle
    // allows it.
    void update(uint64_t done);

  private:
    std::string title_;
    uint64_t total_;
    bool active_;
    Throttle throttle_;
};

} // namespace mlv::progress
