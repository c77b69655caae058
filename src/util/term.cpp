#include "mlv/util/term.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace mlv::term {

bool is_terminal(Stream stream) {
    return ::isatty(stream == Stream::out ? STDOUT_FILENO : STDERR_FILENO) == 1;
}

namespace {
ColorMode color_mode = ColorMode::automatic;
} // namespace

void set_color_mode(ColorMode mode) {
    color_mode = mode;
}

bool use_color(Stream stream) {
    if (color_mode != ColorMode::automatic) {
        return color_mode == ColorMode::always;
    }
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') {
        return false;
    }
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::strcmp(term, "dumb") == 0) {
        return false;
    }
    return is_terminal(stream);
}

std::string escape_control(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7f) {
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            out += escaped;
        }
    }
    return out;
}

namespace {

// The escape Git's quote_c_style writes for `byte`, or 0 when the byte needs
// an octal escape.
char c_escape_letter(unsigned char byte) {
    switch (byte) {
    case '\a':
        return 'a';
    case '\b':
        return 'b';
    case '\t':
        return 't';
    case '\n':
        return 'n';
    case '\v':
        return 'v';
    case '\f':
        return 'f';
    case '\r':
        return 'r';
    case '"':
        return '"';
    case '\\':
        return '\\';
    default:
        return 0;
    }
}

bool needs_quoting(unsigned char byte, QuoteHighBytes high_bytes) {
    if (byte < 0x20 || byte == 0x7f || byte == '"' || byte == '\\') {
        return true;
    }
    return byte >= 0x80 && high_bytes == QuoteHighBytes::yes;
}

} // namespace

std::string quote_path(std::string_view path, QuoteHighBytes high_bytes) {
    bool quote = false;
    for (char c : path) {
        quote = quote || needs_quoting(static_cast<unsigned char>(c), high_bytes);
    }
    if (!quote) {
        return std::string(path);
    }
    std::string out = "\"";
    for (char c : path) {
        auto byte = static_cast<unsigned char>(c);
        if (!needs_quoting(byte, high_bytes)) {
            out.push_back(c);
            continue;
        }
        out.push_back('\\');
        if (char letter = c_escape_letter(byte)) {
            out.push_back(letter);
            continue;
        }
        char octal[4];
        std::snprintf(octal, sizeof octal, "%03o", byte);
        out += octal;
    }
    out.push_back('"');
    return out;
}

std::string paint(std::string_view text, Color color, bool enabled) {
    if (!enabled || color == Color::none) {
        return std::string(text);
    }
    const char* code = "";
    switch (color) {
    case Color::red:
        code = "\033[31m";
        break;
    case Color::green:
        code = "\033[32m";
        break;
    case Color::yellow:
        code = "\033[33m";
        break;
    case Color::blue:
        code = "\033[34m";
        break;
    case Color::magenta:
        code = "\033[35m";
        break;
    case Color::cyan:
        code = "\033[36m";
        break;
    case Color::bold:
        code = "\033[1m";
        break;
    case Color::dim:
        code = "\033[2m";
        break;
    case Color::none:
        break;
    }
    return std::string(code) + std::string(text) + "\033[m";
}

} // namespace mlv::term
