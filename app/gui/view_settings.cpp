#include "app/gui/view_settings.h"

#include <QSettings>

ViewSettings::ViewSettings(QObject* parent) : QObject(parent) {
    QSettings s;
    figure_ = s.value(QStringLiteral("view/figure"), QStringLiteral("mannequin")).toString();
    if (!figures().contains(figure_)) figure_ = QStringLiteral("mannequin");
    trajectory_ = s.value(QStringLiteral("view/trajectory"), true).toBool();
    follow_ = s.value(QStringLiteral("view/follow"), true).toBool();
}

QStringList ViewSettings::figures() {
    return {QStringLiteral("skeleton"), QStringLiteral("mannequin"), QStringLiteral("both")};
}

void ViewSettings::setFigure(const QString& figure) {
    if (figure == figure_ || !figures().contains(figure)) return;
    figure_ = figure;
    QSettings().setValue(QStringLiteral("view/figure"), figure_);
    Q_EMIT changed();
}

void ViewSettings::setTrajectory(bool on) {
    if (on == trajectory_) return;
    trajectory_ = on;
    QSettings().setValue(QStringLiteral("view/trajectory"), trajectory_);
    Q_EMIT changed();
}

void ViewSettings::setFollow(bool on) {
    if (on == follow_) return;
    follow_ = on;
    QSettings().setValue(QStringLiteral("view/follow"), follow_);
    Q_EMIT changed();
}
