// Splitting repository paths, which always use '/' as the separator.
#pragma once

#include <string>
#include <string_view>

namespace mlv {

// Returns the part of `path` after its last '/', or all of `path` when it has
// no '/'.
std::string path_file_name(std::string_view path);

// Returns the part of `path` up to and including its last '/', or "" when it
// has no '/'. Joining the result and path_file_name() gives `path` back.
std::string path_directory(std::string_view path);

} // namespace mlv
