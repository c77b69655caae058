#include "support/snapshot_builder.hpp"

#include "mlv/checks/rules.hpp"
#include "mlv/util/json.hpp"

#include <doctest/doctest.h>

using mlv::artifacts::Format;
using mlv::artifacts::SnapshotKind;
using mlv::artifacts::Storage;
using mlv::checks::CheckInput;
using mlv::checks::IncompletePush;
using mlv::checks::LfsObjects;
using mlv::checks::Severity;
using mlv::test::SnapshotBuilder;
using mlv::test::with_rule;
namespace formats = mlv::formats;

namespace {

mlv::checks::Findings run(const mlv::artifacts::Snapshot& state,
                          std::map<std::string, std::string> filters,
                          LfsObjects objects = LfsObjects::optional,
                          IncompletePush incomplete = IncompletePush::rejected) {
    CheckInput input;
    input.state = &state;
    input.filters = std::move(filters);
    input.lfs_objects = objects;
    input.incomplete_push = incomplete;
    return mlv::checks::run_rules(input);
}

} // namespace

TEST_CASE("lfs: pointers with and without filter") {
    SnapshotBuilder state;
    state.add_pointer("model.safetensors", Format::safetensors)
        .add_pointer("pytorch_model.bin", Format::pytorch);

    SUBCASE("under filter=lfs the pointers are normal") {
        auto findings =
            run(state.snapshot(), {{"model.safetensors", "lfs"}, {"pytorch_model.bin", "lfs"}});
        CHECK(findings.empty());
    }
    SUBCASE("without filter=lfs loaders read pointer text") {
        auto findings = with_rule(run(state.snapshot(), {}), "lfs-pointer-unfiltered");
        REQUIRE(findings.size() == 2);
        CHECK(findings[0].paths.front() == "model.safetensors");
        CHECK(findings[1].paths.front() == "pytorch_model.bin");
        CHECK(findings[0].severity == Severity::error);
        CHECK(findings[0].hint.find("git lfs track") != std::string::npos);
    }
    SUBCASE("another filter is no filter=lfs") {
        auto findings =
            run(state.snapshot(), {{"model.safetensors", "lfs"}, {"pytorch_model.bin", "xet"}});
        CHECK(with_rule(findings, "lfs-pointer-unfiltered").size() == 1);
    }
    SUBCASE("required objects") {
        auto findings =
            run(state.snapshot(), {{"model.safetensors", "lfs"}, {"pytorch_model.bin", "lfs"}},
                LfsObjects::required);
        auto missing = with_rule(findings, "lfs-object-missing");
        REQUIRE(missing.size() == 2);
        CHECK(missing[0].message.find("is not in .git/lfs/objects") != std::string::npos);
        CHECK(missing[0].severity == Severity::error);
        CHECK(missing[0].hint.find("git-lfs fails the push unless the remote already has") !=
              std::string::npos);
    }
    SUBCASE("required objects, incomplete push allowed") {
        auto findings =
            run(state.snapshot(), {{"model.safetensors", "lfs"}, {"pytorch_model.bin", "lfs"}},
                LfsObjects::required, IncompletePush::allowed);
        auto missing = with_rule(findings, "lfs-object-missing");
        REQUIRE(missing.size() == 2);
        CHECK(missing[0].severity == Severity::warning);
        CHECK(missing[0].hint.find("lfs.allowincompletepush is true") != std::string::npos);
    }
}

TEST_CASE("lfs: present object is not missing") {
    SnapshotBuilder state;
    state.add_pointer("model.safetensors", Format::safetensors, Storage::lfs);
    CHECK(run(state.snapshot(), {{"model.safetensors", "lfs"}}, LfsObjects::required).empty());
}

TEST_CASE("lfs: raw blob under filter") {
    SnapshotBuilder commit;
    commit.add_plain("model.safetensors", Format::safetensors, 500'000'000);
    auto findings =
        with_rule(run(commit.snapshot(), {{"model.safetensors", "lfs"}}), "lfs-not-pointer");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].message.find("committed as a regular blob") != std::string::npos);

    SnapshotBuilder index(SnapshotKind::index);
    index.add_plain("model.safetensors", Format::safetensors, 500'000'000);
    auto staged =
        with_rule(run(index.snapshot(), {{"model.safetensors", "lfs"}}), "lfs-not-pointer");
    REQUIRE(staged.size() == 1);
    CHECK(staged[0].message.find("staged as") != std::string::npos);

    // The working tree holds smudged files, so only blobs show the storage.
    SnapshotBuilder worktree(SnapshotKind::worktree);
    worktree.add_plain("model.safetensors", Format::safetensors, 500'000'000);
    CHECK(run(worktree.snapshot(), {{"model.safetensors", "lfs"}}).empty());
}

TEST_CASE("integrity: invalid generation config") {
    // A missing comma: the reader's error carries line and column.
    std::string text = "{\n  \"bos_token_id\": 1\n  \"eos_token_id\": 2\n}\n";
    auto parsed = mlv::parse_json(text);
    REQUIRE_FALSE(parsed.ok());

    formats::ModelConfig config;
    config.vocab_size = 10;
    formats::Vocabulary added;
    added.entries = {{"<pad>", 10}};
    SnapshotBuilder state;
    state.add_invalid("generation_config.json", Format::generation_config, parsed.error().message)
        .add("config.json", Format::model_config, config)
        .add("added_tokens.json", Format::added_tokens, added);

    auto findings = mlv::test::check(state.snapshot());
    auto invalid = with_rule(findings, "file-invalid");
    REQUIRE(invalid.size() == 1);
    CHECK(invalid[0].paths.front() == "generation_config.json");
    CHECK(invalid[0].message.find("cannot read 'generation_config.json': invalid JSON at line 3") !=
          std::string::npos);
    CHECK(invalid[0].message.find("column") != std::string::npos);
    CHECK(invalid[0].values["line"] == 3);
    CHECK(invalid[0].values["column"] == 16);
    CHECK(invalid[0].severity == Severity::error);
    CHECK(invalid[0].hint.find("position given") != std::string::npos);
    // The other rules still run.
    CHECK(with_rule(findings, "vocab-token-out-of-range").size() == 1);
}

TEST_CASE("integrity: failed content guess is no finding") {
    // An unknown name whose zip content was tried as a checkpoint (a NumPy
    // .npz) is not invalid; a name that says checkpoint is.
    const std::string error = "zip archive has no '<prefix>/data.pkl' entry";
    SnapshotBuilder state;
    state.add_invalid("tests/arrays.npz", Format::pytorch, error)
        .add_invalid("weights", Format::pytorch, error)
        .add_invalid("pytorch_model.bin", Format::pytorch, error);
    auto invalid = with_rule(mlv::test::check(state.snapshot()), "file-invalid");
    REQUIRE(invalid.size() == 1);
    CHECK(invalid[0].paths.front() == "pytorch_model.bin");
}

TEST_CASE("integrity: invalid header has no position") {
    SnapshotBuilder state;
    state.add_invalid("model.safetensors", Format::safetensors,
                      "header length 9e18 exceeds file size");
    auto invalid = with_rule(mlv::test::check(state.snapshot()), "file-invalid");
    REQUIRE(invalid.size() == 1);
    CHECK(invalid[0].message.find("cannot read 'model.safetensors': header length") !=
          std::string::npos);
    CHECK(invalid[0].hint.find("position") == std::string::npos);
    CHECK_FALSE(invalid[0].values.contains("line"));
}

TEST_CASE("integrity: invalid LFS object is named") {
    // The reader saw the LFS object behind the pointer, not the pointer text
    // in the file, so the message must name the object.
    SnapshotBuilder state;
    state.add_invalid("model.gguf", Format::gguf, "bad magic 0x70010000 (expected 'GGUF')");
    auto snapshot = state.snapshot();
    snapshot.artifacts[0].storage = Storage::lfs;
    const std::string oid = snapshot.artifacts[0].oid;

    auto invalid = with_rule(mlv::test::check(snapshot), "file-invalid");
    REQUIRE(invalid.size() == 1);
    CHECK(invalid[0].message == "cannot read the Git LFS object " + oid.substr(0, 12) +
                                    " behind the pointer 'model.gguf': bad magic 0x70010000 "
                                    "(expected 'GGUF')");
    CHECK(invalid[0].values["oid"] == oid);
    CHECK(invalid[0].hint.find("position") == std::string::npos);
    CHECK(invalid[0].hint.find("git-lfs") != std::string::npos);
}
