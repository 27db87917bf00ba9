// "Did you mean ...?": the closest candidate to a misspelt word, by optimal-string-alignment edit distance
// (insertions, deletions, substitutions and swaps of neighbours each count 1).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aiopid::config {

std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo: at most 1 edit for words of
/// up to 4 characters, 2 up to 8, 3 beyond (case-insensitive). Ties go to the earlier candidate.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean 'X'?)" or "" — to append to a message.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace aiopid::config
