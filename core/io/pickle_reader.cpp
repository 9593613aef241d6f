#include "core/io/pickle_reader.h"

#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "core/io/torch_pickle_globals.h"
#include "core/io/utf8_check.h"

namespace kinema {
namespace {

using Kind = PickleValue::Kind;

constexpr std::size_t kMaxGlobalNameBytes = 256;

std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 2 * kMaxGlobalNameBytes))
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out;
}

// One pass over the opcodes. Stack and memo hold indices into doc_.values; every opcode adds at
// most one value, so memory is linear in the pickle's length.
class Unpickler {
public:
    explicit Unpickler(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    Result<PickleDocument> run() {
        while (true) {
            if (pos_ >= bytes_.size()) return bad("truncated pickle (no STOP opcode)");
            op_pos_ = pos_;
            const std::uint8_t op = bytes_[pos_++];
            if (op == '.') break;
            if (auto status = step(op); !status) return status.error();
        }
        if (stack_.empty()) return bad("STOP with an empty stack");
        doc_.root = stack_.back();
        return std::move(doc_);
    }

private:
    Error bad(const std::string& what) const {
        return make_error(ErrorKind::BadModelFile,
                          "data.pkl at byte " + std::to_string(op_pos_) + ": " + what);
    }

    // --- input ----------------------------------------------------------------------------
    Result<std::span<const std::uint8_t>> take(std::uint64_t n) {
        if (n > bytes_.size() - pos_) return bad("truncated pickle");
        auto out = bytes_.subspan(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return out;
    }
    Result<std::uint64_t> take_uint(int n) {
        auto b = take(static_cast<std::uint64_t>(n));
        if (!b) return b.error();
        std::uint64_t v = 0;
        for (int i = n - 1; i >= 0; --i)
            v = (v << 8) | (*b)[static_cast<std::size_t>(i)];
        return v;
    }
    Result<std::string> take_line() {
        const std::size_t start = pos_;
        while (pos_ < bytes_.size() && bytes_[pos_] != '\n') {
            if (pos_ - start > kMaxGlobalNameBytes) return bad("GLOBAL name too long");
            ++pos_;
        }
        if (pos_ >= bytes_.size()) return bad("truncated pickle");
        std::string line(reinterpret_cast<const char*>(bytes_.data() + start), pos_ - start);
        ++pos_;
        return line;
    }

    // --- stack ----------------------------------------------------------------------------
    std::size_t add(PickleValue v) {
        doc_.values.push_back(std::move(v));
        return doc_.values.size() - 1;
    }
    Status push_new(Kind kind, int64_t int_value = 0) {
        PickleValue v;
        v.kind = kind;
        v.int_value = int_value;
        stack_.push_back(add(std::move(v)));
        return {};
    }
    std::size_t current_mark() const { return marks_.empty() ? 0 : marks_.back(); }
    Result<std::size_t> pop() {
        if (stack_.size() <= current_mark()) return bad("stack underflow");
        const std::size_t v = stack_.back();
        stack_.pop_back();
        return v;
    }
    Result<std::vector<std::size_t>> pop_to_mark() {
        if (marks_.empty()) return bad("no MARK on the stack");
        const auto mark = static_cast<std::ptrdiff_t>(marks_.back());
        marks_.pop_back();
        std::vector<std::size_t> items(stack_.begin() + mark, stack_.end());
        stack_.resize(static_cast<std::size_t>(mark));
        return items;
    }
    Status push_sequence(Kind kind, std::vector<std::size_t> items) {
        PickleValue v;
        v.kind = kind;
        v.items = std::move(items);
        stack_.push_back(add(std::move(v)));
        return {};
    }
    Status push_tuple_of(std::size_t n) {
        if (stack_.size() < current_mark() + n) return bad("stack underflow");
        std::vector<std::size_t> items(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
        stack_.resize(stack_.size() - n);
        return push_sequence(Kind::Tuple, std::move(items));
    }
    Status push_text(Kind kind, Result<std::uint64_t> length) {
        if (!length) return length.error();
        auto b = take(*length);
        if (!b) return b.error();
        PickleValue v;
        v.kind = kind;
        v.text.assign(reinterpret_cast<const char*>(b->data()), b->size());
        if (kind == Kind::String && !is_valid_utf8(v.text)) return bad("string is not valid UTF-8");
        stack_.push_back(add(std::move(v)));
        return {};
    }
    Status push_global(const std::string& module, const std::string& name) {
        const std::string full = module + "." + name;
        if (!is_allowed_pickle_global(full))
            return bad("refusing pickle global " + printable(full) +
                       " (only tensors, storages and OrderedDict are allowed)");
        PickleValue v;
        v.kind = Kind::Global;
        v.text = full;
        stack_.push_back(add(std::move(v)));
        return {};
    }
    Status memo_put(std::uint64_t key) {
        if (stack_.size() <= current_mark()) return bad("memoizing with an empty stack");
        memo_[key] = stack_.back();
        return {};
    }
    Status memo_get(Result<std::uint64_t> key) {
        if (!key) return key.error();
        const auto it = memo_.find(*key);
        if (it == memo_.end()) return bad("memo key " + std::to_string(*key) + " is not set");
        stack_.push_back(it->second);
        return {};
    }
    Status extend(std::size_t target, const std::vector<std::size_t>& items, Kind kind) {
        PickleValue& t = doc_.values[target];
        if (t.kind != kind)
            return bad(kind == Kind::Dict ? "SETITEM(S) on a value that is not a dict"
                                          : "APPEND(S) on a value that is not a list");
        if (kind == Kind::Dict && items.size() % 2 != 0) return bad("SETITEMS with an odd count");
        t.items.insert(t.items.end(), items.begin(), items.end());
        return {};
    }
    Status extend_from_mark(Kind kind) {
        auto items = pop_to_mark();
        if (!items) return items.error();
        if (stack_.size() <= current_mark()) return bad("stack underflow");
        return extend(stack_.back(), *items, kind);
    }
    Status extend_by(std::size_t n, Kind kind) {
        if (stack_.size() < current_mark() + n + 1) return bad("stack underflow");
        std::vector<std::size_t> items(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
        stack_.resize(stack_.size() - n);
        return extend(stack_.back(), items, kind);
    }

    // --- torch constructs -----------------------------------------------------------------
    Status persistent_load();
    Status reduce(bool newobj);
    Status step(std::uint8_t op);

    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
    std::size_t op_pos_ = 0;
    PickleDocument doc_;
    std::vector<std::size_t> stack_;
    std::vector<std::size_t> marks_;  // stack_ sizes at each MARK
    std::unordered_map<std::uint64_t, std::size_t> memo_;
    std::unordered_map<std::string, std::size_t> storage_by_key_;
};

Status Unpickler::persistent_load() {
    auto pid_index = pop();
    if (!pid_index) return pid_index.error();
    const PickleValue& pid = doc_.values[*pid_index];
    if (pid.kind != Kind::Tuple || pid.items.size() != 5 ||
        doc_.at(pid.items[0]).kind != Kind::String || doc_.at(pid.items[0]).text != "storage")
        return bad("persistent id is not ('storage', type, key, location, numel)");
    const PickleValue& type = doc_.at(pid.items[1]);
    const PickleValue& key = doc_.at(pid.items[2]);
    const PickleValue& location = doc_.at(pid.items[3]);
    const PickleValue& numel = doc_.at(pid.items[4]);
    const auto dtype = type.kind == Kind::Global ? torch_storage_dtype(type.text) : std::nullopt;
    if (!dtype) return bad("persistent id names no torch storage type");
    if (key.kind != Kind::String || location.kind != Kind::String)
        return bad("storage key or location is not a string");
    if (numel.kind != Kind::Int || numel.int_value < 0 ||
        numel.int_value > (std::numeric_limits<int64_t>::max() >> 4))
        return bad("storage size is not a valid element count");

    std::size_t index = doc_.storages.size();
    if (const auto it = storage_by_key_.find(key.text); it != storage_by_key_.end()) {
        index = it->second;
        const PickleStorage& s = doc_.storages[index];
        if (s.dtype != *dtype || s.numel != numel.int_value)
            return make_error(ErrorKind::Unsupported,
                              "storage '" + key.text + "' is used with two types or sizes");
    } else {
        doc_.storages.push_back({key.text, *dtype, numel.int_value, location.text});
        storage_by_key_.emplace(key.text, index);
    }
    return push_new(Kind::Storage, static_cast<int64_t>(index));
}

Status Unpickler::reduce(bool newobj) {
    auto args_index = pop();
    if (!args_index) return args_index.error();
    auto callable = pop();
    if (!callable) return callable.error();
    const PickleValue& fn = doc_.at(*callable);
    const PickleValue& args = doc_.at(*args_index);
    if (fn.kind != Kind::Global) return bad("REDUCE on a value that is not a global");
    if (args.kind != Kind::Tuple) return bad("REDUCE arguments are not a tuple");
    if (fn.text == kPickleOrderedDict) {
        if (!args.items.empty())
            return make_error(ErrorKind::Unsupported, "OrderedDict built from arguments");
        return push_new(Kind::Dict);
    }
    if (!newobj && fn.text == kPickleRebuildTensorV2) {
        auto t = make_pickle_tensor(doc_, args.items);
        if (!t) return bad(t.error().message);
        doc_.tensors.push_back(std::move(t).value());
        return push_new(Kind::Tensor, static_cast<int64_t>(doc_.tensors.size() - 1));
    }
    if (!newobj && fn.text == kPickleRebuildParameter) {
        if (args.items.size() != 3 || doc_.at(args.items[0]).kind != Kind::Tensor)
            return bad("_rebuild_parameter without a tensor");
        stack_.push_back(args.items[0]);
        return {};
    }
    return bad("pickle global " + fn.text + " is not callable here");
}

Status Unpickler::step(std::uint8_t op) {
    switch (op) {
        case 0x80: {  // PROTO
            auto v = take_uint(1);
            if (!v) return v.error();
            if (*v > 5) return make_error(ErrorKind::Unsupported, "pickle protocol above 5");
            return {};
        }
        case 0x95: {  // FRAME: a length hint only
            auto v = take_uint(8);
            return v ? Status{} : Status{v.error()};
        }
        case '(':
            marks_.push_back(stack_.size());
            return {};  // MARK
        case '0':
            return pop() ? Status{} : Status{bad("stack underflow")};  // POP
        case '1': {                                                    // POP_MARK
            auto items = pop_to_mark();
            return items ? Status{} : Status{items.error()};
        }
        case '2':  // DUP
            if (stack_.size() <= current_mark()) return bad("stack underflow");
            stack_.push_back(stack_.back());
            return {};
        case 'N':
            return push_new(Kind::None);
        case 0x88:
            return push_new(Kind::Bool, 1);  // NEWTRUE
        case 0x89:
            return push_new(Kind::Bool, 0);  // NEWFALSE
        case 'K': {                          // BININT1
            auto v = take_uint(1);
            return v ? push_new(Kind::Int, static_cast<int64_t>(*v)) : Status{v.error()};
        }
        case 'M': {  // BININT2
            auto v = take_uint(2);
            return v ? push_new(Kind::Int, static_cast<int64_t>(*v)) : Status{v.error()};
        }
        case 'J': {  // BININT
            auto v = take_uint(4);
            if (!v) return v.error();
            return push_new(Kind::Int, static_cast<int32_t>(static_cast<std::uint32_t>(*v)));
        }
        case 0x8a: {  // LONG1
            auto n = take_uint(1);
            if (!n) return n.error();
            if (*n > 8) return make_error(ErrorKind::Unsupported, "integer wider than 64 bits");
            auto v = take_uint(static_cast<int>(*n));
            if (!v) return v.error();
            std::uint64_t bits = *v;
            if (*n > 0 && *n < 8 && (bits >> (8 * *n - 1)) & 1) bits |= ~0ULL << (8 * *n);
            return push_new(Kind::Int, static_cast<int64_t>(bits));
        }
        case 'G': {  // BINFLOAT: big-endian IEEE double
            auto b = take(8);
            if (!b) return b.error();
            std::uint64_t bits = 0;
            for (const std::uint8_t byte : *b)
                bits = (bits << 8) | byte;
            PickleValue v;
            v.kind = Kind::Float;
            std::memcpy(&v.float_value, &bits, sizeof(bits));
            stack_.push_back(add(std::move(v)));
            return {};
        }
        case 0x8c:
            return push_text(Kind::String, take_uint(1));  // SHORT_BINUNICODE
        case 'X':
            return push_text(Kind::String, take_uint(4));  // BINUNICODE
        case 0x8d:
            return push_text(Kind::String, take_uint(8));  // BINUNICODE8
        case 'C':
            return push_text(Kind::Bytes, take_uint(1));  // SHORT_BINBYTES
        case 'B':
            return push_text(Kind::Bytes, take_uint(4));  // BINBYTES
        case 0x8e:
            return push_text(Kind::Bytes, take_uint(8));  // BINBYTES8
        case '}':
            return push_new(Kind::Dict);  // EMPTY_DICT
        case ']':
            return push_new(Kind::List);  // EMPTY_LIST
        case ')':
            return push_new(Kind::Tuple);  // EMPTY_TUPLE
        case 0x85:
            return push_tuple_of(1);  // TUPLE1
        case 0x86:
            return push_tuple_of(2);  // TUPLE2
        case 0x87:
            return push_tuple_of(3);  // TUPLE3
        case 't':                     // TUPLE
        case 'l':                     // LIST
        case 'd': {                   // DICT
            auto items = pop_to_mark();
            if (!items) return items.error();
            if (op == 'd' && items->size() % 2 != 0) return bad("DICT with an odd count");
            const Kind kind = op == 't' ? Kind::Tuple : op == 'l' ? Kind::List : Kind::Dict;
            return push_sequence(kind, std::move(items).value());
        }
        case 'q': {  // BINPUT
            auto k = take_uint(1);
            return k ? memo_put(*k) : Status{k.error()};
        }
        case 'r': {  // LONG_BINPUT
            auto k = take_uint(4);
            return k ? memo_put(*k) : Status{k.error()};
        }
        case 0x94:
            return memo_put(memo_.size());  // MEMOIZE
        case 'h':
            return memo_get(take_uint(1));  // BINGET
        case 'j':
            return memo_get(take_uint(4));  // LONG_BINGET
        case 'a':
            return extend_by(1, Kind::List);  // APPEND
        case 'e':
            return extend_from_mark(Kind::List);  // APPENDS
        case 's':
            return extend_by(2, Kind::Dict);  // SETITEM
        case 'u':
            return extend_from_mark(Kind::Dict);  // SETITEMS
        case 'c': {                               // GLOBAL
            auto module = take_line();
            if (!module) return module.error();
            auto name = take_line();
            if (!name) return name.error();
            return push_global(*module, *name);
        }
        case 0x93: {  // STACK_GLOBAL
            auto name = pop();
            if (!name) return name.error();
            auto module = pop();
            if (!module) return module.error();
            if (doc_.at(*name).kind != Kind::String || doc_.at(*module).kind != Kind::String)
                return bad("STACK_GLOBAL operands are not strings");
            return push_global(doc_.at(*module).text, doc_.at(*name).text);
        }
        case 'R':
            return reduce(false);  // REDUCE
        case 0x81:
            return reduce(true);  // NEWOBJ
        case 'Q':
            return persistent_load();  // BINPERSID
        case 'b': {  // BUILD: only an object's state on a dict (OrderedDict._metadata); dropped
            auto state = pop();
            if (!state) return state.error();
            if (stack_.size() <= current_mark()) return bad("stack underflow");
            if (doc_.at(stack_.back()).kind != Kind::Dict)
                return make_error(ErrorKind::Unsupported, "BUILD on a value that is not a dict");
            return {};
        }
        default: {
            static constexpr char kHex[] = "0123456789abcdef";
            const std::string hex{'0', 'x', kHex[op >> 4], kHex[op & 15]};
            return bad("unsupported pickle opcode " + hex);
        }
    }
}

}  // namespace

Result<PickleDocument> read_torch_pickle(std::span<const std::uint8_t> bytes) {
    return Unpickler(bytes).run();
}

}  // namespace kinema
