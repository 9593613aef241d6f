// core/io torch.save checkpoints: the restricted unpickler (opcodes, allowlist, bounds), the
// checkpoint reader against a real torch.save fixture and its safetensors twin, malicious and
// damaged checkpoints.
#include <ATen/ATen.h>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>

#include "core/io/pickle_reader.h"
#include "core/io/safetensors_file.h"
#include "core/io/state_dict_loader.h"
#include "core/io/torch_checkpoint.h"
#include "tests/io/zip_test_util.h"

using namespace kinema;
using kinema::test::pickle_binunicode;

namespace {

const std::string kTiny = KINEMA_TEST_FIXTURES "/io/tiny_checkpoint.ckpt";
const std::string kTwin = KINEMA_TEST_FIXTURES "/io/tiny_checkpoint_expected.safetensors";
const std::string kFlat = KINEMA_TEST_FIXTURES "/io/tiny_flat.pt";

// The state-dict order torch.save wrote (make_fixtures.py).
const std::vector<std::string> kTinyNames = {"proj.weight",
                                             "proj.bias",
                                             "norm.weight",
                                             "norm.bias",
                                             "norm.running_mean",
                                             "norm.running_var",
                                             "norm.num_batches_tracked",
                                             "shared.base",
                                             "shared.view_t",
                                             "half.weight",
                                             "bf16.weight",
                                             "f64.values",
                                             "i64.ids",
                                             "i32.ids",
                                             "i16.ids",
                                             "i8.ids",
                                             "u8.bytes",
                                             "mask",
                                             "empty",
                                             "scalar"};

std::string binint(int32_t v) {
    std::string out = "J";
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>((static_cast<uint32_t>(v) >> (8 * i)) & 0xff);
    return out;
}

std::string int_tuple(const std::vector<int32_t>& values) {
    std::string out = "(";
    for (const int32_t v : values)
        out += binint(v);
    return out + "t";
}

// {"model_state_dict": {"w": tensor}} with one storage "0" of `numel` elements.
std::string state_dict_pickle(const std::string& storage_type, int32_t numel, int32_t offset,
                              const std::vector<int32_t>& sizes,
                              const std::vector<int32_t>& strides) {
    return std::string("\x80\x02}(", 4) + pickle_binunicode("model_state_dict") + "}(" +
           pickle_binunicode("w") + "ctorch._utils\n_rebuild_tensor_v2\n(" + "(" +
           pickle_binunicode("storage") + "ctorch\n" + storage_type + "\n" +
           pickle_binunicode("0") + pickle_binunicode("cpu") + binint(numel) + "tQ" +
           binint(offset) + int_tuple(sizes) + int_tuple(strides) + "\x89" +
           "ccollections\nOrderedDict\n)R" + "tR" + "u" + "u.";
}

Result<PickleDocument> unpickle(const std::string& bytes) {
    return read_torch_pickle(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace

class TestIoCheckpoint : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    std::string path(const std::string& name) const {
        return QDir(tmp_.path()).filePath(QString::fromStdString(name)).toStdString();
    }
    void expect_error(const std::string& file, ErrorKind kind, const QString& message) {
        auto ckpt = load_torch_checkpoint(file);
        QVERIFY(!ckpt.ok());
        QCOMPARE(ckpt.error().kind, kind);
        QVERIFY2(QString::fromStdString(ckpt.error().message).contains(message),
                 ckpt.error().message.c_str());
    }

private Q_SLOTS:
    void pickle_opcodes() {
        std::string p = "\x80\x04\x95";
        p += std::string("\x10\x00\x00\x00\x00\x00\x00\x00", 8);  // FRAME
        p += std::string("}\x94(", 3);
        p += std::string(
            "\x8c\x01"
            "a\x8a\x02\x00\xff",
            7);  // LONG1 0xff00 = -256
        p += std::string(
            "\x8c\x01"
            "b"
            "G\x3f\xf8\x00\x00\x00\x00\x00\x00",
            12);  // 1.5
        p += std::string(
            "\x8c\x01"
            "c\x8d\x03\x00\x00\x00\x00\x00\x00\x00xyz",
            15);
        p += std::string(
            "\x8c\x01"
            "dJ\xff\xff\xff\xff",
            8);  // -1
        p += std::string(
            "\x8c\x01"
            "eM\x34\x12",
            6);  // 0x1234
        p += std::string(
            "\x8c\x01"
            "f\x8a\x00",
            5);  // LONG1 0 bytes = 0
        p += std::string(
            "\x8c\x01"
            "gC\x02hi",
            7);  // bytes
        // a list that holds itself (BINGET of its memo slot, APPEND), then APPENDS 4 more
        p += std::string(
                 "\x8c\x01"
                 "h]\x94h\x01",
                 7) +
             std::string("a(K\x01\x88N\x89", 7) + "e";
        p += "u.";
        auto doc = unpickle(p);
        QVERIFY2(doc.ok(), doc.ok() ? "" : doc.error().describe().c_str());
        const PickleValue& root = doc->at(doc->root);
        QCOMPARE(root.kind, PickleValue::Kind::Dict);
        QCOMPARE(root.items.size(), std::size_t{16});
        const auto value = [&](std::size_t i) -> const PickleValue& {
            return doc->at(root.items[2 * i + 1]);
        };
        QCOMPARE(value(0).int_value, int64_t{-256});
        QCOMPARE(value(1).float_value, 1.5);
        QCOMPARE(value(2).text, std::string("xyz"));
        QCOMPARE(value(3).int_value, int64_t{-1});
        QCOMPARE(value(4).int_value, int64_t{0x1234});
        QCOMPARE(value(5).int_value, int64_t{0});
        QCOMPARE(value(6).kind, PickleValue::Kind::Bytes);
        QCOMPARE(value(7).kind, PickleValue::Kind::List);
        QCOMPARE(value(7).items.size(), std::size_t{5});
        QCOMPARE(value(7).items[0], root.items[15]);  // the list itself
        QCOMPARE(doc->at(value(7).items[2]).kind, PickleValue::Kind::Bool);
    }

    void pickle_is_bounded_on_hostile_input() {
        // 200,000 nested lists, and a list containing itself: built and freed without recursion.
        std::string deep = "\x80\x02" + std::string(200000, ']') + std::string(199999, 'a') + ".";
        QVERIFY(unpickle(deep).ok());
        QVERIFY(unpickle(std::string("\x80\x02]q\x00h\x00"
                                     "a.",
                                     9))
                    .ok());
        const std::vector<std::pair<std::string, QString>> bad = {
            {std::string("\x80\x02R.", 4), "stack underflow"},
            {std::string("\x80\x02(.", 4), "empty stack"},
            {std::string("\x80\x02}", 3), "no STOP"},
            {std::string("\x80\x02h\x05.", 5), "memo key 5"},
            {std::string("\x80\x02\xff.", 4), "opcode 0xff"},
            {std::string("\x80\x02X\xff\xff\xff\x7f"
                         "ab.",
                         10),
             "truncated"},
            {std::string("\x80\x02X\x02\x00\x00\x00\xc3\x28.", 10), "UTF-8"},
            {std::string("\x80\x02K\x01K\x02"
                         "a."),
             "not a list"},
            {std::string("\x80\x02}K\x01s.", 6), "stack underflow"},
            {std::string("\x80\x02"
                         "ctorch\nFloatStorage\n)R."),
             "not callable"},
            {std::string("\x80\x02"
                         "c") +
                 std::string(300, 'x') + "\nfoo\n.",
             "too long"},
        };
        for (const auto& [bytes, message] : bad) {
            auto doc = unpickle(bytes);
            QVERIFY(!doc.ok());
            QCOMPARE(doc.error().kind, ErrorKind::BadModelFile);
            QVERIFY2(QString::fromStdString(doc.error().message).contains(message),
                     doc.error().message.c_str());
        }
        auto wide =
            unpickle(std::string("\x80\x02\x8a\x09"
                                 "123456789.",
                                 14));
        QCOMPARE(wide.error().kind, ErrorKind::Unsupported);
    }

    void loads_real_torch_save_checkpoint() {
        auto ckpt = load_torch_checkpoint(kTiny);
        QVERIFY2(ckpt.ok(), ckpt.ok() ? "" : ckpt.error().describe().c_str());
        QCOMPARE(ckpt->state_dict_key, std::string("model_state_dict"));
        QCOMPARE(ckpt->other_keys(), (std::vector<std::string>{"epoch", "global_step"}));
        QCOMPARE(ckpt->other_fields[0].summary, std::string("3"));
        QCOMPARE(ckpt->other_fields[1].summary, std::string("1000"));
        std::vector<std::string> names;
        for (const auto& [name, t] : ckpt->model_state_dict)
            names.push_back(name);
        QCOMPARE(names, kTinyNames);

        auto twin = SafetensorsFile::open(kTwin);
        QVERIFY(twin.ok());
        for (const auto& [name, t] : ckpt->model_state_dict) {
            auto expected = twin->tensor(name);
            QVERIFY2(expected.ok(), name.c_str());
            QCOMPARE(t.scalar_type(), expected->scalar_type());
            QCOMPARE(t.sizes().vec(), expected->sizes().vec());
            QVERIFY2(at::equal(t, *expected), name.c_str());  // exact values, every dtype
        }
        std::map<std::string, at::Tensor> sd(ckpt->model_state_dict.begin(),
                                             ckpt->model_state_dict.end());
        const at::Tensor& view = sd.at("shared.view_t");
        QCOMPARE(view.strides().vec(), (std::vector<int64_t>{1, 6}));
        QCOMPARE(view.storage_offset(), int64_t{8});
        QVERIFY(view.storage().data() == sd.at("shared.base").storage().data());  // shared again
        QCOMPARE(sd.at("norm.num_batches_tracked").dim(), int64_t{0});
        QCOMPARE(sd.at("norm.num_batches_tracked").item<int64_t>(), int64_t{7});
    }

    void lists_without_reading_data() {
        auto listing = list_torch_checkpoint(kTiny);
        QVERIFY(listing.ok());
        auto twin = SafetensorsFile::open(kTwin);
        QVERIFY(twin.ok());
        QCOMPARE(listing->tensors.size(), kTinyNames.size());
        for (const auto& e : listing->tensors) {
            const auto* t = twin->find(e.name);
            QVERIFY2(t != nullptr, e.name.c_str());
            const auto expected = t->to_tensor_entry();
            QCOMPARE(e.dtype, expected.dtype);
            QCOMPARE(e.shape, expected.shape);
            QCOMPARE(e.nbytes, expected.nbytes);
        }
        auto via_loader = list_tensors(kTiny, "shared.");
        QVERIFY(via_loader.ok());
        QCOMPARE(via_loader->size(), std::size_t{2});
    }

    void prefix_and_flat_state_dict() {
        auto norm = load_state_dict(kTiny, "norm.");
        QVERIFY(norm.ok());
        QCOMPARE(norm->size(), std::size_t{5});
        for (const auto& [name, t] : *norm)
            QVERIFY(name.rfind("norm.", 0) == 0);

        auto flat = load_torch_checkpoint(kFlat);
        QVERIFY2(flat.ok(), flat.ok() ? "" : flat.error().describe().c_str());
        QCOMPARE(flat->state_dict_key, std::string());
        QCOMPARE(flat->model_state_dict.size(), std::size_t{2});
        QCOMPARE(flat->model_state_dict[1].first, std::string("a.bias"));
        QVERIFY(at::equal(flat->model_state_dict[1].second, at::tensor({1.5f, -2.0f})));
    }

    void refuses_malicious_globals_without_side_effects() {
        const std::string marker = path("pwned-marker");
        const std::string command = "touch " + marker;
        const std::vector<std::pair<std::string, QString>> payloads = {
            {"\x80\x02"
             "cos\nsystem\n" +
                 pickle_binunicode(command) +
                 "\x85"
                 "R.",
             "os.system"},
            {"\x80\x02"
             "cposix\nsystem\n" +
                 pickle_binunicode(command) +
                 "\x85"
                 "R.",
             "posix.system"},
            {std::string("\x80\x04\x8c\x08"
                         "builtins\x8c\x04"
                         "eval\x93") +
                 pickle_binunicode("__import__('os').system('" + command + "')") +
                 "\x85"
                 "R.",
             "builtins.eval"},
            {"\x80\x02}(" + pickle_binunicode("model_state_dict") + "c__builtin__\nexec\n" +
                 pickle_binunicode("open('" + marker + "','w')") +
                 "\x85"
                 "Ru.",
             "__builtin__.exec"},
            {"\x80\x02"
             "c__torch__\nModel\n)\x81.",
             "__torch__.Model"},
        };
        int i = 0;
        for (const auto& [pickle, name] : payloads) {
            const auto file = path("evil" + std::to_string(i++) + ".ckpt");
            QVERIFY(kinema::test::write_checkpoint_with_pickle(file, pickle));
            expect_error(file, ErrorKind::BadModelFile, "refusing pickle global " + name);
            QVERIFY(!list_tensors(file).ok());
            QVERIFY(!load_state_dict(file).ok());
        }
        QVERIFY2(!QFile::exists(QString::fromStdString(marker)), "a refused pickle ran code");
    }

    void damaged_checkpoints() {
        const auto entries = kinema::test::read_zip(kTiny);
        QVERIFY(entries.size() > 3);

        std::ofstream(path("text.ckpt")) << "this is not a zip archive";
        expect_error(path("text.ckpt"), ErrorKind::BadModelFile, "not a torch.save zip");
        std::ofstream(path("empty.ckpt")).flush();
        expect_error(path("empty.ckpt"), ErrorKind::BadModelFile, "");
        expect_error(path("missing.ckpt"), ErrorKind::Io, "");

        auto without = entries;  // a storage record removed
        std::erase_if(without, [](const auto& e) { return e.first == "tiny_checkpoint/data/3"; });
        QVERIFY(kinema::test::write_zip(path("nodata.ckpt"), without));
        expect_error(path("nodata.ckpt"), ErrorKind::BadModelFile, "missing storage record");
        QVERIFY(list_torch_checkpoint(path("nodata.ckpt")).ok());     // listing reads no data
        QVERIFY(load_state_dict(path("nodata.ckpt"), "proj.").ok());  // nor does loading others

        auto truncated = entries;  // data.pkl cut in half
        for (auto& [name, data] : truncated)
            if (name == "tiny_checkpoint/data.pkl") data.resize(data.size() / 2);
        QVERIFY(kinema::test::write_zip(path("truncated.ckpt"), truncated));
        expect_error(path("truncated.ckpt"), ErrorKind::BadModelFile, "data.pkl at byte");

        auto short_record = entries;  // a storage record shorter than the pickle says
        for (auto& [name, data] : short_record)
            if (name == "tiny_checkpoint/data/0") data.resize(data.size() - 4);
        QVERIFY(kinema::test::write_zip(path("short.ckpt"), short_record));
        expect_error(path("short.ckpt"), ErrorKind::BadModelFile, "the pickle says");

        auto no_pickle = entries;
        std::erase_if(no_pickle,
                      [](const auto& e) { return e.first == "tiny_checkpoint/data.pkl"; });
        QVERIFY(kinema::test::write_zip(path("nopickle.ckpt"), no_pickle));
        expect_error(path("nopickle.ckpt"), ErrorKind::BadModelFile, "data.pkl");

        auto big_endian = entries;
        big_endian.emplace_back("tiny_checkpoint/byteorder", "big");
        QVERIFY(kinema::test::write_zip(path("big.ckpt"), big_endian));
        expect_error(path("big.ckpt"), ErrorKind::Unsupported, "byte order");
    }

    void hostile_tensor_metadata() {
        const auto write = [&](const std::string& name, const std::string& pickle,
                               std::size_t bytes, char fill = 0) {
            QVERIFY(kinema::test::write_zip(
                path(name),
                {{"archive/data.pkl", pickle}, {"archive/data/0", std::string(bytes, fill)}}));
        };
        write("ok.ckpt", state_dict_pickle("FloatStorage", 4, 1, {3}, {1}), 16);
        auto ok = load_torch_checkpoint(path("ok.ckpt"));
        QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().describe().c_str());
        QCOMPARE(ok->model_state_dict[0].second.numel(), int64_t{3});

        write("oob.ckpt", state_dict_pickle("FloatStorage", 4, 0, {10}, {1}), 16);
        expect_error(path("oob.ckpt"), ErrorKind::BadModelFile, "beyond its storage");
        write("stride.ckpt", state_dict_pickle("FloatStorage", 4, 0, {2, 2}, {1, 4}), 16);
        expect_error(path("stride.ckpt"), ErrorKind::BadModelFile, "beyond its storage");
        write("negative.ckpt", state_dict_pickle("FloatStorage", 4, 0, {-2}, {1}), 16);
        expect_error(path("negative.ckpt"), ErrorKind::BadModelFile, "negative");
        write("offset.ckpt", state_dict_pickle("FloatStorage", 4, -1, {2}, {1}), 16);
        expect_error(path("offset.ckpt"), ErrorKind::BadModelFile, "offset");
        write("size.ckpt", state_dict_pickle("FloatStorage", 4, 0, {4}, {1}), 12);
        expect_error(path("size.ckpt"), ErrorKind::BadModelFile, "holds 12 bytes");
        write("bool.ckpt", state_dict_pickle("BoolStorage", 4, 0, {4}, {1}), 4, 2);
        expect_error(path("bool.ckpt"), ErrorKind::BadModelFile, "bool storage");
        write("complex.ckpt", state_dict_pickle("ComplexFloatStorage", 4, 0, {4}, {1}), 32);
        expect_error(path("complex.ckpt"), ErrorKind::BadModelFile, "torch.ComplexFloatStorage");

        const std::string not_tensor = "\x80\x02}(" + pickle_binunicode("model_state_dict") + "}(" +
                                       pickle_binunicode("a") + "K\x03uu.";
        QVERIFY(kinema::test::write_checkpoint_with_pickle(path("nottensor.ckpt"), not_tensor));
        expect_error(path("nottensor.ckpt"), ErrorKind::BadModelFile, "not a tensor");
        const std::string no_sd = "\x80\x02}(" + pickle_binunicode("epoch") + "K\x03u.";
        QVERIFY(kinema::test::write_checkpoint_with_pickle(path("nosd.ckpt"), no_sd));
        expect_error(path("nosd.ckpt"), ErrorKind::BadModelFile, "no model_state_dict");
        QVERIFY(kinema::test::write_checkpoint_with_pickle(path("list.ckpt"), "\x80\x02]."));
        expect_error(path("list.ckpt"), ErrorKind::BadModelFile, "not a dict");
    }
};

QTEST_GUILESS_MAIN(TestIoCheckpoint)
#include "tst_io_checkpoint.moc"
