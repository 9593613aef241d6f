#include "core/export/fbx_binary.h"

#include <cstring>

namespace kinema::fbx {
namespace {

template <typename T>
void put(std::string& out, T value) {
    char b[sizeof(T)];
    std::memcpy(b, &value, sizeof(T));
    out.append(b, sizeof(T));
}

template <typename T>
Property array_property(char type, const std::vector<T>& values) {
    Property p{type, {}};
    put<uint32_t>(p.bytes, static_cast<uint32_t>(values.size()));
    put<uint32_t>(p.bytes, 0);  // encoding: raw
    put<uint32_t>(p.bytes, static_cast<uint32_t>(values.size() * sizeof(T)));
    p.bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
    return p;
}

constexpr size_t kNullRecord = 13;

void write_node(std::string& out, const Node& node) {
    const size_t start = out.size();
    put<uint32_t>(out, 0);  // end offset, patched below
    put<uint32_t>(out, static_cast<uint32_t>(node.props.size()));
    size_t props_bytes = 0;
    for (const auto& p : node.props)
        props_bytes += 1 + p.bytes.size();
    put<uint32_t>(out, static_cast<uint32_t>(props_bytes));
    out.push_back(static_cast<char>(node.name.size()));
    out += node.name;
    for (const auto& p : node.props) {
        out.push_back(p.type);
        out += p.bytes;
    }
    // Children end with a null record; so does a node without properties (FBX SDK habit).
    if (!node.children.empty() || node.props.empty()) {
        for (const auto& child : node.children)
            write_node(out, child);
        out.append(kNullRecord, '\0');
    }
    const auto end = static_cast<uint32_t>(out.size());
    std::memcpy(&out[start], &end, 4);
}

}  // namespace

Node& Node::i32(int32_t v) {
    Property p{'I', {}};
    put(p.bytes, v);
    props.push_back(std::move(p));
    return *this;
}
Node& Node::i64(int64_t v) {
    Property p{'L', {}};
    put(p.bytes, v);
    props.push_back(std::move(p));
    return *this;
}
Node& Node::f64(double v) {
    Property p{'D', {}};
    put(p.bytes, v);
    props.push_back(std::move(p));
    return *this;
}
Node& Node::boolean(bool v) {
    props.push_back({'C', std::string(1, v ? '\1' : '\0')});
    return *this;
}
Node& Node::str(std::string_view v) {
    Property p{'S', {}};
    put<uint32_t>(p.bytes, static_cast<uint32_t>(v.size()));
    p.bytes.append(v);
    props.push_back(std::move(p));
    return *this;
}
Node& Node::raw(std::string_view v) {
    str(v);
    props.back().type = 'R';
    return *this;
}
Node& Node::f64_array(const std::vector<double>& v) {
    props.push_back(array_property('d', v));
    return *this;
}
Node& Node::f32_array(const std::vector<float>& v) {
    props.push_back(array_property('f', v));
    return *this;
}
Node& Node::i32_array(const std::vector<int32_t>& v) {
    props.push_back(array_property('i', v));
    return *this;
}
Node& Node::i64_array(const std::vector<int64_t>& v) {
    props.push_back(array_property('l', v));
    return *this;
}

std::string object_name(std::string_view name, std::string_view cls) {
    std::string out(name);
    out.push_back('\0');
    out.push_back('\1');
    out.append(cls);
    return out;
}

std::string_view file_id() {
    static constexpr char kId[] =
        "\x28\xb3\x2a\xeb\xb6\x24\xcc\xc2\xbf\xc8\xb0\x2a\xa9\x2b\xfc\xf1";
    return {kId, 16};
}

std::string_view creation_time() {
    return "1970-01-01 10:00:00:000";
}

std::string serialize(const std::vector<Node>& top_level, uint32_t version) {
    std::string out("Kaydara FBX Binary  \0\x1a\0", 23);
    put<uint32_t>(out, version);
    for (const auto& node : top_level)
        write_node(out, node);
    out.append(kNullRecord, '\0');
    // Footer: id, 4 zero bytes, padding to 16 (a full 16 if aligned), version, 120 zeros, magic.
    static constexpr char kFootId[] =
        "\xfa\xbc\xab\x09\xd0\xc8\xd4\x66\xb1\x76\xfb\x83\x1c\xf7\x26\x7e";
    out.append(kFootId, 16);
    out.append(4, '\0');
    size_t pad = ((out.size() + 15) & ~size_t(15)) - out.size();
    if (pad == 0) pad = 16;
    out.append(pad, '\0');
    put<uint32_t>(out, version);
    out.append(120, '\0');
    static constexpr char kMagic[] =
        "\xf8\x5a\x8c\x6a\xde\xf5\xd9\x7e\xec\xe9\x0c\xe3\x75\x8f\x29\x0b";
    out.append(kMagic, 16);
    return out;
}

}  // namespace kinema::fbx
