#include "mlv/util/trace.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace mlv::trace {
namespace {

int& state() {
    // -1 means "not decided yet": the environment is read on first use so that
    // tests can set GIT_MLV_TRACE before calling into the library.
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
        const char* env = std::getenv("GIT_MLV_TRACE");
        value = (env != nullptr && *env != '\0' && std::string(env) != "0") ? 1 : 0;
    }
    return value == 1;
}

void log(std::string_view subsystem, std::string_view message) {
    if (!enabled()) {
        return;
    }
    std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(subsystem.size()), subsystem.data(),
                 static_cast<int>(message.size()), message.data());
}

} // namespace mlv::trace
