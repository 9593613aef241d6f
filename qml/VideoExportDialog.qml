import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Video export: camera preset, figure, size, codec and CRF, tiling of all variations, caption and
// trajectory (ExportController's persisted video settings), with a still of the framing rendered
// offscreen exactly as the video will be (the middle frame). Render starts the export; the
// progress and Cancel follow it here.
Dialog {
    id: root
    required property var exporter
    required property var controller
    title: qsTr("Export video")
    modal: true
    anchors.centerIn: Overlay.overlay
    standardButtons: Dialog.Close
    padding: 14

    function refreshPreview() { previewTimer.restart() }
    onOpened: refreshPreview()
    Timer {
        id: previewTimer
        interval: 250
        onTriggered: if (root.visible && !root.exporter.busy) root.exporter.renderPreview()
    }
    Connections {
        target: root.exporter
        function onVideoChanged() { root.refreshPreview() }
    }
    Connections {
        target: root.controller
        function onSelectedClipChanged() { root.refreshPreview() }
        function onClipsChanged() { root.refreshPreview() }
    }

    RowLayout {
        spacing: 16
        ColumnLayout {
            spacing: 6
            Rectangle {
                Layout.preferredWidth: 480
                Layout.preferredHeight: 300
                color: "#101216"
                border.color: Theme.border
                Image {
                    id: preview
                    objectName: "videoPreview"
                    anchors.fill: parent
                    anchors.margins: 1
                    fillMode: Image.PreserveAspectFit
                    source: root.exporter.previewUrl
                    cache: false
                    asynchronous: false
                }
                Label {
                    anchors.centerIn: parent
                    visible: preview.status !== Image.Ready
                    text: qsTr("Rendering the framing…")
                    color: Theme.textDim
                }
            }
            Label {
                text: qsTr("Framing preview: the middle frame at %1").arg(root.exporter.videoSize)
                color: Theme.textDim
                font.pixelSize: Theme.smallFont
            }
        }
        GridLayout {
            columns: 2
            columnSpacing: 10
            rowSpacing: 6
            Layout.alignment: Qt.AlignTop

            Label { text: qsTr("Camera") }
            ComboBox {
                Layout.preferredWidth: 170
                model: root.exporter.cameras
                currentIndex: Math.max(0, model.indexOf(root.exporter.videoCamera))
                onActivated: (i) => root.exporter.videoCamera = model[i]
                ToolTip.visible: hovered; ToolTip.delay: 500
                ToolTip.text: qsTr("front, side, three-quarter: fixed views of the whole path; orbit: one turn around it; follow: tracks the pelvis")
            }
            Label { text: qsTr("Figure") }
            ComboBox {
                Layout.preferredWidth: 170
                model: root.exporter.figures
                currentIndex: Math.max(0, model.indexOf(root.exporter.videoFigure))
                onActivated: (i) => root.exporter.videoFigure = model[i]
                ToolTip.visible: hovered; ToolTip.delay: 500
                ToolTip.text: qsTr("Skeleton (joints and bones), the capsule mannequin, or both")
            }
            Label { text: qsTr("Size") }
            ComboBox {
                Layout.preferredWidth: 170
                model: ["640x360", "1280x720", "1920x1080", "720x720", "1080x1920"]
                currentIndex: Math.max(0, model.indexOf(root.exporter.videoSize))
                onActivated: (i) => root.exporter.videoSize = model[i]
                ToolTip.visible: hovered; ToolTip.delay: 500
                ToolTip.text: qsTr("Pixels; several variations share the width side by side")
            }
            Label { text: qsTr("Codec") }
            ComboBox {
                id: codecBox
                Layout.preferredWidth: 170
                readonly property var values: ["h264", "vp9", "mpeg4"]
                model: [qsTr("H.264 (.mp4)"), qsTr("VP9 (.webm)"), qsTr("MPEG-4 (.mp4)")]
                currentIndex: Math.max(0, values.indexOf(root.exporter.videoCodec))
                onActivated: (i) => root.exporter.videoCodec = values[i]
                ToolTip.visible: hovered; ToolTip.delay: 500
                ToolTip.text: qsTr("H.264 plays everywhere; VP9/WebM for the web; MPEG-4 when x264 is missing")
            }
            Label { text: qsTr("Quality (CRF)") }
            SpinBox {
                from: 0; to: 51
                editable: true
                value: root.exporter.videoCrf
                onValueModified: root.exporter.videoCrf = value
                ToolTip.visible: hovered; ToolTip.delay: 500
                ToolTip.text: qsTr("Lower is better and bigger: 0 lossless (H.264), 16 default, 23 x264's usual, 30+ small files")
            }
            CheckBox {
                Layout.columnSpan: 2
                text: qsTr("All %1 variations side by side").arg(root.controller.clipCount)
                enabled: root.controller.clipCount > 1
                checked: root.exporter.videoTile && enabled
                onToggled: root.exporter.videoTile = checked
                ToolTip.visible: hovered; ToolTip.delay: 500
                ToolTip.text: qsTr("One video with every seed in its own tile (else only the selected variation)")
            }
            CheckBox {
                Layout.columnSpan: 2
                text: qsTr("Caption (prompt and seed)")
                checked: root.exporter.videoCaption
                onToggled: root.exporter.videoCaption = checked
            }
            CheckBox {
                Layout.columnSpan: 2
                text: qsTr("Root trajectory on the ground")
                checked: root.exporter.videoTrajectory
                onToggled: root.exporter.videoTrajectory = checked
            }
            ProgressBar {
                Layout.columnSpan: 2
                Layout.fillWidth: true
                visible: root.exporter.busy
                value: root.exporter.progress
            }
            RowLayout {
                Layout.columnSpan: 2
                Button {
                    objectName: "renderVideoButton"
                    text: qsTr("Render video")
                    highlighted: true
                    enabled: !root.exporter.busy && root.controller.hasResult
                    onClicked: root.exporter.exportTo(root.exporter.videoCodec === "vp9" ? "webm" : "mp4", "")
                    ToolTip.visible: hovered; ToolTip.delay: 500
                    ToolTip.text: qsTr("Saved to %1").arg(root.exporter.folder)
                }
                Button {
                    text: qsTr("Cancel render")
                    visible: root.exporter.busy
                    onClicked: root.exporter.cancelExport()
                }
            }
        }
    }
}
