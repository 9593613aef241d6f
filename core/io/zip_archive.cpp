#include "core/io/zip_archive.h"

#include <zip.h>

#include <cstring>

namespace kinema {
namespace {

Error bad(const std::filesystem::path& path, const std::string& what) {
    return make_error(ErrorKind::BadModelFile, path.string() + ": " + what);
}

}  // namespace

void ZipArchive::Closer::operator()(::zip* archive) const {
    zip_discard(archive);
}

Result<ZipArchive> ZipArchive::open(const std::filesystem::path& path) {
    int code = 0;
    ::zip* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (archive == nullptr) {
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        const std::string message = zip_error_strerror(&error);
        zip_error_fini(&error);
        switch (code) {
            case ZIP_ER_NOENT:
            case ZIP_ER_OPEN:
            case ZIP_ER_READ:
            case ZIP_ER_SEEK:
                return make_error(ErrorKind::Io, "cannot open " + path.string() + ": " + message);
            case ZIP_ER_NOZIP:
                return bad(path, "not a zip archive");
            default:
                return bad(path, "damaged zip archive: " + message);
        }
    }
    ZipArchive out;
    out.archive_.reset(archive);
    out.path_ = path;
    return out;
}

std::vector<std::string> ZipArchive::names() const {
    std::vector<std::string> out;
    const zip_int64_t n = zip_get_num_entries(archive_.get(), 0);
    for (zip_int64_t i = 0; i < n; ++i) {
        const char* name = zip_get_name(archive_.get(), static_cast<zip_uint64_t>(i), 0);
        if (name != nullptr) out.emplace_back(name);
    }
    return out;
}

std::optional<std::uint64_t> ZipArchive::entry_size_bytes(const std::string& name) const {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(archive_.get(), name.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return std::nullopt;
    return st.size;
}

Status ZipArchive::read_entry(const std::string& name, void* dst, std::uint64_t size_bytes) const {
    const auto size = entry_size_bytes(name);
    if (!size) return bad(path_, "no zip entry '" + name + "'");
    if (*size != size_bytes)
        return bad(path_, "zip entry '" + name + "' holds " + std::to_string(*size) +
                              " bytes, expected " + std::to_string(size_bytes));
    zip_file_t* file = zip_fopen(archive_.get(), name.c_str(), 0);
    if (file == nullptr)
        return bad(path_, "cannot open zip entry '" + name + "': " + zip_strerror(archive_.get()));
    auto* out = static_cast<std::uint8_t*>(dst);
    std::uint64_t done = 0;
    std::string failure;
    while (done < size_bytes) {
        const zip_int64_t n = zip_fread(file, out + done, size_bytes - done);
        if (n < 0) {
            failure = zip_file_strerror(file);
            break;
        }
        if (n == 0) {
            failure = "unexpected end of data";
            break;
        }
        done += static_cast<std::uint64_t>(n);
    }
    if (failure.empty()) {
        std::uint8_t extra = 0;  // reading at the end makes libzip verify the CRC
        const zip_int64_t n = zip_fread(file, &extra, 1);
        if (n < 0) failure = zip_file_strerror(file);
        if (n > 0) failure = "entry is longer than its recorded size";
    }
    zip_fclose(file);
    if (!failure.empty()) return bad(path_, "zip entry '" + name + "': " + failure);
    return {};
}

Result<std::string> ZipArchive::read_entry(const std::string& name, std::uint64_t max_bytes) const {
    const auto size = entry_size_bytes(name);
    if (!size) return bad(path_, "no zip entry '" + name + "'");
    if (*size > max_bytes)
        return bad(path_,
                   "zip entry '" + name + "' is too large (" + std::to_string(*size) + " bytes)");
    std::string text(static_cast<std::size_t>(*size), '\0');
    KINEMA_TRY_STATUS(read_entry(name, text.data(), *size));
    return text;
}

}  // namespace kinema
