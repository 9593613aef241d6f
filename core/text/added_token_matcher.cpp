#include "core/text/added_token_matcher.h"

#include <algorithm>

namespace kinema::text {

AddedTokenMatcher::AddedTokenMatcher(std::vector<AddedToken> tokens) {
    for (auto& t : tokens)
        if (!t.content.empty()) tokens_.push_back(std::move(t));
    std::stable_sort(tokens_.begin(), tokens_.end(), [](const AddedToken& a, const AddedToken& b) {
        return a.content.size() > b.content.size();
    });
    for (uint32_t i = 0; i < tokens_.size(); ++i)
        by_first_byte_[static_cast<unsigned char>(tokens_[i].content[0])].push_back(i);
}

std::vector<AddedTokenMatcher::Segment> AddedTokenMatcher::split(std::string_view text) const {
    std::vector<Segment> out;
    size_t plain_start = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        const auto& candidates = by_first_byte_[static_cast<unsigned char>(text[pos])];
        const AddedToken* hit = nullptr;
        for (uint32_t index : candidates) {
            const AddedToken& t = tokens_[index];
            if (text.compare(pos, t.content.size(), t.content) == 0) {
                hit = &t;  // candidates are longest first
                break;
            }
        }
        if (hit == nullptr) {
            ++pos;
            continue;
        }
        if (pos > plain_start) out.push_back({text.substr(plain_start, pos - plain_start), -1});
        out.push_back({text.substr(pos, hit->content.size()), hit->id});
        pos += hit->content.size();
        plain_start = pos;
    }
    if (plain_start < text.size()) out.push_back({text.substr(plain_start), -1});
    return out;
}

}  // namespace kinema::text
