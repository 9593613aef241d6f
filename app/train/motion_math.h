// Small fixed-size vector/matrix helpers for the procedural motion library (double precision,
// header-only, no allocation). Conventions: Y up, the character faces +Z, its left is +X; angles in
// radians; Mat3 is row-major and multiplies column vectors.
#pragma once

#include <array>
#include <cmath>

namespace kinema::train {

inline constexpr int kBodyJoints = 22;  // SMPL-H body joints HY-Motion drives
inline constexpr double kFps = 30.0;    // frame rate of every clip

struct Vec3 {
    double x = 0, y = 0, z = 0;
    Vec3 operator+(const Vec3& o) const { return {x + o.x, y + o.y, z + o.z}; }
    Vec3 operator-(const Vec3& o) const { return {x - o.x, y - o.y, z - o.z}; }
    Vec3 operator*(double s) const { return {x * s, y * s, z * s}; }
    double norm() const { return std::sqrt(x * x + y * y + z * z); }
};

struct Mat3 {
    std::array<double, 9> m{1, 0, 0, 0, 1, 0, 0, 0, 1};
    double operator()(int r, int c) const { return m[static_cast<size_t>(r * 3 + c)]; }
    Mat3 operator*(const Mat3& o) const {
        Mat3 out;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) {
                double s = 0;
                for (int k = 0; k < 3; ++k)
                    s += (*this)(r, k) * o(k, c);
                out.m[static_cast<size_t>(r * 3 + c)] = s;
            }
        return out;
    }
    Vec3 operator*(const Vec3& v) const {
        return {m[0] * v.x + m[1] * v.y + m[2] * v.z, m[3] * v.x + m[4] * v.y + m[5] * v.z,
                m[6] * v.x + m[7] * v.y + m[8] * v.z};
    }
};

inline Mat3 rot_x(double a) {
    const double c = std::cos(a), s = std::sin(a);
    return Mat3{{1, 0, 0, 0, c, -s, 0, s, c}};
}
inline Mat3 rot_y(double a) {
    const double c = std::cos(a), s = std::sin(a);
    return Mat3{{c, 0, s, 0, 1, 0, -s, 0, c}};
}
inline Mat3 rot_z(double a) {
    const double c = std::cos(a), s = std::sin(a);
    return Mat3{{c, -s, 0, s, c, 0, 0, 0, 1}};
}
// R = Ry(e.y) * Rx(e.x) * Rz(e.z): Z is applied first (e.g. lowering an arm), then X, then Y.
inline Mat3 euler_yxz(const Vec3& e) {
    return rot_y(e.y) * rot_x(e.x) * rot_z(e.z);
}

inline double deg(double d) {
    return d * M_PI / 180.0;
}
inline double clamp01(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
}
// Smooth 0 -> 1 over [a, b] (cubic smoothstep); 0 before a, 1 after b.
inline double smooth_step(double a, double b, double t) {
    const double u = clamp01((t - a) / (b - a));
    return u * u * (3 - 2 * u);
}
// 0 -> 1 -> 0 bump over [a, b] (sin^2), 0 outside.
inline double bump(double a, double b, double t) {
    if (t <= a || t >= b) return 0;
    const double s = std::sin(M_PI * (t - a) / (b - a));
    return s * s;
}

}  // namespace kinema::train
