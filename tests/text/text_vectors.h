// Reference vectors of tests/fixtures/text/ (see its README.md), read into plain structs.
#pragma once

#include <QList>
#include <QString>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kinema::test {

struct TextVector {
    std::string name;
    std::string text;  // UTF-8
    std::vector<int32_t> ids;
    std::vector<std::string> tokens;     // empty when the set has none
    std::optional<std::string> decoded;  // when the set has it
};

// tests/fixtures/text/<relative>
std::filesystem::path text_fixture(const std::string& relative);

// llama.cpp's .inp (cases separated by "\n__ggml_vocab_test__\n") and .out (one line of
// space-separated ids per case). Empty when the two disagree on the number of cases.
std::vector<TextVector> read_llama_cpp_vectors(const std::filesystem::path& inp,
                                               const std::filesystem::path& out);

// transformers.js sets: {"cases": [{"name", "text", "tokens", "ids", "decoded"}]}.
std::vector<TextVector> read_transformers_js_vectors(const std::filesystem::path& json);

// DERIVED_clip_slow_clean.json: name, text and slow_clean (carried in `decoded`).
std::vector<TextVector> read_clip_slow_clean(const std::filesystem::path& json);

QList<int> to_qlist(const std::vector<int32_t>& ids);

}  // namespace kinema::test
