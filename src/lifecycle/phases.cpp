// Record-level passes over a classified history: empty commits and phases.
#include "mlv/lifecycle/history.hpp"

#include <algorithm>

namespace mlv::lifecycle {

void inherit_empty_commits(std::vector<CommitRecord>& records) {
    for (size_t i = 1; i < records.size(); ++i) {
        CommitRecord& record = records[i];
        const CommitRecord& previous = records[i - 1];
        if (!record.changes.empty() || previous.session != record.session) {
            continue;
        }
        record.stage = previous.stage;
        record.secondary_stages = previous.secondary_stages;
        record.maintenance = previous.maintenance;
        record.evidence = {std::string(to_string(record.stage)) +
                           ": no file changes; continues the work of " +
                           previous.commit.id.substr(0, 7) + " in the same session"};
    }
}

bool is_development_stage(Stage stage) {
    switch (stage) {
    case Stage::initial_import:
    case Stage::architecture:
    case Stage::training:
    case Stage::fine_tuning:
    case Stage::conversion:
        return true;
    default:
        return false;
    }
}

Phases split_phases(const std::vector<CommitRecord>& records) {
    Phases phases;
    for (size_t i = 0; i < records.size(); ++i) {
        const auto& record = records[i];
        bool development = is_development_stage(record.stage) ||
                           std::any_of(record.secondary_stages.begin(),
                                       record.secondary_stages.end(), is_development_stage);
        if (development) {
            phases.development_end = i;
        }
    }
    phases.maintenance_begin = phases.development_end ? *phases.development_end + 1 : 0;
    return phases;
}

} // namespace mlv::lifecycle
