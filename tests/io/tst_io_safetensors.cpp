// core/io safetensors: MappedFile, SafetensorsFile (strict validation, zero-copy views),
// write_safetensors (round trips, layout, atomicity), SafetensorsShardSet, load_state_dict and
// list_tensors on the dit_a golden fixture.
#include <ATen/ATen.h>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>

#include "core/io/mapped_file.h"
#include "core/io/safetensors_file.h"
#include "core/io/safetensors_shard_set.h"
#include "core/io/safetensors_writer.h"
#include "core/io/state_dict_loader.h"

using namespace kinema;

Q_DECLARE_METATYPE(kinema::ErrorKind)

namespace {

std::string st_bytes(const std::string& header, std::size_t data_bytes, char fill = 0) {
    std::string out(8, '\0');
    const auto n = static_cast<std::uint64_t>(header.size());
    for (int i = 0; i < 8; ++i)
        out[static_cast<std::size_t>(i)] = static_cast<char>(n >> (8 * i));
    return out + header + std::string(data_bytes, fill);
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::pair<std::string, at::Tensor>> all_dtype_tensors() {
    at::manual_seed(7);
    std::vector<std::pair<std::string, at::Tensor>> t;
    t.emplace_back("u8", at::arange(0, 250, 7, at::kByte).reshape({4, 9}));
    t.emplace_back("f16", at::randn({3, 5}).to(at::kHalf));
    t.emplace_back("f64", at::randn({2, 3, 2}, at::kDouble));
    t.emplace_back("bool", at::rand({7}) > 0.5);
    t.emplace_back("bf16", at::randn({5}).to(at::kBFloat16));
    t.emplace_back("f32", at::randn({4, 6}));
    t.emplace_back("i8", at::arange(-128, 127, 17, at::kChar));
    t.emplace_back("i16", at::arange(-30000, 30000, 7001, at::kShort));
    t.emplace_back("i32", at::arange(-5, 6, at::kInt).reshape({11, 1}));
    t.emplace_back("i64", at::tensor({int64_t{1} << 62, int64_t{-3}, int64_t{0}}));
    t.emplace_back("scalar", at::scalar_tensor(1.25));
    t.emplace_back("empty", at::zeros({0, 4}));
    t.emplace_back("transposed", at::arange(12, at::kFloat).reshape({3, 4}).t());
    return t;
}

}  // namespace

class TestIoSafetensors : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    std::string path(const char* name) const {
        return QDir(tmp_.path()).filePath(name).toStdString();
    }

private Q_SLOTS:
    void mapped_file_reads_bytes_and_moves() {
        write_file(path("m.bin"), "hello");
        auto m = MappedFile::open(path("m.bin"));
        QVERIFY(m.ok());
        QCOMPARE(m->size_bytes(), std::size_t{5});
        QCOMPARE(std::memcmp(m->data(), "hello", 5), 0);
        MappedFile moved = std::move(m).value();
        QCOMPARE(moved.size_bytes(), std::size_t{5});
        QCOMPARE(moved.data()[4], std::uint8_t{'o'});
    }

    void mapped_file_empty_and_missing() {
        write_file(path("empty.bin"), "");
        auto e = MappedFile::open(path("empty.bin"));
        QVERIFY(e.ok());
        QCOMPARE(e->size_bytes(), std::size_t{0});
        QVERIFY(e->data() == nullptr);
        auto missing = MappedFile::open(path("nope.bin"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind, ErrorKind::Io);
        auto dir = MappedFile::open(tmp_.path().toStdString());
        QVERIFY(!dir.ok());
    }

    void round_trip_all_dtypes() {
        const auto tensors = all_dtype_tensors();
        const std::map<std::string, std::string> meta{{"format", "pt"}, {"note", "ünïcode"}};
        QVERIFY(write_safetensors(path("all.safetensors"), tensors, meta).ok());
        auto file = SafetensorsFile::open(path("all.safetensors"));
        QVERIFY2(file.ok(), file.ok() ? "" : file.error().describe().c_str());
        QCOMPARE(file->entries().size(), tensors.size());
        QCOMPARE(file->metadata(), meta);
        for (const auto& [name, expected] : tensors) {
            auto t = file->tensor(name);
            QVERIFY2(t.ok(), name.c_str());
            QCOMPARE(t->scalar_type(), expected.scalar_type());
            QCOMPARE(t->sizes().vec(), expected.sizes().vec());
            QVERIFY2(at::equal(*t, expected), name.c_str());
            // every tensor is aligned to its element size, so the view is zero-copy
            if (t->numel() > 0) {
                QCOMPARE(reinterpret_cast<std::uintptr_t>(t->data_ptr()) % t->element_size(),
                         std::uintptr_t{0});
            }
        }
        // An unknown name.
        auto missing = file->tensor("nope");
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind, ErrorKind::InvalidRequest);
    }

    void writer_layout_matches_reference_rules() {
        QVERIFY(write_safetensors(path("layout.safetensors"), all_dtype_tensors()).ok());
        const std::string bytes = read_file(path("layout.safetensors"));
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | static_cast<std::uint8_t>(bytes[static_cast<std::size_t>(i)]);
        QCOMPARE(n % 8, std::uint64_t{0});  // header padded to 8 bytes
        const auto header = nlohmann::json::parse(bytes.substr(8, n));
        QVERIFY(!header.contains("__metadata__"));  // no metadata given, none written
        std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
        std::size_t previous_size = 8;
        auto file = SafetensorsFile::open(path("layout.safetensors"));
        QVERIFY(file.ok());
        for (const auto& e : file->entries()) {
            ranges.emplace_back(e.begin_offset, e.end_offset);
            const auto size = element_size_bytes(e.dtype);
            QVERIFY2(size <= previous_size, "tensors are ordered by element size, largest first");
            previous_size = size;
        }
        std::uint64_t expect = 0;  // no gaps, as the reference reader requires
        for (const auto& [b, e] : ranges) {
            QCOMPARE(b, expect);
            expect = e;
        }
        QCOMPARE(expect, bytes.size() - 8 - n);
        // Equal element sizes keep the caller's order.
        std::vector<std::string> four_byte;
        for (const auto& e : file->entries())
            if (element_size_bytes(e.dtype) == 4) four_byte.push_back(e.name);
        QCOMPARE(four_byte,
                 (std::vector<std::string>{"f32", "i32", "scalar", "empty", "transposed"}));
    }

    void reads_python_reference_layout() {
        const std::string fixture = KINEMA_TEST_FIXTURES "/io/tiny_checkpoint_expected.safetensors";
        auto file = SafetensorsFile::open(fixture);
        QVERIFY2(file.ok(), file.ok() ? "" : file.error().describe().c_str());
        QCOMPARE(file->entries().size(), std::size_t{20});
        QCOMPARE(file->metadata().at("made_by"), std::string("make_fixtures.py"));
        auto ids = file->tensor("i64.ids");
        QVERIFY(ids.ok());
        QCOMPARE(ids->scalar_type(), at::kLong);
        QCOMPARE((*ids)[3].item<int64_t>(), -(int64_t{1} << 62));
        auto mask = file->tensor("mask");
        QVERIFY(mask.ok());
        QCOMPARE(mask->scalar_type(), at::kBool);
        QCOMPARE(mask->sum().item<int64_t>(), int64_t{3});
    }

    void tensor_outlives_file_and_is_zero_copy() {
        QVERIFY(write_safetensors(path("keep.safetensors"), {{"w", at::arange(1000, at::kFloat)}})
                    .ok());
        at::Tensor t;
        const void* mapped_begin = nullptr;
        {
            auto file = SafetensorsFile::open(path("keep.safetensors"));
            QVERIFY(file.ok());
            t = file->tensor("w").value();
            mapped_begin = t.data_ptr();
        }
        QVERIFY(QFile::remove(QString::fromStdString(path("keep.safetensors"))));
        QCOMPARE(t.data_ptr(), mapped_begin);
        QCOMPARE(t.sum().item<double>(),
                 499500.0);  // still mapped after file object and name are gone
        at::Tensor writable = t.clone();
        writable.add_(1.0);
        QCOMPARE(writable[0].item<float>(), 1.0f);
    }

    void writer_rejects_bad_input_without_touching_target() {
        write_file(path("target.safetensors"), "old contents");
        const auto before = read_file(path("target.safetensors"));
        auto dup = write_safetensors(path("target.safetensors"),
                                     {{"a", at::ones({2})}, {"a", at::ones({2})}});
        QCOMPARE(dup.error().kind, ErrorKind::InvalidRequest);
        auto reserved =
            write_safetensors(path("target.safetensors"), {{"__metadata__", at::ones({1})}});
        QCOMPARE(reserved.error().kind, ErrorKind::InvalidRequest);
        auto complex = write_safetensors(path("target.safetensors"),
                                         {{"c", at::ones({2}, at::kComplexFloat)}});
        QCOMPARE(complex.error().kind, ErrorKind::Unsupported);
        // Fails mid-write (a meta tensor has no data to copy): the temporary file is removed.
        auto mid = write_safetensors(
            path("target.safetensors"),
            {{"ok", at::ones({64})}, {"meta", at::empty({4}, at::device(at::kMeta))}});
        QVERIFY(!mid.ok());
        QCOMPARE(read_file(path("target.safetensors")), before);
        const auto leftovers =
            QDir(tmp_.path()).entryList({"target.safetensors.tmp-*"}, QDir::Files);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(",")));
        auto no_dir = write_safetensors(path("missing-dir/x.safetensors"), {{"a", at::ones({1})}});
        QCOMPARE(no_dir.error().kind, ErrorKind::Io);
        // A successful write replaces the old file atomically.
        QVERIFY(write_safetensors(path("target.safetensors"), {{"a", at::ones({3})}}).ok());
        QVERIFY(SafetensorsFile::open(path("target.safetensors")).ok());
    }

    void corrupt_files_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<ErrorKind>("kind");
        QTest::addColumn<QString>("message");
        const auto row = [](const char* name, const std::string& bytes, const char* message) {
            QTest::newRow(name) << QByteArray(bytes.data(), static_cast<int>(bytes.size()))
                                << ErrorKind::BadModelFile << QString(message);
        };
        const std::string good_entry = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
        row("empty file", "", "too short");
        row("truncated header length", std::string("\x10\x00\x00", 3), "too short");
        {
            std::string beyond = st_bytes("{}", 3);
            beyond[0] = 100;
            row("header length beyond file", beyond, "exceeds the file");
        }
        {
            std::string huge = st_bytes("{}", 0);
            huge[7] = '\x7f';
            row("header length 2^63", huge, "exceeds the file");
        }
        row("invalid json", st_bytes(R"({"a":{"dtype":"F32",)", 8), "not valid JSON");
        row("invalid utf-8", st_bytes("{\"a\xff\xfe\":{}}", 0), "UTF-8");
        row("overlong utf-8", st_bytes("{\"\xc0\xaf\":{}}", 0), "UTF-8");
        row("header is an array", st_bytes("[1,2]", 0), "start with '{'");
        row("header is a number", st_bytes("42", 0), "start with '{'");
        row("offsets out of bounds", st_bytes("{" + good_entry + "}", 4),
            "beyond the data section");
        row("overlapping ranges",
            st_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                     R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                     12),
            "overlapping");
        row("size mismatch",
            st_bytes(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8), "needs 12");
        row("unknown dtype",
            st_bytes(R"({"a":{"dtype":"F17","shape":[2],"data_offsets":[0,8]}})", 8),
            "unknown dtype 'F17'");
        row("negative shape",
            st_bytes(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8),
            "non-negative integers");
        row("non-integer shape",
            st_bytes(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}})", 8),
            "non-negative integers");
        row("string shape",
            st_bytes(R"({"a":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})", 8),
            "missing shape");
        row("missing data_offsets", st_bytes(R"({"a":{"dtype":"F32","shape":[2]}})", 8),
            "missing data_offsets");
        row("missing dtype", st_bytes(R"({"a":{"shape":[2],"data_offsets":[0,8]}})", 8),
            "missing dtype");
        row("end before begin",
            st_bytes(R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}})", 8),
            "end before begin");
        row("three offsets",
            st_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}})", 9), "pair");
        row("shape overflow",
            st_bytes(
                R"({"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", 8),
            "overflows");
        row("metadata not strings", st_bytes(R"({"__metadata__":{"n":1}})", 0), "not a string");
        row("duplicate key", st_bytes("{" + good_entry + "," + good_entry + "}", 8),
            "duplicate key 'a'");
    }

    void corrupt_files() {
        QFETCH(QByteArray, bytes);
        QFETCH(ErrorKind, kind);
        QFETCH(QString, message);
        const auto file = path("corrupt.safetensors");
        write_file(file, bytes.toStdString());
        auto st = SafetensorsFile::open(file);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().kind, kind);
        QVERIFY2(QString::fromStdString(st.error().message).contains(message),
                 st.error().message.c_str());
        auto listed = list_tensors(file);  // the generic entry point reports the same
        QVERIFY(!listed.ok());
        QCOMPARE(listed.error().kind, kind);
    }

    void valid_edge_cases() {
        // Gaps, zero-size tensors anywhere and trailing bytes are tolerated.
        write_file(path("edge.safetensors"),
                   st_bytes(R"({"z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
                            R"("a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                            R"("b":{"dtype":"U8","shape":[1,2],"data_offsets":[4,6]}})",
                            9, 3));
        auto st = SafetensorsFile::open(path("edge.safetensors"));
        QVERIFY2(st.ok(), st.ok() ? "" : st.error().describe().c_str());
        QCOMPARE(st->entries().size(), std::size_t{3});
        QCOMPARE(st->entries()[0].name, std::string("a"));  // file order = offset order
        QCOMPARE(st->tensor("z")->numel(), int64_t{0});
        QCOMPARE(st->tensor("b")->sum().item<int64_t>(), int64_t{6});
    }

    void bad_tensor_data_and_unsupported_dtype() {
        write_file(path("bool.safetensors"),
                   st_bytes(R"({"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}})", 3, 2));
        auto st = SafetensorsFile::open(path("bool.safetensors"));
        QVERIFY(st.ok());
        QCOMPARE(st->tensor("m").error().kind, ErrorKind::BadModelFile);
        write_file(path("f8.safetensors"),
                   st_bytes(R"({"q":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}})", 4));
        auto f8 = SafetensorsFile::open(path("f8.safetensors"));
        QVERIFY(f8.ok());  // listable...
        QCOMPARE(f8->list()[0].dtype, std::string("F8_E4M3"));
        QCOMPARE(f8->tensor("q").error().kind, ErrorKind::Unsupported);  // ...but not loadable
    }

    void misaligned_data_is_copied() {
        // Header of odd length: the F32 data starts at an odd address, so tensor() copies.
        std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
        if ((8 + header.size()) % 2 == 0) header += ' ';
        write_file(path("odd.safetensors"),
                   st_bytes(header, 0) + std::string("\x00\x00\x80\x3f", 4));
        auto st = SafetensorsFile::open(path("odd.safetensors"));
        QVERIFY(st.ok());
        auto t = st->tensor("a");
        QVERIFY(t.ok());
        QCOMPARE(t->item<float>(), 1.0f);
    }

    void missing_file_is_io() {
        auto st = SafetensorsFile::open(path("does-not-exist.safetensors"));
        QCOMPARE(st.error().kind, ErrorKind::Io);
    }

    void sharded_index() {
        QVERIFY(write_safetensors(path("model-00001-of-00002.safetensors"),
                                  {{"a.w", at::ones({2, 2})}, {"extra", at::ones({1})}})
                    .ok());
        QVERIFY(write_safetensors(path("model-00002-of-00002.safetensors"),
                                  {{"b.w", at::full({3}, 2.0)}, {"b.b", at::zeros({1}, at::kHalf)}})
                    .ok());
        write_file(
            path("model.safetensors.index.json"),
            R"({"metadata":{"total_size":30},"weight_map":{"b.w":"model-00002-of-00002.safetensors",)"
            R"("a.w":"model-00001-of-00002.safetensors","b.b":"model-00002-of-00002.safetensors"}})");
        auto set = SafetensorsShardSet::open(path("model.safetensors.index.json"));
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().describe().c_str());
        QCOMPARE(set->shards().size(), std::size_t{2});
        QCOMPARE(set->metadata().at("total_size"), std::string("30"));
        const auto list = set->list();
        QCOMPARE(list.size(), std::size_t{3});  // "extra" is not in the weight map
        QCOMPARE(list[0].name, std::string("a.w"));
        QVERIFY(!set->contains("extra"));
        auto sd = load_state_dict(path("model.safetensors.index.json"), "b.");
        QVERIFY(sd.ok());
        QCOMPARE(sd->size(), std::size_t{2});
        QCOMPARE(sd->at("b.w").sum().item<double>(), 6.0);
        auto listed = list_tensors(path("model.safetensors.index.json"));
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), std::size_t{3});

        write_file(path("wrong.safetensors.index.json"),
                   R"({"weight_map":{"b.w":"model-00001-of-00002.safetensors"}})");
        auto wrong = SafetensorsShardSet::open(path("wrong.safetensors.index.json"));
        QCOMPARE(wrong.error().kind, ErrorKind::BadModelFile);
        write_file(path("escape.safetensors.index.json"),
                   R"({"weight_map":{"a":"../../etc/passwd"}})");
        auto escape = SafetensorsShardSet::open(path("escape.safetensors.index.json"));
        QCOMPARE(escape.error().kind, ErrorKind::BadModelFile);
        write_file(path("nomap.safetensors.index.json"), R"({"metadata":{}})");
        QCOMPARE(SafetensorsShardSet::open(path("nomap.safetensors.index.json")).error().kind,
                 ErrorKind::BadModelFile);
        write_file(path("gone.safetensors.index.json"),
                   R"({"weight_map":{"a":"gone.safetensors"}})");
        QCOMPARE(SafetensorsShardSet::open(path("gone.safetensors.index.json")).error().kind,
                 ErrorKind::Io);
    }

    void dit_a_fixture() {
        const std::string file = KINEMA_TEST_FIXTURES "/hymotion/dit_a.safetensors";
        auto entries = list_tensors(file, "motion_transformer.");
        QVERIFY2(entries.ok(), entries.ok() ? "" : entries.error().describe().c_str());
        QCOMPARE(entries->size(), std::size_t{142});
        int64_t params = 0;
        for (const auto& e : *entries) {
            QCOMPARE(e.dtype, std::string("F16"));
            params += e.numel();
        }
        QCOMPARE(params, int64_t{2869577});
        auto sd = load_state_dict(file, "motion_transformer.");
        QVERIFY(sd.ok());
        QCOMPARE(sd->size(), std::size_t{142});
        const auto& w = sd->at("motion_transformer.input_encoder.weight");
        QCOMPARE(w.sizes().vec(), (std::vector<int64_t>{128, 201}));
        QCOMPARE(w.scalar_type(), at::kHalf);
        QVERIFY(std::isfinite(w.to(at::kFloat).abs().max().item<float>()));
        auto all = list_tensors(file);
        QVERIFY(all.ok());
        QVERIFY(all->size() > 142);  // inputs and outputs too
    }
};

QTEST_GUILESS_MAIN(TestIoSafetensors)
#include "tst_io_safetensors.moc"
