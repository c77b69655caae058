// Typed reads of JSON object members with key-naming errors, and a parse that
// streams one large container (a tokenizer vocabulary) instead of storing it.
// Private to the configuration and tokenizer readers.
#pragma once

#include "mlv/util/json.hpp"
#include "mlv/util/result.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlv::formats::detail {

// Describes a JSON value for an error message: "a string", "an object",
// "null", or "the number 3.5" for numbers.
std::string describe_json_value(const Json& value);

// Reads members of one JSON object by type. A missing or null member reads as
// absent. A member of another type also reads as absent and records an error
// that names the key ("'vocab_size' is a string, expected an integer"). Only
// the first error is kept, so a caller reads every field and checks error()
// once at the end.
class MemberReader {
  public:
    // `key_prefix` qualifies the keys in messages ("text_config." gives
    // "'text_config.vocab_size' is ...").
    explicit MemberReader(const Json& object, std::string key_prefix = {});

    // The member, or null when it is missing or null.
    const Json* find(std::string_view key) const;

    std::optional<int64_t> integer(std::string_view key);
    std::optional<double> number(std::string_view key);
    std::optional<bool> boolean(std::string_view key);
    std::optional<std::string> string(std::string_view key);

    // A list of strings. With StringForm::list_or_single, a single string
    // reads as a list of one.
    enum class StringForm { list, list_or_single };
    std::vector<std::string> strings(std::string_view key, StringForm form = StringForm::list);

    // A token id member: an integer or a list of integers.
    std::vector<int64_t> token_ids(std::string_view key);

    // Records "'<prefix><key>' is <value>, expected <expected>" unless an
    // error is already recorded.
    void reject(std::string_view key, const Json& value, std::string_view expected);

    const std::optional<Error>& error() const { return error_; }

  private:
    const Json& object_;
    std::string key_prefix_;
    std::optional<Error> error_;
};

// Checks that a parsed document is an object. The error names the file kind:
// "config.json top level is an array, expected an object".
Result<void> require_object(const Json& document, std::string_view file_kind);

// Parses `text` as a JSON document whose top level must be an object.
// `file_kind` names the file in errors.
Result<Json> parse_object(std::string_view text, std::string_view file_kind);

// Receives one direct member of a streamed container: `key` is the member's
// key inside an object and null for an array element.
using MemberVisitor = std::function<void(const std::string* key, const Json& value)>;

// A container to stream: `path` lists object keys from the root and is empty
// for the root itself.
struct StreamedContainer {
    std::vector<std::string> path;
    MemberVisitor visit;
};

// Parses `text` as mlv::parse_json does, but passes each direct member of the
// containers at the given paths to their visitor in file order instead of
// storing it. Those containers stay in the returned document, empty. Array
// elements reach the visitor whole, but an object member whose value is an
// object or an array reaches it as an empty value of that type. This keeps a
// 150,000-entry vocabulary out of the document's std::map and preserves its
// file order.
Result<Json> parse_json_streaming(std::string_view text,
                                  const std::vector<StreamedContainer>& containers);

} // namespace mlv::formats::detail
