#include "tests/io/zip_test_util.h"

#include <zip.h>

#include <cstdlib>
#include <cstring>

namespace kinema::test {

ZipEntries read_zip(const std::string& path) {
    ZipEntries out;
    int code = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (archive == nullptr) return out;
    const zip_int64_t n = zip_get_num_entries(archive, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &st) != 0) return {};
        std::string data(st.size, '\0');
        zip_file_t* f = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
        if (f == nullptr) return {};
        const zip_int64_t got = st.size ? zip_fread(f, data.data(), st.size) : 0;
        zip_fclose(f);
        if (got != static_cast<zip_int64_t>(st.size)) return {};
        out.emplace_back(st.name, std::move(data));
    }
    zip_discard(archive);
    return out;
}

bool write_zip(const std::string& path, const ZipEntries& entries) {
    int code = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    if (archive == nullptr) return false;
    for (const auto& [name, data] : entries) {
        // libzip reads the buffer at zip_close(): give it a copy it frees itself.
        void* copy = std::malloc(data.size() + 1);
        std::memcpy(copy, data.data(), data.size());
        zip_source_t* src = zip_source_buffer(archive, copy, data.size(), 1);
        if (src == nullptr) {
            std::free(copy);
            zip_discard(archive);
            return false;
        }
        const zip_int64_t index = zip_file_add(archive, name.c_str(), src, ZIP_FL_OVERWRITE);
        if (index < 0) {
            zip_source_free(src);
            zip_discard(archive);
            return false;
        }
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    }
    return zip_close(archive) == 0;
}

std::string pickle_binunicode(const std::string& text) {
    std::string out = "X";
    const auto n = static_cast<std::uint32_t>(text.size());
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>((n >> (8 * i)) & 0xff);
    return out + text;
}

bool write_checkpoint_with_pickle(const std::string& path, const std::string& pickle) {
    return write_zip(path, {{"archive/data.pkl", pickle}, {"archive/version", "3\n"}});
}

}  // namespace kinema::test
