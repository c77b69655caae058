#include "mlv/artifacts/blob_source.hpp"

#include "mlv/artifacts/snapshot.hpp"
#include "mlv/util/hash.hpp"
#include "support/git_fixture.hpp"
#include "support/weights_writer.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace mlv;
using namespace mlv::artifacts;
using mlv::test::TempRepository;

namespace {

// Bytes that differ at every offset, so that a read from the wrong place
// shows.
std::string patterned_bytes(size_t size) {
    std::string bytes(size, '\0');
    uint32_t state = 12345;
    for (auto& byte : bytes) {
        state = state * 1103515245u + 12345u;
        byte = static_cast<char>(state >> 24);
    }
    return bytes;
}

std::string blob_of(const git::Repository& repo, const std::string& path) {
    auto blob = repo.blob_at(*repo.resolve_commit("HEAD"), path);
    REQUIRE(blob.ok());
    REQUIRE(blob->has_value());
    return **blob;
}

std::string read_range(const ByteSource& source, uint64_t offset, uint64_t length) {
    auto bytes = source.read_string(offset, length);
    REQUIRE(bytes.ok());
    return *bytes;
}

// Sets GIT_MLV_BLOB_STREAM_THRESHOLD for the lifetime of the object.
class StreamThreshold {
  public:
    explicit StreamThreshold(const char* bytes) {
        setenv("GIT_MLV_BLOB_STREAM_THRESHOLD", bytes, 1);
    }
    ~StreamThreshold() { unsetenv("GIT_MLV_BLOB_STREAM_THRESHOLD"); }
};

} // namespace

TEST_CASE("streamed blob hashes and reads") {
    TempRepository fixture;
    std::string content = patterned_bytes(3 * 1024 * 1024 + 17);
    fixture.write("data.bin", content);
    fixture.commit_all("data");
    auto repo = fixture.open();
    std::string blob = blob_of(repo, "data.bin");

    StreamedBlobSource source(repo.git_dir(), blob, content.size(), 1000, 2000);
    uint64_t last_progress = 0;
    auto digest = source.load([&](uint64_t done) { last_progress = done; });
    REQUIRE(digest.ok());
    CHECK(digest->sha256 == hash_bytes(content).sha256);
    CHECK(digest->xxh3 == hash_bytes(content).xxh3);
    CHECK(digest->size == content.size());
    CHECK(last_progress == content.size());

    CHECK(read_range(source, 0, 1000) == content.substr(0, 1000));
    CHECK(read_range(source, content.size() - 2000, 2000) == content.substr(content.size() - 2000));
    // Outside the kept bytes, and across a 1 MiB chunk boundary.
    CHECK(read_range(source, (1 << 20) - 10, 30) == content.substr((1 << 20) - 10, 30));
    CHECK(read_range(source, 990, 20) == content.substr(990, 20));
    CHECK_FALSE(source.read_string(content.size() - 1, 2).ok());
}

TEST_CASE("streamed blob reads before load") {
    TempRepository fixture;
    std::string content = patterned_bytes(5000);
    fixture.write("data.bin", content);
    fixture.commit_all("data");
    auto repo = fixture.open();

    StreamedBlobSource source(repo.git_dir(), blob_of(repo, "data.bin"), content.size(), 10, 10);
    CHECK(read_range(source, 4000, 1000) == content.substr(4000));
}

TEST_CASE("streamed blob errors") {
    TempRepository fixture;
    fixture.write("data.bin", "twelve bytes");
    fixture.commit_all("data");
    auto repo = fixture.open();

    StreamedBlobSource missing(repo.git_dir(), std::string(40, '1'), 12, 4, 4);
    auto failed = missing.load();
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message ==
          "git cat-file blob 1111111111111111111111111111111111111111 failed with exit status 128");

    StreamedBlobSource wrong_size(repo.git_dir(), blob_of(repo, "data.bin"), 20, 4, 4);
    auto mismatch = wrong_size.load();
    REQUIRE_FALSE(mismatch.ok());
    CHECK(mismatch.error().message ==
          "blob " + blob_of(repo, "data.bin") + " has 12 bytes where its header names 20");
}

TEST_CASE("loader streams large blobs") {
    TempRepository fixture;
    std::string weights = test::safetensors_bytes({{"w", "F32", {4096}}});
    std::string checkpoint = test::torch_zip_bytes("archive", {8192});
    fixture.write("model.safetensors", weights);
    fixture.write("pytorch_model.bin", checkpoint);
    fixture.write("config.json", R"({"model_type": "llama"})");
    fixture.commit_all("weights");
    auto repo = fixture.open();
    std::string commit = *repo.resolve_commit("HEAD");

    StreamThreshold threshold("4096");
    store::Cache cache("");
    Loader loader(repo, cache);
    auto snapshot = loader.load_commit(commit);
    REQUIRE(snapshot.ok());

    const Artifact* model = snapshot->find("model.safetensors");
    REQUIRE(model != nullptr);
    CHECK(model->oid == hash_bytes(weights).sha256);
    CHECK(model->size == weights.size());
    REQUIRE(model->get<formats::SafetensorsHeader>() != nullptr);
    CHECK(model->get<formats::SafetensorsHeader>()->parameter_count == 4096);

    // The zip's central directory sits at the end of the blob.
    const Artifact* torch = snapshot->find("pytorch_model.bin");
    REQUIRE(torch != nullptr);
    CHECK(torch->oid == hash_bytes(checkpoint).sha256);
    REQUIRE(torch->description != nullptr);
    CHECK_FALSE(torch->description->error.has_value());
    CHECK(torch->get<formats::TorchCheckpoint>() != nullptr);

    // Small blobs are still read whole.
    const Artifact* config = snapshot->find("config.json");
    REQUIRE(config != nullptr);
    CHECK(config->get<formats::ModelConfig>() != nullptr);

    // With the digest cached but no description, the blob is streamed again.
    store::Cache fresh("");
    Loader reloaded(repo, fresh);
    auto record = reloaded.blob_record("model.safetensors", model->blob_id);
    REQUIRE(record.ok());
    CHECK(record->oid == model->oid);
    auto again = reloaded.load_blob("model.safetensors", model->blob_id,
                                    git::AttributeSource::commit, commit);
    REQUIRE(again.ok());
    REQUIRE(again->get<formats::SafetensorsHeader>() != nullptr);
}
