import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kinema.Ui

// The main window: controls on the left, the viewport in the centre with the timeline below,
// the memory gauge on the right. `controller` is read by AppLauncher and the tests.
ApplicationWindow {
    id: window
    width: 1440
    height: 900
    minimumWidth: 1024
    minimumHeight: 640
    visible: true
    color: Theme.window
    title: qsTr("Kinema")
    font.pixelSize: Theme.fontSize
    palette {
        window: Theme.panel
        windowText: Theme.text
        base: Theme.window
        alternateBase: Theme.panelRaised
        text: Theme.text
        button: Theme.panelRaised
        buttonText: Theme.text
        brightText: "white"
        highlight: Theme.accent
        highlightedText: "white"
        light: "#3a3f48"
        midlight: "#333740"
        mid: "#2a2d34"
        dark: "#16181c"
        shadow: "black"
        toolTipBase: "#111317"
        toolTipText: Theme.text
        placeholderText: Theme.textFaint
    }

    property alias controller: controller
    property alias clock: clock

    GenerationController { id: controller }
    PlaybackClock {
        id: clock
        durationS: controller.clipDurationS
        fps: controller.clipFps
    }
    ExportController { id: exporter; controller: controller }

    Connections {
        target: controller
        function onClipsChanged() {
            if (controller.clipCount > 0 && !clock.playing && (controller.live || controller.hasResult))
                clock.playing = true
        }
        function onGenerationFinished(ok) {
            if (ok) { clock.timeS = 0; clock.playing = true }
        }
    }

    Shortcut { sequence: "Ctrl+Return"; onActivated: controller.busy ? undefined : controller.generate() }
    Shortcut { sequence: "Escape"; onActivated: controller.cancel() }
    Shortcut { sequence: "Space"; enabled: !promptHasFocus; onActivated: clock.toggle() }
    readonly property bool promptHasFocus: activeFocusItem !== null && activeFocusItem.hasOwnProperty("wrapMode")

    header: Rectangle {
        height: 38
        color: Theme.panel
        Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 14
            anchors.rightMargin: 14
            spacing: 10
            Text { text: "Kinema"; color: Theme.text; font.pixelSize: 16; font.bold: true }
            Text { text: qsTr("text → 3D motion"); color: Theme.textFaint; font.pixelSize: Theme.smallFont }
            Item { Layout.fillWidth: true }
            Rectangle {
                width: 8; height: 8; radius: 4
                color: controller.engineState === "ready" ? Theme.ok
                     : controller.engineState === "unavailable" ? Theme.error : Theme.warn
            }
            Text {
                text: controller.engineState === "ready" ? qsTr("Engine ready")
                    : controller.engineState === "unavailable" ? qsTr("Engine unavailable")
                    : qsTr("Engine starting…")
                color: Theme.textDim
                font.pixelSize: Theme.smallFont
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        // Left: controls.
        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 340
            color: Theme.panel
            Rectangle { anchors.right: parent.right; width: 1; height: parent.height; color: Theme.border }
            ColumnLayout {
                anchors.fill: parent
                anchors.margins: Theme.pad
                spacing: 8
                ScrollView {
                    id: scroll
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    contentWidth: availableWidth
                    clip: true
                    ColumnLayout {
                        width: scroll.availableWidth
                        spacing: 10
                        PromptPanel { settings: controller.settings }
                        SamplingPanel { settings: controller.settings; library: controller.library }
                        ModelPanel {
                            settings: controller.settings
                            library: controller.library
                            vram: controller.vram
                            planText: controller.planText
                        }
                    }
                }
                RunPanel { controller: controller }
            }
        }

        // Centre: banner, viewport, timeline.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0
            ErrorBanner {
                Layout.fillWidth: true
                Layout.margins: visible ? 8 : 0
                message: controller.errorMessage
                onDismissed: controller.dismissError()
            }
            ErrorBanner {
                Layout.fillWidth: true
                Layout.margins: visible ? 8 : 0
                message: exporter.lastMessage
                color: exporter.lastOk ? "#1c2f22" : "#2f2a1c"
                accent: exporter.lastOk ? Theme.ok : Theme.warn
                icon: exporter.lastOk ? "\u2713" : "!"
                onDismissed: exporter.clearMessage()
            }
            ViewportPanel {
                objectName: "viewportPanel"
                Layout.fillWidth: true
                Layout.fillHeight: true
                controller: controller
                clock: clock
            }
            TimelinePanel {
                Layout.fillWidth: true
                controller: controller
                clock: clock
                exporter: exporter
            }
        }

        // Right: memory gauge.
        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 270
            color: Theme.panel
            Rectangle { anchors.left: parent.left; width: 1; height: parent.height; color: Theme.border }
            VramPanel {
                anchors.fill: parent
                anchors.margins: Theme.pad
                vram: controller.vram
                preservationGb: controller.settings.preservationGb
                engineSummary: controller.engineSummary
                Item { Layout.fillHeight: true }
            }
        }
    }
}
