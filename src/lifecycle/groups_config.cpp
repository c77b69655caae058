// Storing mined groups in .mlv.json.
//
// NOTE: the checks configuration reader owns the rest of .mlv.json; this
// file only touches its "groups" key.
#include "mlv/lifecycle/groups.hpp"

#include "mlv/util/file.hpp"

#include <filesystem>

namespace mlv::lifecycle {

namespace {

// .mlv.json is a small hand-written file; anything larger is not one.
constexpr uint64_t max_config_size = 16 * 1024 * 1024;

bool is_mined(const Json& group) {
    if (!group.is_object()) {
        return false;
    }
    const auto name = json_string(group, "name");
    return name && name->rfind(mined_group_prefix, 0) == 0;
}

} // namespace

Result<std::string> merge_mined_groups(std::string_view existing_text,
                                       const std::vector<checks::CoEditGroup>& groups) {
    Json config = Json::object();
    if (existing_text.find_first_not_of(" \t\r\n") != std::string_view::npos) {
        auto parsed = parse_json(existing_text, JsonComments::allow);
        if (!parsed) {
            return parsed.error();
        }
        config = std::move(parsed).value();
    }
    if (!config.is_object()) {
        return make_error("the configuration is not a JSON object");
    }

    Json merged_groups = Json::array();
    if (config.contains("groups")) {
        if (!config["groups"].is_array()) {
            return make_error("the configuration's \"groups\" is not an array");
        }
        for (const auto& group : config["groups"]) {
            if (!is_mined(group)) {
                merged_groups.push_back(group);
            }
        }
    }
    for (const auto& group : groups) {
        merged_groups.push_back({{"name", group.name}, {"members", group.members}});
    }
    config["groups"] = merged_groups;
    return config.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<void> write_mined_groups(const std::string& path,
                                const std::vector<checks::CoEditGroup>& groups) {
    std::string existing;
    std::error_code error;
    if (std::filesystem::exists(path, error)) {
        auto text = read_file(path, max_config_size);
        if (!text) {
            return text.error();
        }
        existing = std::move(text).value();
    }

    auto merged = merge_mined_groups(existing, groups);
    if (!merged) {
        return make_error("cannot update '" + path + "': " + merged.error().message);
    }
    return write_file_atomic(path, *merged);
}

} // namespace mlv::lifecycle
