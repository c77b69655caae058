#include "history_cache.hpp"

#include "mlv/util/file.hpp"
#include "mlv/util/hash.hpp"
#include "mlv/util/trace.hpp"

#include <cstdlib>
#include <filesystem>
#include <set>

namespace mlv::lifecycle::detail {
namespace {

// Bump whenever classification, summaries, evidence or file headlines
// change their output; the executable's identity in the key only guards
// against stale entries when the binary file itself changes.
constexpr int classifier_version = 3;

void append_file_identity(std::string& material, const std::string& path) {
    material += path;
    auto stat = stat_file(path);
    if (!stat) {
        material += " absent\n";
        return;
    }
    material += " " + std::to_string(stat->size) + " " + std::to_string(stat->mtime_ns) + " " +
                std::to_string(stat->inode) + "\n";
}

std::string home_path(const std::string& relative) {
    const char* home = std::getenv("HOME");
    return home == nullptr ? std::string() : std::string(home) + "/" + relative;
}

// The attribute files libgit2 reads besides the .gitattributes of a commit:
// $GIT_DIR/info/attributes, core.attributesFile and, when that is unset,
// $XDG_CONFIG_HOME/git/attributes (or ~/.config/git/attributes).
void append_attribute_files(std::string& material, const git::Repository& repo) {
    append_file_identity(material, repo.common_dir() + "info/attributes");
    if (auto configured = repo.config_string("core.attributesFile")) {
        std::string path = *configured;
        if (path.starts_with("~/")) {
            path = home_path(path.substr(2));
        }
        append_file_identity(material, path);
        return;
    }
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    std::string path = xdg != nullptr && *xdg != '\0' ? std::string(xdg) + "/git/attributes"
                                                      : home_path(".config/git/attributes");
    append_file_identity(material, path);
}

std::optional<Maintenance> parse_maintenance(std::string_view name) {
    for (auto maintenance :
         {Maintenance::corrective, Maintenance::perfective, Maintenance::adaptive}) {
        if (to_string(maintenance) == name) {
            return maintenance;
        }
    }
    return std::nullopt;
}

bool lfs_presence_unchanged(const git::Repository& repo, const store::HistoryEntry& entry) {
    for (const auto& object : entry.lfs_objects) {
        bool present = std::filesystem::exists(repo.lfs_object_path(object.oid));
        if (present != object.present) {
            trace::log("lifecycle", "LFS object " + object.oid + " is " +
                                        (present ? "present" : "missing") +
                                        " now; log cache is stale");
            return false;
        }
    }
    return true;
}

bool row_names_known(const store::HistoryRow& row) {
    if (!parse_stage(row.stage) || !parse_maintenance(row.maintenance)) {
        return false;
    }
    for (const auto& name : row.secondary_stages) {
        if (!parse_stage(name)) {
            return false;
        }
    }
    for (const auto& file : row.files) {
        if (!artifacts::parse_role(file.role)) {
            return false;
        }
    }
    return true;
}

// Moves a row into a record; row_names_known(row) must hold.
CommitRecord record_from_row(store::HistoryRow&& row, git::CommitInfo&& commit) {
    CommitRecord record;
    record.commit = std::move(commit);
    record.session = row.session;
    record.weights_total_size = row.weights_total_size;
    record.stage = *parse_stage(row.stage);
    record.maintenance = *parse_maintenance(row.maintenance);
    record.summary = std::move(row.summary);
    record.evidence = std::move(row.evidence);
    for (const auto& name : row.secondary_stages) {
        record.secondary_stages.push_back(*parse_stage(name));
    }
    record.files.reserve(row.files.size());
    for (auto& file : row.files) {
        record.files.push_back(FileSummary{std::move(file.path), *artifacts::parse_role(file.role),
                                           std::move(file.headline)});
    }
    return record;
}

store::HistoryRow row_from_record(const CommitRecord& record) {
    store::HistoryRow row;
    row.commit = record.commit.id;
    row.session = record.session;
    row.weights_total_size = record.weights_total_size;
    row.stage = to_string(record.stage);
    row.maintenance = to_string(record.maintenance);
    row.summary = record.summary;
    row.evidence = record.evidence;
    for (auto stage : record.secondary_stages) {
        row.secondary_stages.emplace_back(to_string(stage));
    }
    for (const auto& file : record.files) {
        row.files.push_back(store::HistoryFileRow{
            file.path, std::string(artifacts::to_string(file.role)), file.headline});
    }
    return row;
}

} // namespace

std::string log_cache_key(const git::Repository& repo, const std::string& repository_name,
                          const std::vector<git::CommitInfo>& commits,
                          int64_t session_gap_seconds) {
    std::string material;
    material.reserve(256 + commits.size() * 41);
    material += "classifier " + std::to_string(classifier_version) + "\n";
    append_file_identity(material, "/proc/self/exe");
    material += "repository " + repository_name + "\n";
    material += "session-gap " + std::to_string(session_gap_seconds) + "\n";
    append_attribute_files(material, repo);
    for (const auto& commit : commits) {
        material += commit.id;
        material += '\n';
    }
    return hash_bytes(material).sha256;
}

store::HistoryEntry make_cache_entry(const git::Repository& repo,
                                     const std::vector<CommitRecord>& records) {
    store::HistoryEntry entry;
    std::set<std::string> lfs_oids;
    for (const auto& record : records) {
        entry.rows.push_back(row_from_record(record));
        for (const auto& change : record.changes) {
            for (const auto* artifact : {&change.before, &change.after}) {
                if (*artifact && (*artifact)->is_lfs() && is_sha256_hex((*artifact)->oid)) {
                    lfs_oids.insert((*artifact)->oid);
                }
            }
        }
    }
    for (const auto& oid : lfs_oids) {
        bool present = std::filesystem::exists(repo.lfs_object_path(oid));
        entry.lfs_objects.push_back(store::LfsPresence{oid, present});
    }
    return entry;
}

std::optional<std::vector<CommitRecord>> records_from_cache(const git::Repository& repo,
                                                            store::HistoryEntry&& entry,
                                                            std::vector<git::CommitInfo>& commits,
                                                            const std::vector<int>& sessions) {
    if (entry.rows.size() != commits.size() || !lfs_presence_unchanged(repo, entry)) {
        return std::nullopt;
    }
    for (size_t i = 0; i < commits.size(); ++i) {
        const auto& row = entry.rows[i];
        if (row.commit != commits[i].id || row.session != sessions[i]) {
            trace::log("lifecycle",
                       "log cache row " + std::to_string(i) + " does not fit the walk");
            return std::nullopt;
        }
        if (!row_names_known(row)) {
            trace::log("lifecycle", "log cache row " + std::to_string(i) + " has an unknown name");
            return std::nullopt;
        }
    }

    std::vector<CommitRecord> records;
    records.reserve(commits.size());
    for (size_t i = 0; i < commits.size(); ++i) {
        records.push_back(record_from_row(std::move(entry.rows[i]), std::move(commits[i])));
    }
    return records;
}

} // namespace mlv::lifecycle::detail
