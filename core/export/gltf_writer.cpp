#include "core/export/gltf_writer.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <limits>

#include "core/export/atomic_file.h"
#include "core/export/mannequin_mesh.h"
#include "core/version.h"

namespace kinema {
namespace {

using json = nlohmann::ordered_json;

constexpr int kFloat = 5126, kUnsignedShort = 5123, kUnsignedInt = 5125;
constexpr int kArrayBuffer = 34962, kElementArrayBuffer = 34963;

// Accumulates the binary chunk and the bufferView/accessor arrays.
class BinaryBuilder {
public:
    json buffer_views = json::array();
    json accessors = json::array();
    std::string bin;

    // Adds `bytes` as a new bufferView (4-byte aligned) and an accessor over it; returns its index.
    int add(const void* data, size_t bytes, int component, int count, const char* type,
            int target = 0, json min = nullptr, json max = nullptr) {
        while (bin.size() % 4)
            bin.push_back('\0');
        json view = {{"buffer", 0}, {"byteOffset", bin.size()}, {"byteLength", bytes}};
        if (target) view["target"] = target;
        bin.append(static_cast<const char*>(data), bytes);
        buffer_views.push_back(view);
        json accessor = {{"bufferView", buffer_views.size() - 1},
                         {"componentType", component},
                         {"count", count},
                         {"type", type}};
        if (!min.is_null()) accessor["min"] = min;
        if (!max.is_null()) accessor["max"] = max;
        accessors.push_back(accessor);
        return static_cast<int>(accessors.size() - 1);
    }
};

template <typename T>
void put(std::string& out, T value) {
    char b[sizeof(T)];
    std::memcpy(b, &value, sizeof(T));
    out.append(b, sizeof(T));
}

}  // namespace

Result<std::string> glb_bytes(const SkeletalAnimation& a, const GltfWriteOptions& options) {
    KINEMA_TRY_STATUS(a.validate());
    if (a.num_frames() < 1)
        return make_error(ErrorKind::InvalidRequest, "glTF export: the clip has no frames");
    json settings = nullptr;
    if (!options.settings_json.empty()) {
        settings = json::parse(options.settings_json, nullptr, false);
        if (settings.is_discarded())
            return make_error(ErrorKind::InvalidRequest, "glTF export: settings are not JSON");
    }
    const int J = a.num_joints();
    const int64_t L = a.num_frames();
    BinaryBuilder b;
    json doc;
    doc["asset"] = {{"version", "2.0"},
                    {"generator", std::string("Kinema ") + KINEMA_VERSION_STRING}};
    if (!settings.is_null()) doc["asset"]["extras"] = {{"kinema", settings}};

    // Joint nodes: rest offsets, identity rest rotations.
    json nodes = json::array();
    for (int j = 0; j < J; ++j) {
        const Vec3& t = a.offsets_m[j];
        json node = {{"name", a.names[j]}, {"translation", {t[0], t[1], t[2]}}};
        const auto kids = a.children(j);
        if (!kids.empty()) node["children"] = kids;
        nodes.push_back(node);
    }
    json scene_nodes = json::array({0});

    // Skin: inverse bind matrices = translation(-rest world position), column-major.
    const auto rest = a.rest_positions();
    std::vector<float> ibm(static_cast<size_t>(16 * J), 0.0f);
    for (int j = 0; j < J; ++j) {
        float* m = &ibm[static_cast<size_t>(16 * j)];
        m[0] = m[5] = m[10] = m[15] = 1.0f;
        for (int k = 0; k < 3; ++k)
            m[12 + k] = static_cast<float>(-rest[j][k]);
    }
    std::vector<int> joint_nodes(static_cast<size_t>(J));
    for (int j = 0; j < J; ++j)
        joint_nodes[j] = j;
    const int ibm_accessor = b.add(ibm.data(), ibm.size() * 4, kFloat, J, "MAT4");
    doc["skins"] = json::array({{{"name", "Skeleton"},
                                 {"inverseBindMatrices", ibm_accessor},
                                 {"joints", joint_nodes},
                                 {"skeleton", 0}}});

    if (options.mannequin) {
        const MannequinMesh mesh = build_mannequin(a);
        const auto V = static_cast<int>(mesh.positions.size());
        std::vector<float> pos, nrm, wts;
        std::vector<uint16_t> jts;
        json mn = {std::numeric_limits<float>::max(), std::numeric_limits<float>::max(),
                   std::numeric_limits<float>::max()};
        json mx = {-std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
                   -std::numeric_limits<float>::max()};
        std::array<float, 3> lo{mn[0], mn[1], mn[2]}, hi{mx[0], mx[1], mx[2]};
        for (int v = 0; v < V; ++v) {
            for (int k = 0; k < 3; ++k) {
                const auto p = static_cast<float>(mesh.positions[v][k]);
                pos.push_back(p);
                lo[k] = std::min(lo[k], p);
                hi[k] = std::max(hi[k], p);
                nrm.push_back(static_cast<float>(mesh.normals[v][k]));
            }
            for (int k = 0; k < 4; ++k) {
                jts.push_back(mesh.joints[v][k]);
                wts.push_back(mesh.weights[v][k]);
            }
        }
        const int pa = b.add(pos.data(), pos.size() * 4, kFloat, V, "VEC3", kArrayBuffer,
                             {lo[0], lo[1], lo[2]}, {hi[0], hi[1], hi[2]});
        const int na = b.add(nrm.data(), nrm.size() * 4, kFloat, V, "VEC3", kArrayBuffer);
        const int ja = b.add(jts.data(), jts.size() * 2, kUnsignedShort, V, "VEC4", kArrayBuffer);
        const int wa = b.add(wts.data(), wts.size() * 4, kFloat, V, "VEC4", kArrayBuffer);
        const int ia = b.add(mesh.indices.data(), mesh.indices.size() * 4, kUnsignedInt,
                             static_cast<int>(mesh.indices.size()), "SCALAR", kElementArrayBuffer);
        doc["materials"] = json::array({{{"name", "Mannequin"},
                                         {"pbrMetallicRoughness",
                                          {{"baseColorFactor", {0.8, 0.62, 0.42, 1.0}},
                                           {"metallicFactor", 0.0},
                                           {"roughnessFactor", 0.7}}}}});
        doc["meshes"] = json::array(
            {{{"name", "Mannequin"},
              {"primitives",
               json::array(
                   {{{"attributes",
                      {{"POSITION", pa}, {"NORMAL", na}, {"JOINTS_0", ja}, {"WEIGHTS_0", wa}}},
                     {"indices", ia},
                     {"material", 0}}})}}});
        nodes.push_back({{"name", "Mannequin"}, {"mesh", 0}, {"skin", 0}});
        scene_nodes.push_back(J);
    }

    // Animation: time, root translation, per-joint rotations (x, y, z, w; sign-continuous).
    std::vector<float> times(static_cast<size_t>(L));
    for (int64_t f = 0; f < L; ++f)
        times[f] = static_cast<float>(double(f) / a.fps);
    const int time_accessor = b.add(times.data(), times.size() * 4, kFloat, static_cast<int>(L),
                                    "SCALAR", 0, {times.front()}, {times.back()});
    json samplers = json::array(), channels = json::array();
    std::vector<float> trans;
    for (const auto& p : a.root_positions_m)
        for (double v : p)
            trans.push_back(static_cast<float>(v));
    const int ta = b.add(trans.data(), trans.size() * 4, kFloat, static_cast<int>(L), "VEC3");
    samplers.push_back({{"input", time_accessor}, {"output", ta}, {"interpolation", "LINEAR"}});
    channels.push_back({{"sampler", 0}, {"target", {{"node", 0}, {"path", "translation"}}}});
    for (int j = 0; j < J; ++j) {
        std::vector<float> quats;
        Quat prev{1, 0, 0, 0};
        for (int64_t f = 0; f < L; ++f) {
            Quat q = mat_to_quat(a.rotation(f, j));
            if (q[0] * prev[0] + q[1] * prev[1] + q[2] * prev[2] + q[3] * prev[3] < 0)
                for (double& v : q)
                    v = -v;
            prev = q;
            for (int k : {1, 2, 3, 0})
                quats.push_back(static_cast<float>(q[k]));
        }
        const int qa = b.add(quats.data(), quats.size() * 4, kFloat, static_cast<int>(L), "VEC4");
        samplers.push_back({{"input", time_accessor}, {"output", qa}, {"interpolation", "LINEAR"}});
        channels.push_back(
            {{"sampler", samplers.size() - 1}, {"target", {{"node", j}, {"path", "rotation"}}}});
    }
    doc["animations"] = json::array(
        {{{"name", options.animation_name}, {"samplers", samplers}, {"channels", channels}}});

    json scene = {{"name", "Kinema"}, {"nodes", scene_nodes}};
    if (!settings.is_null()) scene["extras"] = {{"kinema", settings}};
    doc["scene"] = 0;
    doc["scenes"] = json::array({scene});
    doc["nodes"] = nodes;
    while (b.bin.size() % 4)
        b.bin.push_back('\0');
    doc["buffers"] = json::array({{{"byteLength", b.bin.size()}}});
    doc["bufferViews"] = b.buffer_views;
    doc["accessors"] = b.accessors;

    std::string text = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    while (text.size() % 4)
        text.push_back(' ');
    std::string out;
    put<uint32_t>(out, 0x46546C67);  // "glTF"
    put<uint32_t>(out, 2);
    put<uint32_t>(out, static_cast<uint32_t>(12 + 8 + text.size() + 8 + b.bin.size()));
    put<uint32_t>(out, static_cast<uint32_t>(text.size()));
    put<uint32_t>(out, 0x4E4F534A);  // "JSON"
    out += text;
    put<uint32_t>(out, static_cast<uint32_t>(b.bin.size()));
    put<uint32_t>(out, 0x004E4942);  // "BIN\0"
    out += b.bin;
    return out;
}

Status write_glb(const std::filesystem::path& path, const SkeletalAnimation& animation,
                 const GltfWriteOptions& options) {
    Result<std::string> bytes = make_error(ErrorKind::Internal, "glTF export failed");
    try {
        bytes = glb_bytes(animation, options);
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::OutOfMemory, "glTF export: out of memory");
    } catch (const std::exception& e) {
        return make_error(ErrorKind::Internal, std::string("glTF export: ") + e.what());
    }
    if (!bytes.ok()) return bytes.error();
    return write_file_atomic(path, *bytes);
}

}  // namespace kinema
