#include "mlv/store/history_cache.hpp"

#include "mlv/util/error.hpp"
#include "mlv/util/file.hpp"
#include "mlv/util/trace.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace mlv::store {
namespace {

constexpr std::string_view magic = "mlv-log-cache";
constexpr std::string_view format_version = "1";
constexpr std::string_view entry_suffix = ".log";

// Escapes the four bytes that would break the line and field structure.
void append_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += c;
        }
    }
}

std::optional<std::string> unescape(std::string_view text) {
    if (text.find('\\') == std::string_view::npos) {
        return std::string(text);
    }
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (++i == text.size()) {
            return std::nullopt;
        }
        switch (text[i]) {
        case '\\':
            out += '\\';
            break;
        case 't':
            out += '\t';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        default:
            return std::nullopt;
        }
    }
    return out;
}

std::vector<std::string_view> split(std::string_view line, char separator) {
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (true) {
        size_t end = line.find(separator, start);
        if (end == std::string_view::npos) {
            fields.push_back(line.substr(start));
            return fields;
        }
        fields.push_back(line.substr(start, end - start));
        start = end + 1;
    }
}

template <typename Number> std::optional<Number> parse_number(std::string_view text) {
    Number value{};
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

bool is_plain_word(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

bool is_hex(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
}

Error malformed(size_t line_number, std::string_view what) {
    return Error{
        "malformed log cache at line " + std::to_string(line_number) + ": " + std::string(what), 1};
}

// Decodes an entry file line by line, checking the order of the line types.
class EntryParser {
  public:
    explicit EntryParser(std::string_view key) : key_(key) {}

    Result<void> line(std::string_view text) {
        ++line_number_;
        if (ended_) {
            return malformed(line_number_, "text after the end line");
        }
        auto fields = split(text, '\t');
        std::string_view tag = fields.front();
        if (line_number_ == 1) {
            return header(fields);
        }
        if (line_number_ == 2) {
            return key_line(fields);
        }
        if (tag == "lfs") {
            return lfs(fields);
        }
        if (tag == "commit") {
            return commit(fields);
        }
        if (tag == "summary" || tag == "evidence") {
            return text_line(tag, fields);
        }
        if (tag == "file") {
            return file(fields);
        }
        if (tag == "end") {
            return end(fields);
        }
        return malformed(line_number_, "unknown line type '" + std::string(tag) + "'");
    }

    Result<HistoryEntry> finish() {
        if (!ended_) {
            return malformed(line_number_, "missing end line");
        }
        return std::move(entry_);
    }

  private:
    Result<void> header(const std::vector<std::string_view>& fields) {
        if (fields.size() != 2 || fields[0] != magic || fields[1] != format_version) {
            return malformed(line_number_, "not a version 1 log cache");
        }
        return {};
    }

    Result<void> key_line(const std::vector<std::string_view>& fields) {
        if (fields.size() != 2 || fields[0] != "key" || fields[1] != key_) {
            return malformed(line_number_, "key does not match the file name");
        }
        return {};
    }

    Result<void> lfs(const std::vector<std::string_view>& fields) {
        if (!entry_.rows.empty()) {
            return malformed(line_number_, "lfs line after the first commit line");
        }
        if (fields.size() != 3 || !is_hex(fields[1]) || (fields[2] != "0" && fields[2] != "1")) {
            return malformed(line_number_, "invalid lfs line");
        }
        entry_.lfs_objects.push_back(LfsPresence{std::string(fields[1]), fields[2] == "1"});
        return {};
    }

    Result<void> commit(const std::vector<std::string_view>& fields) {
        if (fields.size() != 7 || !is_hex(fields[1])) {
            return malformed(line_number_, "invalid commit line");
        }
        auto session = parse_number<int>(fields[2]);
        auto size = parse_number<uint64_t>(fields[3]);
        if (!session || !size || !is_plain_word(fields[4]) || !is_plain_word(fields[5])) {
            return malformed(line_number_, "invalid commit line");
        }
        HistoryRow row;
        row.commit = fields[1];
        row.session = *session;
        row.weights_total_size = *size;
        row.stage = fields[4];
        row.maintenance = fields[5];
        if (!fields[6].empty()) {
            for (auto stage : split(fields[6], ',')) {
                if (!is_plain_word(stage)) {
                    return malformed(line_number_, "invalid secondary stage");
                }
                row.secondary_stages.emplace_back(stage);
            }
        }
        entry_.rows.push_back(std::move(row));
        has_summary_ = false;
        return {};
    }

    Result<void> text_line(std::string_view tag, const std::vector<std::string_view>& fields) {
        if (entry_.rows.empty() || fields.size() != 2) {
            return malformed(line_number_, "invalid " + std::string(tag) + " line");
        }
        auto text = unescape(fields[1]);
        if (!text) {
            return malformed(line_number_, "invalid escape");
        }
        auto& row = entry_.rows.back();
        if (tag == "evidence") {
            row.evidence.push_back(std::move(*text));
            return {};
        }
        if (has_summary_) {
            return malformed(line_number_, "second summary line");
        }
        row.summary = std::move(*text);
        has_summary_ = true;
        return {};
    }

    Result<void> file(const std::vector<std::string_view>& fields) {
        if (entry_.rows.empty() || fields.size() != 4 || !is_plain_word(fields[2])) {
            return malformed(line_number_, "invalid file line");
        }
        auto path = unescape(fields[1]);
        auto headline = unescape(fields[3]);
        if (!path || !headline) {
            return malformed(line_number_, "invalid escape");
        }
        entry_.rows.back().files.push_back(
            HistoryFileRow{std::move(*path), std::string(fields[2]), std::move(*headline)});
        return {};
    }

    Result<void> end(const std::vector<std::string_view>& fields) {
        auto count = fields.size() == 2 ? parse_number<size_t>(fields[1]) : std::nullopt;
        if (!count || *count != entry_.rows.size()) {
            return malformed(line_number_, "end line does not match the number of commits");
        }
        ended_ = true;
        return {};
    }

    std::string_view key_;
    HistoryEntry entry_;
    size_t line_number_ = 0;
    bool has_summary_ = false;
    bool ended_ = false;
};

// Removes the oldest entry files until at most `keep` remain.
void evict(const std::string& directory, size_t keep) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<std::pair<fs::file_time_type, fs::path>> entries;
    for (const auto& item : fs::directory_iterator(directory, ec)) {
        if (item.path().extension() != entry_suffix) {
            continue;
        }
        auto time = fs::last_write_time(item.path(), ec);
        if (!ec) {
            entries.emplace_back(time, item.path());
        }
    }
    if (entries.size() <= keep) {
        return;
    }
    std::sort(entries.begin(), entries.end());
    for (size_t i = 0; i + keep < entries.size(); ++i) {
        fs::remove(entries[i].second, ec);
        trace::log("store", "evicted log cache " + entries[i].second.string());
    }
}

} // namespace

std::string encode_history_entry(std::string_view key, const HistoryEntry& entry) {
    std::string out;
    out.reserve(256 + entry.rows.size() * 256);
    out.append(magic).append("\t").append(format_version).append("\n");
    out.append("key\t").append(key).append("\n");
    for (const auto& object : entry.lfs_objects) {
        out.append("lfs\t").append(object.oid).append(object.present ? "\t1\n" : "\t0\n");
    }
    for (const auto& row : entry.rows) {
        out.append("commit\t").append(row.commit).append("\t");
        out.append(std::to_string(row.session)).append("\t");
        out.append(std::to_string(row.weights_total_size)).append("\t");
        out.append(row.stage).append("\t").append(row.maintenance).append("\t");
        for (size_t i = 0; i < row.secondary_stages.size(); ++i) {
            out.append(i == 0 ? "" : ",").append(row.secondary_stages[i]);
        }
        out.append("\nsummary\t");
        append_escaped(out, row.summary);
        out.append("\n");
        for (const auto& line : row.evidence) {
            out.append("evidence\t");
            append_escaped(out, line);
            out.append("\n");
        }
        for (const auto& file : row.files) {
            out.append("file\t");
            append_escaped(out, file.path);
            out.append("\t").append(file.role).append("\t");
            append_escaped(out, file.headline);
            out.append("\n");
        }
    }
    out.append("end\t").append(std::to_string(entry.rows.size())).append("\n");
    return out;
}

Result<HistoryEntry> decode_history_entry(std::string_view text, std::string_view key) {
    EntryParser parser(key);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            return Error{"malformed log cache: last line has no newline", 1};
        }
        if (auto status = parser.line(text.substr(start, end - start)); !status) {
            return status.error();
        }
        start = end + 1;
    }
    return parser.finish();
}

HistoryCache::HistoryCache(std::string directory) : directory_(std::move(directory)) {
}

std::string HistoryCache::entry_path(std::string_view key) const {
    return directory_ + "/" + std::string(key) + std::string(entry_suffix);
}

std::optional<HistoryEntry> HistoryCache::load(std::string_view key) const {
    if (directory_.empty()) {
        return std::nullopt;
    }
    std::string path = entry_path(key);
    if (!stat_file(path)) {
        trace::log("store", "no log cache " + path);
        return std::nullopt;
    }
    auto text = read_file(path, history_cache_max_bytes);
    if (!text) {
        trace::log("store", "ignoring log cache: " + text.error().message);
        return std::nullopt;
    }
    auto entry = decode_history_entry(*text, key);
    if (!entry) {
        trace::log("store", "ignoring log cache " + path + ": " + entry.error().message);
        return std::nullopt;
    }
    return std::move(entry).value();
}

void HistoryCache::store(std::string_view key, const HistoryEntry& entry) const {
    if (directory_.empty()) {
        return;
    }
    std::string text = encode_history_entry(key, entry);
    if (text.size() > history_cache_max_bytes) {
        trace::log("store", "log cache entry of " + std::to_string(text.size()) +
                                " bytes exceeds the limit; not written");
        return;
    }
    if (auto status = write_file_atomic(entry_path(key), text); !status) {
        trace::log("store", "cannot write log cache: " + status.error().message);
        return;
    }
    evict(directory_, history_cache_max_entries);
}

} // namespace mlv::store
