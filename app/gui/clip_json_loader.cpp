#include "app/gui/clip_json_loader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

bool load_clip_json(const QString& path, LoadedClip* out, QString* error) {
    auto fail = [&](const QString& m) {
        if (error) *error = path + QStringLiteral(": ") + m;
        return false;
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return fail(file.errorString());
    QJsonParseError parse_error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse_error);
    if (doc.isNull()) return fail(parse_error.errorString());
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("format")).toString() != QLatin1String("kinema-motion"))
        return fail(QStringLiteral("not a kinema-motion JSON export"));
    const double fps = o.value(QStringLiteral("fps")).toDouble();
    if (!(fps > 0)) return fail(QStringLiteral("missing or invalid fps"));
    const QJsonArray frames = o.value(QStringLiteral("joints_world_m")).toArray();
    if (frames.isEmpty()) return fail(QStringLiteral("no joints_world_m frames"));

    DisplayClip clip;
    clip.fps = fps;
    clip.frames = int(frames.size());
    clip.joints.reserve(size_t(clip.frames) * kDisplayJoints);
    for (const QJsonValue& fv : frames) {
        const QJsonArray joints = fv.toArray();
        if (joints.size() < kDisplayJoints)
            return fail(QStringLiteral("a frame has %1 joints, expected >= %2")
                            .arg(joints.size())
                            .arg(kDisplayJoints));
        for (int j = 0; j < kDisplayJoints; ++j) {
            const QJsonArray p = joints.at(j).toArray();
            if (p.size() != 3) return fail(QStringLiteral("a joint is not [x, y, z]"));
            clip.joints.emplace_back(float(p.at(0).toDouble()), float(p.at(1).toDouble()),
                                     float(p.at(2).toDouble()));
        }
    }
    const QJsonObject settings = o.value(QStringLiteral("settings")).toObject();
    out->clip = std::move(clip);
    out->prompt = settings.value(QStringLiteral("prompt")).toString();
    out->seed = qint64(settings.value(QStringLiteral("seed")).toDouble());
    out->settings_json = QJsonDocument(settings).toJson(QJsonDocument::Compact);
    return true;
}
