// The fused CUDA dequantisation kernels (gpu/dequant_kernels.h) against the CPU
// QuantizedWeight::dequantize(): int8 and int4 weights of several shapes (in_features 4096, 12288,
// non-multiples of 128 and of 4), float32 and bf16 outputs, aligned and misaligned destinations,
// bit-identical results; QuantizedWeight::dequantize(cuda) (the kernel path of linear()); and the
// typed errors for bad arguments. Without a CUDA build of gpu/, a CUDA libtorch and a device, the
// kernel cases skip with the reason, and the stub / no-device errors are checked instead.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <QtTest>

#include <cstring>
#include <utility>
#include <vector>

#include "core/text/quantized_weight.h"
#include "gpu/dequant_kernels.h"
#include "gpu/device_query.h"

using namespace kinema;
using text::QuantizedWeight;
using text::WeightPrecision;

namespace {

// Empty when the kernels can run here, otherwise why not.
QString kernel_unavailable_reason() {
#ifndef KINEMA_HAVE_CUDA
    return QStringLiteral("gpu/ was built as the no-CUDA stub (no nvcc at configure time)");
#else
    if (!at::hasCUDA()) return QStringLiteral("this libtorch has no CUDA support");
    const gpu::CudaProbe probe = gpu::probe_cuda_devices();
    if (probe.devices.empty())
        return QStringLiteral("no CUDA device: %1").arg(QString::fromStdString(probe.reason));
    return {};
#endif
}

at::Generator generator(uint64_t seed) {
    return at::make_generator<at::CPUGeneratorImpl>(seed);
}

// Weights as quantize() makes them (N(0, 0.02^2)) and raw random parts covering every code.
std::vector<QuantizedWeight> weights_for(int64_t out, int64_t in, uint64_t seed) {
    std::vector<QuantizedWeight> result;
    const at::Tensor w = at::normal(0.0, 0.02, {out, in}, generator(seed));
    for (auto p : {WeightPrecision::Int8, WeightPrecision::Int4}) {
        auto q = QuantizedWeight::quantize(w, p);
        if (q.ok()) result.push_back(std::move(*q));
    }
    const int64_t groups = (in + 127) / 128;
    auto gen = generator(seed + 1);
    auto q8 = QuantizedWeight::from_parts(WeightPrecision::Int8, out, in,
                                          at::randint(-128, 128, {out, in}, gen, at::kChar),
                                          at::rand({out}, gen).mul_(0.01).add_(1e-4), {});
    if (q8.ok()) result.push_back(std::move(*q8));
    auto q4 = QuantizedWeight::from_parts(
        WeightPrecision::Int4, out, in, at::randint(0, 256, {out, groups * 64}, gen, at::kByte),
        at::rand({out, groups}, gen).mul_(0.01), at::normal(0.0, 0.05, {out, groups}, gen));
    if (q4.ok()) result.push_back(std::move(*q4));
    return result;
}

// Runs the kernel of `q`'s precision into `dst` (float32 or bf16, `elements_skipped` elements
// into a larger buffer, so a non-zero value tests the misaligned path). The stored parts are
// copied to `device` first. Returns the kernel status and the (out, in) result on the CPU.
std::pair<Status, at::Tensor> run_kernel(const QuantizedWeight& q, at::Device device,
                                         at::ScalarType out_dtype, int64_t elements_skipped) {
    const int64_t out = q.out_features(), in = q.in_features();
    const at::Tensor data = q.data().to(device).contiguous();
    const at::Tensor scale = q.scale().to(device).contiguous();
    const at::Tensor offset =
        q.offset().defined() ? q.offset().to(device).contiguous() : at::Tensor();
    at::Tensor buffer =
        at::full({out * in + elements_skipped}, 1234.5, at::TensorOptions().device(device))
            .to(out_dtype);
    at::Tensor dst = buffer.narrow(0, elements_skipped, out * in);
    const int index = device.index();
    Status st;
    const bool f32 = out_dtype == at::kFloat;
    if (q.precision() == WeightPrecision::Int8) {
        const auto* d = data.data_ptr<int8_t>();
        const float* s = scale.data_ptr<float>();
        st = f32 ? gpu::dequantize_int8_f32(index, d, s, out, in, dst.data_ptr<float>(), nullptr)
                 : gpu::dequantize_int8_bf16(index, d, s, out, in,
                                             static_cast<uint16_t*>(dst.data_ptr()), nullptr);
    } else {
        const auto* d = data.data_ptr<uint8_t>();
        const float *s = scale.data_ptr<float>(), *o = offset.data_ptr<float>();
        const int64_t g = scale.size(1);
        st = f32 ? gpu::dequantize_int4_f32(index, d, s, o, out, in, g, dst.data_ptr<float>(),
                                            nullptr)
                 : gpu::dequantize_int4_bf16(index, d, s, o, out, in, g,
                                             static_cast<uint16_t*>(dst.data_ptr()), nullptr);
    }
    // libtorch's default stream is the legacy default stream the kernel ran on: .cpu() waits.
    return {std::move(st), dst.view({out, in}).cpu()};
}

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

bool bitwise_equal(const at::Tensor& a, const at::Tensor& b) {
    const at::Tensor x = a.contiguous(), y = b.contiguous();
    return x.sizes() == y.sizes() && x.scalar_type() == y.scalar_type() &&
           std::memcmp(x.data_ptr(), y.data_ptr(), x.numel() * x.element_size()) == 0;
}

}  // namespace

class TestGpuDequant : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Bad arguments are InvalidRequest in every build, before any CUDA call.
    void badArgumentsAreTyped() {
        const float scale = 1.f;
        const int8_t q8 = 1;
        const uint8_t q4 = 1;
        float dst = 0.f;
        uint16_t dst16 = 0;
        auto kind_of = [](const Status& s) { return s.ok() ? -1 : int(s.error().kind); };
        const int bad = int(ErrorKind::InvalidRequest);
        QCOMPARE(kind_of(gpu::dequantize_int8_f32(0, nullptr, &scale, 4, 8, &dst, nullptr)), bad);
        QCOMPARE(kind_of(gpu::dequantize_int8_f32(0, &q8, &scale, 4, 8, nullptr, nullptr)), bad);
        QCOMPARE(kind_of(gpu::dequantize_int8_bf16(0, &q8, nullptr, 4, 8, &dst16, nullptr)), bad);
        QCOMPARE(kind_of(gpu::dequantize_int8_f32(0, &q8, &scale, -1, 8, &dst, nullptr)), bad);
        QCOMPARE(
            kind_of(gpu::dequantize_int4_f32(0, &q4, &scale, nullptr, 4, 200, 2, &dst, nullptr)),
            bad);
        // groups must be ceil(in / 128): 200 columns are 2 groups, 128 are 1, 129 are 2.
        QCOMPARE(
            kind_of(gpu::dequantize_int4_f32(0, &q4, &scale, &scale, 4, 200, 1, &dst, nullptr)),
            bad);
        QCOMPARE(
            kind_of(gpu::dequantize_int4_bf16(0, &q4, &scale, &scale, 4, 128, 2, &dst16, nullptr)),
            bad);
        QCOMPARE(
            kind_of(gpu::dequantize_int4_f32(0, &q4, &scale, &scale, 4, 129, -2, &dst, nullptr)),
            bad);
        QCOMPARE(kind_of(gpu::check_dequant_args(&q4, &scale, &scale, 4, 129, 2, &dst)), -1);
        QCOMPARE(kind_of(gpu::check_dequant_args(nullptr, nullptr, nullptr, 0, 129, 2, nullptr)),
                 -1);
    }

    // Valid arguments: an empty weight launches nothing in the CUDA build; the stub says
    // Unsupported; a CUDA build without a usable device says Cuda (never a crash).
    void stubOrNoDeviceReturnsError() {
        const float scale = 1.f;
        const int8_t q8[8] = {};
        const uint8_t q4[64] = {};
        float dst[8] = {};
        const Status empty =
            gpu::dequantize_int8_f32(0, nullptr, nullptr, 0, 4096, nullptr, nullptr);
        const Status empty4 =
            gpu::dequantize_int4_f32(0, nullptr, nullptr, nullptr, 16, 0, 0, nullptr, nullptr);
#ifndef KINEMA_HAVE_CUDA
        for (const Status* s : {&empty, &empty4}) {
            QVERIFY(!s->ok());
            QCOMPARE(int(s->error().kind), int(ErrorKind::Unsupported));
        }
        // Host pointers are fine here: the stub never dereferences them.
        const Status s8 = gpu::dequantize_int8_f32(0, q8, &scale, 1, 8, dst, nullptr);
        const Status s4 = gpu::dequantize_int4_f32(0, q4, &scale, &scale, 1, 8, 1, dst, nullptr);
        for (const Status* s : {&s8, &s4}) {
            QVERIFY(!s->ok());
            QCOMPARE(int(s->error().kind), int(ErrorKind::Unsupported));
            QVERIFY(QString::fromStdString(s->error().message).contains("CUDA"));
        }
        // And QuantizedWeight on the CPU is untouched by the stub.
        auto q = QuantizedWeight::quantize(at::ones({2, 200}), WeightPrecision::Int4);
        QVERIFY(q.ok());
        QCOMPARE(q->dequantize().sizes(), (at::IntArrayRef{2, 200}));
#else
        QVERIFY2(empty.ok(), empty.ok() ? "" : empty.error().describe().c_str());
        QVERIFY2(empty4.ok(), empty4.ok() ? "" : empty4.error().describe().c_str());
        if (!gpu::probe_cuda_devices().devices.empty()) {
            // A device index that does not exist is a typed Cuda error.
            const Status s = gpu::dequantize_int8_f32(1000, q8, &scale, 1, 8, dst, nullptr);
            QVERIFY(!s.ok());
            QCOMPARE(int(s.error().kind), int(ErrorKind::Cuda));
        } else {
            // No device: the launch fails before touching the (host) pointers.
            const Status s8 = gpu::dequantize_int8_f32(0, q8, &scale, 1, 8, dst, nullptr);
            const Status s4 =
                gpu::dequantize_int4_f32(0, q4, &scale, &scale, 1, 8, 1, dst, nullptr);
            for (const Status* s : {&s8, &s4}) {
                QVERIFY(!s->ok());
                QCOMPARE(int(s->error().kind), int(ErrorKind::Cuda));
            }
        }
#endif
    }

    void kernelMatchesCpu_data() {
        QTest::addColumn<qint64>("out");
        QTest::addColumn<qint64>("in");
        QTest::newRow("64x4096") << qint64(64) << qint64(4096);
        QTest::newRow("16x12288") << qint64(16) << qint64(12288);
        QTest::newRow("48x200") << qint64(48) << qint64(200);
        QTest::newRow("5x130") << qint64(5) << qint64(130);
        QTest::newRow("7x129") << qint64(7) << qint64(129);
        QTest::newRow("9x6") << qint64(9) << qint64(6);
        QTest::newRow("3x1") << qint64(3) << qint64(1);
        QTest::newRow("1x128") << qint64(1) << qint64(128);
    }

    // Every kernel, f32 and bf16, aligned and misaligned destination: bit-identical to the CPU.
    void kernelMatchesCpu() {
        const QString why = kernel_unavailable_reason();
        if (!why.isEmpty()) QSKIP(qPrintable(why));
        QFETCH(qint64, out);
        QFETCH(qint64, in);
        const at::Device cuda(at::kCUDA, 0);
        int checked = 0;
        for (const QuantizedWeight& q : weights_for(out, in, uint64_t(out * 100003 + in))) {
            const at::Tensor ref = q.dequantize();  // CPU, float32
            for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
                for (int64_t skip : {0, 1, 3}) {
                    auto [st, w] = run_kernel(q, cuda, dtype, skip);
                    QVERIFY2(st.ok(), st.ok() ? "" : st.error().describe().c_str());
                    const at::Tensor expect = ref.to(dtype);
                    const double diff = max_abs_diff(w, expect);
                    QVERIFY2(bitwise_equal(w, expect),
                             qPrintable(QString("%1 %2 skip %3: max |diff| %4")
                                            .arg(QString::fromStdString(
                                                std::string(text::to_string(q.precision()))))
                                            .arg(dtype == at::kFloat ? "f32" : "bf16")
                                            .arg(skip)
                                            .arg(diff)));
                    ++checked;
                }
            }
        }
        QCOMPARE(checked, 4 * 2 * 3);
    }

    // The wired path: dequantize(cuda) and linear() on CUDA inputs give the CPU results.
    void quantizedWeightUsesKernel() {
        const QString why = kernel_unavailable_reason();
        if (!why.isEmpty()) QSKIP(qPrintable(why));
        const at::Device cuda(at::kCUDA, 0);
        for (int64_t in : {int64_t(4096), int64_t(200)}) {
            for (const QuantizedWeight& q : weights_for(24, in, uint64_t(in))) {
                const at::Tensor ref = q.dequantize();
                const at::Tensor on_gpu = q.dequantize(cuda);
                QCOMPARE(on_gpu.device(), cuda);
                QCOMPARE(on_gpu.scalar_type(), at::kFloat);
                QCOMPARE(max_abs_diff(on_gpu.cpu(), ref), 0.0);
                const at::Tensor x = at::normal(0.0, 1.0, {3, in}, generator(7));
                const at::Tensor y = q.linear(x.to(cuda)).cpu();
                QVERIFY(text::relative_error(y, at::linear(x, ref)) <= 1e-5);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestGpuDequant)
#include "tst_gpu_dequant.moc"
