#include "app/gui/contact_shadow_texture.h"

#include <QByteArray>
#include <QSize>

#include <algorithm>
#include <cmath>

ContactShadowTexture::ContactShadowTexture(QQuick3DObject* parent) : QQuick3DTextureData(parent) {
    constexpr int kSize = 64;
    QByteArray pixels(kSize * kSize * 4, '\0');
    auto* p = reinterpret_cast<unsigned char*>(pixels.data());
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x) {
            const float dx = (x + 0.5f) / kSize * 2 - 1, dy = (y + 0.5f) / kSize * 2 - 1;
            const float r = std::min(1.0f, std::sqrt(dx * dx + dy * dy));
            // 1 at the centre, 0.45 halfway, 0 at the rim (the viewport's old Canvas gradient).
            const float a = r < 0.5f ? 1.0f - 1.1f * r : 0.9f * (1.0f - r);
            unsigned char* px = p + (y * kSize + x) * 4;
            px[0] = px[1] = px[2] = 255;
            px[3] = static_cast<unsigned char>(std::clamp(a, 0.0f, 1.0f) * 255.0f + 0.5f);
        }
    setSize(QSize(kSize, kSize));
    setFormat(QQuick3DTextureData::RGBA8);
    setHasTransparency(true);
    setTextureData(pixels);
}
