#include "formats/json_members.hpp"

#include <algorithm>
#include <cmath>

namespace mlv::formats::detail {

std::string describe_json_value(const Json& value) {
    switch (value.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return "the number " + value.dump();
    default:
        return "an unsupported value";
    }
}

MemberReader::MemberReader(const Json& object, std::string key_prefix)
    : object_(object), key_prefix_(std::move(key_prefix)) {
}

const Json* MemberReader::find(std::string_view key) const {
    if (!object_.is_object()) {
        return nullptr;
    }
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) {
        return nullptr;
    }
    return &*it;
}

void MemberReader::reject(std::string_view key, const Json& value, std::string_view expected) {
    if (error_) {
        return;
    }
    error_ = make_error("'" + key_prefix_ + std::string(key) + "' is " +
                        describe_json_value(value) + ", expected " + std::string(expected));
}

std::optional<int64_t> MemberReader::integer(std::string_view key) {
    const Json* value = find(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (auto result = json_to_int(*value)) {
        return result;
    }

    // An integral value beyond 64 bits parses as floating point, so the
    // message names the range rather than calling it a non-integer.
    bool integral = value->is_number() && std::floor(value->get<double>()) == value->get<double>();
    reject(key, *value, integral ? "an integer within 64 bits" : "an integer");
    return std::nullopt;
}

std::optional<double> MemberReader::number(std::string_view key) {
    const Json* value = find(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_number()) {
        reject(key, *value, "a number");
        return std::nullopt;
    }
    return value->get<double>();
}

std::optional<bool> MemberReader::boolean(std::string_view key) {
    const Json* value = find(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_boolean()) {
        reject(key, *value, "a boolean");
        return std::nullopt;
    }
    return value->get<bool>();
}

std::optional<std::string> MemberReader::string(std::string_view key) {
    const Json* value = find(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        reject(key, *value, "a string");
        return std::nullopt;
    }
    return value->get<std::string>();
}

std::vector<std::string> MemberReader::strings(std::string_view key, StringForm form) {
    const Json* value = find(key);
    if (value == nullptr) {
        return {};
    }
    std::string_view expected =
        form == StringForm::list ? "a list of strings" : "a string or a list of strings";
    if (value->is_string() && form == StringForm::list_or_single) {
        return {value->get<std::string>()};
    }
    if (!value->is_array()) {
        reject(key, *value, expected);
        return {};
    }

    std::vector<std::string> items;
    items.reserve(value->size());
    for (const auto& item : *value) {
        if (!item.is_string()) {
            reject(key, *value, expected);
            return {};
        }
        items.push_back(item.get<std::string>());
    }
    return items;
}

std::vector<int64_t> MemberReader::token_ids(std::string_view key) {
    const Json* value = find(key);
    if (value == nullptr) {
        return {};
    }
    if (auto single = json_to_int(*value)) {
        return {*single};
    }
    constexpr std::string_view expected = "an integer or a list of integers";
    if (!value->is_array()) {
        reject(key, *value, expected);
        return {};
    }

    std::vector<int64_t> ids;
    ids.reserve(value->size());
    for (const auto& item : *value) {
        auto id = json_to_int(item);
        if (!id) {
            reject(key, *value, expected);
            return {};
        }
        ids.push_back(*id);
    }
    return ids;
}

Result<void> require_object(const Json& document, std::string_view file_kind) {
    if (document.is_object()) {
        return {};
    }
    return make_error(std::string(file_kind) + " top level is " + describe_json_value(document) +
                      ", expected an object");
}

Result<Json> parse_object(std::string_view text, std::string_view file_kind) {
    auto document = parse_json(text);
    if (!document) {
        return document.error();
    }
    if (auto is_object = require_object(*document, file_kind); !is_object) {
        return is_object.error();
    }
    return document;
}

namespace {

// Follows the parser's events to tell when an event belongs to a direct
// member of a streamed container. nlohmann reports a container's start and
// end at depth d and its members' events at depth d + 1.
class StreamingFilter {
  public:
    explicit StreamingFilter(const std::vector<StreamedContainer>& containers)
        : containers_(containers) {
        size_t max_depth = 0;
        for (const auto& container : containers) {
            max_depth = std::max(max_depth, container.path.size());
        }
        keys_.resize(max_depth + 1);
        is_object_.resize(max_depth + 1);
    }

    bool operator()(int depth, Json::parse_event_t event, Json& parsed) {
        auto level = static_cast<size_t>(depth);
        const StreamedContainer* target = find_target(level);
        bool in_object = target != nullptr && is_object_[target->path.size()];
        switch (event) {
        case Json::parse_event_t::key:
            if (level < keys_.size()) {
                keys_[level] = parsed.get<std::string>();
            }
            if (in_object) {
                // The key is dropped from the document; the value's event
                // comes next and is passed on with it.
                pending_key_ = parsed.get<std::string>();
                return false;
            }
            return true;

        case Json::parse_event_t::object_start:
        case Json::parse_event_t::array_start:
            if (level < is_object_.size()) {
                is_object_[level] = event == Json::parse_event_t::object_start;
            }
            if (in_object) {
                // Vocabulary values are scalars, so a container value is
                // passed on as an empty one of its type and its content skipped.
                Json empty =
                    event == Json::parse_event_t::object_start ? Json::object() : Json::array();
                target->visit(&pending_key_, empty);
                return false;
            }
            return true;

        case Json::parse_event_t::value:
            if (target != nullptr) {
                target->visit(in_object ? &pending_key_ : nullptr, parsed);
                return false;
            }
            return true;

        case Json::parse_event_t::object_end:
        case Json::parse_event_t::array_end:
            // Only array elements get here whole: containers inside an object
            // target were dropped at their start.
            if (target != nullptr) {
                target->visit(nullptr, parsed);
                return false;
            }
            return true;
        }
        return true;
    }

  private:
    // The container of which an event at `level` is a direct member, if any:
    // every container on its path is an object entered through the path's key.
    const StreamedContainer* find_target(size_t level) const {
        for (const auto& container : containers_) {
            const auto& path = container.path;
            if (level != path.size() + 1) {
                continue;
            }
            bool on_path = true;
            for (size_t i = 0; i < path.size() && on_path; ++i) {
                on_path = is_object_[i] && keys_[i + 1] == path[i];
            }
            if (on_path) {
                return &container;
            }
        }
        return nullptr;
    }

    const std::vector<StreamedContainer>& containers_;
    std::vector<std::string> keys_; // keys_[d]: the last key read at depth d
    std::vector<bool> is_object_;   // is_object_[d]: the open container at depth d is an object
    std::string pending_key_;
};

} // namespace

Result<Json> parse_json_streaming(std::string_view text,
                                  const std::vector<StreamedContainer>& containers) {
    StreamingFilter filter(containers);
    try {
        return Json::parse(text.begin(), text.end(), std::ref(filter));
    } catch (const nlohmann::json::exception& error) {
        // The plain parser fails at the same byte; let it word the message so
        // that every reader reports invalid JSON the same way.
        auto plain = parse_json(text);
        if (!plain) {
            return plain.error();
        }
        return make_error(std::string("invalid JSON: ") + error.what());
    }
}

} // namespace mlv::formats::detail
