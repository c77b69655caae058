// PyTorch checkpoints (`.bin`, `.pt`, `.pth`, `.ckpt`): zip layout only.
//
// torch.save writes a zip archive whose entries are `<prefix>/data.pkl` (the
// pickled object graph), `<prefix>/data/<n>` (raw storages),
// `<prefix>/version` and `<prefix>/byteorder`. Older files are a bare pickle
// stream. git-mlv never unpickles anything: it lists the zip's central
// directory, reads `version` and `byteorder`, and reports a legacy pickle as
// detected.
#pragma once

#include "mlv/util/byte_source.hpp"
#include "mlv/util/json.hpp"
#include "mlv/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlv::formats {

inline constexpr uint64_t torch_zip_max_entries = 1'000'000;

struct ZipEntry {
    std::string name;
    uint64_t size = 0; // uncompressed
    uint64_t compressed_size = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ZipEntry, name, size, compressed_size)

struct TorchCheckpoint {
    enum class Layout { zip, legacy_pickle };
    Layout layout = Layout::zip;
    std::string record_prefix; // "archive", "model", ... ("" for legacy)
    std::vector<ZipEntry> entries;
    uint64_t storage_count = 0;           // entries under <prefix>/data/
    uint64_t storage_bytes = 0;           // their total size
    std::optional<std::string> byteorder; // "little" or "big"
    std::optional<std::string> version;   // content of <prefix>/version
    // Content of <prefix>/.format_version, which newer torch.save versions
    // write and older archives lack.
    std::optional<std::string> format_version;
};
NLOHMANN_JSON_SERIALIZE_ENUM(TorchCheckpoint::Layout,
                             {{TorchCheckpoint::Layout::zip, "zip"},
                              {TorchCheckpoint::Layout::legacy_pickle, "legacy_pickle"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TorchCheckpoint, layout, record_prefix, entries,
                                                storage_count, storage_bytes, byteorder, version,
                                                format_version)

// Reads the zip central directory (ZIP64 included) or detects a legacy
// pickle (first byte 0x80, protocol 2 to 5). The small text entries
// (`byteorder`, `version`, `.format_version`) are read only when stored
// uncompressed and at most 64 bytes long, and are trimmed of surrounding
// whitespace. Fails on anything else, on a zip without `<prefix>/data.pkl`,
// or on a directory that does not fit the file.
Result<TorchCheckpoint> read_torch_checkpoint(const ByteSource& source);

} // namespace mlv::formats
