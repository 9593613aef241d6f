// GenerationSettings: every knob of a GenerationRequest as QML-bindable properties, persisted with
// QSettings (group "generation") as soon as they change. GUI thread only. `toRequest()` clamps to
// the ranges the UI offers (duration 0.5..12 s, steps 1..200, CFG 1..15, <= 8 variations).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>
#include <QStringList>

#include "core/engine.h"
#include "core/model/mmdit_config.h"

class GenerationSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by GenerationController")
    Q_PROPERTY(QString prompt MEMBER prompt_ NOTIFY changed)
    Q_PROPERTY(double durationS MEMBER duration_s_ NOTIFY changed)
    Q_PROPERTY(int steps MEMBER steps_ NOTIFY changed)
    Q_PROPERTY(double cfgScale MEMBER cfg_scale_ NOTIFY changed)
    // The model's recommended guidance when cfgScale was last set from it (0: not known, e.g.
    // settings saved by an older build). cfgScale equal to it means "the model's default", which
    // follows the model when its recommendation changes; any other value is the user's choice.
    Q_PROPERTY(double cfgModelDefault MEMBER cfg_model_default_ NOTIFY changed)
    Q_PROPERTY(QString seeds MEMBER seeds_ NOTIFY changed)
    Q_PROPERTY(int variations READ variations WRITE setVariations NOTIFY changed)
    Q_PROPERTY(QString modelId MEMBER model_id_ NOTIFY changed)
    Q_PROPERTY(bool qualityMode MEMBER quality_mode_ NOTIFY changed)
    Q_PROPERTY(bool teacacheEnabled MEMBER teacache_enabled_ NOTIFY changed)
    Q_PROPERTY(double teacacheThreshold MEMBER teacache_threshold_ NOTIFY changed)
    Q_PROPERTY(double preservationGb MEMBER preservation_gb_ NOTIFY changed)
    Q_PROPERTY(QString precision MEMBER precision_ NOTIFY changed)
    Q_PROPERTY(QString solver MEMBER solver_ NOTIFY changed)  // euler | midpoint | heun | rk4
    Q_PROPERTY(bool smooth MEMBER smooth_ NOTIFY changed)
    Q_PROPERTY(bool ground MEMBER ground_ NOTIFY changed)
    Q_PROPERTY(int wordCount READ wordCount NOTIFY changed)
    Q_PROPERTY(QStringList examplePrompts READ examplePrompts CONSTANT)

public:
    explicit GenerationSettings(QObject* parent = nullptr);

    int variations() const;
    void setVariations(int n);
    int wordCount() const;
    static QStringList examplePrompts();
    // Parsed seed list; falls back to {0} when the text holds no number.
    std::vector<int64_t> seedList() const;

    Q_INVOKABLE void rollSeeds();
    Q_INVOKABLE void resetDefaults();
    // Sets cfgScale to a model's recommended guidance and remembers it as the model's default.
    Q_INVOKABLE void useModelGuidance(double recommended_cfg);
    // At start-up, for the saved model: keeps a guidance the user chose, otherwise (the saved
    // value was the model's default of the time, or is of unknown origin) moves to the model's
    // current recommendation.
    void adoptModelGuidance(double recommended_cfg);

    kinema::GenerationRequest toRequest() const;

Q_SIGNALS:
    void changed();

private:
    void load();
    void save() const;

    QString prompt_;
    double duration_s_ = 4.0;
    int steps_ = 50;
    double cfg_scale_ = kinema::kOfficialCfgScale;
    double cfg_model_default_ = 0.0;
    QString seeds_ = QStringLiteral("0");
    QString model_id_;
    bool quality_mode_ = false;
    bool teacache_enabled_ = false;
    double teacache_threshold_ = 0.1;
    double preservation_gb_ = 6.0;
    QString precision_ = QStringLiteral("auto");
    QString solver_ = QStringLiteral("euler");
    bool smooth_ = true;
    bool ground_ = true;
    bool loading_ = false;
};
