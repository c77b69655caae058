// Terminal detection and colour, honouring NO_COLOR (https://no-color.org).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace mlv::term {

enum class Stream { out, err };

// Returns whether the stream is a terminal.
bool is_terminal(Stream stream);

// When colour is written: `automatic` decides per stream, `always` and
// `never` override that decision, NO_COLOR included, as a user's own setting
// should (https://no-color.org).
enum class ColorMode { automatic, always, never };

// Sets the process-wide colour mode. The default is `automatic`.
void set_color_mode(ColorMode mode);

// Returns whether colour should be written to the stream. In `automatic`
// mode that is when the stream is a terminal, NO_COLOR is unset or empty,
// and TERM is not "dumb".
bool use_color(Stream stream);

enum class Color { none, red, green, yellow, blue, magenta, cyan, bold, dim };

// Returns `text` with control characters written as C escapes ("\\n",
// "\\t", "\\x1b"), so that a message built from file content or a path stays
// on one line and cannot send escape sequences to the terminal.
std::string escape_control(std::string_view text);

// Whether quote_path escapes bytes of 0x80 and above, as Git's core.quotePath
// sets (true by default).
enum class QuoteHighBytes { yes, no };

// Returns `path` as Git prints paths in human output: unchanged when it
// contains no control character, double quote, backslash or (with
// QuoteHighBytes::yes) byte of 0x80 and above; otherwise in double quotes,
// with those bytes written as C escapes ("\t", "\"", "\\") or three-digit
// octal escapes ("\303\251" for "é").
std::string quote_path(std::string_view path, QuoteHighBytes high_bytes = QuoteHighBytes::yes);

// Wraps `text` in the escape codes for `color` when `enabled`, else returns it unchanged.
std::string paint(std::string_view text, Color color, bool enabled);

} // namespace mlv::term
