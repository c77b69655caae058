#include "mlv/util/progress.hpp"

#include "support/capture.hpp"

#include <doctest/doctest.h>

using namespace mlv::progress;
using mlv::test::ScopedEnv;
using mlv::test::StderrCapture;
using namespace std::chrono_literals;

TEST_CASE("progress format_line known answers") {
    CHECK(format_line("hashing model.safetensors", 0, 1000, 79) ==
          "hashing model.safetensors: 0% (0 B / 1000 B)");
    CHECK(format_line("hashing model.safetensors", 4'500'000'000, 10'000'000'000, 79) ==
          "hashing model.safetensors: 45% (4.2 GiB / 9.3 GiB)");
    CHECK(format_line("hashing x", 1000, 1000, 79) == "hashing x: 100% (1000 B / 1000 B)");
    // An empty file is complete.
    CHECK(format_line("hashing x", 0, 0, 79) == "hashing x: 100% (0 B / 0 B)");
}

TEST_CASE("progress format_line huge sizes") {
    // done * 100 would overflow 64 bits.
    uint64_t total = UINT64_MAX;
    CHECK(format_line("x", total / 2, total, 79).rfind("x: 50% ", 0) == 0);
}

TEST_CASE("progress format_line shortens long titles") {
    std::string title = "hashing " + std::string(100, 'd') + "/model.safetensors";
    std::string line = format_line(title, 1, 2, 79);
    CHECK(line.size() == 79);
    CHECK(line.rfind("...", 0) == 0);
    CHECK(line.find("/model.safetensors: 50% (1 B / 2 B)") != std::string::npos);
}

TEST_CASE("progress throttle waits for the delay") {
    auto start = Throttle::Clock::time_point{} + 1h;
    Throttle throttle(start, 2s, 100ms);
    CHECK_FALSE(throttle.should_draw(start));
    CHECK_FALSE(throttle.should_draw(start + 1999ms));
    CHECK_FALSE(throttle.has_drawn());
    CHECK(throttle.should_draw(start + 2s));
    CHECK(throttle.has_drawn());
}

TEST_CASE("progress throttle limits redraws") {
    auto start = Throttle::Clock::time_point{} + 1h;
    Throttle throttle(start, 0s, 100ms);
    CHECK(throttle.should_draw(start));
    CHECK_FALSE(throttle.should_draw(start + 50ms));
    CHECK_FALSE(throttle.should_draw(start + 99ms));
    CHECK(throttle.should_draw(start + 100ms));
    CHECK_FALSE(throttle.should_draw(start + 150ms));
    CHECK(throttle.should_draw(start + 1s));
}

TEST_CASE("progress delay from environment") {
    {
        ScopedEnv delay("GIT_PROGRESS_DELAY", nullptr);
        CHECK(start_delay() == std::chrono::seconds(2));
    }
    {
        ScopedEnv delay("GIT_PROGRESS_DELAY", "0");
        CHECK(start_delay() == std::chrono::seconds(0));
    }
    {
        ScopedEnv delay("GIT_PROGRESS_DELAY", "5");
        CHECK(start_delay() == std::chrono::seconds(5));
    }
    for (const char* invalid : {"-1", "soon", "1s", ""}) {
        ScopedEnv delay("GIT_PROGRESS_DELAY", invalid);
        CHECK(start_delay() == std::chrono::seconds(2));
    }
}

TEST_CASE("progress meter draws and clears") {
    ScopedEnv delay("GIT_PROGRESS_DELAY", "0");
    bool was_enabled = enabled();
    StderrCapture capture;
    set_enabled(true);
    {
        Meter meter("hashing a.bin", 200);
        meter.update(100);
        // Throttled: the second update within 100 ms draws nothing.
        meter.update(150);
    }
    set_enabled(was_enabled);
    CHECK(capture.text() == "\rhashing a.bin: 50% (100 B / 200 B)\033[K\r\033[K");
}

TEST_CASE("progress meter disabled writes nothing") {
    ScopedEnv delay("GIT_PROGRESS_DELAY", "0");
    bool was_enabled = enabled();
    StderrCapture capture;
    set_enabled(false);
    {
        Meter meter("hashing a.bin", 200);
        meter.update(100);
    }
    set_enabled(was_enabled);
    CHECK(capture.text().empty());
}

TEST_CASE("progress meter before the delay writes nothing") {
    ScopedEnv delay("GIT_PROGRESS_DELAY", "60");
    bool was_enabled = enabled();
    StderrCapture capture;
    set_enabled(true);
    {
        Meter meter("hashing a.bin", 200);
        meter.update(100);
    }
    set_enabled(was_enabled);
    CHECK(capture.text().empty());
}
