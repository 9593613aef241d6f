#include "core/motion/pose_math.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace kinema {

double norm(const Vec3& a) {
    return std::sqrt(dot(a, a));
}

Vec3 normalized(const Vec3& a, const Vec3& fallback) {
    const double n = norm(a);
    return n > 1e-12 ? (1.0 / n) * a : fallback;
}

Mat3 mat_mul(const Mat3& a, const Mat3& b) {
    Mat3 r{};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
    return r;
}

Vec3 mat_vec(const Mat3& m, const Vec3& v) {
    return {m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
            m[6] * v[0] + m[7] * v[1] + m[8] * v[2]};
}

Mat3 transpose(const Mat3& m) {
    return {m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]};
}

Mat3 axis_rotation(int axis, double angle_rad) {
    const double c = std::cos(angle_rad), s = std::sin(angle_rad);
    switch (axis) {
        case 0:
            return {1, 0, 0, 0, c, -s, 0, s, c};
        case 1:
            return {c, 0, s, 0, 1, 0, -s, 0, c};
        default:
            return {c, -s, 0, s, c, 0, 0, 0, 1};
    }
}

Mat3 axis_angle_rotation(const Vec3& v) {
    const double t = norm(v);
    if (t < 1e-12) return kIdentity3;
    const Vec3 k = (1.0 / t) * v;
    const double c = std::cos(t), s = std::sin(t), C = 1 - c;
    return {c + k[0] * k[0] * C,        k[0] * k[1] * C - k[2] * s, k[0] * k[2] * C + k[1] * s,
            k[1] * k[0] * C + k[2] * s, c + k[1] * k[1] * C,        k[1] * k[2] * C - k[0] * s,
            k[2] * k[0] * C - k[1] * s, k[2] * k[1] * C + k[0] * s, c + k[2] * k[2] * C};
}

Mat3 rotation_between(const Vec3& from, const Vec3& to) {
    const Vec3 a = normalized(from), b = normalized(to);
    const Vec3 axis = cross(a, b);
    const double s = norm(axis), c = dot(a, b);
    if (s < 1e-12) {
        if (c > 0) return kIdentity3;
        // 180 degrees about any axis perpendicular to a.
        Vec3 p = std::abs(a[0]) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0};
        return axis_angle_rotation(kPi * normalized(cross(a, p)));
    }
    return axis_angle_rotation(std::atan2(s, c) / s * axis);
}

Quat mat_to_quat(const Mat3& m) {
    Quat q;
    const double tr = m[0] + m[4] + m[8];
    if (tr > 0) {
        const double s = std::sqrt(tr + 1.0) * 2;
        q = {0.25 * s, (m[7] - m[5]) / s, (m[2] - m[6]) / s, (m[3] - m[1]) / s};
    } else if (m[0] > m[4] && m[0] > m[8]) {
        const double s = std::sqrt(1.0 + m[0] - m[4] - m[8]) * 2;
        q = {(m[7] - m[5]) / s, 0.25 * s, (m[1] + m[3]) / s, (m[2] + m[6]) / s};
    } else if (m[4] > m[8]) {
        const double s = std::sqrt(1.0 + m[4] - m[0] - m[8]) * 2;
        q = {(m[2] - m[6]) / s, (m[1] + m[3]) / s, 0.25 * s, (m[5] + m[7]) / s};
    } else {
        const double s = std::sqrt(1.0 + m[8] - m[0] - m[4]) * 2;
        q = {(m[3] - m[1]) / s, (m[2] + m[6]) / s, (m[5] + m[7]) / s, 0.25 * s};
    }
    q = quat_normalized(q);
    if (q[0] < 0)
        for (double& v : q)
            v = -v;
    return q;
}

Quat quat_normalized(const Quat& q) {
    const double n = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    if (n < 1e-300) return {1, 0, 0, 0};
    return {q[0] / n, q[1] / n, q[2] / n, q[3] / n};
}

Mat3 quat_to_mat(const Quat& q) {
    const double n2 = q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3];
    const double s = n2 > 0 ? 2.0 / n2 : 0.0;
    const double w = q[0], x = q[1], y = q[2], z = q[3];
    return {1 - s * (y * y + z * z), s * (x * y - z * w),     s * (x * z + y * w),
            s * (x * y + z * w),     1 - s * (x * x + z * z), s * (y * z - x * w),
            s * (x * z - y * w),     s * (y * z + x * w),     1 - s * (x * x + y * y)};
}

Quat quat_slerp(const Quat& a, Quat b, double t) {
    double d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
    if (d < 0) {
        d = -d;
        for (double& v : b)
            v = -v;
    }
    double wa = 1 - t, wb = t;
    if (d < 0.9999995) {
        const double theta = std::acos(std::min(1.0, d)), s = std::sin(theta);
        wa = std::sin((1 - t) * theta) / s;
        wb = std::sin(t * theta) / s;
    }
    return quat_normalized({wa * a[0] + wb * b[0], wa * a[1] + wb * b[1], wa * a[2] + wb * b[2],
                            wa * a[3] + wb * b[3]});
}

Result<EulerOrder> parse_euler_order(const std::string& text) {
    EulerOrder order{};
    bool seen[3] = {false, false, false};
    if (text.size() != 3)
        return make_error(ErrorKind::InvalidRequest,
                          "rotation order '" + text + "' is not a permutation of XYZ");
    for (int i = 0; i < 3; ++i) {
        const int axis = std::toupper(static_cast<unsigned char>(text[i])) - 'X';
        if (axis < 0 || axis > 2 || seen[axis])
            return make_error(ErrorKind::InvalidRequest,
                              "rotation order '" + text + "' is not a permutation of XYZ");
        seen[axis] = true;
        order[i] = axis;
    }
    return order;
}

std::string euler_order_name(const EulerOrder& order) {
    std::string s;
    for (int a : order)
        s += static_cast<char>('X' + a);
    return s;
}

Mat3 euler_to_mat(const Vec3& a, const EulerOrder& o) {
    return mat_mul(mat_mul(axis_rotation(o[0], a[0]), axis_rotation(o[1], a[1])),
                   axis_rotation(o[2], a[2]));
}

Vec3 mat_to_euler(const Mat3& m, const EulerOrder& o) {
    const int i = o[0], j = o[1], k = o[2];
    // Even permutations (XYZ, YZX, ZXY) have sign +1.
    const double s = ((j - i + 3) % 3 == 1) ? 1.0 : -1.0;
    auto at = [&](int r, int c) { return m[3 * r + c]; };
    const double sb = std::clamp(s * at(i, k), -1.0, 1.0);
    const double b = std::asin(sb);
    double a, c;
    if (std::abs(sb) < 1.0 - 1e-12) {
        a = std::atan2(-s * at(j, k), at(k, k));
        c = std::atan2(-s * at(i, j), at(i, i));
    } else {  // gimbal lock: only a +- c is defined; put it all in a
        c = 0;
        a = std::atan2(s * at(k, j), at(j, j));
    }
    return {a, b, c};
}

Vec3 mat_to_euler_near(const Mat3& m, const EulerOrder& order, const Vec3& previous) {
    const Vec3 e = mat_to_euler(m, order);
    const Vec3 alt = {e[0] + kPi, kPi - e[1], e[2] + kPi};
    auto unwrap = [&](Vec3 v) {
        for (int n = 0; n < 3; ++n)
            v[n] += 2 * kPi * std::round((previous[n] - v[n]) / (2 * kPi));
        return v;
    };
    const Vec3 a = unwrap(e), b = unwrap(alt);
    auto dist = [&](const Vec3& v) {
        return std::abs(v[0] - previous[0]) + std::abs(v[1] - previous[1]) +
               std::abs(v[2] - previous[2]);
    };
    return dist(b) < dist(a) ? b : a;
}

}  // namespace kinema
