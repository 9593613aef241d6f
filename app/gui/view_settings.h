// ViewSettings: how the viewport draws a figure (skeleton, mannequin or both; the root's ground
// path) and whether its camera follows the selected figure, persisted in QSettings under "view/".
// Created by ViewportPanel.qml. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QString>

class ViewSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    // "skeleton" | "mannequin" | "both"
    Q_PROPERTY(QString figure READ figure WRITE setFigure NOTIFY changed)
    Q_PROPERTY(bool trajectory READ trajectory WRITE setTrajectory NOTIFY changed)
    // The camera's target moves with the selected figure's root over the ground (on by default:
    // walks and runs otherwise leave the view).
    Q_PROPERTY(bool follow READ follow WRITE setFollow NOTIFY changed)

public:
    explicit ViewSettings(QObject* parent = nullptr);

    QString figure() const { return figure_; }
    void setFigure(const QString& figure);
    bool trajectory() const { return trajectory_; }
    void setTrajectory(bool on);
    bool follow() const { return follow_; }
    void setFollow(bool on);

    // The accepted figure names, in menu order.
    static QStringList figures();

Q_SIGNALS:
    void changed();

private:
    QString figure_;
    bool trajectory_ = true;
    bool follow_ = true;
};
