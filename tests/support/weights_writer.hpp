// Builders of weight files for tests: safetensors, GGUF v3, stored zip
// archives laid out like torch.save checkpoints, and ONNX ModelProto bytes.
//
// Every builder returns the whole file as a std::string; wrap it in an
// mlv::MemorySource or write it to disk. Tensor data is zero-filled. The
// low-level ByteWriter and ProtoWriter also build malformed inputs for the
// hostile-input tests.
//
//   auto bytes = mlv::test::safetensors_bytes({{"w", "F32", {3, 4}}}, {{"format", "pt"}});
//
//   mlv::test::GgufBuilder gguf;
//   gguf.set_string("general.architecture", "llama")
//       .set_string_array("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>"})
//       .set_u32("tokenizer.ggml.bos_token_id", 1)
//       .add_tensor("token_embd.weight", "F16", {3, 8}); // [vocab, hidden]
//   std::string file = gguf.build();
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::test {

// Appends little-endian values to a byte string.
class ByteWriter {
  public:
    ByteWriter& u8(uint8_t value);
    ByteWriter& u16(uint16_t value);
    ByteWriter& u32(uint32_t value);
    ByteWriter& u64(uint64_t value);
    ByteWriter& i32(int32_t value);
    ByteWriter& i64(int64_t value);
    ByteWriter& f32(float value);
    ByteWriter& f64(double value);
    ByteWriter& bytes(std::string_view value);
    ByteWriter& zeros(uint64_t count);
    // A GGUF string: uint64 length, then the bytes without a terminator.
    ByteWriter& gguf_string(std::string_view value);
    // Appends zero bytes until the size is a multiple of `alignment`.
    ByteWriter& pad_to(uint64_t alignment);

    const std::string& str() const { return bytes_; }
    uint64_t size() const { return bytes_.size(); }

  private:
    std::string bytes_;
};

// One tensor to write: dtype is a safetensors dtype ("F32", "BF16") or, for
// GGUF, a ggml type name ("F16", "Q4_K"). Shape is outermost first.
struct TensorSpec {
    std::string name;
    std::string dtype;
    std::vector<uint64_t> shape;
};

// Builds a valid safetensors file: tensors laid out back to back in the given
// order, zero-filled, and `metadata` as "__metadata__" when not empty.
// Throws std::invalid_argument on an unknown dtype or an overflowing shape.
std::string safetensors_bytes(const std::vector<TensorSpec>& tensors,
                              const std::map<std::string, std::string>& metadata = {});

// Builds a safetensors file from a literal header: the 8-byte length, the
// JSON text as given, then `data_size` zero bytes. For malformed headers.
std::string safetensors_with_header(std::string_view header_json, uint64_t data_size = 0);

// Whether GgufBuilder::build writes the padding and tensor data after the
// tensor infos.
enum class GgufData { include, omit };

// GGUF metadata value types, as numbered in the GGUF specification.
enum class GgufValueType : uint32_t {
    u8 = 0,
    i8 = 1,
    u16 = 2,
    i16 = 3,
    u32 = 4,
    i32 = 5,
    f32 = 6,
    boolean = 7,
    string = 8,
    array = 9,
    u64 = 10,
    i64 = 11,
    f64 = 12,
};

// Builds a GGUF file (version 3 unless set): header, key/values in insertion
// order, tensor infos, padding to the alignment, then the zero-filled tensor
// data, each tensor at an aligned offset. Setting "general.alignment" with
// set_u32 to a power of two changes the alignment used for the layout.
class GgufBuilder {
  public:
    GgufBuilder& version(uint32_t value);

    GgufBuilder& set_u8(const std::string& key, uint8_t value);
    GgufBuilder& set_u32(const std::string& key, uint32_t value);
    GgufBuilder& set_i32(const std::string& key, int32_t value);
    GgufBuilder& set_u64(const std::string& key, uint64_t value);
    GgufBuilder& set_i64(const std::string& key, int64_t value);
    GgufBuilder& set_f32(const std::string& key, float value);
    GgufBuilder& set_f64(const std::string& key, double value);
    GgufBuilder& set_bool(const std::string& key, bool value);
    GgufBuilder& set_string(const std::string& key, std::string_view value);
    GgufBuilder& set_string_array(const std::string& key, const std::vector<std::string>& values);
    GgufBuilder& set_i32_array(const std::string& key, const std::vector<int32_t>& values);
    GgufBuilder& set_f32_array(const std::string& key, const std::vector<float>& values);
    // Adds a key with a value type and payload written as given, so that a
    // test can write unknown types or nested arrays.
    GgufBuilder& set_raw(const std::string& key, uint32_t value_type, std::string_view payload);

    // Adds a tensor of ggml `type` ("F32", "Q8_0") with `shape` outermost
    // first; the file stores the dimensions innermost first. Throws
    // std::invalid_argument on an unknown type or a row length that is not a
    // multiple of the type's block size.
    GgufBuilder& add_tensor(const std::string& name, const std::string& type,
                            const std::vector<uint64_t>& shape);

    // Returns the whole file. With GgufData::omit the file ends right after
    // the tensor infos, as a header-only or truncated download would.
    std::string build(GgufData data = GgufData::include) const;

  private:
    struct Tensor {
        std::string name;
        uint32_t type = 0;
        std::vector<uint64_t> shape;
        uint64_t size = 0;
    };

    uint32_t version_ = 3;
    uint64_t alignment_ = 32;
    uint64_t kv_count_ = 0;
    ByteWriter kv_;
    std::vector<Tensor> tensors_;
};

// One member of a zip archive. `data` is written as given, and `method`
// is only recorded in the headers (8 claims deflate without compressing).
struct ZipMember {
    std::string name;
    std::string data;
    uint16_t method = 0;
};

enum class Zip64 { no, yes };

// Builds a zip archive of stored (uncompressed) members with correct CRC-32s.
// With Zip64::yes the archive also has a ZIP64 end of central directory
// record and locator, and each central directory entry carries its sizes in
// a ZIP64 extra field with 0xFFFFFFFF in the 32-bit fields. `comment` is the
// archive comment after the end of central directory record.
std::string zip_bytes(const std::vector<ZipMember>& members, Zip64 zip64 = Zip64::no,
                      std::string_view comment = {});

// Builds a checkpoint laid out as torch.save writes it: `<prefix>/data.pkl`
// (a placeholder pickle of an empty dict), `<prefix>/byteorder` ("little"),
// `<prefix>/data/<i>` of `storage_sizes[i]` zero bytes, and
// `<prefix>/version` ("3").
std::string torch_zip_bytes(const std::string& prefix, const std::vector<uint64_t>& storage_sizes,
                            Zip64 zip64 = Zip64::no);

// Appends protobuf wire-format fields to a byte string.
class ProtoWriter {
  public:
    ProtoWriter& varint(uint32_t field_number, uint64_t value);
    ProtoWriter& bytes(uint32_t field_number, std::string_view value);
    ProtoWriter& fixed32(uint32_t field_number, uint32_t value);
    // A packed repeated varint field (one length-delimited payload).
    ProtoWriter& packed_varints(uint32_t field_number, const std::vector<uint64_t>& values);

    const std::string& str() const { return bytes_; }

  private:
    void raw_varint(uint64_t value);

    std::string bytes_;
};

// One ONNX initializer: an ONNX TensorProto data type (1 FLOAT, 7 INT64, ...)
// and dims. Data is left out, as for a model with external data.
struct OnnxInitializer {
    std::string name;
    int32_t data_type = 1;
    std::vector<int64_t> dims;
};

// Builds an ONNX ModelProto: ir_version, producer "mlv-test" 1.0, one opset
// import, a graph with `node_count` empty nodes and the initializers (dims
// written packed).
std::string onnx_model_bytes(const std::vector<OnnxInitializer>& initializers,
                             uint64_t node_count = 1, int64_t ir_version = 8,
                             int64_t opset_version = 17);

} // namespace mlv::test
