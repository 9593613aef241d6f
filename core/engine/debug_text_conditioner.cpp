#include "core/engine/debug_text_conditioner.h"

#include "core/tiny/tiny_vocab.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <vector>

namespace kinema {
namespace {

uint64_t fnv1a(const std::string& text) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

at::Tensor seeded_vector(uint64_t seed, int64_t dim) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return at::randn({dim}, gen, at::TensorOptions().dtype(at::kFloat));
}

}  // namespace

DebugTextConditioner::DebugTextConditioner(int64_t ctxt_dim, int64_t vtxt_dim, int64_t max_tokens)
    : ctxt_dim_(ctxt_dim), vtxt_dim_(vtxt_dim), max_tokens_(max_tokens) {}

std::string DebugTextConditioner::cache_key() const {
    return "debug-hash-v1:" + std::to_string(ctxt_dim_) + "x" + std::to_string(vtxt_dim_);
}

Result<TextFeatures> DebugTextConditioner::encode(const std::string& prompt,
                                                  const std::atomic<bool>* cancel) {
    if (cancel && cancel->load()) return make_error(ErrorKind::Cancelled, "cancelled");
    try {
        auto words = TinyVocab::split_words(prompt);
        if (words.empty()) words.push_back("<empty>");
        if (static_cast<int64_t>(words.size()) > max_tokens_) words.resize(max_tokens_);
        std::vector<at::Tensor> rows;
        for (const auto& w : words)
            rows.push_back(seeded_vector(fnv1a(w), ctxt_dim_));
        TextFeatures f;
        f.ctxt = at::stack(rows, 0).unsqueeze(0);
        f.vtxt =
            seeded_vector(fnv1a(prompt) ^ 0x9e3779b97f4a7c15ull, vtxt_dim_).view({1, 1, vtxt_dim_});
        f.ctxt_length = at::full({1}, static_cast<int64_t>(rows.size()), at::kLong);
        return f;
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal, e.what_without_backtrace());
    }
}

}  // namespace kinema
