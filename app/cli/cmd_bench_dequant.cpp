// kinema-cli bench dequant [--device cpu|cuda] [--shapes OUTxIN,...] [--precision int8,int4]
//                          [--repeats N] [--seed S] [--json]
//   For every shape (out_features x in_features) and precision: a random N(0, 0.02^2) weight,
//   QuantizedWeight::quantize on the CPU, dequantize() on the CPU (the reference), then
//   dequantize(device) per path; reports the max |diff| vs the reference (must be exactly 0),
//   the median time per dequantisation of a weight already stored on the device, and the
//   effective bandwidth (stored bytes read + float32 bytes written) / time.
//   Paths on CUDA: "kernel" (the fused kernels of gpu/dequant_kernels.h; "default" when gpu/ was
//   built without CUDA, which then is the ATen path too) and "aten" (KINEMA_DEQUANT_KERNEL=0).
//   With --device cpu the CPU path is compared with itself (a reference run: diff trivially 0).
//   Exit codes: 0 all bit-identical; 1 some diff != 0 (or a runtime error); 2 bad options or
//   --device cuda without CUDA.
//   Default shapes: the Qwen3-8B linears 4096x4096 (q/o), 1024x4096 (k/v), 12288x4096
//   (gate/up), 4096x12288 (down) and an odd 200x130 (int4 last group padded, rows not x4).
#include "app/cli/cmd_bench_dequant.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/cli_context.h"
#include "core/text/quantized_weight.h"
#include "gpu/dequant_kernels.h"

namespace kinema::cli {
namespace {

constexpr const char* kDefaultShapes = "4096x4096,1024x4096,12288x4096,4096x12288,200x130";
constexpr const char* kKernelEnv = "KINEMA_DEQUANT_KERNEL";

struct DequantBenchArgs {
    std::string device;  // empty: cuda when available, else cpu
    std::string shapes = kDefaultShapes;
    std::string precision = "int8,int4";
    int repeats = 20;
    uint64_t seed = 1;
};

struct Shape {
    int64_t out = 0, in = 0;
};

Result<std::vector<Shape>> parse_shapes(const std::string& text) {
    std::vector<Shape> shapes;
    std::stringstream list(text);
    for (std::string item; std::getline(list, item, ',');) {
        if (item.empty()) continue;
        const auto x = item.find('x');
        Shape s;
        try {
            size_t used_out = 0, used_in = 0;
            if (x == std::string::npos) throw std::invalid_argument("no x");
            s.out = std::stoll(item.substr(0, x), &used_out);
            s.in = std::stoll(item.substr(x + 1), &used_in);
            if (used_out != x || used_in != item.size() - x - 1)
                throw std::invalid_argument("tail");
        } catch (const std::exception&) {
            s.out = s.in = 0;
        }
        if (s.out <= 0 || s.in <= 0)
            return make_error(ErrorKind::InvalidRequest,
                              "--shapes: '" + item + "' is not OUTxIN with positive sizes");
        shapes.push_back(s);
    }
    if (shapes.empty()) return make_error(ErrorKind::InvalidRequest, "--shapes: no shape given");
    return shapes;
}

Result<std::vector<text::WeightPrecision>> parse_precisions(const std::string& text) {
    std::vector<text::WeightPrecision> out;
    std::stringstream list(text);
    for (std::string item; std::getline(list, item, ',');) {
        if (item.empty()) continue;
        if (item == "int8") {
            out.push_back(text::WeightPrecision::Int8);
        } else if (item == "int4") {
            out.push_back(text::WeightPrecision::Int4);
        } else {
            return make_error(ErrorKind::InvalidRequest,
                              "--precision: unknown '" + item + "' (int8, int4)");
        }
    }
    if (out.empty()) return make_error(ErrorKind::InvalidRequest, "--precision: none given");
    return out;
}

// Sets KINEMA_DEQUANT_KERNEL for its lifetime and restores the caller's value (or its absence).
// Main thread only (setenv is not thread-safe); nothing else reads the variable concurrently.
class KernelEnvScope {
public:
    explicit KernelEnvScope(const char* value) {
        if (const char* old = std::getenv(kKernelEnv)) old_ = old;
        ::setenv(kKernelEnv, value, 1);
    }
    ~KernelEnvScope() {
        if (old_)
            ::setenv(kKernelEnv, old_->c_str(), 1);
        else
            ::unsetenv(kKernelEnv);
    }
    KernelEnvScope(const KernelEnvScope&) = delete;
    KernelEnvScope& operator=(const KernelEnvScope&) = delete;

private:
    std::optional<std::string> old_;
};

// Blocks until `w` has been computed: copying one element to the host waits for the work queued
// before it on the device's stream (a no-op wait on the CPU). No CUDA header needed.
void wait_for(const at::Tensor& w) {
    if (w.numel() > 0) (void)w.reshape({-1})[0].item<float>();
}

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// Seconds per call of `fn` (returns the dequantised tensor): one warm-up, then `repeats` timed.
template <typename Fn>
std::vector<double> time_calls(int repeats, Fn&& fn) {
    wait_for(fn());
    std::vector<double> seconds;
    for (int i = 0; i < repeats; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const at::Tensor w = fn();
        wait_for(w);
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return seconds;
}

// The stored parts of `q` moved to `device` (dequantize() then runs there without a copy).
Result<text::QuantizedWeight> stored_on(const text::QuantizedWeight& q, at::Device device) {
    auto on = [&](const at::Tensor& t) { return t.defined() ? t.to(device) : t; };
    return text::QuantizedWeight::from_parts(q.precision(), q.out_features(), q.in_features(),
                                             on(q.data()), on(q.scale()), on(q.offset()));
}

// max |got - reference| over all elements (got copied to the host); inf when the shapes or dtype
// differ, NaN when got has a NaN where the reference has a number.
double max_abs_diff(const at::Tensor& got, const at::Tensor& reference) {
    if (got.sizes() != reference.sizes() || got.scalar_type() != at::kFloat) return INFINITY;
    if (got.numel() == 0) return 0.0;
    return (got.to(at::kCPU) - reference).abs().max().item<double>();
}

// The larger of two diffs, NaN when either is NaN (std::max would drop a NaN second argument).
double worse_of(double a, double b) {
    return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
}

// true when gpu/ was built with CUDA: an empty weight is valid there and launches nothing,
// while the stub answers Unsupported.
bool kernels_built() {
    return gpu::dequantize_int8_f32(0, nullptr, nullptr, 0, 0, nullptr, nullptr).ok();
}

// A double for JSON: null when not finite (JSON has no NaN/inf).
nlohmann::json finite_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

double number_or_nan(const nlohmann::json& v) {
    return v.is_number() ? v.get<double>() : NAN;
}

struct PathSpec {
    std::string name;
    const char* env;  // KINEMA_DEQUANT_KERNEL value during the path's runs
};

Result<nlohmann::json> run_bench(const DequantBenchArgs& a) {
    auto shapes = parse_shapes(a.shapes);
    if (!shapes) return shapes.error();
    auto precisions = parse_precisions(a.precision);
    if (!precisions) return precisions.error();
    if (a.repeats < 1) return make_error(ErrorKind::InvalidRequest, "--repeats must be >= 1");
    const bool have_cuda = at::hasCUDA();
    const std::string device_name = a.device.empty() ? (have_cuda ? "cuda" : "cpu") : a.device;
    if (device_name != "cpu" && device_name != "cuda")
        return make_error(ErrorKind::InvalidRequest, "--device must be cpu or cuda");
    if (device_name == "cuda" && !have_cuda)
        return make_error(ErrorKind::InvalidRequest,
                          "--device cuda: CUDA is not available (this libtorch has no CUDA "
                          "support or sees no CUDA device); use --device cpu");
    const bool cuda = device_name == "cuda";
    const at::Device device = cuda ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
    const bool built = kernels_built();

    std::vector<PathSpec> paths;
    std::string note;
    if (cuda) {
        paths.push_back({built ? "kernel" : "default", "1"});
        paths.push_back({"aten", "0"});
        if (!built) note = "gpu/ built without CUDA: the default path is the ATen path too";
    } else {
        paths.push_back({"cpu", "1"});
        note =
            "reference run: --device cpu compares the CPU path with itself (diff trivially 0); "
            "timings are the CPU ATen path";
    }

    c10::InferenceMode inference;
    auto gen = at::detail::createCPUGenerator(a.seed);
    nlohmann::json results = nlohmann::json::array();
    double worst = 0.0;
    bool all_exact = true;
    try {
        for (const Shape& s : *shapes) {
            const at::Tensor w =
                at::randn({s.out, s.in}, gen, at::TensorOptions(at::kFloat)).mul_(0.02);
            for (text::WeightPrecision p : *precisions) {
                auto q = text::QuantizedWeight::quantize(w, p);
                if (!q) return q.error();
                const at::Tensor reference = q->dequantize();
                auto resident = stored_on(*q, device);
                if (!resident) return resident.error();
                const uint64_t stored = q->size_bytes();
                const uint64_t written = static_cast<uint64_t>(s.out * s.in) * sizeof(float);
                for (const PathSpec& path : paths) {
                    KernelEnvScope env(path.env);
                    // As the engine calls it (the stored form on the host, copied to the device
                    // and dequantised there) and as timed (the stored form already there).
                    const double diff = worse_of(max_abs_diff(q->dequantize(device), reference),
                                                 max_abs_diff(resident->dequantize(), reference));
                    const bool exact = diff == 0.0;  // false for NaN too
                    all_exact = all_exact && exact;
                    worst = worse_of(worst, diff);
                    const auto times =
                        time_calls(a.repeats, [&] { return resident->dequantize(); });
                    const double median_s = median_of(times);
                    nlohmann::json row = {
                        {"out_features", s.out},
                        {"in_features", s.in},
                        {"precision", std::string(text::to_string(p))},
                        {"path", path.name},
                        {"stored_bytes", stored},
                        {"output_bytes", written},
                        {"max_abs_diff", finite_or_null(diff)},
                        {"exact", exact},
                        {"median_ms", 1e3 * median_s},
                        {"min_ms", 1e3 * *std::min_element(times.begin(), times.end())},
                        {"gbs", median_s > 0 ? (stored + written) / median_s / 1e9 : 0.0},
                    };
                    if (cuda) {
                        const auto from_host = time_calls(std::max(1, a.repeats / 4),
                                                          [&] { return q->dequantize(device); });
                        row["from_host_median_ms"] = 1e3 * median_of(from_host);
                    }
                    results.push_back(std::move(row));
                }
            }
        }
    } catch (const c10::Error& e) {
        return make_error(cuda ? ErrorKind::Cuda : ErrorKind::OutOfMemory,
                          std::string("bench dequant: ") + e.what_without_backtrace());
    }
    return nlohmann::json{
        {"bench", "dequant"},     {"device", device_name},  {"reference_run", !cuda},
        {"kernels_built", built}, {"note", note},           {"repeats", a.repeats},
        {"seed", a.seed},         {"weight_std", 0.02},     {"threads", at::get_num_threads()},
        {"results", results},     {"all_exact", all_exact}, {"max_abs_diff", finite_or_null(worst)},
    };
}

void print_table(const nlohmann::json& r) {
    std::printf("bench dequant on %s (%d repeats)%s%s\n", r["device"].get<std::string>().c_str(),
                r["repeats"].get<int>(), r["note"].get<std::string>().empty() ? "" : ": ",
                r["note"].get<std::string>().c_str());
    std::printf("%-12s %-5s %-8s %12s %10s %10s %9s\n", "shape", "prec", "path", "max|diff|",
                "median ms", "min ms", "GB/s");
    for (const auto& row : r["results"]) {
        const std::string shape = std::to_string(row["out_features"].get<int64_t>()) + "x" +
                                  std::to_string(row["in_features"].get<int64_t>());
        std::printf("%-12s %-5s %-8s %12.3g %10.3f %10.3f %9.2f\n", shape.c_str(),
                    row["precision"].get<std::string>().c_str(),
                    row["path"].get<std::string>().c_str(), number_or_nan(row["max_abs_diff"]),
                    row["median_ms"].get<double>(), row["min_ms"].get<double>(),
                    row["gbs"].get<double>());
    }
    std::printf("%s\n", r["all_exact"].get<bool>() ? "all bit-identical to the CPU reference"
                                                   : "MISMATCH: some path differs from the CPU");
}

}  // namespace

void add_dequant_bench_command(CLI::App& bench, CliContext& ctx) {
    auto a = std::make_shared<DequantBenchArgs>();
    auto* cmd = bench.add_subcommand(
        "dequant", "int8/int4 dequantisation on a device vs the CPU, bit for bit, and its speed");
    cmd->add_option("--device", a->device, "cpu | cuda (default: cuda when available, else cpu)");
    cmd->add_option("--shapes", a->shapes, "Comma-separated OUTxIN weight shapes")
        ->capture_default_str();
    cmd->add_option("--precision", a->precision, "Comma-separated: int8, int4")
        ->capture_default_str();
    cmd->add_option("--repeats", a->repeats, "Timed dequantisations per case (after 1 warm-up)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--seed", a->seed, "Random seed of the weights")->capture_default_str();
    add_json_flag(*cmd, ctx);
    cmd->callback([a, &ctx] {
        auto report = run_bench(*a);
        if (!report) {
            report_error(ctx, report.error());
            return;
        }
        if (ctx.json)
            print_json(*report);
        else
            print_table(*report);
        if (!(*report)["all_exact"].get<bool>()) {
            std::fprintf(stderr,
                         "kinema-cli: bench dequant: a device result differs from the CPU "
                         "reference (max |diff| %g)\n",
                         number_or_nan((*report)["max_abs_diff"]));
            ctx.exit_code = 1;
        }
    });
}

}  // namespace kinema::cli
