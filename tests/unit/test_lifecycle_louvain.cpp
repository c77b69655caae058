#include "mlv/lifecycle/louvain.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using mlv::lifecycle::louvain;
using mlv::lifecycle::modularity;
using mlv::lifecycle::WeightedGraph;

namespace {

// Adds a clique on the nodes first .. first+size-1 with unit weights.
void add_clique(WeightedGraph& graph, size_t first, size_t size) {
    for (size_t a = first; a < first + size; ++a) {
        for (size_t b = a + 1; b < first + size; ++b) {
            graph.edges.push_back({a, b, 1.0});
        }
    }
}

// Two 4-cliques {0..3} and {4..7} joined by the edge 3-4.
WeightedGraph two_cliques() {
    WeightedGraph graph;
    graph.node_count = 8;
    add_clique(graph, 0, 4);
    add_clique(graph, 4, 4);
    graph.edges.push_back({3, 4, 1.0});
    return graph;
}

// `count` 5-cliques in a ring, clique i joined to clique i+1 by one edge.
WeightedGraph ring_of_cliques(size_t count = 6) {
    WeightedGraph graph;
    graph.node_count = 5 * count;
    for (size_t i = 0; i < count; ++i) {
        add_clique(graph, 5 * i, 5);
        graph.edges.push_back({5 * i + 4, (5 * (i + 1)) % graph.node_count, 1.0});
    }
    return graph;
}

} // namespace

TEST_CASE("louvain: two cliques joined by one edge") {
    const auto partition = louvain(two_cliques());

    CHECK(partition.community_count == 2);
    CHECK(partition.community == std::vector<size_t>{0, 0, 0, 0, 1, 1, 1, 1});
    // m = 13; each clique has in_c = 12 and tot_c = 13: Q = 24/26 - 2 * (1/2)^2.
    CHECK(partition.modularity == doctest::Approx(11.0 / 26.0).epsilon(1e-9));
    CHECK(partition.levels >= 1);
}

TEST_CASE("louvain: ring of cliques") {
    const auto partition = louvain(ring_of_cliques());

    CHECK(partition.community_count == 6);
    for (size_t node = 0; node < 30; ++node) {
        CHECK(partition.community[node] == node / 5);
    }
    // m = 66; each clique has in_c = 20 and tot_c = 22: Q = 120/132 - 6 * (22/132)^2.
    CHECK(partition.modularity == doctest::Approx(49.0 / 66.0).epsilon(1e-9));
}

TEST_CASE("louvain: aggregation merges clique pairs") {
    // With 30 cliques the modularity optimum pairs neighbouring cliques (the
    // resolution limit), which only the second level can find.
    const auto partition = louvain(ring_of_cliques(30));

    CHECK(partition.levels == 2);
    CHECK(partition.community_count == 15);
    std::vector<size_t> sizes(partition.community_count, 0);
    for (size_t node = 0; node < 150; ++node) {
        ++sizes[partition.community[node]];
        CHECK(partition.community[node] == partition.community[node - node % 5]);
    }
    CHECK(std::all_of(sizes.begin(), sizes.end(), [](size_t size) { return size == 10; }));
    // m = 330; each pair has in_c = 42 and tot_c = 44: Q = 21/22 - 1/15.
    CHECK(partition.modularity == doctest::Approx(293.0 / 330.0).epsilon(1e-9));
}

TEST_CASE("louvain: weak bridge between heavy triangles") {
    WeightedGraph graph;
    graph.node_count = 6;
    graph.edges = {{0, 1, 5.0}, {1, 2, 5.0}, {0, 2, 5.0}, {3, 4, 5.0},
                   {4, 5, 5.0}, {3, 5, 5.0}, {2, 3, 0.5}};

    const auto partition = louvain(graph);

    CHECK(partition.community == std::vector<size_t>{0, 0, 0, 1, 1, 1});
    // m = 30.5; in_c = 30, tot_c = 30.5 for both.
    const double expected = 60.0 / 61.0 - 0.5;
    CHECK(partition.modularity == doctest::Approx(expected).epsilon(1e-9));
}

TEST_CASE("louvain: same input, same output") {
    const auto graph = ring_of_cliques();
    const auto first = louvain(graph);

    for (int round = 0; round < 5; ++round) {
        auto shuffled = graph;
        std::mt19937 random(static_cast<unsigned>(round));
        std::shuffle(shuffled.edges.begin(), shuffled.edges.end(), random);
        for (auto& edge : shuffled.edges) {
            std::swap(edge.a, edge.b);
        }

        const auto again = louvain(shuffled);
        CHECK(again.community == first.community);
        CHECK(again.modularity == first.modularity);
        CHECK(again.levels == first.levels);
    }
}

TEST_CASE("louvain: empty graph") {
    const auto partition = louvain(WeightedGraph{});

    CHECK(partition.community.empty());
    CHECK(partition.community_count == 0);
    CHECK(partition.modularity == 0.0);
    CHECK(partition.levels == 0);
}

TEST_CASE("louvain: single node") {
    WeightedGraph graph;
    graph.node_count = 1;

    const auto partition = louvain(graph);

    CHECK(partition.community == std::vector<size_t>{0});
    CHECK(partition.community_count == 1);
    CHECK(partition.modularity == 0.0);
}

TEST_CASE("louvain: nodes without edges stay alone") {
    WeightedGraph graph;
    graph.node_count = 5;
    graph.edges = {{1, 3, 1.0}};

    const auto partition = louvain(graph);

    CHECK(partition.community == std::vector<size_t>{0, 1, 2, 1, 3});
    CHECK(partition.community_count == 4);
    CHECK(partition.modularity == doctest::Approx(0.0));
}

TEST_CASE("louvain: unusable weights ignored") {
    WeightedGraph graph;
    graph.node_count = 3;
    graph.edges = {{0, 1, 1.0}, {1, 2, 0.0}, {0, 2, -3.0}, {1, 2, std::nan("")}};

    const auto partition = louvain(graph);

    CHECK(partition.community == std::vector<size_t>{0, 0, 1});
}

TEST_CASE("modularity: known values") {
    const auto graph = two_cliques();

    CHECK(modularity(graph, std::vector<size_t>(8, 0)) == doctest::Approx(0.0));

    // Singletons: Q = -sum (k_i / 2m)^2 with six nodes of degree 3 and two of degree 4.
    const std::vector<size_t> singletons = {0, 1, 2, 3, 4, 5, 6, 7};
    const double expected = -(6.0 * 9.0 + 2.0 * 16.0) / (26.0 * 26.0);
    CHECK(modularity(graph, singletons) == doctest::Approx(expected).epsilon(1e-12));

    CHECK(modularity(WeightedGraph{3, {}}, {0, 1, 2}) == 0.0);
}

TEST_CASE("modularity: self-loop counts twice") {
    WeightedGraph graph;
    graph.node_count = 2;
    graph.edges = {{0, 1, 1.0}, {0, 0, 1.0}};

    // Degrees 3 and 1, 2m = 4.
    CHECK(modularity(graph, {0, 0}) == doctest::Approx(0.0));
    CHECK(modularity(graph, {0, 1}) == doctest::Approx(0.5 - 0.5625 - 0.0625));
}
