#include "core/export/fbx_writer.h"

#include <cmath>
#include <ctime>
#include <map>

#include "core/export/atomic_file.h"
#include "core/export/fbx_binary.h"
#include "core/export/mannequin_mesh.h"
#include "core/version.h"

namespace kinema {
namespace {

using fbx::Node;
using fbx::object_name;

constexpr int64_t kKTimePerSecond = 46186158000LL;
constexpr double kCmPerM = 100.0;

// Properties70 "P" records.
struct Props {
    Node node{"Properties70"};
    Node& p(const char* name, const char* type, const char* label, const char* flags) {
        return node.add("P").str(name).str(type).str(label).str(flags);
    }
    // FBX labels: "int" properties are "Integer"; "bool" and "enum" have none.
    void i32(const char* name, const char* type, int32_t v) {
        p(name, type, std::string_view(type) == "int" ? "Integer" : "", "").i32(v);
    }
    void f64(const char* name, double v) { p(name, "double", "Number", "").f64(v); }
    void vec(const char* name, const char* type, const char* label, const char* flags,
             const Vec3& v) {
        p(name, type, label, flags).f64(v[0]).f64(v[1]).f64(v[2]);
    }
    void str(const char* name, const std::string& v) { p(name, "KString", "", "").str(v); }
    void time(const char* name, int64_t v) { p(name, "KTime", "Time", "").i64(v); }
};

// FBX TimeMode for common rates (else 14 = custom with CustomFrameRate).
int32_t time_mode(double fps) {
    const std::pair<double, int32_t> modes[] = {{120, 1}, {100, 2}, {60, 3},  {50, 4},
                                                {48, 5},  {30, 6},  {24, 11}, {1000, 12}};
    for (const auto& [rate, mode] : modes)
        if (std::abs(fps - rate) < 1e-9) return mode;
    return 14;
}

// Column-major 4x4 of a pure translation.
std::vector<double> translation_matrix(const Vec3& t) {
    return {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, t[0], t[1], t[2], 1};
}

class SceneBuilder {
public:
    SceneBuilder(const SkeletalAnimation& a, const FbxWriteOptions& o) : a_(a), options_(o) {}

    std::vector<Node> build() {
        std::vector<Node> top;
        top.push_back(header());
        top.emplace_back("FileId").raw(fbx::file_id());
        top.emplace_back("CreationTime").str(fbx::creation_time());
        top.emplace_back("Creator").str(creator());
        top.push_back(global_settings());
        Node documents("Documents");
        documents.add("Count").i32(1);
        Node& doc = documents.add("Document").i64(next_id()).str("Scene").str("Scene");
        Props dp;
        dp.p("SourceObject", "object", "", "");
        dp.str("ActiveAnimStackName", "Take 001");
        doc.children.push_back(dp.node);
        doc.add("RootNode").i64(0);
        top.push_back(documents);
        top.emplace_back("References");

        Node objects("Objects");
        Node connections("Connections");
        objects_ = &objects;
        connections_ = &connections;
        skeleton();
        if (options_.mannequin) mannequin();
        animation();
        top.push_back(definitions());
        top.push_back(std::move(objects));
        top.push_back(std::move(connections));
        Node takes("Takes");
        takes.add("Current").str("Take 001");
        Node& take = takes.add("Take").str("Take 001");
        take.add("FileName").str("Take_001.tak");
        take.add("LocalTime").i64(0).i64(stop_time());
        take.add("ReferenceTime").i64(0).i64(stop_time());
        top.push_back(std::move(takes));
        return top;
    }

private:
    int64_t next_id() { return ++id_; }
    std::string creator() const { return std::string("Kinema ") + KINEMA_VERSION_STRING; }
    int64_t ktime(int64_t frame) const {
        return static_cast<int64_t>(std::llround(double(frame) * double(kKTimePerSecond) / a_.fps));
    }
    int64_t stop_time() const { return ktime(std::max<int64_t>(a_.num_frames() - 1, 0)); }
    void connect(int64_t child, int64_t parent) {
        connections_->add("C").str("OO").i64(child).i64(parent);
    }
    void connect_property(int64_t child, int64_t parent, const char* property) {
        connections_->add("C").str("OP").i64(child).i64(parent).str(property);
    }
    Node& object(const char* type, int64_t id, const std::string& name, const char* cls,
                 const char* subclass) {
        ++counts_[type];
        return objects_->add(type).i64(id).str(object_name(name, cls)).str(subclass);
    }

    Node header() {
        Node h("FBXHeaderExtension");
        h.add("FBXHeaderVersion").i32(1003);
        h.add("FBXVersion").i32(7400);
        Node& stamp = h.add("CreationTimeStamp");
        const std::time_t now = std::time(nullptr);
        std::tm utc{};
        gmtime_r(&now, &utc);
        stamp.add("Version").i32(1000);
        stamp.add("Year").i32(utc.tm_year + 1900);
        stamp.add("Month").i32(utc.tm_mon + 1);
        stamp.add("Day").i32(utc.tm_mday);
        stamp.add("Hour").i32(utc.tm_hour);
        stamp.add("Minute").i32(utc.tm_min);
        stamp.add("Second").i32(utc.tm_sec);
        stamp.add("Millisecond").i32(0);
        h.add("Creator").str(creator());
        Node& info = h.add("SceneInfo").str(object_name("GlobalInfo", "SceneInfo")).str("UserData");
        info.add("Type").str("UserData");
        info.add("Version").i32(100);
        Node& meta = info.add("MetaData");
        meta.add("Version").i32(100);
        meta.add("Title").str("Kinema motion");
        meta.add("Subject").str("");
        meta.add("Author").str("");
        meta.add("Keywords").str("kinema");
        meta.add("Revision").str("");
        meta.add("Comment").str(options_.settings_json);  // the generation settings (JSON)
        Props ip;
        ip.str("Original|ApplicationVendor", "Kinema");
        ip.str("Original|ApplicationName", "Kinema");
        ip.str("Original|ApplicationVersion", KINEMA_VERSION_STRING);
        ip.str("LastSaved|ApplicationVendor", "Kinema");
        ip.str("LastSaved|ApplicationName", "Kinema");
        ip.str("LastSaved|ApplicationVersion", KINEMA_VERSION_STRING);
        info.children.push_back(ip.node);
        return h;
    }

    Node global_settings() {
        Node g("GlobalSettings");
        g.add("Version").i32(1000);
        Props p;
        p.i32("UpAxis", "int", 1);
        p.i32("UpAxisSign", "int", 1);
        p.i32("FrontAxis", "int", 2);
        p.i32("FrontAxisSign", "int", 1);
        p.i32("CoordAxis", "int", 0);
        p.i32("CoordAxisSign", "int", 1);
        p.i32("OriginalUpAxis", "int", 1);
        p.i32("OriginalUpAxisSign", "int", 1);
        p.f64("UnitScaleFactor", 1.0);  // centimetres
        p.f64("OriginalUnitScaleFactor", 1.0);
        p.p("AmbientColor", "ColorRGB", "Color", "").f64(0).f64(0).f64(0);
        p.str("DefaultCamera", "Producer Perspective");
        p.i32("TimeMode", "enum", time_mode(a_.fps));
        p.i32("TimeProtocol", "enum", 2);
        p.i32("SnapOnFrameMode", "enum", 0);
        p.time("TimeSpanStart", 0);
        p.time("TimeSpanStop", stop_time());
        p.f64("CustomFrameRate", a_.fps);
        g.children.push_back(p.node);
        return g;
    }

    Node definitions() {
        Node d("Definitions");
        d.add("Version").i32(100);
        int total = 1;
        for (const auto& [type, count] : counts_)
            total += count;
        d.add("Count").i32(total);
        d.add("ObjectType").str("GlobalSettings").add("Count").i32(1);
        for (const auto& [type, count] : counts_)
            d.add("ObjectType").str(type).add("Count").i32(count);
        return d;
    }

    void skeleton() {
        const int J = a_.num_joints();
        rig_id_ = next_id();
        Node& rig = object("Model", rig_id_, "KinemaRig", "Model", "Null");
        rig.add("Version").i32(232);
        Props rp;
        rp.vec("Lcl Translation", "Lcl Translation", "", "A", {0, 0, 0});
        rig.children.push_back(rp.node);
        rig.add("Shading").boolean(true);
        rig.add("Culling").str("CullingOff");
        connect(rig_id_, 0);
        const auto rest = a_.rest_positions();
        bone_ids_.resize(static_cast<size_t>(J));
        for (int j = 0; j < J; ++j) {
            const int64_t id = next_id();
            bone_ids_[j] = id;
            Node& m = object("Model", id, a_.names[j], "Model", "LimbNode");
            m.add("Version").i32(232);
            Props p;
            p.i32("RotationActive", "bool", 1);
            p.i32("InheritType", "enum", 1);
            p.p("ScalingMax", "Vector3D", "Vector", "").f64(0).f64(0).f64(0);
            p.i32("DefaultAttributeIndex", "int", 0);
            const Vec3 t = kCmPerM * (j == 0 ? rest[0] : a_.offsets_m[j]);
            p.vec("Lcl Translation", "Lcl Translation", "", "A", t);
            p.vec("Lcl Rotation", "Lcl Rotation", "", "A", {0, 0, 0});
            p.vec("Lcl Scaling", "Lcl Scaling", "", "A", {1, 1, 1});
            m.children.push_back(p.node);
            m.add("Shading").boolean(true);
            m.add("Culling").str("CullingOff");
            const int64_t attr = next_id();
            Node& na = object("NodeAttribute", attr, a_.names[j], "NodeAttribute", "LimbNode");
            Props ap;
            ap.f64("Size", 3.0);
            na.children.push_back(ap.node);
            na.add("TypeFlags").str("Skeleton");
            connect(attr, id);
            connect(id, a_.parents[j] < 0 ? rig_id_ : bone_ids_[a_.parents[j]]);
        }
        // Bind pose: rest world matrices (cm) of the rig, every bone and the mesh.
        pose_id_ = next_id();
        bind_pose_.emplace_back(rig_id_, translation_matrix({0, 0, 0}));
        for (int j = 0; j < J; ++j)
            bind_pose_.emplace_back(bone_ids_[j], translation_matrix(kCmPerM * rest[j]));
    }

    void mannequin() {
        const MannequinMesh mesh = build_mannequin(a_);
        const int64_t model = next_id(), geometry = next_id(), material = next_id();
        Node& g = object("Geometry", geometry, "Mannequin", "Geometry", "Mesh");
        std::vector<double> vertices;
        for (const auto& p : mesh.positions)
            for (double v : p)
                vertices.push_back(kCmPerM * v);
        std::vector<int32_t> polygon;
        std::vector<double> normals;
        for (size_t i = 0; i < mesh.indices.size(); ++i) {
            const auto v = static_cast<int32_t>(mesh.indices[i]);
            polygon.push_back(i % 3 == 2 ? -v - 1 : v);  // last index of a polygon is ~v
            for (double n : mesh.normals[mesh.indices[i]])
                normals.push_back(n);
        }
        g.add("Vertices").f64_array(vertices);
        g.add("PolygonVertexIndex").i32_array(polygon);
        g.add("GeometryVersion").i32(124);
        Node& ln = g.add("LayerElementNormal").i32(0);
        ln.add("Version").i32(101);
        ln.add("Name").str("");
        ln.add("MappingInformationType").str("ByPolygonVertex");
        ln.add("ReferenceInformationType").str("Direct");
        ln.add("Normals").f64_array(normals);
        Node& lm = g.add("LayerElementMaterial").i32(0);
        lm.add("Version").i32(101);
        lm.add("Name").str("");
        lm.add("MappingInformationType").str("AllSame");
        lm.add("ReferenceInformationType").str("IndexToDirect");
        lm.add("Materials").i32_array({0});
        Node& layer = g.add("Layer").i32(0);
        layer.add("Version").i32(100);
        Node& le1 = layer.add("LayerElement");
        le1.add("Type").str("LayerElementNormal");
        le1.add("TypedIndex").i32(0);
        Node& le2 = layer.add("LayerElement");
        le2.add("Type").str("LayerElementMaterial");
        le2.add("TypedIndex").i32(0);

        Node& m = object("Model", model, "Mannequin", "Model", "Mesh");
        m.add("Version").i32(232);
        Props mp;
        mp.vec("Lcl Translation", "Lcl Translation", "", "A", {0, 0, 0});
        m.children.push_back(mp.node);
        m.add("Shading").boolean(true);
        m.add("Culling").str("CullingOff");
        Node& mat = object("Material", material, "Mannequin", "Material", "");
        mat.add("Version").i32(102);
        mat.add("ShadingModel").str("phong");
        mat.add("MultiLayer").i32(0);
        Props matp;
        matp.p("DiffuseColor", "Color", "", "A").f64(0.8).f64(0.62).f64(0.42);
        mat.children.push_back(matp.node);
        connect(model, 0);
        connect(geometry, model);
        connect(material, model);
        bind_pose_.emplace_back(model, translation_matrix({0, 0, 0}));

        // Skin: one cluster per joint that owns vertices (rigid weights).
        const int64_t skin = next_id();
        Node& s = object("Deformer", skin, "Mannequin", "Deformer", "Skin");
        s.add("Version").i32(101);
        s.add("Link_DeformAcuracy").f64(50.0);
        connect(skin, geometry);
        const auto rest = a_.rest_positions();
        for (int j = 0; j < a_.num_joints(); ++j) {
            std::vector<int32_t> indexes;
            std::vector<double> weights;
            for (size_t v = 0; v < mesh.joints.size(); ++v)
                if (mesh.joints[v][0] == j) {
                    indexes.push_back(static_cast<int32_t>(v));
                    weights.push_back(mesh.weights[v][0]);
                }
            if (indexes.empty()) continue;
            const int64_t cluster = next_id();
            Node& c = object("Deformer", cluster, a_.names[j], "SubDeformer", "Cluster");
            c.add("Version").i32(100);
            c.add("UserData").str("").str("");
            c.add("Indexes").i32_array(indexes);
            c.add("Weights").f64_array(weights);
            c.add("Transform").f64_array(translation_matrix(-kCmPerM * rest[j]));
            c.add("TransformLink").f64_array(translation_matrix(kCmPerM * rest[j]));
            connect(cluster, skin);
            connect(bone_ids_[j], cluster);
        }
    }

    void add_pose() {
        Node& pose = object("Pose", pose_id_, "BindPose", "Pose", "BindPose");
        pose.add("Type").str("BindPose");
        pose.add("Version").i32(100);
        pose.add("NbPoseNodes").i32(static_cast<int32_t>(bind_pose_.size()));
        for (const auto& [id, matrix] : bind_pose_) {
            Node& pn = pose.add("PoseNode");
            pn.add("Node").i64(id);
            pn.add("Matrix").f64_array(matrix);
        }
    }

    // A curve node (T or R) on `model` with three curves of per-frame values.
    void curve_node(int64_t layer, int64_t model, const char* short_name, const char* property,
                    const std::array<std::vector<float>, 3>& values,
                    const std::vector<int64_t>& times) {
        const int64_t node = next_id();
        Node& cn = object("AnimationCurveNode", node, short_name, "AnimCurveNode", "");
        Props p;
        const char* channels[3] = {"d|X", "d|Y", "d|Z"};
        for (int k = 0; k < 3; ++k)
            p.p(channels[k], "Number", "", "A").f64(values[k].empty() ? 0 : values[k][0]);
        cn.children.push_back(p.node);
        connect(node, layer);
        connect_property(node, model, property);
        for (int k = 0; k < 3; ++k) {
            const int64_t curve = next_id();
            Node& c = object("AnimationCurve", curve, "", "AnimCurve", "");
            c.add("Default").f64(values[k].empty() ? 0.0 : values[k][0]);
            c.add("KeyVer").i32(4009);
            c.add("KeyTime").i64_array(times);
            c.add("KeyValueFloat").f32_array(values[k]);
            // Linear interpolation, as Blender's exporter flags it.
            c.add("KeyAttrFlags").i32_array({24836});
            c.add("KeyAttrDataFloat").f32_array({0.0f, 0.0f, 9.419963346924634e-30f, 0.0f});
            c.add("KeyAttrRefCount").i32_array({static_cast<int32_t>(times.size())});
            connect_property(curve, node, channels[k]);
        }
    }

    void animation() {
        add_pose();
        const int64_t stack = next_id(), layer = next_id();
        Node& s = object("AnimationStack", stack, "Take 001", "AnimStack", "");
        Props sp;
        sp.time("LocalStop", stop_time());
        sp.time("ReferenceStop", stop_time());
        s.children.push_back(sp.node);
        object("AnimationLayer", layer, "BaseLayer", "AnimLayer", "");
        connect(layer, stack);
        const int64_t L = a_.num_frames();
        std::vector<int64_t> times(static_cast<size_t>(L));
        for (int64_t f = 0; f < L; ++f)
            times[f] = ktime(f);
        std::array<std::vector<float>, 3> t;
        for (const auto& p : a_.root_positions_m)
            for (int k = 0; k < 3; ++k)
                t[k].push_back(static_cast<float>(kCmPerM * p[k]));
        curve_node(layer, bone_ids_[0], "T", "Lcl Translation", t, times);
        // FBX's default rotation order eEulerXYZ is R = Rz Ry Rx: our "ZYX" with angles (z, y, x).
        const EulerOrder zyx = {2, 1, 0};
        for (int j = 0; j < a_.num_joints(); ++j) {
            std::array<std::vector<float>, 3> r;
            Vec3 prev = {0, 0, 0};
            for (int64_t f = 0; f < L; ++f) {
                prev = mat_to_euler_near(a_.rotation(f, j), zyx, prev);
                for (int k = 0; k < 3; ++k)
                    r[k].push_back(static_cast<float>(prev[2 - k] * 180.0 / kPi));
            }
            curve_node(layer, bone_ids_[j], "R", "Lcl Rotation", r, times);
        }
    }

    const SkeletalAnimation& a_;
    const FbxWriteOptions& options_;
    int64_t id_ = 1000000;
    Node* objects_ = nullptr;
    Node* connections_ = nullptr;
    std::map<std::string, int> counts_;
    int64_t rig_id_ = 0, pose_id_ = 0;
    std::vector<int64_t> bone_ids_;
    std::vector<std::pair<int64_t, std::vector<double>>> bind_pose_;
};

}  // namespace

Result<std::string> fbx_bytes(const SkeletalAnimation& animation, const FbxWriteOptions& options) {
    KINEMA_TRY_STATUS(animation.validate());
    if (animation.num_frames() < 1)
        return make_error(ErrorKind::InvalidRequest, "FBX export: the clip has no frames");
    try {
        return fbx::serialize(SceneBuilder(animation, options).build());
    } catch (const std::bad_alloc&) {
        return make_error(ErrorKind::OutOfMemory, "FBX export: out of memory");
    }
}

Status write_fbx(const std::filesystem::path& path, const SkeletalAnimation& animation,
                 const FbxWriteOptions& options) {
    auto bytes = fbx_bytes(animation, options);
    if (!bytes.ok()) return bytes.error();
    return write_file_atomic(path, *bytes);
}

}  // namespace kinema
