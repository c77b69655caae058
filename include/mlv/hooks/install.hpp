// Installing git-mlv's Git hooks (pre-commit, pre-push) beside the hooks a
// repository already has, and removing them again.
//
// A hook that exists when `git mlv install` runs (git-lfs's pre-push, a
// user's own pre-commit) is renamed to "<hook>.mlv-chained". git-mlv's hook
// runs its check first, then the chained hook with the same arguments and
// standard input. `git mlv uninstall` renames the chained hook back.
//
// git-mlv's hooks carry the marker line "# git-mlv-hook: <name>". A hook
// without that line is never overwritten or deleted. The one exception is a
// hook that is byte for byte the same as its saved "<hook>.mlv-chained" copy,
// because dropping one of two identical files loses nothing. `uninstall`
// moves a git-mlv hook edited since install to "<hook>.mlv-saved" instead of
// deleting it, so that the chained hook can go back in its place.
#pragma once

#include "mlv/util/result.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::git {
class Repository;
}

namespace mlv::hooks {

enum class Hook { pre_commit, pre_push };

inline constexpr std::array<Hook, 2> all_hooks{Hook::pre_commit, Hook::pre_push};

// Suffix of the file that keeps the hook found at install time.
inline constexpr std::string_view chained_suffix = ".mlv-chained";

// Suffix of the file that keeps an edited git-mlv hook at uninstall time.
inline constexpr std::string_view saved_suffix = ".mlv-saved";

// Start of the marker line by which git-mlv recognises its own hooks.
inline constexpr std::string_view marker_prefix = "# git-mlv-hook:";

// Returns Git's name of the hook: "pre-commit", "pre-push".
std::string_view hook_name(Hook hook);

// Returns the script of git-mlv's hook, hooks/<name> of the source tree,
// embedded at build time.
std::string_view hook_script(Hook hook);

// Inputs of the hooks directory look-up, as the repository reports them.
// Directories end with '/'; `workdir` is empty for a bare repository.
struct HooksDirInputs {
    std::optional<std::string> hooks_path; // core.hooksPath, when set
    std::string workdir;
    std::string git_dir;
    std::string common_dir;
    std::string home; // $HOME, for a core.hooksPath starting with "~/"
};

// Returns the directory Git runs hooks from, without a trailing '/':
// core.hooksPath when set, else "<common dir>/hooks". As in Git, a leading
// "~/" of core.hooksPath is the home directory, and a relative path is taken
// relative to where hooks run: the top of the working tree, or the Git
// directory of a bare repository.
std::string resolve_hooks_dir(const HooksDirInputs& inputs);

// Returns the hooks directory of `repo` (see resolve_hooks_dir).
std::string hooks_dir(const git::Repository& repo);

// Owner of the file at a hook's path.
enum class HookOwner {
    absent,       // no file (a dangling symlink counts as a file)
    mlv_current,  // git-mlv's hook, byte for byte the script of this build
    mlv_modified, // has git-mlv's marker line but other content
    foreign,      // anything else: git-lfs's hook, a user's script
};

// The state of one hook and its saved copy in a hooks directory.
struct HookFiles {
    HookOwner owner = HookOwner::absent;
    bool chained_exists = false;
    // Whether the hook and "<hook>.mlv-chained" have the same bytes.
    bool chained_same_as_hook = false;
};

// Reads the state of `hook` in `hooks_dir`. Fails (code 128) when a file
// exists but cannot be read.
Result<HookFiles> inspect_hook(const std::string& hooks_dir, Hook hook);

enum class Force { no, yes };

enum class InstallAction {
    installed,         // written where there was no hook
    chained,           // the existing hook moved to .mlv-chained, ours written
    replaced_copy,     // the existing hook equals its .mlv-chained copy: ours replaces it
    replaced_modified, // ours, changed since, rewritten because of --force
    unchanged,         // ours already there
    rejected_modified, // ours, changed since, and no --force
    rejected_conflict, // a foreign hook and a different .mlv-chained both exist
};

enum class UninstallAction {
    removed,        // ours deleted, nothing was chained
    restored,       // ours deleted (or absent), .mlv-chained renamed back
    removed_copy,   // a foreign hook equal to .mlv-chained: the copy deleted
    not_installed,  // nothing of git-mlv's there
    saved_modified, // ours, changed since: moved to .mlv-saved, .mlv-chained renamed back
    left_conflict,  // a foreign hook and a different .mlv-chained: both left as they are
};

// Decides what installing does to a hook in state `files`, without
// touching files.
InstallAction plan_install(const HookFiles& files, Force force);

// Decides what uninstalling does to a hook in state `files`, without
// touching files.
UninstallAction plan_uninstall(const HookFiles& files);

bool is_rejection(InstallAction action);
// Always false: uninstalling moves an edited hook aside or leaves a
// conflict alone instead of rejecting.
bool is_rejection(UninstallAction action);

// Returns whether carrying out the action changes a file.
bool changes_files(InstallAction action);
bool changes_files(UninstallAction action);

// Returns the action's name for --json output: "installed", "chained", ...
std::string_view action_name(InstallAction action);
std::string_view action_name(UninstallAction action);

template <class Action> struct HookOutcome {
    Hook hook = Hook::pre_commit;
    Action action{};
    std::string path;         // <hooks dir>/<name>
    std::string chained_path; // <hooks dir>/<name>.mlv-chained
    bool chained = false;     // whether the chained file exists afterwards
    // Uninstall only: where an edited git-mlv hook was moved
    // (<hooks dir>/<name>.mlv-saved, or .mlv-saved.<n> when that exists).
    std::string saved_path;
    bool restored = false; // uninstall only: whether .mlv-chained was renamed back
};

using InstallOutcome = HookOutcome<InstallAction>;
using UninstallOutcome = HookOutcome<UninstallAction>;

// Installs every hook of all_hooks into `hooks_dir`, creating the directory
// when missing. All or nothing: when one hook's plan is a rejection, no file
// is changed and the outcomes name the rejected hook. Fails (code 128)
// on an I/O error.
Result<std::vector<InstallOutcome>> install_hooks(const std::string& hooks_dir, Force force);

// Removes git-mlv's hooks from `hooks_dir` and renames the chained hooks
// back. Never rejects: an edited git-mlv hook is moved aside, and a conflict
// between two foreign files is left alone. Fails (code 128) on an I/O error.
Result<std::vector<UninstallOutcome>> uninstall_hooks(const std::string& hooks_dir);

} // namespace mlv::hooks
