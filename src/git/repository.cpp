#include "mlv/git/repository.hpp"

#include "mlv/util/trace.hpp"

#include <git2.h>
#include <git2/sys/repository.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace mlv::git {
namespace {

// libgit2 needs one global initialisation per process; it is never shut
// down because objects may outlive any scope we could pick.
void ensure_initialized() {
    static std::once_flag once;
    std::call_once(once, [] {
        git_libgit2_init();
        // libgit2 rehashes every object it reads by default; git does not,
        // and for a walk over thousands of commits the SHA-1 of every blob
        // read costs more than everything else.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    });
}

template <class T, void (*Free)(T*)> struct Freer {
    void operator()(T* object) const { Free(object); }
};
template <class T, void (*Free)(T*)> using Owned = std::unique_ptr<T, Freer<T, Free>>;

using OwnedObject = Owned<git_object, git_object_free>;
using OwnedCommit = Owned<git_commit, git_commit_free>;
using OwnedTree = Owned<git_tree, git_tree_free>;
using OwnedBlob = Owned<git_blob, git_blob_free>;
using OwnedIndex = Owned<git_index, git_index_free>;
using OwnedDiff = Owned<git_diff, git_diff_free>;
using OwnedStatus = Owned<git_status_list, git_status_list_free>;
using OwnedWalk = Owned<git_revwalk, git_revwalk_free>;
using OwnedConfig = Owned<git_config, git_config_free>;
using OwnedOdb = Owned<git_odb, git_odb_free>;
using OwnedOdbObject = Owned<git_odb_object, git_odb_object_free>;

Error git_failure(const std::string& what) {
    return make_error(what + ": " + last_error_message(), 128);
}

std::string hex(const git_oid* oid) {
    char buffer[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buffer, sizeof buffer, oid);
    return buffer;
}

Result<git_oid> parse_oid(std::string_view text) {
    git_oid oid;
    if (text.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, text.data(), text.size()) != 0) {
        return make_error("invalid object id '" + std::string(text) + "'", 128);
    }
    return oid;
}

std::string with_slash(const char* path) {
    if (path == nullptr) {
        return "";
    }
    std::string out(path);
    if (!out.empty() && out.back() != '/') {
        out.push_back('/');
    }
    return out;
}

Signature to_signature(const git_signature* sig) {
    Signature out;
    if (sig == nullptr) {
        return out;
    }
    out.name = sig->name ? sig->name : "";
    out.email = sig->email ? sig->email : "";
    out.time = static_cast<int64_t>(sig->when.time);
    out.offset_minutes = sig->when.offset;
    return out;
}

Result<OwnedCommit> lookup_commit(git_repository* repo, std::string_view commit_id) {
    auto oid = parse_oid(commit_id);
    if (!oid) {
        return oid.error();
    }
    git_commit* commit = nullptr;
    if (git_commit_lookup(&commit, repo, &*oid) != 0) {
        return git_failure("cannot read commit " + std::string(commit_id));
    }
    return OwnedCommit(commit);
}

Result<OwnedTree> lookup_tree_of(git_repository* repo, std::string_view commit_id) {
    if (commit_id.empty()) {
        return OwnedTree(nullptr);
    }
    auto commit = lookup_commit(repo, commit_id);
    if (!commit) {
        return commit.error();
    }
    git_tree* tree = nullptr;
    if (git_commit_tree(&tree, commit->get()) != 0) {
        return git_failure("cannot read tree of " + std::string(commit_id));
    }
    return OwnedTree(tree);
}

ChangeKind to_change_kind(git_delta_t status) {
    switch (status) {
    case GIT_DELTA_ADDED:
        return ChangeKind::added;
    case GIT_DELTA_DELETED:
        return ChangeKind::deleted;
    case GIT_DELTA_RENAMED:
        return ChangeKind::renamed;
    case GIT_DELTA_COPIED:
        return ChangeKind::copied;
    case GIT_DELTA_TYPECHANGE:
        return ChangeKind::type_changed;
    default:
        return ChangeKind::modified;
    }
}

Result<std::vector<TreeChange>> collect_changes(git_diff* diff, Repository::Renames renames) {
    if (renames == Repository::Renames::detect) {
        git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
        find.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_EXACT_MATCH_ONLY;
        if (git_diff_find_similar(diff, &find) != 0) {
            return git_failure("cannot detect renames");
        }
    }
    std::vector<TreeChange> changes;
    size_t count = git_diff_num_deltas(diff);
    changes.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff, i);
        TreeChange change;
        change.kind = to_change_kind(delta->status);
        bool deleted = delta->status == GIT_DELTA_DELETED;
        change.path = deleted ? delta->old_file.path : delta->new_file.path;
        change.old_path = delta->old_file.path ? delta->old_file.path : change.path;
        if (delta->status != GIT_DELTA_ADDED) {
            change.old_blob_id = hex(&delta->old_file.id);
        }
        if (!deleted) {
            change.new_blob_id = hex(&delta->new_file.id);
        }
        changes.push_back(std::move(change));
    }
    return changes;
}

// Only regular files and symlinks are artifacts; submodules (commits) and
// directories are skipped.
bool is_blob_mode(uint32_t mode) {
    return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
           mode == GIT_FILEMODE_LINK;
}

// Git runs the pre-commit hook with GIT_INDEX_FILE naming the index that
// the commit records: .git/index.lock for `git commit -a`, a temporary
// next-index-*.lock for `git commit <paths>`. libgit2 ignores the variable
// unless opened with GIT_REPOSITORY_OPEN_FROM_ENV, so it is applied here. A
// relative path is relative to the current directory, as in Git.
Result<void> use_index_file_from_environment(git_repository* repo) {
    const char* index_file = std::getenv("GIT_INDEX_FILE");
    if (index_file == nullptr || *index_file == '\0') {
        return {};
    }
    git_index* index = nullptr;
    if (git_index_open(&index, index_file) != 0) {
        return git_failure("cannot read the index '" + std::string(index_file) +
                           "' named by GIT_INDEX_FILE");
    }
    OwnedIndex owned(index);
    if (git_repository_set_index(repo, index) != 0) {
        return git_failure("cannot use the index '" + std::string(index_file) + "'");
    }
    trace::log("git", std::string("using the index ") + index_file + " from GIT_INDEX_FILE");
    return {};
}

} // namespace

std::string last_error_message() {
    const git_error* error = git_error_last();
    if (error == nullptr || error->message == nullptr) {
        return "unknown libgit2 error";
    }
    std::string message = error->message;
    while (!message.empty() && (message.back() == '.' || message.back() == '\n')) {
        message.pop_back();
    }
    return message;
}

void Repository::Deleter::operator()(git_repository* repo) const {
    git_repository_free(repo);
}

Repository::Repository(git_repository* repo) : repo_(repo) {
}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

Result<Repository> Repository::discover(const std::string& start_path) {
    ensure_initialized();
    git_buf found = GIT_BUF_INIT;
    if (git_repository_discover(&found, start_path.c_str(), 0, nullptr) != 0) {
        git_buf_dispose(&found);
        return make_error("not a git repository (or any of the parent directories): .git", 128);
    }
    std::string path(found.ptr, found.size);
    git_buf_dispose(&found);
    return open(path);
}

Result<Repository> Repository::open(const std::string& path) {
    ensure_initialized();
    git_repository* repo = nullptr;
    if (git_repository_open(&repo, path.c_str()) != 0) {
        return git_failure("cannot open repository '" + path + "'");
    }
    Repository opened(repo);
    trace::log("git", "opened repository at " + path);

    auto index = use_index_file_from_environment(repo);
    if (!index) {
        return index.error();
    }
    return opened;
}

std::string Repository::workdir() const {
    return with_slash(git_repository_workdir(repo_.get()));
}
std::string Repository::git_dir() const {
    return with_slash(git_repository_path(repo_.get()));
}
std::string Repository::common_dir() const {
    return with_slash(git_repository_commondir(repo_.get()));
}
bool Repository::is_bare() const {
    return git_repository_is_bare(repo_.get()) == 1;
}

Result<std::string> Repository::resolve_commit(std::string_view revision) const {
    git_object* object = nullptr;
    std::string spec(revision);
    if (git_revparse_single(&object, repo_.get(), spec.c_str()) != 0) {
        return make_error("unknown revision '" + spec + "'", 128);
    }
    OwnedObject owned(object);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) != 0) {
        return make_error("'" + spec + "' does not name a commit", 128);
    }
    OwnedObject owned_peeled(peeled);
    return hex(git_object_id(peeled));
}

bool Repository::has_head() const {
    git_reference* head = nullptr;
    if (git_repository_head(&head, repo_.get()) != 0) {
        return false;
    }
    git_reference_free(head);
    return true;
}

Result<CommitInfo> Repository::commit(std::string_view commit_id) const {
    auto commit = lookup_commit(repo_.get(), commit_id);
    if (!commit) {
        return commit.error();
    }
    git_commit* c = commit->get();
    CommitInfo info;
    info.id = hex(git_commit_id(c));
    info.tree_id = hex(git_commit_tree_id(c));
    for (unsigned i = 0; i < git_commit_parentcount(c); ++i) {
        info.parents.push_back(hex(git_commit_parent_id(c, i)));
    }
    info.author = to_signature(git_commit_author(c));
    info.committer = to_signature(git_commit_committer(c));
    const char* summary = git_commit_summary(c);
    info.summary = summary ? summary : "";
    const char* message = git_commit_message(c);
    info.message = message ? message : "";
    return info;
}

Result<std::vector<TreeEntry>> Repository::list_tree(std::string_view commit_id) const {
    auto tree = lookup_tree_of(repo_.get(), commit_id);
    if (!tree) {
        return tree.error();
    }
    std::vector<TreeEntry> entries;
    auto callback = [](const char* root, const git_tree_entry* entry, void* payload) -> int {
        auto mode = static_cast<uint32_t>(git_tree_entry_filemode(entry));
        if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || !is_blob_mode(mode)) {
            return 0;
        }
        auto* out = static_cast<std::vector<TreeEntry>*>(payload);
        out->push_back(TreeEntry{std::string(root) + git_tree_entry_name(entry),
                                 hex(git_tree_entry_id(entry)), mode});
        return 0;
    };
    if (git_tree_walk(tree->get(), GIT_TREEWALK_PRE, callback, &entries) != 0) {
        return git_failure("cannot list tree of " + std::string(commit_id));
    }
    return entries;
}

Result<std::vector<TreeEntry>> Repository::list_index() const {
    git_index* raw_index = nullptr;
    if (git_repository_index(&raw_index, repo_.get()) != 0) {
        return git_failure("cannot read the index");
    }
    OwnedIndex index(raw_index);
    std::vector<TreeEntry> entries;
    size_t count = git_index_entrycount(raw_index);
    for (size_t i = 0; i < count; ++i) {
        const git_index_entry* entry = git_index_get_byindex(raw_index, i);
        if (git_index_entry_stage(entry) != 0 || !is_blob_mode(entry->mode)) {
            continue;
        }
        entries.push_back(TreeEntry{entry->path, hex(&entry->id), entry->mode});
    }
    return entries;
}

Result<std::optional<std::string>> Repository::blob_at(std::string_view commit_id,
                                                       std::string_view path) const {
    auto tree = lookup_tree_of(repo_.get(), commit_id);
    if (!tree) {
        return tree.error();
    }
    git_tree_entry* entry = nullptr;
    std::string p(path);
    if (git_tree_entry_bypath(&entry, tree->get(), p.c_str()) != 0) {
        return std::optional<std::string>();
    }
    std::optional<std::string> id;
    if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
        id = hex(git_tree_entry_id(entry));
    }
    git_tree_entry_free(entry);
    return id;
}

Result<uint64_t> Repository::blob_size(std::string_view blob_id) const {
    auto oid = parse_oid(blob_id);
    if (!oid) {
        return oid.error();
    }
    // The object database reads only the object header for the size, so a
    // large blob is not inflated.
    git_odb* raw_odb = nullptr;
    if (git_repository_odb(&raw_odb, repo_.get()) != 0) {
        return git_failure("cannot open the object database");
    }
    OwnedOdb odb(raw_odb);
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    if (git_odb_read_header(&size, &type, raw_odb, &*oid) != 0) {
        return git_failure("cannot read object " + std::string(blob_id));
    }
    return static_cast<uint64_t>(size);
}

Result<std::string> Repository::read_blob(std::string_view blob_id, uint64_t max_size) const {
    auto size = blob_size(blob_id);
    if (!size) {
        return size.error();
    }
    if (*size > max_size) {
        return make_error("blob " + std::string(blob_id) + " of " + std::to_string(*size) +
                          " bytes exceeds the limit of " + std::to_string(max_size) + " bytes");
    }
    auto oid = parse_oid(blob_id);
    git_blob* blob = nullptr;
    if (git_blob_lookup(&blob, repo_.get(), &*oid) != 0) {
        return git_failure("cannot read blob " + std::string(blob_id));
    }
    OwnedBlob owned(blob);
    const char* data = static_cast<const char*>(git_blob_rawcontent(blob));
    return std::string(data, static_cast<size_t>(git_blob_rawsize(blob)));
}

Result<std::string> Repository::read_blob_prefix(std::string_view blob_id, uint64_t length) const {
    // NOTE: libgit2 inflates the whole object even for a prefix; callers use
    // this on blobs whose size they checked, such as LFS pointer candidates.
    auto oid = parse_oid(blob_id);
    if (!oid) {
        return oid.error();
    }
    git_blob* blob = nullptr;
    if (git_blob_lookup(&blob, repo_.get(), &*oid) != 0) {
        return git_failure("cannot read blob " + std::string(blob_id));
    }
    OwnedBlob owned(blob);
    auto size = static_cast<uint64_t>(git_blob_rawsize(blob));
    const char* data = static_cast<const char*>(git_blob_rawcontent(blob));
    return std::string(data, static_cast<size_t>(std::min(size, length)));
}

Result<std::vector<TreeChange>> Repository::diff_commits(std::string_view old_commit,
                                                         std::string_view new_commit,
                                                         Renames renames) const {
    auto old_tree = lookup_tree_of(repo_.get(), old_commit);
    if (!old_tree) {
        return old_tree.error();
    }
    auto new_tree = lookup_tree_of(repo_.get(), new_commit);
    if (!new_tree) {
        return new_tree.error();
    }
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    git_diff* raw_diff = nullptr;
    if (git_diff_tree_to_tree(&raw_diff, repo_.get(), old_tree->get(), new_tree->get(), &options) !=
        0) {
        return git_failure("cannot diff " + std::string(old_commit) + " and " +
                           std::string(new_commit));
    }
    OwnedDiff diff(raw_diff);
    return collect_changes(raw_diff, renames);
}

Result<std::vector<TreeChange>> Repository::diff_commit_to_index(std::string_view commit_id) const {
    auto tree = lookup_tree_of(repo_.get(), commit_id);
    if (!tree) {
        return tree.error();
    }
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    git_diff* raw_diff = nullptr;
    if (git_diff_tree_to_index(&raw_diff, repo_.get(), tree->get(), nullptr, &options) != 0) {
        return git_failure("cannot diff the index against " + std::string(commit_id));
    }
    OwnedDiff diff(raw_diff);
    return collect_changes(raw_diff, Renames::detect);
}

namespace {

Result<std::vector<StatusEntry>> collect_status(git_repository* repo, git_status_show_t show,
                                                unsigned flags) {
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    options.show = show;
    options.flags = flags;
    git_status_list* raw_list = nullptr;
    if (git_status_list_new(&raw_list, repo, &options) != 0) {
        return git_failure("cannot compute status");
    }
    OwnedStatus list(raw_list);

    std::vector<StatusEntry> entries;
    size_t count = git_status_list_entrycount(raw_list);
    for (size_t i = 0; i < count; ++i) {
        const git_status_entry* raw = git_status_byindex(raw_list, i);
        StatusEntry entry;
        unsigned flags = raw->status;
        const git_diff_delta* head_to_index = raw->head_to_index;
        const git_diff_delta* index_to_workdir = raw->index_to_workdir;
        if (head_to_index != nullptr) {
            entry.path = head_to_index->new_file.path;
            entry.head_path = head_to_index->old_file.path;
        } else if (index_to_workdir != nullptr) {
            entry.path = index_to_workdir->old_file.path;
            entry.head_path = entry.path;
        }
        if (flags & GIT_STATUS_INDEX_NEW)
            entry.index_state = 'A';
        if (flags & GIT_STATUS_INDEX_MODIFIED)
            entry.index_state = 'M';
        if (flags & GIT_STATUS_INDEX_DELETED)
            entry.index_state = 'D';
        if (flags & GIT_STATUS_INDEX_RENAMED)
            entry.index_state = 'R';
        if (flags & GIT_STATUS_INDEX_TYPECHANGE)
            entry.index_state = 'T';
        if (flags & GIT_STATUS_WT_MODIFIED)
            entry.worktree_state = 'M';
        if (flags & GIT_STATUS_WT_DELETED)
            entry.worktree_state = 'D';
        if (flags & GIT_STATUS_WT_TYPECHANGE)
            entry.worktree_state = 'T';
        if (flags & GIT_STATUS_WT_NEW)
            entry.worktree_state = '?';
        if (entry.index_state == ' ' && entry.worktree_state == ' ') {
            continue; // ignored or conflicted-only entries
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

} // namespace

Result<std::vector<StatusEntry>> Repository::status() const {
    return collect_status(repo_.get(), GIT_STATUS_SHOW_INDEX_AND_WORKDIR,
                          GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                              GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX |
                              GIT_STATUS_OPT_SORT_CASE_SENSITIVELY |
                              GIT_STATUS_OPT_EXCLUDE_SUBMODULES);
}

Result<std::vector<StatusEntry>> Repository::staged_status() const {
    return collect_status(repo_.get(), GIT_STATUS_SHOW_INDEX_ONLY,
                          GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX |
                              GIT_STATUS_OPT_SORT_CASE_SENSITIVELY |
                              GIT_STATUS_OPT_EXCLUDE_SUBMODULES);
}

Result<std::vector<std::string>> Repository::untracked_files() const {
    // Diffing the working tree against an empty in-memory index makes every
    // file "new", so libgit2 walks the tree and applies the ignore rules but
    // compares, and so hashes, nothing. What the real index tracks is then
    // removed.
    git_index* raw_empty = nullptr;
    if (git_index_new(&raw_empty) != 0) {
        return git_failure("cannot create an in-memory index");
    }
    OwnedIndex empty(raw_empty);
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.flags =
        GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_IGNORE_SUBMODULES;
    git_diff* raw_diff = nullptr;
    if (git_diff_index_to_workdir(&raw_diff, repo_.get(), raw_empty, &options) != 0) {
        return git_failure("cannot list untracked files");
    }
    OwnedDiff diff(raw_diff);

    git_index* raw_index = nullptr;
    if (git_repository_index(&raw_index, repo_.get()) != 0) {
        return git_failure("cannot read the index");
    }
    OwnedIndex index(raw_index);

    std::vector<std::string> paths;
    size_t count = git_diff_num_deltas(raw_diff);
    for (size_t i = 0; i < count; ++i) {
        const git_diff_delta* delta = git_diff_get_delta(raw_diff, i);
        if (delta->status != GIT_DELTA_UNTRACKED) {
            continue;
        }
        const char* path = delta->new_file.path;
        size_t position = 0;
        if (git_index_find(&position, raw_index, path) == 0) {
            continue; // tracked, at any stage
        }
        paths.emplace_back(path);
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

Result<std::vector<CommitInfo>> Repository::log(std::string_view range, Order order) const {
    git_revwalk* raw_walk = nullptr;
    if (git_revwalk_new(&raw_walk, repo_.get()) != 0) {
        return git_failure("cannot walk history");
    }
    OwnedWalk walk(raw_walk);
    unsigned sorting = GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME;
    if (order == Order::oldest_first) {
        sorting |= GIT_SORT_REVERSE;
    }
    git_revwalk_sorting(raw_walk, sorting);

    std::string spec(range);
    int rc =
        spec.find("..") != std::string::npos ? git_revwalk_push_range(raw_walk, spec.c_str()) : 0;
    if (spec.find("..") == std::string::npos) {
        auto tip = resolve_commit(spec);
        if (!tip) {
            return tip.error();
        }
        auto oid = parse_oid(*tip);
        rc = git_revwalk_push(raw_walk, &*oid);
    }
    if (rc != 0) {
        return make_error("unknown revision or range '" + spec + "'", 128);
    }

    std::vector<CommitInfo> commits;
    git_oid oid;
    while (git_revwalk_next(&oid, raw_walk) == 0) {
        auto info = commit(hex(&oid));
        if (!info) {
            return info.error();
        }
        commits.push_back(std::move(*info));
    }
    return commits;
}

Result<std::vector<CommitInfo>> Repository::walk(const std::vector<std::string>& tips,
                                                 const std::vector<std::string>& hidden,
                                                 Order order) const {
    git_revwalk* raw_walk = nullptr;
    if (git_revwalk_new(&raw_walk, repo_.get()) != 0) {
        return git_failure("cannot walk history");
    }
    OwnedWalk walk(raw_walk);
    unsigned sorting = GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME;
    if (order == Order::oldest_first) {
        sorting |= GIT_SORT_REVERSE;
    }
    git_revwalk_sorting(raw_walk, sorting);

    for (const auto* list : {&tips, &hidden}) {
        for (const auto& revision : *list) {
            auto id = resolve_commit(revision);
            if (!id) {
                return id.error();
            }
            auto oid = parse_oid(*id);
            int rc = list == &tips ? git_revwalk_push(raw_walk, &*oid)
                                   : git_revwalk_hide(raw_walk, &*oid);
            if (rc != 0) {
                return git_failure("cannot walk from '" + revision + "'");
            }
        }
    }

    std::vector<CommitInfo> commits;
    git_oid oid;
    while (git_revwalk_next(&oid, raw_walk) == 0) {
        auto info = commit(hex(&oid));
        if (!info) {
            return info.error();
        }
        commits.push_back(std::move(*info));
    }
    return commits;
}

Result<std::optional<std::string>> Repository::attribute(std::string_view path,
                                                         std::string_view name,
                                                         AttributeSource source,
                                                         std::string_view commit_id) const {
    git_attr_options options = GIT_ATTR_OPTIONS_INIT;
    git_oid commit_oid;
    switch (source) {
    case AttributeSource::worktree:
        options.flags = GIT_ATTR_CHECK_FILE_THEN_INDEX;
        break;
    case AttributeSource::index:
        options.flags = GIT_ATTR_CHECK_INDEX_ONLY;
        break;
    case AttributeSource::commit: {
        auto oid = parse_oid(commit_id);
        if (!oid) {
            return oid.error();
        }
        commit_oid = *oid;
        // INDEX_ONLY keeps the working tree's files out; the commit's
        // .gitattributes is then read from its tree.
        options.flags = GIT_ATTR_CHECK_INDEX_ONLY | GIT_ATTR_CHECK_INCLUDE_COMMIT;
        options.attr_commit_id = commit_oid;
        break;
    }
    }
    const char* value = nullptr;
    std::string p(path);
    std::string n(name);
    if (git_attr_get_ext(&value, repo_.get(), &options, p.c_str(), n.c_str()) != 0) {
        return git_failure("cannot read attribute '" + n + "' of '" + p + "'");
    }
    switch (git_attr_value(value)) {
    case GIT_ATTR_VALUE_UNSPECIFIED:
        return std::optional<std::string>();
    case GIT_ATTR_VALUE_TRUE:
        return std::optional<std::string>("true");
    case GIT_ATTR_VALUE_FALSE:
        return std::optional<std::string>("false");
    case GIT_ATTR_VALUE_STRING:
        return std::optional<std::string>(value);
    }
    return std::optional<std::string>();
}

std::optional<std::string> Repository::config_string(std::string_view key) const {
    git_config* raw_config = nullptr;
    if (git_repository_config_snapshot(&raw_config, repo_.get()) != 0) {
        return std::nullopt;
    }
    OwnedConfig config(raw_config);
    const char* value = nullptr;
    std::string k(key);
    if (git_config_get_string(&value, raw_config, k.c_str()) != 0) {
        return std::nullopt;
    }
    return std::string(value);
}

std::vector<std::pair<std::string, std::string>>
Repository::config_entries(std::string_view prefix) const {
    std::vector<std::pair<std::string, std::string>> out;
    git_config* raw_config = nullptr;
    if (git_repository_config_snapshot(&raw_config, repo_.get()) != 0) {
        return out;
    }
    OwnedConfig config(raw_config);
    git_config_iterator* iterator = nullptr;
    if (git_config_iterator_new(&iterator, raw_config) != 0) {
        return out;
    }
    git_config_entry* entry = nullptr;
    while (git_config_next(&entry, iterator) == 0) {
        std::string entry_name = entry->name;
        if (entry_name.rfind(prefix, 0) == 0) {
            out.emplace_back(entry_name, entry->value ? entry->value : "");
        }
    }
    git_config_iterator_free(iterator);
    return out;
}

std::string Repository::lfs_object_path(std::string_view oid) const {
    std::string id(oid);
    if (id.size() < 4) {
        return common_dir() + "lfs/objects/invalid";
    }
    return common_dir() + "lfs/objects/" + id.substr(0, 2) + "/" + id.substr(2, 2) + "/" + id;
}

} // namespace mlv::git
