#include "common.hpp"

#include "mlv/checks/config.hpp"
#include "mlv/util/error.hpp"
#include "mlv/util/file.hpp"
#include "mlv/util/progress.hpp"
#include "mlv/util/term.hpp"
#include "mlv/util/trace.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace mlv::cli {

namespace {

// Reads Git's colour setting: color.mlv, else color.ui. As in Git, "true"
// and "auto" mean colour on a terminal only.
void apply_color_config(const git::Repository& repo) {
    auto value = repo.config_string("color.mlv");
    if (!value) {
        value = repo.config_string("color.ui");
    }
    if (!value) {
        return;
    }

    if (*value == "always") {
        term::set_color_mode(term::ColorMode::always);
    } else if (*value == "never" || *value == "false" || *value == "no" || *value == "off" ||
               *value == "0") {
        term::set_color_mode(term::ColorMode::never);
    } else {
        term::set_color_mode(term::ColorMode::automatic);
    }
}

} // namespace

git::Repository open_repository() {
    auto repo = git::Repository::discover(".");
    if (!repo) {
        throw FatalError(repo.error());
    }
    apply_color_config(*repo);
    return std::move(repo).value();
}

bool cache_disabled() {
    const char* disabled = std::getenv("GIT_MLV_NO_CACHE");
    return disabled != nullptr && *disabled != '\0';
}

std::unique_ptr<store::Cache> open_cache(const git::Repository& repo) {
    if (cache_disabled()) {
        return std::make_unique<store::Cache>("");
    }
    return std::make_unique<store::Cache>(repo.common_dir() + "mlv");
}

std::vector<artifacts::RolePattern> load_role_patterns(const git::Repository& repo) {
    if (repo.is_bare()) {
        return {};
    }
    auto text = read_file(repo.workdir() + std::string(checks::config_file_name), 16 << 20);
    if (!text) {
        return {};
    }
    return checks::parse_config(*text).config.roles;
}

void add_verbose_flag(CLI::App& command) {
    command.add_flag_callback(
        "-v,--verbose", [] { trace::set_enabled(true); },
        "Print debug lines on stderr (same as GIT_MLV_TRACE=1)");
}

void add_progress_flags(CLI::App& command) {
    auto* on = command.add_flag_callback(
        "--progress", [] { progress::set_enabled(true); },
        "Show progress on stderr while hashing large files, even when stderr is not a terminal");
    auto* off = command.add_flag_callback(
        "--no-progress", [] { progress::set_enabled(false); }, "Never show progress");
    on->excludes(off);
}

void print_json(const Json& value) {
    // error_handler::replace keeps invalid UTF-8 from a model file from
    // aborting the output.
    std::cout << value.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

void print_error(const std::string& message) {
    std::cerr << "error: " << term::escape_control(message) << '\n';
}

void print_warning(const std::string& message) {
    std::cerr << "warning: " << term::escape_control(message) << '\n';
}

} // namespace mlv::cli
