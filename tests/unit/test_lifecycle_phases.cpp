// Unit tests of src/lifecycle/phases.cpp: empty commits and the split into
// development and maintenance phases.
#include "mlv/lifecycle/history.hpp"

#include <doctest/doctest.h>

using namespace mlv::lifecycle;

TEST_CASE("empty commits inherit in session") {
    std::vector<CommitRecord> records(4);
    records[0].stage = Stage::initial_import;
    records[0].session = 1;
    records[0].changes.resize(1);
    records[0].commit.id = std::string(40, 'a');
    records[1].session = 1; // empty
    records[2].session = 1; // empty
    records[3].session = 2; // empty, new session
    inherit_empty_commits(records);
    CHECK(records[1].stage == Stage::initial_import);
    CHECK(records[2].stage == Stage::initial_import);
    CHECK(records[3].stage == Stage::maintenance);
}

TEST_CASE("phases end at last weights change") {
    std::vector<CommitRecord> records(5);
    records[0].stage = Stage::initial_import;
    records[1].stage = Stage::documentation;
    records[2].stage = Stage::tokenizer;
    records[2].secondary_stages = {Stage::conversion};
    records[3].stage = Stage::documentation;
    records[4].stage = Stage::configuration;
    auto phases = split_phases(records);
    REQUIRE(phases.development_end.has_value());
    CHECK(*phases.development_end == 2);
    CHECK(phases.maintenance_begin == 3);

    std::vector<CommitRecord> docs_only(2);
    docs_only[0].stage = Stage::documentation;
    docs_only[1].stage = Stage::documentation;
    auto none = split_phases(docs_only);
    CHECK_FALSE(none.development_end.has_value());
    CHECK(none.maintenance_begin == 0);
}

TEST_CASE("phases without maintenance") {
    std::vector<CommitRecord> records(2);
    records[0].stage = Stage::initial_import;
    records[1].stage = Stage::fine_tuning;
    const auto phases = split_phases(records);
    REQUIRE(phases.development_end.has_value());
    CHECK(*phases.development_end == 1);
    CHECK(phases.maintenance_begin == 2);
}

TEST_CASE("development stages end development") {
    for (const Stage stage : {Stage::initial_import, Stage::architecture, Stage::training,
                              Stage::fine_tuning, Stage::conversion}) {
        std::vector<CommitRecord> records(2);
        records[0].stage = stage;
        records[1].stage = Stage::documentation;
        CAPTURE(to_string(stage));
        CHECK(split_phases(records).development_end == std::optional<size_t>{0});
    }
    for (const Stage stage : {Stage::tokenizer, Stage::configuration, Stage::evaluation,
                              Stage::documentation, Stage::maintenance}) {
        std::vector<CommitRecord> records(1);
        records[0].stage = stage;
        CAPTURE(to_string(stage));
        CHECK_FALSE(split_phases(records).development_end.has_value());
    }
}

TEST_CASE("empty commit takes stage and type") {
    std::vector<CommitRecord> records(2);
    records[0].stage = Stage::fine_tuning;
    records[0].maintenance = Maintenance::corrective;
    records[0].session = 3;
    records[0].changes.resize(1);
    records[1].session = 3;
    inherit_empty_commits(records);
    CHECK(records[1].stage == Stage::fine_tuning);
    CHECK(records[1].maintenance == Maintenance::corrective);
}
