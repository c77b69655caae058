#include "mlv/formats/sentencepiece.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cstring>
#include <string>

using namespace mlv;
using namespace mlv::formats;

namespace {

// Appends protobuf wire-format fields to a byte string.
class Proto {
  public:
    Proto& varint(uint32_t field_number, uint64_t value) {
        key(field_number, 0);
        raw_varint(value);
        return *this;
    }
    Proto& fixed32(uint32_t field_number, float value) {
        key(field_number, 5);
        auto bits = std::bit_cast<uint32_t>(value);
        for (int i = 0; i < 4; ++i) {
            bytes_.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
        }
        return *this;
    }
    Proto& bytes(uint32_t field_number, std::string_view value) {
        key(field_number, 2);
        raw_varint(value.size());
        bytes_.append(value);
        return *this;
    }
    const std::string& str() const { return bytes_; }

  private:
    void key(uint32_t field_number, uint32_t wire_type) {
        raw_varint((uint64_t{field_number} << 3) | wire_type);
    }
    void raw_varint(uint64_t value) {
        while (value >= 0x80) {
            bytes_.push_back(static_cast<char>((value & 0x7f) | 0x80));
            value >>= 7;
        }
        bytes_.push_back(static_cast<char>(value));
    }
    std::string bytes_;
};

// SentencePiece.Type numbers.
enum PieceType : uint64_t {
    normal = 1,
    unknown = 2,
    control = 3,
    user_defined = 4,
    unused = 5,
    byte = 6
};

std::string piece(std::string_view text, float score, std::optional<uint64_t> type) {
    Proto message;
    message.bytes(1, text).fixed32(2, score);
    if (type) {
        message.varint(3, *type);
    }
    return message.str();
}

// A small BPE model: <unk>, <s>, </s> as in Llama, two byte pieces, a user
// piece, two normal pieces and an unused one.
std::string small_model() {
    Proto trainer;
    trainer
        .bytes(1, "corpus.txt") // input, ignored
        .varint(3, 2)           // model_type BPE
        .varint(4, 8)           // vocab_size, ignored
        .varint(40, 0)
        .varint(41, 1)
        .varint(42, 2)
        .varint(43, static_cast<uint64_t>(int64_t{-1}));

    Proto model;
    model.bytes(1, piece("<unk>", 0, unknown))
        .bytes(1, piece("<s>", 0, control))
        .bytes(1, piece("</s>", 0, control))
        .bytes(1, piece("<0x0A>", 0, byte))
        .bytes(1, piece("<0x0D>", 0, byte))
        .bytes(1, piece("<user>", 0, user_defined))
        .bytes(1, piece("\xE2\x96\x81the", -1.5f, std::nullopt))
        .bytes(1, piece("s", -2.5f, normal))
        .bytes(1, piece("<old>", 0, unused))
        .bytes(2, trainer.str())
        .bytes(3, Proto().bytes(1, "nmt_nfkc").str()); // normalizer_spec, ignored
    return model.str();
}

Result<SentencePieceModel> read(std::string_view bytes) {
    MemorySource source(bytes);
    return read_sentencepiece(source);
}

// A source that claims a size past the limit and fails every read.
class HugeSource final : public ByteSource {
  public:
    uint64_t size() const override { return sentencepiece_max_size + 1; }
    Result<void> read(uint64_t, std::span<std::byte>) const override {
        return make_error("read not expected");
    }
};

} // namespace

TEST_CASE("sentencepiece: pieces and types") {
    std::string bytes = small_model();
    auto model = read(bytes);
    REQUIRE(model.ok());
    REQUIRE(model->vocab.entries.size() == 9);
    CHECK(model->vocab.entries[0] == std::make_pair(std::string("<unk>"), int64_t{0}));
    CHECK(model->vocab.entries[6] == std::make_pair(std::string("\xE2\x96\x81the"), int64_t{6}));
    CHECK(model->vocab.entries[8] == std::make_pair(std::string("<old>"), int64_t{8}));
    CHECK(model->vocab.max_id == 8);
    CHECK(model->type_counts == std::map<std::string, uint64_t>{{"normal", 2},
                                                                {"unknown", 1},
                                                                {"control", 2},
                                                                {"user_defined", 1},
                                                                {"byte", 2},
                                                                {"unused", 1}});
    CHECK(model->model_type == "bpe");
    CHECK(model->special_ids ==
          std::map<std::string, int64_t>{{"unk", 0}, {"bos", 1}, {"eos", 2}, {"pad", -1}});
}

TEST_CASE("sentencepiece: trainer ids") {
    Proto trainer;
    trainer.varint(3, 1)
        .varint(40, 3)
        .varint(41, static_cast<uint64_t>(int64_t{-1}))
        .varint(42, 1)
        .varint(43, 0);
    Proto model;
    model.bytes(1, piece("<pad>", 0, control)).bytes(2, trainer.str());
    auto parsed = read(model.str());
    REQUIRE(parsed.ok());
    CHECK(parsed->model_type == "unigram");
    CHECK(parsed->special_ids.at("unk") == 3);
    CHECK(parsed->special_ids.at("bos") == -1);
    CHECK(parsed->special_ids.at("eos") == 1);
    CHECK(parsed->special_ids.at("pad") == 0);
}

TEST_CASE("sentencepiece: defaults without trainer_spec") {
    Proto model;
    model.bytes(1, piece("a", 0, std::nullopt));
    auto parsed = read(model.str());
    REQUIRE(parsed.ok());
    CHECK_FALSE(parsed->model_type.has_value());
    CHECK(parsed->special_ids ==
          std::map<std::string, int64_t>{{"unk", 0}, {"bos", 1}, {"eos", 2}, {"pad", -1}});
    CHECK(parsed->type_counts == std::map<std::string, uint64_t>{{"normal", 1}});
}

TEST_CASE("sentencepiece: no pieces") {
    auto empty = read("");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().message == "invalid SentencePiece model: no pieces");

    Proto trainer_only;
    trainer_only.bytes(2, Proto().varint(3, 1).str());
    auto no_pieces = read(trainer_only.str());
    REQUIRE_FALSE(no_pieces.ok());
    CHECK(no_pieces.error().message == "invalid SentencePiece model: no pieces");
}

TEST_CASE("sentencepiece: invalid values") {
    Proto bad_type;
    bad_type.bytes(1, piece("a", 0, normal)).bytes(1, piece("b", 0, 9));
    auto type = read(bad_type.str());
    REQUIRE_FALSE(type.ok());
    CHECK(type.error().message == "invalid SentencePiece model: piece 1: unknown piece type 9");

    Proto bad_model_type;
    bad_model_type.bytes(1, piece("a", 0, normal)).bytes(2, Proto().varint(3, 7).str());
    auto model_type = read(bad_model_type.str());
    REQUIRE_FALSE(model_type.ok());
    CHECK(model_type.error().message ==
          "invalid SentencePiece model: trainer_spec: unknown trainer_spec.model_type 7");

    Proto pieces_varint;
    pieces_varint.varint(1, 5);
    auto wire = read(pieces_varint.str());
    REQUIRE_FALSE(wire.ok());
    CHECK(wire.error().message ==
          "invalid SentencePiece model: pieces entry is not a message (field 1)");

    Proto score_varint;
    score_varint.bytes(1, Proto().bytes(1, "a").varint(2, 1).str());
    auto score = read(score_varint.str());
    REQUIRE_FALSE(score.ok());
    CHECK(score.error().message ==
          "invalid SentencePiece model: piece 0: piece score is not a float (field 2)");
}

TEST_CASE("sentencepiece: non-protobuf input") {
    for (std::string_view text :
         {std::string_view("{\"model\": {\"vocab\": {}}}"),
          std::string_view("version https://git-lfs.github.com/spec/v1\noid sha256:9e55\n"),
          std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12),
          std::string_view("\x0a\xff\xff\xff\xff\x0f", 6)}) {
        CAPTURE(text);
        auto model = read(text);
        REQUIRE_FALSE(model.ok());
        CHECK(model.error().message.rfind("invalid SentencePiece model: ", 0) == 0);
    }
}

TEST_CASE("sentencepiece: truncated at every byte") {
    std::string bytes = small_model();
    size_t parsed = 0;
    for (size_t length = 0; length < bytes.size(); ++length) {
        CAPTURE(length);
        auto model = read(std::string_view(bytes).substr(0, length));
        if (model.ok()) {
            // A cut between top-level fields leaves a shorter valid model.
            CHECK(model->vocab.entries.size() <= 9);
            ++parsed;
        } else {
            CHECK(model.error().message.rfind("invalid SentencePiece model: ", 0) == 0);
        }
    }
    // The 9 cuts after a whole piece plus the one before normalizer_spec:
    // every other prefix ends inside a field.
    CHECK(parsed == 10);
}

TEST_CASE("sentencepiece: size limit") {
    HugeSource source;
    auto model = read_sentencepiece(source);
    REQUIRE_FALSE(model.ok());
    CHECK(model.error().message == "cannot read SentencePiece model: size 268435457 exceeds the "
                                   "limit of 268435456 bytes");
}
