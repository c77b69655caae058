// Debug lines on stderr, off by default.
//
// Tracing is on when GIT_MLV_TRACE is set to a value other than "0" or "" or
// when a command was given -v. Each line is prefixed by its subsystem:
// "store: cache hit for 3f2a...".
#pragma once

#include <string_view>

namespace mlv::trace {

// Turns tracing on or off for the rest of the process.
void set_enabled(bool enabled);

// Returns whether tracing is on; reads GIT_MLV_TRACE on first use.
bool enabled();

// Writes "<subsystem>: <message>" to stderr when tracing is on.
void log(std::string_view subsystem, std::string_view message);

} // namespace mlv::trace
