#include "tests/text/text_vectors.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace kinema::test {
namespace {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

nlohmann::json read_json(const std::filesystem::path& path) {
    return nlohmann::json::parse(slurp(path), nullptr, /*allow_exceptions=*/false);
}

}  // namespace

std::filesystem::path text_fixture(const std::string& relative) {
    return std::filesystem::path(KINEMA_TEST_FIXTURES) / "text" / relative;
}

std::vector<TextVector> read_llama_cpp_vectors(const std::filesystem::path& inp,
                                               const std::filesystem::path& out) {
    const std::string inputs = slurp(inp);
    const std::string outputs = slurp(out);
    const std::string separator = "\n__ggml_vocab_test__\n";
    std::vector<std::string> texts;
    for (size_t pos = 0; pos < inputs.size();) {
        const size_t next = inputs.find(separator, pos);
        if (next == std::string::npos) break;  // the file ends with a separator
        texts.push_back(inputs.substr(pos, next - pos));
        pos = next + separator.size();
    }
    std::vector<std::string> lines;
    std::istringstream out_stream(outputs);
    for (std::string line; std::getline(out_stream, line);)
        lines.push_back(line);
    if (texts.size() != lines.size()) return {};
    std::vector<TextVector> cases;
    for (size_t i = 0; i < texts.size(); ++i) {
        TextVector v;
        v.name = "llama.cpp#" + std::to_string(i);
        v.text = texts[i];
        std::istringstream ids(lines[i]);
        for (int32_t id; ids >> id;)
            v.ids.push_back(id);
        cases.push_back(std::move(v));
    }
    return cases;
}

std::vector<TextVector> read_transformers_js_vectors(const std::filesystem::path& json) {
    const nlohmann::json doc = read_json(json);
    std::vector<TextVector> cases;
    if (!doc.is_object() || !doc.contains("cases")) return cases;
    for (const auto& c : doc["cases"]) {
        TextVector v;
        v.name = c.at("name").get<std::string>();
        v.text = c.at("text").get<std::string>();
        v.ids = c.at("ids").get<std::vector<int32_t>>();
        if (c.contains("tokens")) v.tokens = c["tokens"].get<std::vector<std::string>>();
        if (c.contains("decoded")) v.decoded = c["decoded"].get<std::string>();
        cases.push_back(std::move(v));
    }
    return cases;
}

std::vector<TextVector> read_clip_slow_clean(const std::filesystem::path& json) {
    const nlohmann::json doc = read_json(json);
    std::vector<TextVector> cases;
    if (!doc.is_object() || !doc.contains("cases")) return cases;
    for (const auto& c : doc["cases"]) {
        TextVector v;
        v.name = c.at("name").get<std::string>();
        v.text = c.at("text").get<std::string>();
        v.decoded = c.at("slow_clean").get<std::string>();
        cases.push_back(std::move(v));
    }
    return cases;
}

QList<int> to_qlist(const std::vector<int32_t>& ids) {
    return QList<int>(ids.begin(), ids.end());
}

}  // namespace kinema::test
