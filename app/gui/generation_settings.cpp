#include "app/gui/generation_settings.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSettings>

#include <algorithm>
#include <cmath>

GenerationSettings::GenerationSettings(QObject* parent) : QObject(parent) {
    load();
    connect(this, &GenerationSettings::changed, this, [this] {
        if (!loading_) save();
    });
}

int GenerationSettings::variations() const {
    return static_cast<int>(seedList().size());
}

void GenerationSettings::setVariations(int n) {
    n = std::clamp(n, 1, 8);
    std::vector<int64_t> seeds = seedList();
    if (int(seeds.size()) == n) return;
    while (int(seeds.size()) < n)
        seeds.push_back(seeds.empty() ? 0 : seeds.back() + 1);
    seeds.resize(size_t(n));
    QStringList parts;
    for (int64_t s : seeds)
        parts << QString::number(s);
    seeds_ = parts.join(QStringLiteral(", "));
    Q_EMIT changed();
}

int GenerationSettings::wordCount() const {
    static const QRegularExpression ws(QStringLiteral("\\s+"));
    return static_cast<int>(prompt_.split(ws, Qt::SkipEmptyParts).size());
}

QStringList GenerationSettings::examplePrompts() {
    return {
        QStringLiteral("A person walks forward, turns around and walks back."),
        QStringLiteral("A person jumps up and raises both arms in celebration."),
        QStringLiteral("A person squats down slowly and stands back up."),
        QStringLiteral("A person waves hello with the right hand."),
        QStringLiteral("A person runs in a circle."),
        QStringLiteral("A person does a jumping jack."),
    };
}

std::vector<int64_t> GenerationSettings::seedList() const {
    static const QRegularExpression sep(QStringLiteral("[,;\\s]+"));
    std::vector<int64_t> out;
    for (const QString& part : seeds_.split(sep, Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong v = part.toLongLong(&ok);
        if (ok && out.size() < 8) out.push_back(v);
    }
    if (out.empty()) out.push_back(0);
    return out;
}

void GenerationSettings::rollSeeds() {
    const int n = variations();
    QStringList parts;
    for (int i = 0; i < n; ++i)
        parts << QString::number(QRandomGenerator::global()->bounded(1000000));
    seeds_ = parts.join(QStringLiteral(", "));
    Q_EMIT changed();
}

void GenerationSettings::resetDefaults() {
    // The prompt and the model stay: they are choices, not tuning.
    duration_s_ = 4.0;
    steps_ = 50;
    cfg_scale_ = cfg_model_default_ > 0 ? cfg_model_default_ : kinema::kOfficialCfgScale;
    seeds_ = QStringLiteral("0");
    quality_mode_ = false;
    teacache_enabled_ = false;
    teacache_threshold_ = 0.1;
    preservation_gb_ = 6.0;
    precision_ = QStringLiteral("auto");
    solver_ = QStringLiteral("euler");
    smooth_ = true;
    ground_ = true;
    Q_EMIT changed();
}

void GenerationSettings::useModelGuidance(double recommended_cfg) {
    cfg_scale_ = recommended_cfg;
    cfg_model_default_ = recommended_cfg;
    Q_EMIT changed();
}

void GenerationSettings::adoptModelGuidance(double recommended_cfg) {
    const bool users_choice =
        cfg_model_default_ > 0 && std::abs(cfg_scale_ - cfg_model_default_) > 0.01;
    if (!users_choice && std::abs(cfg_scale_ - recommended_cfg) > 0.01)
        useModelGuidance(recommended_cfg);
}

void GenerationSettings::load() {
    QSettings s;
    s.beginGroup(QStringLiteral("generation"));
    prompt_ = s.value("prompt", examplePrompts().front()).toString();
    duration_s_ = s.value("duration_s", duration_s_).toDouble();
    steps_ = s.value("steps", steps_).toInt();
    cfg_scale_ = s.value("cfg_scale", cfg_scale_).toDouble();
    cfg_model_default_ = s.value("cfg_model_default", cfg_model_default_).toDouble();
    seeds_ = s.value("seeds", seeds_).toString();
    model_id_ = s.value("model_id", model_id_).toString();
    quality_mode_ = s.value("quality_mode", quality_mode_).toBool();
    teacache_enabled_ = s.value("teacache_enabled", teacache_enabled_).toBool();
    teacache_threshold_ = s.value("teacache_threshold", teacache_threshold_).toDouble();
    preservation_gb_ = s.value("preservation_gb", preservation_gb_).toDouble();
    precision_ = s.value("precision", precision_).toString();
    solver_ = s.value("solver", solver_).toString();
    smooth_ = s.value("smooth", smooth_).toBool();
    ground_ = s.value("ground", ground_).toBool();
}

void GenerationSettings::save() const {
    QSettings s;
    s.beginGroup(QStringLiteral("generation"));
    s.setValue("prompt", prompt_);
    s.setValue("duration_s", duration_s_);
    s.setValue("steps", steps_);
    s.setValue("cfg_scale", cfg_scale_);
    s.setValue("cfg_model_default", cfg_model_default_);
    s.setValue("seeds", seeds_);
    s.setValue("model_id", model_id_);
    s.setValue("quality_mode", quality_mode_);
    s.setValue("teacache_enabled", teacache_enabled_);
    s.setValue("teacache_threshold", teacache_threshold_);
    s.setValue("preservation_gb", preservation_gb_);
    s.setValue("precision", precision_);
    s.setValue("solver", solver_);
    s.setValue("smooth", smooth_);
    s.setValue("ground", ground_);
}

kinema::GenerationRequest GenerationSettings::toRequest() const {
    kinema::GenerationRequest r;
    r.prompt = prompt_.simplified().toStdString();
    r.duration_s = std::clamp(duration_s_, 0.5, 12.0);
    r.steps = std::clamp(steps_, 1, 200);
    r.cfg_scale = std::clamp(cfg_scale_, 1.0, 15.0);
    r.seeds = seedList();
    if (!model_id_.isEmpty()) r.model_id = model_id_.toStdString();
    r.quality_mode = quality_mode_;
    r.teacache.enabled = teacache_enabled_ && !quality_mode_;
    r.teacache.threshold = std::clamp(teacache_threshold_, 0.01, 1.0);
    r.gpu_memory_preservation_gb = std::max(0.0, preservation_gb_);
    auto precision = kinema::parse_precision(precision_.toStdString());
    r.precision = precision ? precision.value() : kinema::PrecisionProfile::Auto;
    auto solver = kinema::parse_solver(solver_.toStdString());
    r.solver = solver ? solver.value() : kinema::Solver::Euler;
    r.post.smooth = smooth_;
    r.post.ground = ground_;
    r.want_preview = true;
    return r;
}
