import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Playback: play/pause, frame step, scrub, loop, speed 0.25-2x, frame counter, export menu.
Rectangle {
    id: root
    required property var controller
    required property var clock
    required property var exporter
    color: Theme.panel
    implicitHeight: 52
    readonly property bool hasClip: controller.clipCount > 0

    Rectangle { anchors.top: parent.top; width: parent.width; height: 1; color: Theme.border }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 10
        anchors.rightMargin: 10
        spacing: 6
        enabled: root.hasClip

        ToolButton {
            text: "|\u25C0"
            font.pixelSize: 15
            onClicked: root.clock.stepFrames(-1)
            ToolTip.visible: hovered; ToolTip.delay: 500
            ToolTip.text: qsTr("Previous frame (Left)")
        }
        ToolButton {
            text: root.clock.playing ? "\u275A\u275A" : "\u25B6"
            font.pixelSize: 17
            onClicked: root.clock.toggle()
            ToolTip.visible: hovered; ToolTip.delay: 500
            ToolTip.text: root.clock.playing ? qsTr("Pause (Space)") : qsTr("Play (Space)")
        }
        ToolButton {
            text: "\u25B6|"
            font.pixelSize: 15
            onClicked: root.clock.stepFrames(1)
            ToolTip.visible: hovered; ToolTip.delay: 500
            ToolTip.text: qsTr("Next frame (Right)")
        }
        Slider {
            id: scrub
            Layout.fillWidth: true
            from: 0
            to: Math.max(0.001, root.clock.durationS - 1 / root.clock.fps)
            value: root.clock.timeS
            onMoved: { root.clock.playing = false; root.clock.timeS = value }
            ToolTip.visible: hovered; ToolTip.delay: 500
            ToolTip.text: qsTr("Scrub through the motion; between frames the pose is interpolated (slerp)")
        }
        Label {
            text: root.hasClip ? qsTr("%1 / %2").arg(root.clock.frame + 1).arg(root.clock.frameCount) : "– / –"
            font.family: "monospace"
            font.pixelSize: Theme.fontSize
            color: Theme.text
            Layout.preferredWidth: 80
            horizontalAlignment: Text.AlignRight
        }
        Label {
            text: root.clock.timeS.toFixed(2) + " s"
            font.family: "monospace"
            font.pixelSize: Theme.fontSize
            color: Theme.textDim
            Layout.preferredWidth: 60
            horizontalAlignment: Text.AlignRight
        }
        CheckBox {
            text: qsTr("Loop")
            checked: root.clock.loop
            onToggled: root.clock.loop = checked
            ToolTip.visible: hovered; ToolTip.delay: 500
            ToolTip.text: qsTr("Start again at the end")
        }
        ComboBox {
            id: speed
            Layout.preferredWidth: 80
            model: ["0.25×", "0.5×", "1×", "1.5×", "2×"]
            readonly property var values: [0.25, 0.5, 1, 1.5, 2]
            currentIndex: Math.max(0, values.indexOf(root.clock.speed))
            onActivated: (i) => root.clock.speed = values[i]
            ToolTip.visible: hovered; ToolTip.delay: 500
            ToolTip.text: qsTr("Playback speed (does not change the exported motion)")
        }
        Rectangle { width: 1; Layout.fillHeight: true; Layout.margins: 8; color: Theme.border }
        Button {
            id: exportButton
            text: qsTr("Export ▾")
            enabled: root.controller.hasResult
            onClicked: exportMenu.open()
            ToolTip.visible: hovered; ToolTip.delay: 500
            ToolTip.text: qsTr("Save the selected motion as BVH, FBX, GLB, NPZ, JSON, or a video (MP4 / WebM)")
            Menu {
                id: exportMenu
                y: -height
                Repeater {
                    model: root.exporter.formats
                    MenuItem {
                        required property var modelData
                        text: modelData.label + (modelData.available ? "" : qsTr("  (coming soon)"))
                        enabled: modelData.available && !root.exporter.busy
                        onTriggered: modelData.id === "mp4" ? videoDialog.open()
                                                            : root.exporter.exportTo(modelData.id, "")
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: modelData.note + qsTr(" · saved to %1").arg(root.exporter.folder)
                    }
                }
            }
        }
    }

    VideoExportDialog {
        id: videoDialog
        exporter: root.exporter
        controller: root.controller
    }
}
