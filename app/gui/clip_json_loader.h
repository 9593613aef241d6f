// Reads a clip back from the JSON export (core/export/json_writer.h, schema "kinema-motion" v1)
// for rendering: fps, and the first 22 of "joints_world_m" per frame (metres, Y-up), plus the
// prompt and seed of its "settings". Any thread.
#pragma once

#include <QByteArray>
#include <QString>

#include "app/gui/display_clip.h"

struct LoadedClip {
    DisplayClip clip;
    QString prompt;
    qint64 seed = 0;
    QByteArray settings_json;  // the "settings" object, compact
};

// False with `error` set for a missing file, bad JSON, another format or misshapen joints.
bool load_clip_json(const QString& path, LoadedClip* out, QString* error);
