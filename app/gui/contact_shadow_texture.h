// ContactShadowTexture: the soft round contact shadow under a figure as texture data (a white
// radial gradient in alpha, 64x64 RGBA8), generated in C++ so it also exists in the offscreen
// video render, where a QML Canvas texture source stays empty. Used as `Texture { textureData:
// ContactShadowTexture {} }`. GUI thread.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QtQuick3D/QQuick3DTextureData>

class ContactShadowTexture : public QQuick3DTextureData {
    Q_OBJECT
    QML_ELEMENT

public:
    explicit ContactShadowTexture(QQuick3DObject* parent = nullptr);
};
