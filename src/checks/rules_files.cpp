// Rules on single files: readable content and Git LFS storage.
#include "model_view.hpp"

#include "mlv/checks/config.hpp"
#include "mlv/checks/rules.hpp"
#include "mlv/util/size.hpp"

#include <cstdio>
#include <optional>

namespace mlv::checks {

using artifacts::Storage;
using detail::make_finding;
using detail::quote;

namespace {

// The position in a JSON reader's error ("invalid JSON at line 3, column
// 16: ..."), so that SARIF consumers can point at it.
std::optional<std::pair<int64_t, int64_t>> json_error_position(std::string_view error) {
    constexpr std::string_view marker = "at line ";
    auto at = error.find(marker);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    long long line = 0;
    long long column = 0;
    std::string rest(error.substr(at + marker.size()));
    if (std::sscanf(rest.c_str(), "%lld, column %lld", &line, &column) != 2 || line < 1 ||
        column < 1) {
        return std::nullopt;
    }
    return std::make_pair(static_cast<int64_t>(line), static_cast<int64_t>(column));
}

bool under_lfs_filter(const CheckInput& input, const std::string& path) {
    auto it = input.filters.find(path);
    return it != input.filters.end() && it->second == "lfs";
}

std::string_view stored_as(artifacts::SnapshotKind kind) {
    return kind == artifacts::SnapshotKind::index ? "staged" : "committed";
}

// git-lfs 3.x checks with the remote whether it has an object that is
// missing locally, so only the remote can tell whether this push fails.
Finding missing_object_finding(const CheckInput& input, const artifacts::Artifact& artifact) {
    std::string message = "the Git LFS object of " + quote(artifact.path) + " (oid " +
                          artifact.oid.substr(0, 12) + ", " + format_size(artifact.size) +
                          ") is not in .git/lfs/objects";
    Json values = {{"oid", artifact.oid}, {"size", artifact.size}};
    if (input.incomplete_push == IncompletePush::allowed) {
        auto finding = make_finding(
            "lfs-object-missing", {artifact.path}, std::move(message),
            "lfs.allowincompletepush is true, so git-lfs pushes without it and the remote may "
            "not have it; run 'git lfs fetch --all' to get it",
            std::move(values));
        finding.severity = Severity::warning;
        return finding;
    }
    return make_finding("lfs-object-missing", {artifact.path}, std::move(message),
                        "git-lfs fails the push unless the remote already has this object; run "
                        "'git lfs fetch --all' to get it, or push with GIT_MLV_SKIP_HOOKS=1 "
                        "if the remote has it",
                        std::move(values));
}

} // namespace

void check_integrity(const CheckInput& input, Findings& out) {
    for (const auto& artifact : input.state->artifacts) {
        if (!artifact.description || !artifact.description->error) {
            continue;
        }
        // .mlv.json allows comments, which the generic JSON reader rejects;
        // config-invalid reports its real problems.
        if (artifact.path == config_file_name) {
            continue;
        }
        // A name without a weights extension was read as a checkpoint only
        // because its content starts like a zip or a pickle (a NumPy .npz is
        // a zip too). When that guess fails, the file is merely unknown.
        if (artifact.format == artifacts::Format::pytorch &&
            artifacts::format_from_path(artifact.path) == artifacts::Format::binary) {
            continue;
        }
        const std::string& error = *artifact.description->error;
        Json values = {{"format", std::string(artifacts::to_string(artifact.format))},
                       {"error", error}};
        auto position = json_error_position(error);
        if (position) {
            values["line"] = position->first;
            values["column"] = position->second;
        }
        // For a pointer the reader saw the LFS object, not the pointer text
        // at the path, so the message names the object it read.
        std::string subject = quote(artifact.path);
        if (artifact.is_lfs()) {
            subject = "the Git LFS object " + artifact.oid.substr(0, 12) + " behind the pointer " +
                      quote(artifact.path);
            values["oid"] = artifact.oid;
        }
        std::string hint = position ? "fix the file at the position given"
                           : artifact.is_lfs()
                               ? "commit a valid file in its place with git-lfs installed"
                               : "replace it with a valid file";
        out.push_back(
            make_finding("file-invalid", {artifact.path}, "cannot read " + subject + ": " + error,
                         hint + "; rules that need it skip it until then", std::move(values)));
    }
}

void check_lfs(const CheckInput& input, Findings& out) {
    const auto kind = input.state->kind;
    for (const auto& artifact : input.state->artifacts) {
        bool filtered = under_lfs_filter(input, artifact.path);

        // The working tree holds smudged content, so a regular file under
        // filter=lfs is normal there; only blobs show how Git stores it.
        if (filtered && !artifact.is_lfs() && kind != artifacts::SnapshotKind::worktree &&
            artifact.size > 0) {
            out.push_back(make_finding(
                "lfs-not-pointer", {artifact.path, ".gitattributes"},
                quote(artifact.path) + " is under filter=lfs but is " +
                    std::string(stored_as(kind)) + " as a regular blob of " +
                    format_size(artifact.size),
                "run 'git add --renormalize " + artifact.path +
                    "' with git-lfs installed, or 'git lfs migrate import' for history",
                {{"size", artifact.size}}));
        }

        if (artifact.is_lfs() && !filtered) {
            out.push_back(make_finding(
                "lfs-pointer-unfiltered", {artifact.path, ".gitattributes"},
                quote(artifact.path) + " contains a Git LFS pointer (oid " +
                    artifact.oid.substr(0, 12) + ", " + format_size(artifact.size) +
                    ") but is not under filter=lfs, so loaders read the pointer text",
                "run 'git lfs track " + artifact.path +
                    "' and commit .gitattributes, or commit the real file in its place",
                {{"oid", artifact.oid}, {"size", artifact.size}}));
        }

        if (input.lfs_objects == LfsObjects::required && artifact.storage == Storage::lfs_missing) {
            out.push_back(missing_object_finding(input, artifact));
        }
    }
}

} // namespace mlv::checks
