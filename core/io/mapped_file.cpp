#include "core/io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace kinema {
namespace {

Error io_error(const std::filesystem::path& path, const char* what, int err) {
    return make_error(ErrorKind::Io,
                      std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

}  // namespace

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error(path, "cannot open", errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        return io_error(path, "cannot stat", err);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error(ErrorKind::InvalidRequest, "not a regular file: " + path.string());
    }
    MappedFile file;
    file.path_ = path;
    file.size_bytes_ = static_cast<std::size_t>(st.st_size);
    if (file.size_bytes_ > 0) {
        void* addr = ::mmap(nullptr, file.size_bytes_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (addr == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            return io_error(path, "cannot map", err);
        }
        file.data_ = static_cast<const std::uint8_t*>(addr);
    }
    ::close(fd);  // the mapping keeps its own reference to the file
    return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_bytes_(std::exchange(other.size_bytes_, 0)),
      path_(std::move(other.path_)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        reset();
        data_ = std::exchange(other.data_, nullptr);
        size_bytes_ = std::exchange(other.size_bytes_, 0);
        path_ = std::move(other.path_);
    }
    return *this;
}

MappedFile::~MappedFile() {
    reset();
}

void MappedFile::reset() noexcept {
    if (data_ != nullptr) ::munmap(const_cast<std::uint8_t*>(data_), size_bytes_);
    data_ = nullptr;
    size_bytes_ = 0;
}

}  // namespace kinema
