// Deterministic mutation fuzzing of the two binary parsers (safetensors header, torch.save
// pickle): every mutated input yields a value or an Error, never a crash, hang or memory error
// (the suite is also clean under valgrind and the asan preset).
#include <ATen/ATen.h>
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <random>

#include "core/io/pickle_reader.h"
#include "core/io/safetensors_file.h"
#include "core/io/safetensors_writer.h"
#include "core/io/torch_checkpoint.h"
#include "tests/io/zip_test_util.h"

using namespace kinema;

namespace {

const std::string kTiny = KINEMA_TEST_FIXTURES "/io/tiny_checkpoint.ckpt";

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

Result<PickleDocument> unpickle(const std::string& bytes) {
    return read_torch_pickle(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::vector<std::pair<std::string, at::Tensor>> sample_tensors() {
    return {{"f64", at::arange(6, at::kDouble)}, {"f32", at::ones({3, 4})},
            {"f16", at::ones({5}, at::kHalf)},   {"bf16", at::ones({2, 2}, at::kBFloat16)},
            {"i64", at::arange(3, at::kLong)},   {"u8", at::arange(7, at::kByte)},
            {"bool", at::ones({3}, at::kBool)},  {"empty", at::zeros({0, 2})}};
}

}  // namespace

class TestIoFuzz : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    std::string path(const std::string& name) const {
        return QDir(tmp_.path()).filePath(QString::fromStdString(name)).toStdString();
    }

private Q_SLOTS:
    // Deterministic mutation fuzzing of the real data.pkl: every outcome is a value or an Error,
    // never a crash, hang or sanitizer report (run under valgrind/ASan in CI's asan preset).
    void checkpoint_mutations_never_crash() {
        const auto entries = kinema::test::read_zip(kTiny);
        std::string pickle;
        for (const auto& [name, data] : entries)
            if (name == "tiny_checkpoint/data.pkl") pickle = data;
        QVERIFY(!pickle.empty());
        std::mt19937 rng(20240611);
        int loaded = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string m = pickle;
            const int edits = 1 + static_cast<int>(rng() % 4);
            for (int e = 0; e < edits && !m.empty(); ++e) {
                const std::size_t at = rng() % m.size();
                switch (rng() % 4) {
                    case 0:
                        m[at] = static_cast<char>(rng() & 0xff);
                        break;
                    case 1:
                        m.erase(at, 1 + rng() % 8);
                        break;
                    case 2:
                        m.resize(at);
                        break;
                    default:
                        m.insert(at, 1, static_cast<char>(rng() & 0xff));
                        break;
                }
            }
            auto doc = unpickle(m);
            if (round % 15 == 0 || doc.ok()) {  // also run the full reader on a sample
                auto mutated = entries;
                for (auto& [name, data] : mutated)
                    if (name == "tiny_checkpoint/data.pkl") data = m;
                QVERIFY(kinema::test::write_zip(path("fuzz.ckpt"), mutated));
                auto ckpt = load_torch_checkpoint(path("fuzz.ckpt"));
                if (ckpt.ok()) {
                    ++loaded;
                    for (const auto& [name, t] : ckpt->model_state_dict)
                        if (t.numel() > 0) (void)t.to(at::kDouble).sum().item<double>();
                }
            }
        }
        qInfo("%d of 3000 mutated checkpoints still loaded", loaded);
    }

    // Deterministic mutation fuzzing of a written file: open() either fails cleanly or yields
    // entries whose tensors can all be read.
    void safetensors_mutations_never_crash() {
        QVERIFY(
            write_safetensors(path("fuzz-src.safetensors"), sample_tensors(), {{"k", "v"}}).ok());
        const std::string original = read_file(path("fuzz-src.safetensors"));
        std::uint64_t header = 0;
        for (int i = 7; i >= 0; --i)
            header =
                (header << 8) | static_cast<std::uint8_t>(original[static_cast<std::size_t>(i)]);
        std::mt19937 rng(99);
        int opened = 0;
        for (int round = 0; round < 2000; ++round) {
            std::string m = original;
            const int edits = 1 + static_cast<int>(rng() % 3);
            for (int e = 0; e < edits; ++e) {
                const std::size_t limit = std::min<std::size_t>(m.size(), 8 + header);
                if (limit == 0) break;
                const std::size_t at = rng() % limit;  // the length prefix and the header
                switch (rng() % 3) {
                    case 0:
                        m[at] = static_cast<char>(rng() & 0xff);
                        break;
                    case 1:
                        m[at] = "0123456789[]{},:\"-."[rng() % 19];
                        break;
                    default:
                        m.resize(at + rng() % (m.size() - at));
                        break;
                }
            }
            write_file(path("fuzz.safetensors"), m);
            auto st = SafetensorsFile::open(path("fuzz.safetensors"));
            if (!st.ok()) continue;
            ++opened;
            for (const auto& e : st->entries()) {
                auto t = st->tensor(e.name);
                if (t.ok() && t->numel() > 0 && t->scalar_type() != at::kBool)
                    (void)t->to(at::kDouble).sum().item<double>();
            }
        }
        qInfo("%d of 2000 mutated files still opened", opened);
    }
};

QTEST_GUILESS_MAIN(TestIoFuzz)
#include "tst_io_fuzz.moc"
