#include "core/io/safetensors_writer.h"

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>
#include <fcntl.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <set>

#include "core/io/safetensors_dtype.h"
#include "core/io/utf8_check.h"

namespace kinema {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& path, int err) {
    return make_error(ErrorKind::Io, what + " " + path.string() + ": " + std::strerror(err));
}

// Owns the temporary file until commit(); removes it when destroyed uncommitted.
class TempFile {
public:
    explicit TempFile(std::filesystem::path target) : target_(std::move(target)) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!path_.empty()) ::unlink(path_.c_str());
    }

    Status create() {
        static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        std::random_device seed;
        std::mt19937 rng(seed());
        std::uniform_int_distribution<int> pick(0, sizeof(kAlphabet) - 2);
        for (int attempt = 0; attempt < 100; ++attempt) {
            std::string suffix = ".tmp-";
            for (int i = 0; i < 6; ++i)
                suffix += kAlphabet[pick(rng)];
            std::filesystem::path candidate = target_;
            candidate += suffix;
            fd_ = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd_ >= 0) {
                path_ = candidate;
                return {};
            }
            if (errno != EEXIST) return io_error("cannot create", candidate, errno);
        }
        return make_error(ErrorKind::Io,
                          "cannot create a temporary file next to " + target_.string());
    }

    Status write(const void* data, std::size_t size_bytes) {
        const auto* p = static_cast<const char*>(data);
        while (size_bytes > 0) {
            const ssize_t n = ::write(fd_, p, std::min<std::size_t>(size_bytes, 1u << 30));
            if (n < 0) {
                if (errno == EINTR) continue;
                return io_error("cannot write", path_, errno);
            }
            p += n;
            size_bytes -= static_cast<std::size_t>(n);
        }
        return {};
    }

    // fsync, close, rename over the target, then fsync the folder (best effort).
    Status commit() {
        if (::fsync(fd_) != 0) return io_error("cannot sync", path_, errno);
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) return io_error("cannot close", path_, errno);
        if (::rename(path_.c_str(), target_.c_str()) != 0)
            return io_error("cannot rename " + path_.string() + " to", target_, errno);
        path_.clear();
        auto folder = target_.parent_path();
        if (folder.empty()) folder = ".";
        const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd >= 0) {
            ::fsync(dir_fd);
            ::close(dir_fd);
        }
        return {};
    }

private:
    std::filesystem::path target_;
    std::filesystem::path path_;
    int fd_ = -1;
};

struct Planned {
    const std::string* name;
    const at::Tensor* tensor;
    SafetensorsDtype dtype;
    std::uint64_t nbytes;
};

Result<std::vector<Planned>> plan(const std::vector<std::pair<std::string, at::Tensor>>& tensors) {
    std::vector<Planned> out;
    std::set<std::string_view> seen;
    for (const auto& [name, t] : tensors) {
        if (name.empty() || name == "__metadata__" || !is_valid_utf8(name))
            return make_error(ErrorKind::InvalidRequest, "invalid tensor name '" + name + "'");
        if (!seen.insert(name).second)
            return make_error(ErrorKind::InvalidRequest, "duplicate tensor name '" + name + "'");
        if (!t.defined() || t.layout() != at::kStrided)
            return make_error(ErrorKind::InvalidRequest,
                              "tensor '" + name + "' is undefined or not a dense tensor");
        const auto dtype = to_safetensors_dtype(t.scalar_type());
        if (!dtype)
            return make_error(ErrorKind::Unsupported,
                              "tensor '" + name + "' has dtype " +
                                  std::string(c10::toString(t.scalar_type())) +
                                  ", which safetensors cannot hold");
        const auto numel = static_cast<std::uint64_t>(t.numel());
        out.push_back({&name, &t, *dtype, numel * element_size_bytes(*dtype)});
    }
    std::stable_sort(out.begin(), out.end(), [](const Planned& a, const Planned& b) {
        return element_size_bytes(a.dtype) > element_size_bytes(b.dtype);
    });
    return out;
}

std::string make_header(const std::vector<Planned>& planned,
                        const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (const auto& p : planned) {
        header[*p.name] = {{"dtype", std::string(dtype_name(p.dtype))},
                           {"shape", p.tensor->sizes().vec()},
                           {"data_offsets", {offset, offset + p.nbytes}}};
        offset += p.nbytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

Status write_all(const std::filesystem::path& path, const std::vector<Planned>& planned,
                 const std::string& header) {
    TempFile file(path);
    KINEMA_TRY_STATUS(file.create());
    std::uint8_t length[8];
    for (int i = 0; i < 8; ++i)
        length[i] = static_cast<std::uint8_t>(header.size() >> (8 * i));
    KINEMA_TRY_STATUS(file.write(length, sizeof(length)));
    KINEMA_TRY_STATUS(file.write(header.data(), header.size()));
    for (const auto& p : planned) {
        if (p.nbytes == 0) continue;
        at::Tensor t = *p.tensor;
        if (!t.is_cpu()) t = t.to(at::kCPU);
        t = t.contiguous();
        KINEMA_TRY_STATUS(file.write(t.data_ptr(), p.nbytes));
    }
    return file.commit();
}

}  // namespace

Status write_safetensors(const std::filesystem::path& path,
                         const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                         const std::map<std::string, std::string>& metadata) {
    for (const auto& [key, value] : metadata)
        if (!is_valid_utf8(key) || !is_valid_utf8(value))
            return make_error(ErrorKind::InvalidRequest, "metadata is not valid UTF-8");
    auto planned = plan(tensors);
    if (!planned) return planned.error();
    try {
        return write_all(path, *planned, make_header(*planned, metadata));
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::OutOfMemory, "out of memory writing " + path.string());
    } catch (const c10::Error& e) {
        const std::string what = e.what_without_backtrace();
        if (what.find("can't allocate memory") != std::string::npos)
            return make_error(ErrorKind::OutOfMemory, "writing " + path.string() + ": " + what);
        return make_error(ErrorKind::Internal, "writing " + path.string() + ": " + what);
    } catch (const std::exception& e) {
        return make_error(ErrorKind::Internal, "writing " + path.string() + ": " + e.what());
    }
}

}  // namespace kinema
