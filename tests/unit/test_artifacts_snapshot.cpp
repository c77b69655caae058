#include "mlv/artifacts/snapshot.hpp"

#include "mlv/util/hash.hpp"
#include "mlv/util/trace.hpp"
#include "support/capture.hpp"
#include "support/git_fixture.hpp"
#include "support/weights_writer.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace mlv;
using namespace mlv::artifacts;
using mlv::test::TempRepository;

namespace {

const char* config_text = R"({"model_type": "llama", "vocab_size": 32000})";

std::string lfs_pointer(const std::string& content) {
    return "version https://git-lfs.github.com/spec/v1\noid sha256:" + hash_bytes(content).sha256 +
           "\nsize " + std::to_string(content.size()) + "\n";
}

// Puts `content` where git-lfs keeps the object of its pointer.
void store_lfs_object(const git::Repository& repo, const std::string& content) {
    std::string path = repo.lfs_object_path(hash_bytes(content).sha256);
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

} // namespace

TEST_CASE("snapshot of a commit") {
    TempRepository fixture;
    std::string weights = test::safetensors_bytes({{"w", "F32", {2, 3}}});
    fixture.write("config.json", config_text);
    fixture.write("model.safetensors", weights);
    fixture.write("README.md", "# card\n");
    fixture.commit_all("import");

    auto repo = fixture.open();
    store::Cache cache("");
    Loader loader(repo, cache);
    auto commit = repo.resolve_commit("HEAD");
    REQUIRE(commit.ok());
    auto snapshot = loader.load_commit(*commit);
    REQUIRE(snapshot.ok());
    REQUIRE(snapshot->artifacts.size() == 3);
    CHECK(snapshot->kind == SnapshotKind::commit);

    const Artifact* model = snapshot->find("model.safetensors");
    REQUIRE(model != nullptr);
    CHECK(model->role == Role::weights);
    CHECK(model->format == Format::safetensors);
    CHECK(model->storage == Storage::git);
    CHECK(model->oid == hash_bytes(weights).sha256);
    CHECK(model->size == weights.size());
    CHECK(model->blob_id.size() == 40);
    REQUIRE(model->get<formats::SafetensorsHeader>() != nullptr);
    CHECK(model->get<formats::SafetensorsHeader>()->parameter_count == 6);

    const Artifact* config = snapshot->find("config.json");
    REQUIRE(config != nullptr);
    CHECK(config->role == Role::config);
    CHECK(config->get<formats::ModelConfig>()->vocab_size == 32000);
    CHECK(snapshot->find("README.md")->role == Role::docs);
}

TEST_CASE("snapshot path limits") {
    TempRepository fixture;
    fixture.write("config.json", config_text);
    fixture.write("sub/config.json", config_text);
    fixture.write("subdir/config.json", config_text);
    fixture.commit_all("import");
    auto repo = fixture.open();
    store::Cache cache("");
    Loader loader(repo, cache);
    auto snapshot = loader.load_commit(*repo.resolve_commit("HEAD"), {"sub/"});
    REQUIRE(snapshot.ok());
    REQUIRE(snapshot->artifacts.size() == 1);
    CHECK(snapshot->artifacts.front().path == "sub/config.json");
}

TEST_CASE("snapshot LFS pointer with and without object") {
    TempRepository fixture;
    std::string weights = test::safetensors_bytes({{"w", "F16", {4}}});
    fixture.write("model.safetensors", lfs_pointer(weights));
    fixture.commit_all("pointer");
    auto repo = fixture.open();
    std::string commit = *repo.resolve_commit("HEAD");

    store::Cache cache("");
    Loader loader(repo, cache);
    auto missing = loader.load_commit(commit);
    REQUIRE(missing.ok());
    const Artifact& pointer = missing->artifacts.front();
    CHECK(pointer.storage == Storage::lfs_missing);
    CHECK(pointer.oid == hash_bytes(weights).sha256);
    CHECK(pointer.size == weights.size());
    CHECK(pointer.description == nullptr);

    store_lfs_object(repo, weights);
    auto present = loader.load_commit(commit);
    REQUIRE(present.ok());
    const Artifact& object = present->artifacts.front();
    CHECK(object.storage == Storage::lfs);
    REQUIRE(object.get<formats::SafetensorsHeader>() != nullptr);
    CHECK(object.get<formats::SafetensorsHeader>()->parameter_count == 4);
}

TEST_CASE("snapshot role from git attribute") {
    TempRepository fixture;
    fixture.write(".gitattributes", "*.dat mlv-role=weights\nnotes.md mlv-role=training\n");
    fixture.write("layer.dat", "x");
    fixture.write("notes.md", "y");
    fixture.commit_all("attributes");
    auto repo = fixture.open();
    store::Cache cache("");
    Loader loader(repo, cache);
    auto snapshot = loader.load_commit(*repo.resolve_commit("HEAD"));
    REQUIRE(snapshot.ok());
    CHECK(snapshot->find("layer.dat")->role == Role::weights);
    CHECK(snapshot->find("notes.md")->role == Role::training);
    CHECK(snapshot->find(".gitattributes")->role == Role::other);
}

TEST_CASE("snapshot docs role skips weights reader") {
    TempRepository fixture;
    // Not a checkpoint: the PyTorch reader would reject it, and an explicit
    // GGUF magic would otherwise win over the name.
    fixture.write(".gitattributes", "notes.bin mlv-role=docs\nmagic.bin mlv-role=other\n");
    fixture.write("notes.bin", "meeting notes, not a checkpoint\n");
    fixture.write("magic.bin", "GGUF\x03 but truncated");
    fixture.write("card.json", "{\"model_type\": 1}");
    fixture.write("config.json", "{broken");
    fixture.write(".mlv.json", "{}");
    fixture.commit_all("notes");
    auto repo = fixture.open();
    store::Cache cache("");
    Loader loader(repo, cache, {{"config.json", Role::docs}});

    auto commit = loader.load_commit(*repo.resolve_commit("HEAD"));
    REQUIRE(commit.ok());
    auto worktree = loader.load_worktree();
    REQUIRE(worktree.ok());
    for (const Snapshot* snapshot : {&*commit, &*worktree}) {
        const Artifact* notes = snapshot->find("notes.bin");
        REQUIRE(notes != nullptr);
        CHECK(notes->role == Role::docs);
        CHECK(notes->format == Format::binary);
        CHECK(notes->description == nullptr);
        CHECK(notes->size == 32);
        CHECK(notes->oid == hash_bytes("meeting notes, not a checkpoint\n").sha256);

        const Artifact* magic = snapshot->find("magic.bin");
        REQUIRE(magic != nullptr);
        CHECK(magic->role == Role::other);
        CHECK(magic->format == Format::binary);
        CHECK(magic->description == nullptr);

        // A config.json given the docs role is validated as plain JSON only.
        const Artifact* config = snapshot->find("config.json");
        REQUIRE(config != nullptr);
        CHECK(config->role == Role::docs);
        CHECK(config->format == Format::json);
        REQUIRE(config->description != nullptr);
        CHECK(config->get<formats::ModelConfig>() == nullptr);
        CHECK(config->description->error.has_value());
    }
}

TEST_CASE("snapshot built-in other still sniffed") {
    TempRepository fixture;
    fixture.write("checkpoint", test::torch_zip_bytes("archive", {8}));
    fixture.commit_all("checkpoint");
    auto repo = fixture.open();
    store::Cache cache("");
    Loader loader(repo, cache);
    auto snapshot = loader.load_commit(*repo.resolve_commit("HEAD"));
    REQUIRE(snapshot.ok());
    const Artifact* checkpoint = snapshot->find("checkpoint");
    REQUIRE(checkpoint != nullptr);
    CHECK(checkpoint->role == Role::other);
    CHECK(checkpoint->format == Format::pytorch);
    CHECK(checkpoint->get<formats::TorchCheckpoint>() != nullptr);
}

TEST_CASE("snapshot warns once per unknown role") {
    TempRepository fixture;
    fixture.write(".gitattributes", "*.bin mlv-role=banana\n*.dat mlv-role=Weights\n"
                                    "*.txt -mlv-role\n");
    fixture.write("a.bin", "a");
    fixture.write("b.bin", "b");
    fixture.write("c.dat", "c");
    fixture.write("d.txt", "d");
    fixture.commit_all("unknown roles");
    auto repo = fixture.open();
    store::Cache cache("");
    Loader loader(repo, cache);
    auto commit = loader.load_commit(*repo.resolve_commit("HEAD"));
    REQUIRE(commit.ok());
    REQUIRE(loader.load_worktree().ok());

    // The unknown value falls back to the built-in role.
    CHECK(commit->find("a.bin")->role == Role::weights);
    CHECK(commit->find("c.dat")->role == Role::other);
    REQUIRE(loader.warnings().size() == 2);
    CHECK(loader.warnings()[0] == "unknown role 'banana' in attribute mlv-role for 'a.bin'; "
                                  "expected one of weights, tokenizer, config, training, docs, "
                                  "other");
    CHECK(loader.warnings()[1] == "unknown role 'Weights' in attribute mlv-role for 'c.dat'; "
                                  "expected one of weights, tokenizer, config, training, docs, "
                                  "other");
}

TEST_CASE("snapshot of the working tree") {
    TempRepository fixture;
    fixture.write("config.json", config_text);
    fixture.commit_all("import");
    fixture.write("tokenizer_config.json", "{\"tokenizer_class\": \"LlamaTokenizer\"}");
    fixture.write("broken.json", "{");
    // Not regular files: skipped, never opened.
    std::filesystem::create_directories(fixture.workdir() + "model.safetensors");
    fixture.write("model.safetensors/inner.txt", "x");
    std::filesystem::create_symlink("/dev/zero", fixture.workdir() + "zero.gguf");

    auto repo = fixture.open();
    store::Cache cache("");
    Loader loader(repo, cache);
    auto snapshot = loader.load_worktree();
    REQUIRE(snapshot.ok());
    CHECK(snapshot->kind == SnapshotKind::worktree);
    REQUIRE(snapshot->find("config.json") != nullptr);
    CHECK(snapshot->find("config.json")->oid == hash_bytes(config_text).sha256);
    CHECK(snapshot->find("config.json")->blob_id.empty());
    REQUIRE(snapshot->find("tokenizer_config.json") != nullptr);
    CHECK(snapshot->find("tokenizer_config.json")->role == Role::tokenizer);
    REQUIRE(snapshot->find("broken.json") != nullptr);
    CHECK(snapshot->find("broken.json")->description->error.has_value());
    CHECK(snapshot->find("zero.gguf") == nullptr);
    CHECK(snapshot->find("model.safetensors") == nullptr);
}

TEST_CASE("snapshot working tree is not rehashed") {
    TempRepository fixture;
    // Larger than an LFS pointer can be, so it is hashed by streaming.
    fixture.write("model.safetensors", test::safetensors_bytes({{"w", "F32", {1024}}}));
    fixture.commit_all("import");
    auto repo = fixture.open();
    std::string cache_directory = repo.common_dir() + "mlv";

    auto hashing_lines = [&] {
        bool was_enabled = trace::enabled();
        test::StderrCapture capture;
        trace::set_enabled(true);
        {
            store::Cache cache(cache_directory);
            Loader loader(repo, cache);
            REQUIRE(loader.load_worktree().ok());
        }
        trace::set_enabled(was_enabled);
        std::string text = capture.text();
        size_t count = 0;
        for (size_t at = text.find("artifacts: hashing "); at != std::string::npos;
             at = text.find("artifacts: hashing ", at + 1)) {
            ++count;
        }
        return count;
    };
    CHECK(hashing_lines() == 1);
    CHECK(hashing_lines() == 0);
    // A rewrite with other content is hashed again.
    fixture.write("model.safetensors", test::safetensors_bytes({{"w", "F32", {1025}}}));
    CHECK(hashing_lines() == 1);
}

TEST_CASE("snapshot of the index") {
    TempRepository fixture;
    fixture.write("config.json", config_text);
    fixture.commit_all("import");
    fixture.write("config.json", R"({"model_type": "llama", "vocab_size": 32001})");
    fixture.git("add config.json");
    fixture.write("config.json", R"({"model_type": "llama", "vocab_size": 32002})");
    auto repo = fixture.open();
    store::Cache cache("");
    Loader loader(repo, cache);
    auto index = loader.load_index();
    REQUIRE(index.ok());
    CHECK(index->kind == SnapshotKind::index);
    CHECK(index->find("config.json")->get<formats::ModelConfig>()->vocab_size == 32001);
    auto worktree = loader.load_worktree();
    REQUIRE(worktree.ok());
    CHECK(worktree->find("config.json")->get<formats::ModelConfig>()->vocab_size == 32002);
}
