#include "core/text/embedding_cache.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include "core/io/safetensors_file.h"
#include "core/io/safetensors_writer.h"
#include "core/text/stable_hash.h"

namespace kinema::text {
namespace fs = std::filesystem;

namespace {
constexpr const char* kVec = "text_vec_raw";
constexpr const char* kCtxt = "text_ctxt_raw";
constexpr const char* kLength = "text_ctxt_raw_length";
}  // namespace

Status write_text_features(const fs::path& path, const TextFeatures& f,
                           const std::string& key_prefix,
                           const std::map<std::string, std::string>& metadata) {
    if (!f.vtxt.defined() || !f.ctxt.defined() || !f.ctxt_length.defined())
        return make_error(ErrorKind::InvalidRequest, "text features are incomplete");
    try {
        return write_safetensors(path,
                                 {{key_prefix + kVec, f.vtxt.to(at::kFloat).contiguous()},
                                  {key_prefix + kCtxt, f.ctxt.to(at::kFloat).contiguous()},
                                  {key_prefix + kLength, f.ctxt_length.to(at::kLong).contiguous()}},
                                 metadata);
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::OutOfMemory, e.what_without_backtrace());
    }
}

Result<TextFeatures> read_text_features(const fs::path& path, const std::string& key_prefix) {
    auto file = SafetensorsFile::open(path);
    if (!file) return file.error();
    TextFeatures f;
    std::string missing;
    at::Tensor* slots[] = {&f.vtxt, &f.ctxt, &f.ctxt_length};
    const char* names[] = {kVec, kCtxt, kLength};
    try {
        for (int i = 0; i < 3; ++i) {
            auto t = file->contains(key_prefix + names[i])
                         ? file->tensor(key_prefix + names[i])
                         : Result<at::Tensor>(make_error(ErrorKind::BadModelFile, ""));
            if (!t) {
                missing += (missing.empty() ? "" : ", ") + key_prefix + names[i];
                continue;
            }
            *slots[i] = (i == 2 ? t->to(at::kLong) : t->to(at::kFloat)).clone();
        }
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::BadModelFile, e.what_without_backtrace());
    }
    if (!missing.empty())
        return make_error(ErrorKind::BadModelFile, path.string() + ": missing " + missing);
    if (f.vtxt.dim() != 3 || f.ctxt.dim() != 3 || f.ctxt_length.dim() != 1 ||
        f.vtxt.size(0) != f.ctxt.size(0) || f.ctxt_length.size(0) != f.ctxt.size(0))
        return make_error(ErrorKind::ShapeMismatch,
                          path.string() + ": expected vtxt (S,1,Cv), ctxt (S,Lt,Cc), length (S,)");
    return f;
}

fs::path EmbeddingCache::path_for(const std::string& cache_key, const std::string& prompt) const {
    std::string data = cache_key;
    data.push_back('\0');
    data += prompt;
    return dir_ / (stable_hash_hex(data) + ".safetensors");
}

std::optional<TextFeatures> EmbeddingCache::load(const std::string& cache_key,
                                                 const std::string& prompt) const {
    const fs::path path = path_for(cache_key, prompt);
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::nullopt;
    auto file = SafetensorsFile::open(path);
    if (!file) return std::nullopt;
    const auto& meta = file->metadata();
    auto k = meta.find("kinema.cache_key");
    auto p = meta.find("kinema.prompt");
    if (k == meta.end() || p == meta.end() || k->second != cache_key || p->second != prompt)
        return std::nullopt;
    auto features = read_text_features(path);
    if (!features) return std::nullopt;
    return std::move(*features);
}

Status EmbeddingCache::store(const std::string& cache_key, const std::string& prompt,
                             const TextFeatures& features) const {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec)
        return make_error(ErrorKind::Io, "cannot create " + dir_.string() + ": " + ec.message());
    return write_text_features(path_for(cache_key, prompt), features, "",
                               {{"kinema.cache_key", cache_key}, {"kinema.prompt", prompt}});
}

}  // namespace kinema::text
