#include "mlv/formats/sentencepiece.hpp"

#include "mlv/util/protobuf.hpp"

#include <array>
#include <string>

namespace mlv::formats {
namespace {

// Field numbers from sentencepiece_model.proto.
constexpr uint32_t model_pieces_field = 1;
constexpr uint32_t model_trainer_spec_field = 2;
constexpr uint32_t piece_text_field = 1;
constexpr uint32_t piece_score_field = 2;
constexpr uint32_t piece_type_field = 3;
constexpr uint32_t trainer_model_type_field = 3;
constexpr uint32_t trainer_unk_id_field = 40;
constexpr uint32_t trainer_bos_id_field = 41;
constexpr uint32_t trainer_eos_id_field = 42;
constexpr uint32_t trainer_pad_id_field = 43;

// SentencePiece.Type values 1..6, by number: UNUSED is 5 and BYTE 6.
constexpr std::array<std::string_view, 7> piece_type_names = {
    "", "normal", "unknown", "control", "user_defined", "unused", "byte"};

// TrainerSpec.ModelType values 1..4, by number.
constexpr std::array<std::string_view, 5> model_type_names = {"", "unigram", "bpe", "word", "char"};

// The readers below return bare reasons; read_sentencepiece() prefixes them
// once with "invalid SentencePiece model: ".
Error field_error(std::string_view message, const protobuf::Field& field) {
    return make_error(std::string(message) + " (field " + std::to_string(field.field_number) + ")");
}

// Reads one SentencePiece message. Returns the piece type's name.
Result<std::string_view> read_piece(std::string_view message, std::string& text) {
    protobuf::Reader reader(message);
    uint64_t type = 1; // NORMAL when absent
    while (!reader.at_end()) {
        auto field = reader.next();
        if (!field) {
            return field.error();
        }
        if (field->field_number == piece_text_field) {
            if (field->wire_type != protobuf::WireType::length_delimited) {
                return field_error("piece text is not a string", *field);
            }
            text = std::string(field->bytes);
        } else if (field->field_number == piece_score_field) {
            if (field->wire_type != protobuf::WireType::fixed32) {
                return field_error("piece score is not a float", *field);
            }
        } else if (field->field_number == piece_type_field) {
            if (field->wire_type != protobuf::WireType::varint) {
                return field_error("piece type is not an enum", *field);
            }
            type = field->number;
        }
    }
    if (type == 0 || type >= piece_type_names.size()) {
        return make_error("unknown piece type " + std::to_string(type));
    }
    return piece_type_names[type];
}

// Reads the TrainerSpec fields that name the model type and special ids.
Result<void> read_trainer_spec(std::string_view message, SentencePieceModel& model) {
    protobuf::Reader reader(message);
    while (!reader.at_end()) {
        auto field = reader.next();
        if (!field) {
            return field.error();
        }

        const char* id_name = nullptr;
        switch (field->field_number) {
        case trainer_unk_id_field:
            id_name = "unk";
            break;
        case trainer_bos_id_field:
            id_name = "bos";
            break;
        case trainer_eos_id_field:
            id_name = "eos";
            break;
        case trainer_pad_id_field:
            id_name = "pad";
            break;
        case trainer_model_type_field:
            if (field->wire_type != protobuf::WireType::varint) {
                return field_error("trainer_spec.model_type is not an enum", *field);
            }
            if (field->number == 0 || field->number >= model_type_names.size()) {
                return make_error("unknown trainer_spec.model_type " +
                                  std::to_string(field->number));
            }
            model.model_type = std::string(model_type_names[field->number]);
            continue;
        default:
            continue;
        }

        if (field->wire_type != protobuf::WireType::varint) {
            return field_error("a trainer_spec id is not an integer", *field);
        }
        // int32 fields: a negative id (-1, disabled) arrives as a 10-byte
        // varint holding the 64-bit two's complement, which the cast undoes.
        model.special_ids[id_name] = static_cast<int32_t>(field->number);
    }
    return {};
}

// Reads a ModelProto's pieces and trainer_spec.
Result<SentencePieceModel> read_model(std::string_view bytes) {
    SentencePieceModel model;
    // The proto2 defaults, kept when trainer_spec or an id is absent.
    model.special_ids = {{"unk", 0}, {"bos", 1}, {"eos", 2}, {"pad", -1}};

    protobuf::Reader reader(bytes);
    while (!reader.at_end()) {
        auto field = reader.next();
        if (!field) {
            return field.error();
        }

        if (field->field_number == model_pieces_field) {
            if (field->wire_type != protobuf::WireType::length_delimited) {
                return field_error("pieces entry is not a message", *field);
            }
            std::string text;
            auto type = read_piece(field->bytes, text);
            if (!type) {
                return make_error("piece " + std::to_string(model.vocab.entries.size()) + ": " +
                                  type.error().message);
            }
            ++model.type_counts[std::string(*type)];
            auto id = static_cast<int64_t>(model.vocab.entries.size());
            model.vocab.entries.emplace_back(std::move(text), id);
            model.vocab.max_id = id;
        } else if (field->field_number == model_trainer_spec_field) {
            if (field->wire_type != protobuf::WireType::length_delimited) {
                return field_error("trainer_spec is not a message", *field);
            }
            if (auto read = read_trainer_spec(field->bytes, model); !read) {
                return make_error("trainer_spec: " + read.error().message);
            }
        }
    }

    if (model.vocab.entries.empty()) {
        return make_error("no pieces");
    }
    return model;
}

} // namespace

Result<SentencePieceModel> read_sentencepiece(const ByteSource& source) {
    auto bytes = source.read_all(sentencepiece_max_size);
    if (!bytes) {
        return make_error("cannot read SentencePiece model: " + bytes.error().message);
    }
    auto model = read_model(*bytes);
    if (!model) {
        return make_error("invalid SentencePiece model: " + model.error().message);
    }
    return model;
}

} // namespace mlv::formats
