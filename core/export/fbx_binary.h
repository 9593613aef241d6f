// FBX binary (7.4, 32-bit offsets) node tree and serialisation: header, node records with typed
// properties (I/L/D/F/C/Y/S/R and the d/f/i/l arrays, stored uncompressed), the null-record
// sentinels, and the footer Blender's exporter writes (with its fixed FileId/CreationTime pair).
// Internal to core/export. Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kinema::fbx {

struct Property {
    char type = 'I';
    std::string bytes;  // encoded payload after the type code
};

struct Node {
    std::string name;
    std::vector<Property> props;
    std::vector<Node> children;

    explicit Node(std::string node_name) : name(std::move(node_name)) {}

    Node& i32(int32_t v);
    Node& i64(int64_t v);
    Node& f64(double v);
    Node& boolean(bool v);
    Node& str(std::string_view v);
    Node& raw(std::string_view v);
    Node& f64_array(const std::vector<double>& v);
    Node& f32_array(const std::vector<float>& v);
    Node& i32_array(const std::vector<int32_t>& v);
    Node& i64_array(const std::vector<int64_t>& v);

    Node& add(std::string child_name) {
        children.emplace_back(std::move(child_name));
        return children.back();
    }
};

// "Name\x00\x01Class": the binary form of the ASCII "Class::Name".
std::string object_name(std::string_view name, std::string_view cls);

// The whole file: header, the top-level nodes, the closing null record and the footer.
std::string serialize(const std::vector<Node>& top_level, uint32_t version = 7400);

// The FileId and CreationTime that match the footer (as Blender's exporter writes them).
std::string_view file_id();
std::string_view creation_time();

}  // namespace kinema::fbx
