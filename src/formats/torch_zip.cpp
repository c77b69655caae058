#include "mlv/formats/torch_zip.hpp"

#include <algorithm>
#include <cstring>

namespace mlv::formats {
namespace {

// Record signatures and fixed record sizes of the zip format.
constexpr uint32_t local_header_signature = 0x04034b50;
constexpr uint32_t central_header_signature = 0x02014b50;
constexpr uint32_t end_signature = 0x06054b50;
constexpr uint32_t zip64_end_signature = 0x06064b50;
constexpr uint32_t zip64_locator_signature = 0x07064b50;
constexpr uint16_t zip64_extra_id = 0x0001;

constexpr uint64_t local_header_size = 30;
constexpr uint64_t central_header_size = 46;
constexpr uint64_t end_record_size = 22;
constexpr uint64_t zip64_locator_size = 20;
constexpr uint64_t zip64_end_record_size = 56;
constexpr uint64_t max_comment_size = 0xFFFF;

constexpr uint16_t method_stored = 0;

// Text entries larger than this are not what torch.save writes, so they are
// left unread.
constexpr uint64_t max_text_entry_size = 64;

uint16_t load_u16(const std::string& bytes, size_t offset) {
    return static_cast<uint16_t>(static_cast<uint8_t>(bytes[offset]) |
                                 static_cast<uint8_t>(bytes[offset + 1]) << 8);
}

uint32_t load_u32(const std::string& bytes, size_t offset) {
    return static_cast<uint32_t>(load_u16(bytes, offset)) |
           static_cast<uint32_t>(load_u16(bytes, offset + 2)) << 16;
}

// The central directory fields this reader needs, ZIP64 values applied.
struct Directory {
    uint64_t entry_count = 0;
    uint64_t size = 0;
    uint64_t offset = 0;
    uint64_t end_record_offset = 0; // where the first record after the directory starts
};

// An entry with the fields needed to read its data.
struct Entry {
    ZipEntry info;
    uint16_t method = 0;
    uint64_t local_header_offset = 0;
};

bool is_legacy_pickle(const ByteSource& source) {
    if (source.size() < 2) {
        return false;
    }
    auto start = source.read_string(0, 2);
    if (!start) {
        return false;
    }
    auto protocol = static_cast<uint8_t>((*start)[1]);
    return static_cast<uint8_t>((*start)[0]) == 0x80 && protocol >= 2 && protocol <= 5;
}

// Finds the end of central directory record by scanning backwards over the
// last 64 KiB + 22 bytes, the most that the record and its comment can take.
Result<uint64_t> find_end_record(const ByteSource& source) {
    uint64_t size = source.size();
    if (size < end_record_size) {
        return make_error("file of " + std::to_string(size) +
                          " bytes is too short for a zip archive");
    }
    uint64_t tail_size = std::min(size, max_comment_size + end_record_size);
    uint64_t tail_start = size - tail_size;
    auto tail = source.read_string(tail_start, tail_size);
    if (!tail) {
        return tail.error();
    }

    for (uint64_t position = tail_size - end_record_size + 1; position-- > 0;) {
        if (load_u32(*tail, position) != end_signature) {
            continue;
        }
        uint64_t comment_size = load_u16(*tail, position + 20);
        if (position + end_record_size + comment_size <= tail_size) {
            return tail_start + position;
        }
    }
    return make_error("no zip end of central directory record in the last " +
                      std::to_string(tail_size) + " bytes");
}

Result<Directory> read_zip64_directory(const ByteSource& source, uint64_t locator_offset) {
    ByteCursor locator(source, locator_offset + 4);
    auto disk = locator.u32();
    auto record_offset = locator.u64();
    if (!disk || !record_offset) {
        return make_error("truncated ZIP64 locator at offset " + std::to_string(locator_offset));
    }
    if (*record_offset > locator_offset ||
        locator_offset - *record_offset < zip64_end_record_size) {
        return make_error("ZIP64 end of central directory offset " +
                          std::to_string(*record_offset) + " at offset " +
                          std::to_string(locator_offset) + " is invalid");
    }

    ByteCursor record(source, *record_offset);
    auto signature = record.u32();
    if (!signature || *signature != zip64_end_signature) {
        return make_error("no ZIP64 end of central directory record at offset " +
                          std::to_string(*record_offset));
    }
    // Skip the record size, versions and disk numbers (8 + 2 + 2 + 4 + 4).
    auto skipped = record.skip(20);
    auto entries_on_disk = record.u64();
    auto entry_count = record.u64();
    auto directory_size = record.u64();
    auto directory_offset = record.u64();
    if (!skipped || !entries_on_disk || !entry_count || !directory_size || !directory_offset) {
        return make_error("truncated ZIP64 end of central directory record at offset " +
                          std::to_string(*record_offset));
    }
    return Directory{*entry_count, *directory_size, *directory_offset, *record_offset};
}

Result<Directory> read_directory_location(const ByteSource& source) {
    auto end_offset = find_end_record(source);
    if (!end_offset) {
        return end_offset.error();
    }
    auto record = source.read_string(*end_offset, end_record_size);
    if (!record) {
        return record.error();
    }
    uint16_t disk = load_u16(*record, 4);
    uint16_t directory_disk = load_u16(*record, 6);
    if (disk != 0 || directory_disk != 0) {
        return make_error("multi-disk zip archives are not supported");
    }

    Directory directory{load_u16(*record, 10), load_u32(*record, 12), load_u32(*record, 16),
                        *end_offset};

    // A ZIP64 locator sits right before the classic record when the
    // archive needs 64-bit counts or offsets.
    if (*end_offset >= zip64_locator_size) {
        uint64_t locator_offset = *end_offset - zip64_locator_size;
        auto signature = ByteCursor(source, locator_offset).u32();
        if (signature && *signature == zip64_locator_signature) {
            return read_zip64_directory(source, locator_offset);
        }
    }
    bool needs_zip64 = directory.entry_count == 0xFFFF || directory.size == 0xFFFFFFFF ||
                       directory.offset == 0xFFFFFFFF;
    if (needs_zip64) {
        return make_error("zip end of central directory at offset " + std::to_string(*end_offset) +
                          " needs a ZIP64 record, but there is none");
    }
    return directory;
}

Result<void> check_directory_bounds(const Directory& directory) {
    if (directory.entry_count > torch_zip_max_entries) {
        return make_error("zip entry count " + std::to_string(directory.entry_count) +
                          " exceeds the limit of " + std::to_string(torch_zip_max_entries));
    }
    bool inside = directory.offset <= directory.end_record_offset &&
                  directory.size <= directory.end_record_offset - directory.offset;
    if (!inside) {
        return make_error("zip central directory of " + std::to_string(directory.size) +
                          " bytes at offset " + std::to_string(directory.offset) +
                          " does not fit before offset " +
                          std::to_string(directory.end_record_offset));
    }
    if (directory.entry_count > directory.size / central_header_size) {
        return make_error("zip entry count " + std::to_string(directory.entry_count) +
                          " does not fit in a central directory of " +
                          std::to_string(directory.size) + " bytes");
    }
    return {};
}

// Replaces the 32-bit fields set to 0xFFFFFFFF with the values of the ZIP64
// extended information extra field, which lists only those, in this order.
Result<void> apply_zip64_extra(std::string_view extra, Entry& entry, bool size_is_wide,
                               bool compressed_is_wide, bool offset_is_wide) {
    size_t position = 0;
    while (position + 4 <= extra.size()) {
        std::string field(extra.substr(position, 4));
        uint16_t id = load_u16(field, 0);
        uint16_t length = load_u16(field, 2);
        if (position + 4 + length > extra.size()) {
            break;
        }
        if (id == zip64_extra_id) {
            std::string data(extra.substr(position + 4, length));
            size_t next = 0;
            auto take = [&](uint64_t& out) -> bool {
                if (next + 8 > data.size()) {
                    return false;
                }
                std::memcpy(&out, data.data() + next, 8);
                next += 8;
                return true;
            };
            bool complete = (!size_is_wide || take(entry.info.size)) &&
                            (!compressed_is_wide || take(entry.info.compressed_size)) &&
                            (!offset_is_wide || take(entry.local_header_offset));
            if (!complete) {
                return make_error("ZIP64 extra field of '" + entry.info.name + "' is too short");
            }
            return {};
        }
        position += 4 + length;
    }
    return make_error("entry '" + entry.info.name + "' needs a ZIP64 extra field, but has none");
}

Result<Entry> read_central_entry(ByteCursor& cursor, const Directory& directory) {
    uint64_t start = cursor.offset();
    auto fixed = cursor.bytes(central_header_size);
    if (!fixed) {
        return make_error("truncated zip central directory entry at offset " +
                          std::to_string(start));
    }
    if (load_u32(*fixed, 0) != central_header_signature) {
        return make_error("bad zip central directory entry signature at offset " +
                          std::to_string(start));
    }

    Entry entry;
    entry.method = load_u16(*fixed, 10);
    uint32_t compressed_size = load_u32(*fixed, 20);
    uint32_t size = load_u32(*fixed, 24);
    uint16_t name_length = load_u16(*fixed, 28);
    uint16_t extra_length = load_u16(*fixed, 30);
    uint16_t comment_length = load_u16(*fixed, 32);
    uint32_t local_header_offset = load_u32(*fixed, 42);

    uint64_t variable_length = uint64_t{name_length} + extra_length + comment_length;
    if (variable_length > directory.offset + directory.size - cursor.offset()) {
        return make_error("zip central directory entry at offset " + std::to_string(start) +
                          " runs past the end of the directory");
    }
    auto name = cursor.bytes(name_length);
    auto extra = cursor.bytes(extra_length);
    auto skipped = cursor.skip(comment_length);
    if (!name || !extra || !skipped) {
        return make_error("truncated zip central directory entry at offset " +
                          std::to_string(start));
    }

    entry.info.name = std::move(*name);
    entry.info.size = size;
    entry.info.compressed_size = compressed_size;
    entry.local_header_offset = local_header_offset;
    bool size_is_wide = size == 0xFFFFFFFF;
    bool compressed_is_wide = compressed_size == 0xFFFFFFFF;
    bool offset_is_wide = local_header_offset == 0xFFFFFFFF;
    if (size_is_wide || compressed_is_wide || offset_is_wide) {
        auto status =
            apply_zip64_extra(*extra, entry, size_is_wide, compressed_is_wide, offset_is_wide);
        if (!status) {
            return status.error();
        }
    }

    // Member data lies before the central directory, after a local header.
    bool inside = entry.local_header_offset <= directory.offset &&
                  entry.info.compressed_size <= directory.offset - entry.local_header_offset &&
                  directory.offset - entry.local_header_offset - entry.info.compressed_size >=
                      local_header_size;
    if (!inside) {
        return make_error("zip entry '" + entry.info.name + "' of " +
                          std::to_string(entry.info.compressed_size) + " bytes at offset " +
                          std::to_string(entry.local_header_offset) +
                          " does not fit before the central directory");
    }
    return entry;
}

// Reads a small stored entry as text without surrounding whitespace, or
// returns nullopt when it is compressed, too large or unreadable.
std::optional<std::string> read_text_entry(const ByteSource& source, const Entry& entry) {
    if (entry.method != method_stored || entry.info.size > max_text_entry_size ||
        entry.info.size != entry.info.compressed_size) {
        return std::nullopt;
    }
    auto header = source.read_string(entry.local_header_offset, local_header_size);
    if (!header || load_u32(*header, 0) != local_header_signature) {
        return std::nullopt;
    }
    uint64_t data_offset = entry.local_header_offset + local_header_size + load_u16(*header, 26) +
                           load_u16(*header, 28);
    auto text = source.read_string(data_offset, entry.info.size);
    if (!text) {
        return std::nullopt;
    }

    constexpr std::string_view whitespace = " \t\r\n";
    size_t first = text->find_first_not_of(whitespace);
    if (first == std::string::npos) {
        return std::string();
    }
    size_t last = text->find_last_not_of(whitespace);
    return text->substr(first, last - first + 1);
}

// Returns the top-level folder that contains data.pkl.
std::optional<std::string> find_record_prefix(const std::vector<Entry>& entries) {
    constexpr std::string_view suffix = "/data.pkl";
    for (const auto& entry : entries) {
        const std::string& name = entry.info.name;
        if (name.size() <= suffix.size() ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
            continue;
        }
        std::string prefix = name.substr(0, name.size() - suffix.size());
        if (prefix.find('/') == std::string::npos) {
            return prefix;
        }
    }
    return std::nullopt;
}

void summarise_records(const ByteSource& source, const std::vector<Entry>& entries,
                       TorchCheckpoint& checkpoint) {
    std::string storage_folder = checkpoint.record_prefix + "/data/";
    for (const auto& entry : entries) {
        const std::string& name = entry.info.name;
        if (name.size() > storage_folder.size() && name.rfind(storage_folder, 0) == 0 &&
            name.back() != '/') {
            ++checkpoint.storage_count;
            // Sizes come from the directory, so saturate rather than wrap.
            if (__builtin_add_overflow(checkpoint.storage_bytes, entry.info.size,
                                       &checkpoint.storage_bytes)) {
                checkpoint.storage_bytes = UINT64_MAX;
            }
        } else if (name == checkpoint.record_prefix + "/byteorder") {
            checkpoint.byteorder = read_text_entry(source, entry);
        } else if (name == checkpoint.record_prefix + "/version") {
            checkpoint.version = read_text_entry(source, entry);
        } else if (name == checkpoint.record_prefix + "/.format_version") {
            checkpoint.format_version = read_text_entry(source, entry);
        }
    }
}

} // namespace

Result<TorchCheckpoint> read_torch_checkpoint(const ByteSource& source) {
    if (is_legacy_pickle(source)) {
        TorchCheckpoint checkpoint;
        checkpoint.layout = TorchCheckpoint::Layout::legacy_pickle;
        return checkpoint;
    }
    auto magic = source.read_string(0, std::min<uint64_t>(source.size(), 2));
    if (!magic) {
        return magic.error();
    }
    if (*magic != "PK") {
        return make_error("not a PyTorch checkpoint: neither a zip archive nor a pickle");
    }

    auto directory = read_directory_location(source);
    if (!directory) {
        return directory.error();
    }
    if (auto status = check_directory_bounds(*directory); !status) {
        return status.error();
    }

    std::vector<Entry> entries;
    entries.reserve(directory->entry_count);
    ByteCursor cursor(source, directory->offset);
    for (uint64_t i = 0; i < directory->entry_count; ++i) {
        auto entry = read_central_entry(cursor, *directory);
        if (!entry) {
            return entry.error();
        }
        entries.push_back(std::move(*entry));
    }

    auto prefix = find_record_prefix(entries);
    if (!prefix) {
        return make_error("zip archive has no '<prefix>/data.pkl' entry, so it is not a PyTorch "
                          "checkpoint");
    }

    TorchCheckpoint checkpoint;
    checkpoint.record_prefix = *prefix;
    summarise_records(source, entries, checkpoint);
    for (auto& entry : entries) {
        checkpoint.entries.push_back(std::move(entry.info));
    }
    return checkpoint;
}

} // namespace mlv::formats
