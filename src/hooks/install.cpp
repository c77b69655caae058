#include "mlv/hooks/install.hpp"

#include "mlv/git/repository.hpp"
#include "mlv/util/file.hpp"
#include "mlv/util/trace.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace mlv::hooks {
namespace fs = std::filesystem;

namespace {

// git-mlv's hooks are a few kilobytes. A larger file is not read, so it counts
// as a foreign hook that equals no other file.
constexpr uint64_t max_hook_size = 1 << 20;

std::string strip_trailing_slashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    return path;
}

std::string hook_path(const std::string& hooks_dir, Hook hook) {
    return hooks_dir + "/" + std::string(hook_name(hook));
}

std::string chained_path(const std::string& hooks_dir, Hook hook) {
    return hook_path(hooks_dir, hook) + std::string(chained_suffix);
}

Error io_error(const std::string& what, const std::error_code& ec) {
    return make_error(what + ": " + ec.message(), 128);
}

// Returns whether anything is at `path`, without following a symlink.
Result<bool> path_exists(const std::string& path) {
    std::error_code ec;
    fs::file_status status = fs::symlink_status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
        return io_error("cannot stat '" + path + "'", ec);
    }
    return fs::exists(status);
}

// Reads a hook's content. Returns nullopt when it cannot be read as a file,
// such as a directory or a dangling symlink, or is larger than max_hook_size.
std::optional<std::string> read_hook(const std::string& path) {
    auto content = read_file(path, max_hook_size);
    if (!content) {
        trace::log("hooks", "cannot read '" + path + "': " + content.error().message);
        return std::nullopt;
    }
    return std::move(content).value();
}

bool has_marker_line(std::string_view content) {
    size_t start = 0;
    while (start < content.size()) {
        size_t end = content.find('\n', start);
        std::string_view line = content.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (line.substr(0, marker_prefix.size()) == marker_prefix) {
            return true;
        }
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return false;
}

HookOwner classify(const std::optional<std::string>& content, Hook hook) {
    if (!content) {
        return HookOwner::foreign;
    }
    // NOTE: only this build's script counts as unmodified. When the scripts
    // change, a list of earlier versions' texts will let install upgrade
    // them without --force.
    if (*content == hook_script(hook)) {
        return HookOwner::mlv_current;
    }
    return has_marker_line(*content) ? HookOwner::mlv_modified : HookOwner::foreign;
}

// Adds execute permission wherever the file has read permission, as chmod +x
// does under the usual umask.
Result<void> make_executable(const std::string& path) {
    std::error_code ec;
    fs::perms perms = fs::status(path, ec).permissions();
    if (ec) {
        return io_error("cannot stat '" + path + "'", ec);
    }
    fs::perms add = fs::perms::none;
    if ((perms & fs::perms::owner_read) != fs::perms::none) {
        add |= fs::perms::owner_exec;
    }
    if ((perms & fs::perms::group_read) != fs::perms::none) {
        add |= fs::perms::group_exec;
    }
    if ((perms & fs::perms::others_read) != fs::perms::none) {
        add |= fs::perms::others_exec;
    }
    fs::permissions(path, add, fs::perm_options::add, ec);
    if (ec) {
        return io_error("cannot make '" + path + "' executable", ec);
    }
    return {};
}

Result<void> write_hook(const std::string& path, Hook hook) {
    auto written = write_file_atomic(path, hook_script(hook));
    if (!written) {
        return written;
    }
    return make_executable(path);
}

Result<void> rename_file(const std::string& from, const std::string& to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec) {
        return io_error("cannot rename '" + from + "' to '" + to + "'", ec);
    }
    return {};
}

Result<void> remove_file(const std::string& path) {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) {
        return io_error("cannot remove '" + path + "'", ec);
    }
    return {};
}

Result<void> apply_install(const std::string& hooks_dir, Hook hook, InstallAction action) {
    std::string path = hook_path(hooks_dir, hook);
    switch (action) {
    case InstallAction::installed:
    case InstallAction::replaced_modified:
    case InstallAction::replaced_copy:
        return write_hook(path, hook);
    case InstallAction::chained: {
        std::string saved = chained_path(hooks_dir, hook);
        auto moved = rename_file(path, saved);
        if (!moved) {
            return moved;
        }
        auto written = write_hook(path, hook);
        if (!written) {
            // Put the user's hook back so a failed install changes nothing.
            (void)rename_file(saved, path);
        }
        return written;
    }
    case InstallAction::unchanged:
    case InstallAction::rejected_modified:
    case InstallAction::rejected_conflict:
        return {};
    }
    return {};
}

// Returns the first of <hook>.mlv-saved, <hook>.mlv-saved.2, ... that does
// not exist, so that an earlier saved hook is never overwritten.
Result<std::string> free_saved_path(const std::string& hooks_dir, Hook hook) {
    std::string base = hook_path(hooks_dir, hook) + std::string(saved_suffix);
    for (int number = 1; number <= 100; ++number) {
        std::string candidate = number == 1 ? base : base + "." + std::to_string(number);
        auto exists = path_exists(candidate);
        if (!exists) {
            return exists.error();
        }
        if (!*exists) {
            return candidate;
        }
    }
    return make_error("cannot save '" + hook_path(hooks_dir, hook) + "': '" + base +
                          "' through '.100' all exist; delete the old copies",
                      128);
}

Result<void> apply_uninstall(const UninstallOutcome& outcome) {
    switch (outcome.action) {
    case UninstallAction::removed:
        return remove_file(outcome.path);
    case UninstallAction::restored:
        // rename() replaces our hook in one step, so a concurrent Git command
        // never finds the hook missing.
        return rename_file(outcome.chained_path, outcome.path);
    case UninstallAction::removed_copy:
        return remove_file(outcome.chained_path);
    case UninstallAction::saved_modified: {
        auto saved = rename_file(outcome.path, outcome.saved_path);
        if (!saved || !outcome.restored) {
            return saved;
        }
        return rename_file(outcome.chained_path, outcome.path);
    }
    case UninstallAction::not_installed:
    case UninstallAction::left_conflict:
        return {};
    }
    return {};
}

template <class Action>
HookOutcome<Action> make_outcome(const std::string& hooks_dir, Hook hook, Action action) {
    HookOutcome<Action> outcome;
    outcome.hook = hook;
    outcome.action = action;
    outcome.path = hook_path(hooks_dir, hook);
    outcome.chained_path = chained_path(hooks_dir, hook);
    return outcome;
}

} // namespace

std::string_view hook_name(Hook hook) {
    switch (hook) {
    case Hook::pre_commit:
        return "pre-commit";
    case Hook::pre_push:
        return "pre-push";
    }
    return "";
}

std::string resolve_hooks_dir(const HooksDirInputs& inputs) {
    if (!inputs.hooks_path || inputs.hooks_path->empty()) {
        return inputs.common_dir + "hooks";
    }

    const std::string& configured = *inputs.hooks_path;
    if (configured == "~") {
        return strip_trailing_slashes(inputs.home);
    }
    if (configured.rfind("~/", 0) == 0) {
        return strip_trailing_slashes(strip_trailing_slashes(inputs.home) + configured.substr(1));
    }
    if (configured.front() == '/') {
        return strip_trailing_slashes(configured);
    }

    const std::string& base = inputs.workdir.empty() ? inputs.git_dir : inputs.workdir;
    return strip_trailing_slashes(base + configured);
}

std::string hooks_dir(const git::Repository& repo) {
    HooksDirInputs inputs;
    // NOTE: libgit2 reads the global configuration from $HOME and the XDG
    // directory; it does not know GIT_CONFIG_GLOBAL.
    inputs.hooks_path = repo.config_string("core.hooksPath");
    inputs.workdir = repo.workdir();
    inputs.git_dir = repo.git_dir();
    inputs.common_dir = repo.common_dir();
    const char* home = std::getenv("HOME");
    inputs.home = home != nullptr ? home : "";

    std::string dir = resolve_hooks_dir(inputs);
    trace::log("hooks", "hooks directory is '" + dir + "'");
    return dir;
}

Result<HookFiles> inspect_hook(const std::string& hooks_dir, Hook hook) {
    std::string path = hook_path(hooks_dir, hook);
    std::string saved = chained_path(hooks_dir, hook);

    auto hook_exists = path_exists(path);
    if (!hook_exists) {
        return hook_exists.error();
    }
    auto saved_exists = path_exists(saved);
    if (!saved_exists) {
        return saved_exists.error();
    }

    HookFiles files;
    files.chained_exists = *saved_exists;
    if (!*hook_exists) {
        return files;
    }

    std::optional<std::string> content = read_hook(path);
    files.owner = classify(content, hook);
    if (files.chained_exists && content) {
        std::optional<std::string> saved_content = read_hook(saved);
        files.chained_same_as_hook = saved_content && *saved_content == *content;
    }
    return files;
}

InstallAction plan_install(const HookFiles& files, Force force) {
    switch (files.owner) {
    case HookOwner::absent:
        return InstallAction::installed;
    case HookOwner::mlv_current:
        return InstallAction::unchanged;
    case HookOwner::mlv_modified:
        return force == Force::yes ? InstallAction::replaced_modified
                                   : InstallAction::rejected_modified;
    case HookOwner::foreign:
        break;
    }

    if (!files.chained_exists) {
        return InstallAction::chained;
    }
    // `git lfs update --force` after `git mlv install` rewrites git-lfs's
    // hook over ours; the saved copy then equals it.
    return files.chained_same_as_hook ? InstallAction::replaced_copy
                                      : InstallAction::rejected_conflict;
}

UninstallAction plan_uninstall(const HookFiles& files) {
    switch (files.owner) {
    case HookOwner::absent:
    case HookOwner::mlv_current:
        if (files.chained_exists) {
            return UninstallAction::restored;
        }
        return files.owner == HookOwner::absent ? UninstallAction::not_installed
                                                : UninstallAction::removed;
    case HookOwner::mlv_modified:
        return UninstallAction::saved_modified;
    case HookOwner::foreign:
        break;
    }

    if (!files.chained_exists) {
        return UninstallAction::not_installed;
    }
    return files.chained_same_as_hook ? UninstallAction::removed_copy
                                      : UninstallAction::left_conflict;
}

bool is_rejection(InstallAction action) {
    return action == InstallAction::rejected_modified || action == InstallAction::rejected_conflict;
}

bool is_rejection(UninstallAction /*action*/) {
    return false;
}

bool changes_files(InstallAction action) {
    return action != InstallAction::unchanged && !is_rejection(action);
}

bool changes_files(UninstallAction action) {
    return action != UninstallAction::not_installed && action != UninstallAction::left_conflict;
}

std::string_view action_name(InstallAction action) {
    switch (action) {
    case InstallAction::installed:
        return "installed";
    case InstallAction::chained:
        return "chained";
    case InstallAction::replaced_copy:
        return "replaced_copy";
    case InstallAction::replaced_modified:
        return "replaced_modified";
    case InstallAction::unchanged:
        return "unchanged";
    case InstallAction::rejected_modified:
        return "rejected_modified";
    case InstallAction::rejected_conflict:
        return "rejected_conflict";
    }
    return "";
}

std::string_view action_name(UninstallAction action) {
    switch (action) {
    case UninstallAction::removed:
        return "removed";
    case UninstallAction::restored:
        return "restored";
    case UninstallAction::removed_copy:
        return "removed_copy";
    case UninstallAction::not_installed:
        return "not_installed";
    case UninstallAction::saved_modified:
        return "saved_modified";
    case UninstallAction::left_conflict:
        return "left_conflict";
    }
    return "";
}

Result<std::vector<InstallOutcome>> install_hooks(const std::string& hooks_dir, Force force) {
    std::vector<InstallOutcome> outcomes;
    bool rejected = false;
    for (Hook hook : all_hooks) {
        auto files = inspect_hook(hooks_dir, hook);
        if (!files) {
            return files.error();
        }
        InstallOutcome outcome = make_outcome(hooks_dir, hook, plan_install(*files, force));
        outcome.chained = files->chained_exists || outcome.action == InstallAction::chained;
        rejected = rejected || is_rejection(outcome.action);
        outcomes.push_back(std::move(outcome));
    }
    if (rejected) {
        return outcomes;
    }

    for (const InstallOutcome& outcome : outcomes) {
        trace::log("hooks", std::string(hook_name(outcome.hook)) + ": " +
                                std::string(action_name(outcome.action)));
        auto applied = apply_install(hooks_dir, outcome.hook, outcome.action);
        if (!applied) {
            return applied.error();
        }
    }
    return outcomes;
}

Result<std::vector<UninstallOutcome>> uninstall_hooks(const std::string& hooks_dir) {
    std::vector<UninstallOutcome> outcomes;
    for (Hook hook : all_hooks) {
        auto files = inspect_hook(hooks_dir, hook);
        if (!files) {
            return files.error();
        }
        UninstallOutcome outcome = make_outcome(hooks_dir, hook, plan_uninstall(*files));
        outcome.chained = files->chained_exists && outcome.action == UninstallAction::left_conflict;
        outcome.restored =
            files->chained_exists && (outcome.action == UninstallAction::restored ||
                                      outcome.action == UninstallAction::saved_modified);
        if (outcome.action == UninstallAction::saved_modified) {
            auto saved = free_saved_path(hooks_dir, hook);
            if (!saved) {
                return saved.error();
            }
            outcome.saved_path = std::move(*saved);
        }
        outcomes.push_back(std::move(outcome));
    }

    for (const UninstallOutcome& outcome : outcomes) {
        trace::log("hooks", std::string(hook_name(outcome.hook)) + ": " +
                                std::string(action_name(outcome.action)));
        auto applied = apply_uninstall(outcome);
        if (!applied) {
            return applied.error();
        }
    }
    return outcomes;
}

} // namespace mlv::hooks
