#include "tests/motion/fixture_tensors.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace kinema::test {

std::map<std::string, at::Tensor> read_safetensors(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    uint64_t header_len = 0;
    if (bytes.size() < 8) throw std::runtime_error("truncated " + path);
    std::memcpy(&header_len, bytes.data(), 8);  // little-endian host
    if (8 + header_len > bytes.size()) throw std::runtime_error("bad header length in " + path);
    const auto header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + header_len);
    const std::map<std::string, at::ScalarType> dtypes = {
        {"F32", at::kFloat}, {"F64", at::kDouble}, {"F16", at::kHalf}, {"I64", at::kLong},
        {"I32", at::kInt},   {"U8", at::kByte},    {"BOOL", at::kBool}};
    std::map<std::string, at::Tensor> out;
    for (const auto& [key, info] : header.items()) {
        if (key == "__metadata__") continue;
        const auto dtype = dtypes.at(info.at("dtype").get<std::string>());
        const auto shape = info.at("shape").get<std::vector<int64_t>>();
        const auto offsets = info.at("data_offsets").get<std::vector<uint64_t>>();
        auto t = at::empty(shape, at::TensorOptions().dtype(dtype));
        const uint64_t begin = 8 + header_len + offsets.at(0), end = 8 + header_len + offsets.at(1);
        if (end > bytes.size() || end - begin != t.nbytes()) {
            throw std::runtime_error("bad data offsets for " + key + " in " + path);
        }
        std::memcpy(t.data_ptr(), bytes.data() + begin, end - begin);
        out.emplace(key, t);
    }
    return out;
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    if (!a.sizes().equals(b.sizes())) throw std::runtime_error("max_abs_diff: shape mismatch");
    if (a.numel() == 0) return 0.0;
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace kinema::test
