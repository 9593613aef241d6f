// Small double-precision rotation math for the exporters and motion tools, independent of
// libtorch: 3-vectors, row-major 3x3 matrices, unit quaternions (w, x, y, z) and Euler angles in
// any of the six Tait-Bryan orders. Conventions: column vectors (v' = R v); a quaternion q and -q
// are the same rotation. Thread safety: pure functions.
#pragma once

#include <array>
#include <string>

#include "core/result.h"

namespace kinema {

using Vec3 = std::array<double, 3>;
using Mat3 = std::array<double, 9>;  // row-major: m[3 * row + col]
using Quat = std::array<double, 4>;  // w, x, y, z

inline constexpr Mat3 kIdentity3 = {1, 0, 0, 0, 1, 0, 0, 0, 1};
inline constexpr double kPi = 3.14159265358979323846;

inline Vec3 operator+(const Vec3& a, const Vec3& b) {
    return {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
}
inline Vec3 operator-(const Vec3& a, const Vec3& b) {
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
inline Vec3 operator*(double s, const Vec3& a) {
    return {s * a[0], s * a[1], s * a[2]};
}
inline double dot(const Vec3& a, const Vec3& b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
inline Vec3 cross(const Vec3& a, const Vec3& b) {
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double norm(const Vec3& a);
Vec3 normalized(const Vec3& a, const Vec3& fallback = {0, 1, 0});

Mat3 mat_mul(const Mat3& a, const Mat3& b);
Vec3 mat_vec(const Mat3& m, const Vec3& v);
Mat3 transpose(const Mat3& m);
// Rotation about unit axis `axis` (0 = X, 1 = Y, 2 = Z) by `angle_rad`.
Mat3 axis_rotation(int axis, double angle_rad);
// Rotation by Rodrigues' formula about an arbitrary axis (need not be unit; zero -> identity).
Mat3 axis_angle_rotation(const Vec3& axis_angle_rad);
// The rotation taking unit vector `from` to unit vector `to` (shortest arc).
Mat3 rotation_between(const Vec3& from, const Vec3& to);

// Shepperd's method (best-conditioned branch); result has w >= 0 and unit norm.
Quat mat_to_quat(const Mat3& m);
Mat3 quat_to_mat(const Quat& q);  // q need not be unit
Quat quat_normalized(const Quat& q);
// Spherical interpolation along the shorter arc, t in [0, 1].
Quat quat_slerp(const Quat& a, Quat b, double t);

// Euler order, e.g. {2, 0, 1} for "ZXY": R = R_Z(a0) R_X(a1) R_Y(a2) (the BVH CHANNELS order:
// rotations applied left to right in the listed order, intrinsic).
using EulerOrder = std::array<int, 3>;
// "XYZ", "ZXY", ... (case-insensitive). InvalidRequest unless a permutation of X, Y, Z.
Result<EulerOrder> parse_euler_order(const std::string& text);
std::string euler_order_name(const EulerOrder& order);
Mat3 euler_to_mat(const Vec3& angles_rad, const EulerOrder& order);
// The angles (radians) with the middle one in [-pi/2, pi/2]; at gimbal lock the last is 0.
Vec3 mat_to_euler(const Mat3& m, const EulerOrder& order);
// Of the two equivalent Euler solutions (and their 2 pi shifts), the one closest to `previous`
// (keeps animation curves continuous).
Vec3 mat_to_euler_near(const Mat3& m, const EulerOrder& order, const Vec3& previous);

}  // namespace kinema
