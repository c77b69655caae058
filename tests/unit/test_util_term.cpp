#include "mlv/util/term.hpp"

#include "support/capture.hpp"

#include <doctest/doctest.h>

using namespace mlv::term;
using mlv::test::ScopedEnv;

TEST_CASE("paint known answers") {
    CHECK(paint("x", Color::red, true) == "\033[31mx\033[m");
    CHECK(paint("x", Color::green, true) == "\033[32mx\033[m");
    CHECK(paint("x", Color::bold, true) == "\033[1mx\033[m");
    CHECK(paint("x", Color::dim, true) == "\033[2mx\033[m");
}

TEST_CASE("paint disabled or no colour") {
    CHECK(paint("x", Color::red, false) == "x");
    CHECK(paint("x", Color::none, true) == "x");
}

TEST_CASE("escape_control known answers") {
    CHECK(escape_control("plain 'text'") == "plain 'text'");
    CHECK(escape_control("a\nb\tc\rd") == "a\\nb\\tc\\rd");
    CHECK(escape_control("\x1b[31m") == "\\x1b[31m");
    CHECK(escape_control(std::string("nul\0x", 5)) == "nul\\x00x");
    CHECK(escape_control("\x7f") == "\\x7f");
    // UTF-8 stays as it is.
    CHECK(escape_control("\xEC\x95\x88") == "\xEC\x95\x88");
}

TEST_CASE("use_color honours NO_COLOR") {
    ScopedEnv no_color("NO_COLOR", "1");
    CHECK_FALSE(use_color(Stream::out));
    CHECK_FALSE(use_color(Stream::err));
}

TEST_CASE("use_color honours dumb terminal") {
    ScopedEnv no_color("NO_COLOR", nullptr);
    ScopedEnv term("TERM", "dumb");
    CHECK_FALSE(use_color(Stream::out));
}

TEST_CASE("use_color follows the terminal") {
    ScopedEnv no_color("NO_COLOR", "");
    ScopedEnv term("TERM", "xterm");
    // An empty NO_COLOR does not disable colour (no-color.org).
    CHECK(use_color(Stream::err) == is_terminal(Stream::err));
    // A stderr redirected to a file is not a terminal.
    mlv::test::StderrCapture capture;
    CHECK_FALSE(is_terminal(Stream::err));
    CHECK_FALSE(use_color(Stream::err));
}

TEST_CASE("use_color follows the colour mode") {
    ScopedEnv no_color("NO_COLOR", "1");
    ScopedEnv term("TERM", "xterm");

    set_color_mode(ColorMode::always);
    CHECK(use_color(Stream::out));
    CHECK(use_color(Stream::err));

    set_color_mode(ColorMode::never);
    CHECK_FALSE(use_color(Stream::out));

    set_color_mode(ColorMode::automatic);
    CHECK_FALSE(use_color(Stream::out));
}

TEST_CASE("quote_path leaves plain paths alone") {
    CHECK(quote_path("model.safetensors") == "model.safetensors");
    CHECK(quote_path("sub dir/it's.json") == "sub dir/it's.json");
    CHECK(quote_path("") == "");
}

TEST_CASE("quote_path matches git ls-files") {
    // Expected values are what git 2.39 `ls-files -o` prints for these names.
    CHECK(quote_path("a\tb") == "\"a\\tb\"");
    CHECK(quote_path("n\nl") == "\"n\\nl\"");
    CHECK(quote_path("q\"x") == "\"q\\\"x\"");
    CHECK(quote_path("b\\s") == "\"b\\\\s\"");
    CHECK(quote_path("c\x01"
                     "d") == "\"c\\001d\"");
    CHECK(quote_path("del\x7f") == "\"del\\177\"");
    CHECK(quote_path(std::string("nul\0x", 5)) == "\"nul\\000x\"");
    CHECK(quote_path("caf\xC3\xA9") == "\"caf\\303\\251\"");
}

TEST_CASE("quote_path without high-byte quoting") {
    CHECK(quote_path("caf\xC3\xA9", QuoteHighBytes::no) == "caf\xC3\xA9");
    CHECK(quote_path("caf\xC3\xA9\t", QuoteHighBytes::no) == "\"caf\xC3\xA9\\t\"");
}
