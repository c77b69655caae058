#include "mlv/lifecycle/louvain.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <numeric>
#include <utility>

namespace mlv::lifecycle {

namespace {

// The symmetric adjacency matrix A in sparse form. A_ij = A_ji is the total
// weight between i and j; the diagonal A_ii is kept apart and equals twice
// the self-loop weight, so that degree_i = sum over j of A_ij.
struct Adjacency {
    std::vector<std::vector<std::pair<size_t, double>>>
        neighbours; // sorted by id, without i itself
    std::vector<double> self_loop;
    std::vector<double> degree;
    double total_degree = 0.0; // 2m
};

bool usable_weight(double weight) {
    return std::isfinite(weight) && weight > 0.0;
}

// Builds the adjacency from `weights`, keyed by (lower id, higher id).
// std::map keeps the neighbour lists sorted, which fixes the order of every
// floating-point sum below.
Adjacency build_adjacency(size_t node_count,
                          const std::map<std::pair<size_t, size_t>, double>& weights) {
    Adjacency adjacency;
    adjacency.neighbours.resize(node_count);
    adjacency.self_loop.assign(node_count, 0.0);
    adjacency.degree.assign(node_count, 0.0);

    for (const auto& [pair, weight] : weights) {
        const auto [a, b] = pair;
        if (a == b) {
            adjacency.self_loop[a] += weight;
            adjacency.degree[a] += weight;
            continue;
        }
        adjacency.neighbours[a].emplace_back(b, weight);
        adjacency.neighbours[b].emplace_back(a, weight);
        adjacency.degree[a] += weight;
        adjacency.degree[b] += weight;
    }

    for (auto& list : adjacency.neighbours) {
        std::sort(list.begin(), list.end());
    }
    adjacency.total_degree = std::accumulate(adjacency.degree.begin(), adjacency.degree.end(), 0.0);
    return adjacency;
}

// Converts the public edge list: an undirected edge {a, b, w} becomes
// A_ab = A_ba = w, and a self-loop {a, a, w} becomes A_aa = 2w.
Adjacency adjacency_of(const WeightedGraph& graph) {
    std::map<std::pair<size_t, size_t>, double> weights;
    for (const auto& edge : graph.edges) {
        assert(edge.a < graph.node_count);
        assert(edge.b < graph.node_count);
        if (!usable_weight(edge.weight)) {
            continue;
        }
        const auto key = std::minmax(edge.a, edge.b);
        weights[key] += edge.a == edge.b ? 2.0 * edge.weight : edge.weight;
    }
    return build_adjacency(graph.node_count, weights);
}

// Renumbers `community` in place so that communities are numbered in the
// order of their lowest member; returns the number of communities.
size_t renumber(std::vector<size_t>& community) {
    std::map<size_t, size_t> new_id;
    for (auto& c : community) {
        const auto [it, inserted] = new_id.emplace(c, new_id.size());
        c = it->second;
    }
    return new_id.size();
}

// Runs local moving on one level and returns the community of each node,
// renumbered. `moved` reports whether any node changed community.
std::vector<size_t> move_nodes(const Adjacency& graph, bool& moved) {
    const size_t n = graph.neighbours.size();
    std::vector<size_t> community(n);
    std::iota(community.begin(), community.end(), size_t{0});
    std::vector<double> community_degree = graph.degree; // tot_c

    // A move must gain more than this, so rounding noise cannot make two
    // communities trade a node back and forth forever.
    const double tolerance = 1e-12 * graph.total_degree;

    // weight_to[c]: total weight from the current node to community c;
    // `touched` lists the communities set in this step, in discovery order.
    std::vector<double> weight_to(n, 0.0);
    std::vector<size_t> touched;
    moved = false;

    bool pass_moved = true;
    while (pass_moved) {
        pass_moved = false;
        for (size_t node = 0; node < n; ++node) {
            const size_t current = community[node];
            const double k = graph.degree[node];

            touched.clear();
            touched.push_back(current);
            for (const auto& [neighbour, weight] : graph.neighbours[node]) {
                const size_t c = community[neighbour];
                if (weight_to[c] == 0.0 && c != current) {
                    touched.push_back(c);
                }
                weight_to[c] += weight;
            }

            // Take the node out, then score putting it back into each
            // candidate: the modularity gain is proportional to
            // k_i,c - tot_c * k_i / 2m.
            community_degree[current] -= k;
            size_t best = current;
            double best_gain =
                weight_to[current] - community_degree[current] * k / graph.total_degree;

            std::sort(touched.begin() + 1, touched.end());
            for (size_t i = 1; i < touched.size(); ++i) {
                const size_t c = touched[i];
                const double gain = weight_to[c] - community_degree[c] * k / graph.total_degree;
                if (gain > best_gain + tolerance) {
                    best = c;
                    best_gain = gain;
                }
            }

            community_degree[best] += k;
            community[node] = best;
            if (best != current) {
                pass_moved = true;
                moved = true;
            }

            for (const size_t c : touched) {
                weight_to[c] = 0.0;
            }
        }
    }

    renumber(community);
    return community;
}

// Collapses each community of `graph` into one node; weights between and
// inside communities add up.
Adjacency aggregate(const Adjacency& graph, const std::vector<size_t>& community,
                    size_t community_count) {
    std::map<std::pair<size_t, size_t>, double> weights;
    for (size_t node = 0; node < graph.neighbours.size(); ++node) {
        const size_t c = community[node];
        if (graph.self_loop[node] > 0.0) {
            weights[{c, c}] += graph.self_loop[node];
        }
        for (const auto& [neighbour, weight] : graph.neighbours[node]) {
            const size_t d = community[neighbour];
            if (c == d) {
                // Both directions of an internal edge land on the diagonal,
                // which keeps A_cc equal to the sum over ordered pairs.
                weights[{c, c}] += weight;
            } else if (node < neighbour) {
                weights[std::minmax(c, d)] += weight;
            }
        }
    }
    return build_adjacency(community_count, weights);
}

double modularity_of(const Adjacency& graph, const std::vector<size_t>& community) {
    if (graph.total_degree <= 0.0) {
        return 0.0;
    }

    const size_t count =
        community.empty() ? 0 : *std::max_element(community.begin(), community.end()) + 1;
    std::vector<double> inside(count, 0.0);
    std::vector<double> degree(count, 0.0);
    for (size_t node = 0; node < graph.neighbours.size(); ++node) {
        const size_t c = community[node];
        degree[c] += graph.degree[node];
        inside[c] += graph.self_loop[node];
        for (const auto& [neighbour, weight] : graph.neighbours[node]) {
            if (community[neighbour] == c) {
                inside[c] += weight;
            }
        }
    }

    double q = 0.0;
    for (size_t c = 0; c < count; ++c) {
        const double share = degree[c] / graph.total_degree;
        q += inside[c] / graph.total_degree - share * share;
    }
    return q;
}

} // namespace

double modularity(const WeightedGraph& graph, const std::vector<size_t>& community) {
    assert(community.size() == graph.node_count);
    return modularity_of(adjacency_of(graph), community);
}

Partition louvain(const WeightedGraph& graph) {
    const Adjacency original = adjacency_of(graph);

    Partition partition;
    partition.community.resize(graph.node_count);
    std::iota(partition.community.begin(), partition.community.end(), size_t{0});
    partition.community_count = graph.node_count;

    Adjacency level = original;
    while (level.total_degree > 0.0) {
        bool moved = false;
        const std::vector<size_t> level_community = move_nodes(level, moved);
        if (!moved) {
            break;
        }

        const size_t count = *std::max_element(level_community.begin(), level_community.end()) + 1;
        for (auto& c : partition.community) {
            c = level_community[c];
        }
        partition.community_count = count;
        ++partition.levels;

        level = aggregate(level, level_community, count);
    }

    partition.community_count = renumber(partition.community);
    partition.modularity = modularity_of(original, partition.community);
    return partition;
}

} // namespace mlv::lifecycle
