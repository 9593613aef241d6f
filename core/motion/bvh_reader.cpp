#include "core/motion/bvh_reader.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace kinema {
namespace {

struct Token {
    std::string_view text;
    int line = 0;
};

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> tokens;
    int line = 1;
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '\n') ++line;
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
            continue;
        }
        const size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        tokens.push_back({text.substr(start, i - start), line});
    }
    return tokens;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

class Parser {
public:
    explicit Parser(std::string_view text) : tokens_(tokenize(text)) {}

    Result<BvhClip> parse(double scale) {
        scale_ = scale;
        if (!accept("HIERARCHY")) return fail("expected HIERARCHY");
        if (!accept("ROOT")) return fail("expected ROOT");
        KINEMA_TRY_STATUS(joint(-1));
        if (!accept("MOTION")) return fail("expected MOTION after the hierarchy");
        if (!accept("Frames:")) return fail("expected 'Frames:'");
        double frames = 0;
        KINEMA_TRY_STATUS(number(frames));
        if (frames < 0 || frames != std::floor(frames)) return fail("bad frame count");
        if (!accept("Frame") || !accept("Time:")) return fail("expected 'Frame Time:'");
        KINEMA_TRY_STATUS(number(clip_.frame_time_s));
        if (!(clip_.frame_time_s > 0)) return fail("frame time must be > 0");

        auto& a = clip_.animation;
        const int J = a.num_joints();
        a.fps = 1.0 / clip_.frame_time_s;
        const auto L = static_cast<int64_t>(frames);
        a.root_positions_m.reserve(static_cast<size_t>(L));
        a.local_rotations.reserve(static_cast<size_t>(L * J));
        std::vector<double> values(channels_.size());
        for (int64_t f = 0; f < L; ++f) {
            for (double& v : values)
                KINEMA_TRY_STATUS(number(v));
            size_t c = 0;
            for (int j = 0; j < J; ++j) {
                Vec3 pos = a.offsets_m[j];
                Mat3 rot = kIdentity3;
                for (const int ch : joint_channels_[j]) {
                    const double v = values[c++];
                    if (ch < 3)
                        pos[ch] = v * scale_;
                    else
                        rot = mat_mul(rot, axis_rotation(ch - 3, v * kPi / 180.0));
                }
                if (j == 0) a.root_positions_m.push_back(pos);
                a.local_rotations.push_back(rot);
            }
        }
        if (pos_ < tokens_.size())
            return fail("unexpected data after " + std::to_string(L) + " frames");
        KINEMA_TRY_STATUS(a.validate());
        return std::move(clip_);
    }

private:
    Error fail(const std::string& what) const {
        const int line = pos_ < tokens_.size() ? tokens_[pos_].line
                                               : (tokens_.empty() ? 0 : tokens_.back().line);
        return make_error(ErrorKind::BadModelFile,
                          "BVH line " + std::to_string(line) + ": " + what);
    }
    bool accept(std::string_view word) {
        if (pos_ < tokens_.size() && iequals(tokens_[pos_].text, word)) {
            ++pos_;
            return true;
        }
        return false;
    }
    Status number(double& out) {
        if (pos_ >= tokens_.size()) return fail("unexpected end of file");
        std::string s(tokens_[pos_].text);
        char* end = nullptr;
        out = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(out))
            return fail("expected a number, got '" + s + "'");
        ++pos_;
        return {};
    }

    Status joint(int parent) {
        if (pos_ >= tokens_.size()) return fail("expected a joint name");
        auto& a = clip_.animation;
        const int index = a.num_joints();
        a.names.emplace_back(tokens_[pos_++].text);
        a.parents.push_back(parent);
        a.offsets_m.push_back({0, 0, 0});
        a.end_sites_m.emplace_back();
        joint_channels_.emplace_back();
        clip_.rotation_orders.push_back({2, 0, 1});
        if (!accept("{")) return fail("expected '{'");
        if (!accept("OFFSET")) return fail("expected OFFSET");
        for (double& v : a.offsets_m[index]) {
            KINEMA_TRY_STATUS(number(v));
            v *= scale_;
        }
        if (accept("CHANNELS")) {
            double n = 0;
            KINEMA_TRY_STATUS(number(n));
            if (n < 0 || n > 6 || n != std::floor(n)) return fail("bad channel count");
            std::vector<int> rotation_axes;
            for (int c = 0; c < int(n); ++c) {
                if (pos_ >= tokens_.size()) return fail("expected a channel name");
                const std::string_view name = tokens_[pos_].text;
                if (name.size() != 9 || std::toupper(static_cast<unsigned char>(name[0])) < 'X' ||
                    std::toupper(static_cast<unsigned char>(name[0])) > 'Z')
                    return fail("unknown channel '" + std::string(name) + "'");
                const int axis = std::toupper(static_cast<unsigned char>(name[0])) - 'X';
                if (iequals(name.substr(1), "position")) {
                    if (parent >= 0)
                        return make_error(ErrorKind::Unsupported,
                                          "BVH: position channels on non-root joint " +
                                              a.names[index] + " are not supported");
                    joint_channels_[index].push_back(axis);
                } else if (iequals(name.substr(1), "rotation")) {
                    joint_channels_[index].push_back(3 + axis);
                    rotation_axes.push_back(axis);
                } else {
                    return fail("unknown channel '" + std::string(name) + "'");
                }
                channels_.push_back(index);
                ++pos_;
            }
            if (rotation_axes.size() == 3 && rotation_axes[0] != rotation_axes[1] &&
                rotation_axes[1] != rotation_axes[2] && rotation_axes[0] != rotation_axes[2])
                clip_.rotation_orders[index] = {rotation_axes[0], rotation_axes[1],
                                                rotation_axes[2]};
        }
        while (true) {
            if (accept("}")) return {};
            if (accept("JOINT")) {
                KINEMA_TRY_STATUS(joint(index));
            } else if (accept("End")) {
                if (!accept("Site")) return fail("expected 'End Site'");
                if (!accept("{") || !accept("OFFSET")) return fail("expected '{ OFFSET'");
                Vec3 end{};
                for (double& v : end) {
                    KINEMA_TRY_STATUS(number(v));
                    v *= scale_;
                }
                if (!accept("}")) return fail("expected '}' after End Site");
                a.end_sites_m[index] = end;
            } else {
                return fail("expected JOINT, End Site or '}'");
            }
        }
    }

    std::vector<Token> tokens_;
    size_t pos_ = 0;
    double scale_ = 1.0;
    BvhClip clip_;
    std::vector<std::vector<int>> joint_channels_;  // per joint: 0-2 position, 3-5 rotation axis
    std::vector<int> channels_;                     // joint of each channel, file order
};

}  // namespace

Result<BvhClip> parse_bvh(std::string_view text, double scale_to_m) {
    if (!(scale_to_m > 0)) return make_error(ErrorKind::InvalidRequest, "BVH scale must be > 0");
    try {
        return Parser(text).parse(scale_to_m);
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::OutOfMemory, "BVH: out of memory");
    }
}

Result<BvhClip> read_bvh(const std::filesystem::path& path, double scale_to_m) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::Io, "cannot open " + path.string());
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return make_error(ErrorKind::Io, "cannot read " + path.string());
    auto clip = parse_bvh(buffer.str(), scale_to_m);
    if (!clip.ok())
        return make_error(clip.error().kind, path.string() + ": " + clip.error().message);
    return clip;
}

}  // namespace kinema
