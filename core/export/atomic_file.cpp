#include "core/export/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>

namespace kinema {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& path, int err) {
    return make_error(ErrorKind::Io, what + " " + path.string() + ": " + std::strerror(err));
}

}  // namespace

Status write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device seed;
    std::mt19937 rng(seed());
    std::uniform_int_distribution<int> pick(0, sizeof(kAlphabet) - 2);
    std::filesystem::path temp;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        temp = path;
        temp += ".tmp-";
        for (int i = 0; i < 6; ++i)
            temp += kAlphabet[pick(rng)];
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) return io_error("cannot create", temp, errno);
    }
    if (fd < 0)
        return make_error(ErrorKind::Io, "cannot create a temporary file next to " + path.string());
    auto fail = [&](const std::string& what, const std::filesystem::path& p) -> Status {
        const int err = errno;
        if (fd >= 0) ::close(fd);
        ::unlink(temp.c_str());
        return io_error(what, p, err);
    };
    const char* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, std::min<size_t>(left, size_t(1) << 30));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("cannot write", temp);
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("cannot sync", temp);
    const int closing = fd;
    fd = -1;
    if (::close(closing) != 0) return fail("cannot close", temp);
    if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot rename to", path);
    const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);  // best effort
        ::close(dir);
    }
    return {};
}

}  // namespace kinema
