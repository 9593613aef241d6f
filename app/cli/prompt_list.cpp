#include "app/cli/prompt_list.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace kinema::cli {

Result<std::vector<std::string>> read_prompt_list(const std::string& path) {
    std::ifstream in(path);
    if (!in) return make_error(ErrorKind::Io, "cannot read prompt file " + path);
    std::vector<std::string> prompts;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '{') {
            const auto doc = nlohmann::json::parse(line, nullptr, false);
            if (!doc.is_object() || !doc.contains("text") || !doc["text"].is_string())
                return make_error(ErrorKind::InvalidRequest, path + ":" + std::to_string(number) +
                                                                 ": expected {\"text\": \"...\"}");
            prompts.push_back(doc["text"].get<std::string>());
        } else {
            prompts.push_back(line);
        }
    }
    if (prompts.empty()) return make_error(ErrorKind::InvalidRequest, path + " holds no prompt");
    return prompts;
}

}  // namespace kinema::cli
