#include "mlv/checks/config.hpp"

#include "mlv/util/file.hpp"

namespace mlv::checks {

namespace {

Finding config_problem(Severity severity, std::string message, std::string hint) {
    Finding finding;
    finding.rule = "config-invalid";
    finding.severity = severity;
    finding.paths = {std::string(config_file_name)};
    finding.message = std::move(message);
    finding.hint = std::move(hint);
    return finding;
}

void warn(ParsedConfig& parsed, std::string message, std::string hint) {
    parsed.problems.push_back(
        config_problem(Severity::warning, std::move(message), std::move(hint)));
}

void read_rules(const Json& rules, ParsedConfig& parsed) {
    if (!rules.is_object()) {
        warn(parsed, "\"rules\" in .mlv.json is not an object",
             "write \"rules\": {\"<rule-id>\": \"off|info|warning|error\"}");
        return;
    }
    for (const auto& [id, value] : rules.items()) {
        if (find_rule(id) == nullptr) {
            warn(parsed, "unknown rule id '" + id + "' in .mlv.json",
                 "run 'git mlv check --list-rules' for the rule ids");
            continue;
        }
        auto severity = value.is_string() ? parse_severity(value.get<std::string>())
                                          : std::optional<Severity>();
        if (!severity) {
            warn(parsed, "invalid severity " + value.dump() + " for '" + id + "' in .mlv.json",
                 "use \"off\", \"info\", \"warning\" or \"error\"");
            continue;
        }
        parsed.config.severities[id] = *severity;
    }
}

void read_groups(const Json& groups, ParsedConfig& parsed) {
    if (!groups.is_array()) {
        warn(parsed, "\"groups\" in .mlv.json is not an array",
             "write \"groups\": [{\"name\": \"...\", \"members\": [\"pattern\", ...]}]");
        return;
    }
    for (size_t i = 0; i < groups.size(); ++i) {
        const Json& entry = groups[i];
        std::string where = "group " + std::to_string(i + 1) + " in .mlv.json";
        auto name = json_string(entry, "name");
        const Json* members =
            entry.is_object() && entry.contains("members") ? &entry["members"] : nullptr;
        if (!name || members == nullptr || !members->is_array()) {
            warn(parsed, where + " needs a string \"name\" and a \"members\" array",
                 "write {\"name\": \"...\", \"members\": [\"pattern\", ...]}");
            continue;
        }
        for (const auto& [key, value] : entry.items()) {
            if (key != "name" && key != "members") {
                warn(parsed, "unknown key '" + key + "' in " + where, "remove the key");
            }
        }

        CoEditGroup group{*name, {}};
        for (const auto& member : *members) {
            if (!member.is_string() || member.get<std::string>().empty()) {
                warn(parsed, "member " + member.dump() + " of " + where + " is not a pattern",
                     "write each member as a .gitattributes-style path pattern");
                continue;
            }
            group.members.push_back(member.get<std::string>());
        }
        if (group.members.size() < 2) {
            warn(parsed, where + " ('" + *name + "') has fewer than two members",
                 "a group needs at least two members");
            continue;
        }
        parsed.config.groups.push_back(std::move(group));
    }
}

void read_roles(const Json& roles, ParsedConfig& parsed) {
    if (!roles.is_object()) {
        warn(parsed, "\"roles\" in .mlv.json is not an object",
             "write \"roles\": {\"<pattern>\": \"weights|tokenizer|config|training|docs|other\"}");
        return;
    }
    for (const auto& [pattern, value] : roles.items()) {
        auto role = value.is_string() ? artifacts::parse_role(value.get<std::string>())
                                      : std::optional<artifacts::Role>();
        if (!role) {
            warn(parsed, "invalid role " + value.dump() + " for '" + pattern + "' in .mlv.json",
                 "use weights, tokenizer, config, training, docs or other");
            continue;
        }
        parsed.config.roles.push_back({pattern, *role});
    }
}

void read_ranges(const Json& value, ParsedConfig& parsed) {
    std::string name = value.is_string() ? value.get<std::string>() : "";
    if (name == "every-commit") {
        parsed.config.range_errors = RangeErrors::every_commit;
    } else if (name == "fixed-later-warns") {
        parsed.config.range_errors = RangeErrors::fixed_later_warns;
    } else {
        warn(parsed, "invalid value " + value.dump() + " for \"ranges\" in .mlv.json",
             "use \"every-commit\" or \"fixed-later-warns\"");
    }
}

} // namespace

ParsedConfig parse_config(std::string_view text) {
    ParsedConfig parsed;
    auto json = parse_json(text, JsonComments::allow);
    if (!json) {
        parsed.problems.push_back(
            config_problem(Severity::error, "cannot read .mlv.json: " + json.error().message,
                           "fix the JSON; until then the built-in defaults apply"));
        return parsed;
    }
    if (!json->is_object()) {
        parsed.problems.push_back(config_problem(Severity::error, ".mlv.json is not a JSON object",
                                                 "write {\"rules\": {...}, \"groups\": [...]}"));
        return parsed;
    }

    for (const auto& [key, value] : json->items()) {
        if (key == "rules") {
            read_rules(value, parsed);
        } else if (key == "groups") {
            read_groups(value, parsed);
        } else if (key == "roles") {
            read_roles(value, parsed);
        } else if (key == "ranges") {
            read_ranges(value, parsed);
        } else if (key != "$schema") {
            warn(parsed, "unknown key '" + key + "' in .mlv.json",
                 "the keys are \"rules\", \"groups\", \"roles\" and \"ranges\"");
        }
    }
    return parsed;
}

std::vector<std::string>
apply_git_config(CheckConfig& config,
                 const std::vector<std::pair<std::string, std::string>>& entries) {
    std::vector<std::string> warnings;
    constexpr std::string_view prefix = "mlv.";
    for (const auto& [name, value] : entries) {
        if (name.rfind(prefix, 0) != 0) {
            continue;
        }
        std::string id = name.substr(prefix.size());
        auto severity = parse_severity(value);
        if (id.find('.') != std::string::npos) {
            continue;
        }
        // Other commands may keep two-level mlv.* keys, but none named
        // after a rule, so a rule id with another value is a mistake.
        if (!severity) {
            if (find_rule(id) != nullptr) {
                warnings.push_back("invalid severity '" + value + "' in git config " + name +
                                   ": use off, info, warning or error");
            }
            continue;
        }
        if (find_rule(id) == nullptr) {
            warnings.push_back("unknown rule id '" + id + "' in git config " + name);
            continue;
        }
        config.severities[id] = *severity;
    }
    return warnings;
}

Severity effective_severity(const CheckConfig& config, const Finding& finding) {
    auto it = config.severities.find(finding.rule);
    return it == config.severities.end() ? finding.severity : it->second;
}

Json to_json(const CoEditGroup& group) {
    return {{"name", group.name}, {"members", group.members}};
}

Result<std::string> replace_config_groups(std::string_view existing_text,
                                          const std::vector<CoEditGroup>& groups) {
    Json document = Json::object();
    if (!existing_text.empty()) {
        auto parsed = parse_json(existing_text, JsonComments::allow);
        if (!parsed) {
            return make_error("cannot update .mlv.json: " + parsed.error().message);
        }
        if (!parsed->is_object()) {
            return make_error("cannot update .mlv.json: it is not a JSON object");
        }
        document = std::move(*parsed);
    }

    Json list = Json::array();
    for (const auto& group : groups) {
        list.push_back(to_json(group));
    }
    document["groups"] = std::move(list);
    return document.dump(2) + "\n";
}

Result<void> write_config_groups(const std::string& path, const std::vector<CoEditGroup>& groups) {
    std::string existing;
    if (stat_file(path)) {
        auto text = read_file(path, 16ull << 20);
        if (!text) {
            return text.error();
        }
        existing = std::move(*text);
    }
    auto updated = replace_config_groups(existing, groups);
    if (!updated) {
        return updated.error();
    }
    return write_file_atomic(path, *updated);
}

} // namespace mlv::checks
