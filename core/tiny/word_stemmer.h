// English word stemming for kinema-tiny's word vocabulary: Porter's step 1 (plurals, -ed,
// -ing, y -> i) and step 5a (final e), plus a few irregular motion verbs ("ran" -> "run",
// "sat" -> "sit"), so "walk", "walks", "walking" and "walked" share one vocabulary entry.
// Input: one lower-case ASCII word as TinyVocab::split_words returns it. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace kinema {

std::string stem_word(std::string_view word);

}  // namespace kinema
