// Community detection with the Louvain method.
//
// Blondel, Guillaume, Lambiotte, Lefebvre, "Fast unfolding of communities in
// large networks", J. Stat. Mech. (2008) P10008. `git mlv groups` runs it on
// the co-change graph of a repository's files.
#pragma once

#include <cstddef>
#include <vector>

namespace mlv::lifecycle {

// An undirected weighted graph on the nodes 0 .. node_count-1.
struct WeightedGraph {
    struct Edge {
        size_t a = 0;
        size_t b = 0;
        double weight = 0.0;
    };

    size_t node_count = 0;
    // Every endpoint must be below node_count. Repeated pairs add up. An edge
    // with a == b is a self-loop and adds 2 * weight to the degree of its node.
    // Edges whose weight is not a positive finite number are ignored.
    std::vector<Edge> edges;
};

// An assignment of nodes to communities.
struct Partition {
    // The community of each node. Communities are numbered 0, 1, ... in the
    // order of their lowest node, so equal partitions compare equal.
    std::vector<size_t> community;
    size_t community_count = 0;
    double modularity = 0.0;
    // Aggregation levels that merged at least one pair of communities.
    int levels = 0;
};

// Computes the Newman-Girvan modularity
//   Q = sum over communities c of ( in_c / 2m - (tot_c / 2m)^2 )
// where 2m is the sum of all degrees, in_c the sum of A_ij over ordered pairs
// of members of c (self-loops included) and tot_c the sum of the members'
// degrees. Returns 0 for a graph without edges. `community` must have one
// entry per node.
double modularity(const WeightedGraph& graph, const std::vector<size_t>& community);

// Finds communities that maximise modularity with the Louvain method. Local
// moving visits the nodes in increasing id order and moves each into the
// neighbouring community with the largest modularity gain, until a full pass
// moves nothing. Aggregation then collapses each community into one node, and
// both phases repeat until local moving merges nothing. A node moves only for
// a gain above a small tolerance, and equal gains go to the community with the
// lowest id, so the result depends only on the graph. Nodes without edges stay
// alone.
Partition louvain(const WeightedGraph& graph);

} // namespace mlv::lifecycle
