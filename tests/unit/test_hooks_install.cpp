#include "mlv/hooks/install.hpp"

#include "mlv/util/file.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;
using namespace mlv::hooks;

namespace {

// A directory under the system temp directory, removed with its content.
struct TempDir {
    std::string path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "mlv-hooks-test-XXXXXX").string();
        char* made = ::mkdtemp(pattern.data());
        REQUIRE(made != nullptr);
        path = made;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const std::string& path, const std::string& content, bool executable = true) {
    std::ofstream(path, std::ios::binary) << content;
    if (executable) {
        fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
    }
}

std::string read(const std::string& path) {
    auto content = mlv::read_file(path, 1 << 20);
    REQUIRE(content.ok());
    return *content;
}

bool is_executable(const std::string& path) {
    return (fs::status(path).permissions() & fs::perms::owner_exec) != fs::perms::none;
}

// Every file of `dir` with its content, for before/after comparisons.
std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        files[entry.path().filename().string()] = read(entry.path().string());
    }
    return files;
}

const std::string lfs_pre_push = "#!/bin/sh\ngit lfs pre-push \"$@\"\n";

} // namespace

TEST_CASE("hooks: scripts are embedded with their marker") {
    for (Hook hook : all_hooks) {
        std::string_view script = hook_script(hook);
        CHECK(script.substr(0, 10) == "#!/bin/sh\n");
        std::string marker_line = "\n";
        marker_line.append(marker_prefix).append(" ").append(hook_name(hook)).append("\n");
        CHECK(script.find(marker_line) != std::string_view::npos);
    }
}

TEST_CASE("hooks: resolve default hooks dir") {
    HooksDirInputs inputs;
    inputs.workdir = "/repo/";
    inputs.git_dir = "/repo/.git/worktrees/feature/";
    inputs.common_dir = "/repo/.git/";
    CHECK(resolve_hooks_dir(inputs) == "/repo/.git/hooks");

    inputs.hooks_path = "";
    CHECK(resolve_hooks_dir(inputs) == "/repo/.git/hooks");
}

TEST_CASE("hooks: resolve core.hooksPath") {
    HooksDirInputs inputs;
    inputs.workdir = "/repo/";
    inputs.git_dir = "/repo/.git/";
    inputs.common_dir = "/repo/.git/";
    inputs.home = "/home/user/";

    inputs.hooks_path = "/etc/git-hooks/";
    CHECK(resolve_hooks_dir(inputs) == "/etc/git-hooks");

    inputs.hooks_path = ".githooks";
    CHECK(resolve_hooks_dir(inputs) == "/repo/.githooks");

    inputs.hooks_path = "tools/hooks/";
    CHECK(resolve_hooks_dir(inputs) == "/repo/tools/hooks");

    inputs.hooks_path = "~/hooks";
    CHECK(resolve_hooks_dir(inputs) == "/home/user/hooks");

    inputs.hooks_path = "~";
    CHECK(resolve_hooks_dir(inputs) == "/home/user");
}

TEST_CASE("hooks: relative core.hooksPath in bare repository") {
    HooksDirInputs inputs;
    inputs.git_dir = "/srv/model.git/";
    inputs.common_dir = "/srv/model.git/";
    inputs.hooks_path = "custom-hooks";
    CHECK(resolve_hooks_dir(inputs) == "/srv/model.git/custom-hooks");
}

TEST_CASE("hooks: plan install") {
    struct Case {
        HookFiles files;
        Force force;
        InstallAction expected;
    };
    const Case cases[] = {
        {{HookOwner::absent, false, false}, Force::no, InstallAction::installed},
        {{HookOwner::absent, true, false}, Force::no, InstallAction::installed},
        {{HookOwner::mlv_current, true, false}, Force::no, InstallAction::unchanged},
        {{HookOwner::mlv_modified, false, false}, Force::no, InstallAction::rejected_modified},
        {{HookOwner::mlv_modified, false, false}, Force::yes, InstallAction::replaced_modified},
        {{HookOwner::foreign, false, false}, Force::no, InstallAction::chained},
        {{HookOwner::foreign, true, true}, Force::no, InstallAction::replaced_copy},
        {{HookOwner::foreign, true, false}, Force::no, InstallAction::rejected_conflict},
        {{HookOwner::foreign, true, false}, Force::yes, InstallAction::rejected_conflict},
    };
    for (const Case& c : cases) {
        CAPTURE(static_cast<int>(c.files.owner));
        CAPTURE(c.files.chained_exists);
        CHECK(action_name(plan_install(c.files, c.force)) == action_name(c.expected));
    }
}

TEST_CASE("hooks: plan uninstall") {
    struct Case {
        HookFiles files;
        UninstallAction expected;
    };
    const Case cases[] = {
        {{HookOwner::absent, false, false}, UninstallAction::not_installed},
        {{HookOwner::absent, true, false}, UninstallAction::restored},
        {{HookOwner::mlv_current, false, false}, UninstallAction::removed},
        {{HookOwner::mlv_current, true, false}, UninstallAction::restored},
        {{HookOwner::mlv_modified, true, false}, UninstallAction::saved_modified},
        {{HookOwner::mlv_modified, false, false}, UninstallAction::saved_modified},
        {{HookOwner::foreign, false, false}, UninstallAction::not_installed},
        {{HookOwner::foreign, true, true}, UninstallAction::removed_copy},
        {{HookOwner::foreign, true, false}, UninstallAction::left_conflict},
    };
    for (const Case& c : cases) {
        CAPTURE(static_cast<int>(c.files.owner));
        CAPTURE(c.files.chained_exists);
        CHECK(action_name(plan_uninstall(c.files)) == action_name(c.expected));
    }
}

TEST_CASE("hooks: inspect classifies hooks") {
    TempDir dir;
    auto files = inspect_hook(dir.path, Hook::pre_push);
    REQUIRE(files.ok());
    CHECK(files->owner == HookOwner::absent);
    CHECK_FALSE(files->chained_exists);

    write(dir.path + "/pre-push", lfs_pre_push);
    files = inspect_hook(dir.path, Hook::pre_push);
    REQUIRE(files.ok());
    CHECK(files->owner == HookOwner::foreign);

    write(dir.path + "/pre-push", std::string(hook_script(Hook::pre_push)));
    files = inspect_hook(dir.path, Hook::pre_push);
    REQUIRE(files.ok());
    CHECK(files->owner == HookOwner::mlv_current);

    write(dir.path + "/pre-push", std::string(hook_script(Hook::pre_push)) + "git lfs pre-push\n");
    files = inspect_hook(dir.path, Hook::pre_push);
    REQUIRE(files.ok());
    CHECK(files->owner == HookOwner::mlv_modified);

    // The other hook's script has the marker too, but is not this hook's.
    write(dir.path + "/pre-push", std::string(hook_script(Hook::pre_commit)));
    files = inspect_hook(dir.path, Hook::pre_push);
    REQUIRE(files.ok());
    CHECK(files->owner == HookOwner::mlv_modified);
}

TEST_CASE("hooks: inspect compares chained copy") {
    TempDir dir;
    write(dir.path + "/pre-push", lfs_pre_push);
    write(dir.path + "/pre-push.mlv-chained", lfs_pre_push);
    auto files = inspect_hook(dir.path, Hook::pre_push);
    REQUIRE(files.ok());
    CHECK(files->chained_exists);
    CHECK(files->chained_same_as_hook);

    write(dir.path + "/pre-push.mlv-chained", "#!/bin/sh\nexit 0\n");
    files = inspect_hook(dir.path, Hook::pre_push);
    REQUIRE(files.ok());
    CHECK(files->chained_exists);
    CHECK_FALSE(files->chained_same_as_hook);
}

TEST_CASE("hooks: dangling symlink is a foreign hook") {
    TempDir dir;
    fs::create_symlink(dir.path + "/missing-target", dir.path + "/pre-commit");
    auto files = inspect_hook(dir.path, Hook::pre_commit);
    REQUIRE(files.ok());
    CHECK(files->owner == HookOwner::foreign);
}

TEST_CASE("hooks: install into empty directory") {
    TempDir dir;
    std::string hooks = dir.path + "/hooks";
    auto outcomes = install_hooks(hooks, Force::no);
    REQUIRE(outcomes.ok());
    REQUIRE(outcomes->size() == 2);
    for (const auto& outcome : *outcomes) {
        CHECK(outcome.action == InstallAction::installed);
        CHECK_FALSE(outcome.chained);
        CHECK(read(outcome.path) == hook_script(outcome.hook));
        CHECK(is_executable(outcome.path));
        CHECK_FALSE(fs::exists(outcome.chained_path));
    }
}

TEST_CASE("hooks: install chains existing hook") {
    TempDir dir;
    write(dir.path + "/pre-push", lfs_pre_push);
    write(dir.path + "/post-checkout", "#!/bin/sh\ngit lfs post-checkout \"$@\"\n");

    auto outcomes = install_hooks(dir.path, Force::no);
    REQUIRE(outcomes.ok());
    CHECK((*outcomes)[0].action == InstallAction::installed);
    CHECK((*outcomes)[1].action == InstallAction::chained);
    CHECK((*outcomes)[1].chained);
    CHECK(read(dir.path + "/pre-push") == hook_script(Hook::pre_push));
    CHECK(read(dir.path + "/pre-push.mlv-chained") == lfs_pre_push);
    CHECK(is_executable(dir.path + "/pre-push.mlv-chained"));
    CHECK(read(dir.path + "/post-checkout") == "#!/bin/sh\ngit lfs post-checkout \"$@\"\n");
}

TEST_CASE("hooks: install twice changes nothing") {
    TempDir dir;
    write(dir.path + "/pre-push", lfs_pre_push);
    REQUIRE(install_hooks(dir.path, Force::no).ok());
    auto before = snapshot(dir.path);

    auto outcomes = install_hooks(dir.path, Force::no);
    REQUIRE(outcomes.ok());
    for (const auto& outcome : *outcomes) {
        CHECK(outcome.action == InstallAction::unchanged);
        CHECK_FALSE(changes_files(outcome.action));
    }
    CHECK(snapshot(dir.path) == before);
}

TEST_CASE("hooks: uninstall restores chained hook") {
    TempDir dir;
    write(dir.path + "/pre-push", lfs_pre_push);
    write(dir.path + "/post-merge", "#!/bin/sh\ngit lfs post-merge \"$@\"\n");
    auto before = snapshot(dir.path);
    REQUIRE(install_hooks(dir.path, Force::no).ok());

    auto outcomes = uninstall_hooks(dir.path);
    REQUIRE(outcomes.ok());
    CHECK((*outcomes)[0].action == UninstallAction::removed);
    CHECK((*outcomes)[1].action == UninstallAction::restored);
    CHECK(snapshot(dir.path) == before);
    CHECK(is_executable(dir.path + "/pre-push"));

    outcomes = uninstall_hooks(dir.path);
    REQUIRE(outcomes.ok());
    for (const auto& outcome : *outcomes) {
        CHECK(outcome.action == UninstallAction::not_installed);
    }
    CHECK(snapshot(dir.path) == before);
}

TEST_CASE("hooks: install rejects modified hook") {
    TempDir dir;
    REQUIRE(install_hooks(dir.path, Force::no).ok());
    std::string edited = std::string(hook_script(Hook::pre_push)) + "git lfs pre-push \"$@\"\n";
    write(dir.path + "/pre-push", edited);
    std::string commit_hook = dir.path + "/pre-commit";
    fs::remove(commit_hook);

    auto outcomes = install_hooks(dir.path, Force::no);
    REQUIRE(outcomes.ok());
    CHECK((*outcomes)[0].action == InstallAction::installed);
    CHECK((*outcomes)[1].action == InstallAction::rejected_modified);
    // All or nothing: the pre-commit hook was not written either.
    CHECK_FALSE(fs::exists(commit_hook));
    CHECK(read(dir.path + "/pre-push") == edited);

    outcomes = install_hooks(dir.path, Force::yes);
    REQUIRE(outcomes.ok());
    CHECK((*outcomes)[1].action == InstallAction::replaced_modified);
    CHECK(read(dir.path + "/pre-push") == hook_script(Hook::pre_push));
    CHECK(read(commit_hook) == hook_script(Hook::pre_commit));
}

TEST_CASE("hooks: uninstall saves modified hook") {
    // git-lfs's pre-push is chained; the user edited git-mlv's pre-push.
    TempDir dir;
    const std::string lfs_pre_push = "#!/bin/sh\ngit lfs pre-push \"$@\"\n";
    write(dir.path + "/pre-push", lfs_pre_push);
    REQUIRE(install_hooks(dir.path, Force::no).ok());
    std::string edited = std::string(hook_script(Hook::pre_push)) + "echo edited\n";
    write(dir.path + "/pre-push", edited);

    auto outcomes = uninstall_hooks(dir.path);
    REQUIRE(outcomes.ok());
    const auto& pre_push = (*outcomes)[1];
    CHECK(pre_push.action == UninstallAction::saved_modified);
    CHECK(pre_push.restored);
    CHECK(pre_push.saved_path == dir.path + "/pre-push.mlv-saved");
    CHECK(read(dir.path + "/pre-push") == lfs_pre_push);
    CHECK(read(dir.path + "/pre-push.mlv-saved") == edited);
    CHECK_FALSE(fs::exists(dir.path + "/pre-push.mlv-chained"));
    CHECK((*outcomes)[0].action == UninstallAction::removed);
    CHECK_FALSE(fs::exists(dir.path + "/pre-commit"));
}

TEST_CASE("hooks: uninstall keeps older saved hook") {
    TempDir dir;
    write(dir.path + "/pre-push.mlv-saved", "older\n");
    REQUIRE(install_hooks(dir.path, Force::no).ok());
    std::string edited = std::string(hook_script(Hook::pre_push)) + "echo edited\n";
    write(dir.path + "/pre-push", edited);

    auto outcomes = uninstall_hooks(dir.path);
    REQUIRE(outcomes.ok());
    CHECK((*outcomes)[1].action == UninstallAction::saved_modified);
    CHECK_FALSE((*outcomes)[1].restored);
    CHECK((*outcomes)[1].saved_path == dir.path + "/pre-push.mlv-saved.2");
    CHECK(read(dir.path + "/pre-push.mlv-saved") == "older\n");
    CHECK(read(dir.path + "/pre-push.mlv-saved.2") == edited);
    CHECK_FALSE(fs::exists(dir.path + "/pre-push"));
}

TEST_CASE("hooks: hook rewritten by git-lfs is rechained") {
    // `git lfs update --force` after `git mlv install` writes git-lfs's hook
    // over ours, leaving a pre-push equal to pre-push.mlv-chained.
    TempDir dir;
    write(dir.path + "/pre-push", lfs_pre_push);
    REQUIRE(install_hooks(dir.path, Force::no).ok());
    write(dir.path + "/pre-push", lfs_pre_push);

    auto outcomes = install_hooks(dir.path, Force::no);
    REQUIRE(outcomes.ok());
    CHECK((*outcomes)[1].action == InstallAction::replaced_copy);
    CHECK(read(dir.path + "/pre-push") == hook_script(Hook::pre_push));
    CHECK(read(dir.path + "/pre-push.mlv-chained") == lfs_pre_push);

    write(dir.path + "/pre-push", lfs_pre_push);
    auto removed = uninstall_hooks(dir.path);
    REQUIRE(removed.ok());
    CHECK((*removed)[1].action == UninstallAction::removed_copy);
    CHECK(read(dir.path + "/pre-push") == lfs_pre_push);
    CHECK_FALSE(fs::exists(dir.path + "/pre-push.mlv-chained"));
}

TEST_CASE("hooks: conflicting hooks are left alone") {
    TempDir dir;
    write(dir.path + "/pre-commit", "#!/bin/sh\necho lint\n");
    write(dir.path + "/pre-commit.mlv-chained", "#!/bin/sh\necho older\n");
    auto before = snapshot(dir.path);

    auto installed = install_hooks(dir.path, Force::yes);
    REQUIRE(installed.ok());
    CHECK((*installed)[0].action == InstallAction::rejected_conflict);
    CHECK(snapshot(dir.path) == before);

    auto removed = uninstall_hooks(dir.path);
    REQUIRE(removed.ok());
    CHECK((*removed)[0].action == UninstallAction::left_conflict);
    CHECK(snapshot(dir.path) == before);
}

TEST_CASE("hooks: uninstall restores after hook deleted") {
    TempDir dir;
    write(dir.path + "/pre-commit", "#!/bin/sh\necho lint\n");
    REQUIRE(install_hooks(dir.path, Force::no).ok());
    fs::remove(dir.path + "/pre-commit");

    auto outcomes = uninstall_hooks(dir.path);
    REQUIRE(outcomes.ok());
    CHECK((*outcomes)[0].action == UninstallAction::restored);
    CHECK(read(dir.path + "/pre-commit") == "#!/bin/sh\necho lint\n");
}

TEST_CASE("hooks: symlinked hook is chained as a link") {
    TempDir dir;
    write(dir.path + "/lint.sh", "#!/bin/sh\necho lint\n");
    fs::create_symlink("lint.sh", dir.path + "/pre-commit");

    REQUIRE(install_hooks(dir.path, Force::no).ok());
    CHECK(fs::is_symlink(dir.path + "/pre-commit.mlv-chained"));
    CHECK_FALSE(fs::is_symlink(dir.path + "/pre-commit"));

    REQUIRE(uninstall_hooks(dir.path).ok());
    CHECK(fs::is_symlink(dir.path + "/pre-commit"));
    CHECK(fs::read_symlink(dir.path + "/pre-commit") == "lint.sh");
}
