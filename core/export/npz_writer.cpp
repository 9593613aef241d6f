#include "core/export/npz_writer.h"

#include <ATen/ATen.h>
#include <zip.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "core/export/atomic_file.h"
#include "core/motion/npz_pose.h"
#include "core/motion/rotations.h"
#include "core/motion/tensor_checks.h"

namespace kinema {
namespace {

std::string npy_header(const std::string& descr, const std::vector<int64_t>& shape) {
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
    for (size_t i = 0; i < shape.size(); ++i)
        dict += std::to_string(shape[i]) + ", ";
    if (shape.size() > 1) dict.resize(dict.size() - 2);
    if (shape.size() == 1) dict.pop_back();  // "(3,)"
    dict += "), }";
    // magic(6) + version(2) + length(2) + dict + padding + '\n' is a multiple of 64.
    const size_t total = (10 + dict.size() + 1 + 63) / 64 * 64;
    dict.append(total - 10 - dict.size() - 1, ' ');
    dict += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(dict.size() & 0xff);
    out += static_cast<char>((dict.size() >> 8) & 0xff);
    return out + dict;
}

// Decodes UTF-8 to code points (invalid bytes become U+FFFD).
std::u32string utf32(const std::string& s) {
    std::u32string out;
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1f) : n == 2 ? (c & 0x0f) : (c & 0x07);
        bool ok = n >= 0 && i + static_cast<size_t>(n) < s.size();
        for (int k = 1; ok && k <= n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            ok = (cc >> 6) == 2;
            cp = (cp << 6) | (cc & 0x3f);
        }
        out += ok ? cp : U'\uFFFD';
        i += ok ? static_cast<size_t>(n) + 1 : 1;
    }
    return out;
}

}  // namespace

Result<std::string> npy_bytes(const at::Tensor& tensor) {
    std::string descr;
    switch (tensor.scalar_type()) {
        case at::kFloat:
            descr = "<f4";
            break;
        case at::kDouble:
            descr = "<f8";
            break;
        case at::kLong:
            descr = "<i8";
            break;
        case at::kInt:
            descr = "<i4";
            break;
        default:
            return make_error(ErrorKind::Unsupported, "npy: unsupported dtype");
    }
    const auto t = tensor.to(at::kCPU).contiguous();
    std::vector<int64_t> shape(t.sizes().begin(), t.sizes().end());
    std::string out = npy_header(descr, shape);
    out.append(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
    return out;
}

std::string npy_unicode_bytes(const std::vector<std::string>& strings) {
    std::vector<std::u32string> wide;
    size_t width = 1;
    for (const auto& s : strings) {
        wide.push_back(utf32(s));
        width = std::max(width, wide.back().size());
    }
    std::string out =
        npy_header("<U" + std::to_string(width), {static_cast<int64_t>(strings.size())});
    for (const auto& w : wide) {
        for (size_t i = 0; i < width; ++i) {
            const char32_t cp = i < w.size() ? w[i] : 0;
            for (int b = 0; b < 4; ++b)
                out += static_cast<char>((cp >> (8 * b)) & 0xff);
        }
    }
    return out;
}

Result<std::string> npz_archive_bytes(const std::vector<std::pair<std::string, std::string>>& files,
                                      const std::string& comment) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* memory = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (!memory) return make_error(ErrorKind::OutOfMemory, "npz: cannot create a zip buffer");
    zip_t* archive = zip_open_from_source(memory, ZIP_TRUNCATE, &error);
    if (!archive) {
        zip_source_free(memory);
        return make_error(ErrorKind::Internal, std::string("npz: ") + zip_error_strerror(&error));
    }
    zip_source_keep(memory);
    auto fail = [&](const std::string& what) -> Error {
        std::string message = "npz: " + what + ": " + zip_strerror(archive);
        zip_discard(archive);
        zip_source_free(memory);
        return make_error(ErrorKind::Internal, message);
    };
    for (const auto& [name, bytes] : files) {
        zip_source_t* src = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
        if (!src) return fail("cannot add " + name);
        const zip_int64_t index = zip_file_add(archive, name.c_str(), src, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(src);
            return fail("cannot add " + name);
        }
        if (zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE,
                                     6) != 0)
            return fail("cannot compress " + name);
    }
    if (!comment.empty()) {
        const auto n = static_cast<zip_uint16_t>(std::min<size_t>(comment.size(), 65535));
        if (zip_set_archive_comment(archive, comment.data(), n) != 0) return fail("comment");
    }
    if (zip_close(archive) != 0) return fail("cannot finish the archive");

    std::string out;
    if (zip_source_open(memory) != 0) {
        zip_source_free(memory);
        return make_error(ErrorKind::Internal, "npz: cannot reopen the zip buffer");
    }
    char buffer[1 << 15];
    zip_int64_t n;
    while ((n = zip_source_read(memory, buffer, sizeof(buffer))) > 0)
        out.append(buffer, static_cast<size_t>(n));
    zip_source_close(memory);
    zip_source_free(memory);
    if (n < 0) return make_error(ErrorKind::Internal, "npz: cannot read the zip buffer");
    return out;
}

Status write_hymotion_npz(const std::filesystem::path& path, const MotionClip& clip,
                          const std::string& comment) {
    auto arrays = motion_detail::guard("npz", [&]() -> Result<NpzPoseArrays> {
        at::Tensor rot6d = clip.rot6d;
        if (!rot6d.defined() && clip.rotations.defined()) rot6d = matrix_to_rot6d(clip.rotations);
        if (!rot6d.defined() || !clip.transl.defined())
            return make_error(ErrorKind::ShapeMismatch, "npz: the clip has no rotations/transl");
        return make_npz_pose(rot6d.unsqueeze(0), clip.transl.unsqueeze(0));
    });
    if (!arrays.ok()) return arrays.error();
    auto entries = motion_detail::guard(
        "npz", [&]() -> Result<std::vector<std::pair<std::string, std::string>>> {
            std::vector<std::pair<std::string, std::string>> files;
            files.emplace_back("gender.npy", npy_unicode_bytes({arrays->gender}));
            for (const auto& [name, t] :
                 {std::pair<const char*, at::Tensor>{"Rh.npy", arrays->rh[0]},
                  {"trans.npy", arrays->trans[0]},
                  {"poses.npy", arrays->poses[0]},
                  {"betas.npy", arrays->betas}}) {
                auto bytes = npy_bytes(t);
                if (!bytes.ok()) return bytes.error();
                files.emplace_back(name, std::move(*bytes));
            }
            return files;
        });
    if (!entries.ok()) return entries.error();
    auto zip = npz_archive_bytes(*entries, comment);
    if (!zip.ok()) return zip.error();
    return write_file_atomic(path, *zip);
}

}  // namespace kinema
