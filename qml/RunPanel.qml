import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Generate / Cancel, progress with phase, step counter and ETA.
ColumnLayout {
    id: root
    required property var controller
    Layout.fillWidth: true
    spacing: 6

    readonly property bool ready: controller.engineState === "ready"

    Button {
        id: go
        Layout.fillWidth: true
        Layout.preferredHeight: 40
        text: root.controller.busy ? qsTr("Cancel") : qsTr("Generate")
        enabled: root.controller.busy || root.ready
        font.pixelSize: 15
        font.bold: true
        onClicked: root.controller.busy ? root.controller.cancel() : root.controller.generate()
        palette.button: root.controller.busy ? "#5a2a2a" : Theme.accentDim
        palette.buttonText: "white"
        ToolTip.visible: hovered
        ToolTip.delay: 500
        ToolTip.text: root.controller.busy ? qsTr("Stop after the current step; the last finished result stays on screen")
                    : root.ready ? qsTr("Generate the motion (Ctrl+Enter)")
                    : root.controller.engineState === "starting" ? qsTr("The engine is starting…")
                    : qsTr("The engine is unavailable: see the message above the viewport")
    }
    ProgressBar {
        Layout.fillWidth: true
        from: 0
        to: Math.max(1, root.controller.totalSteps)
        value: root.controller.step
        indeterminate: root.controller.busy && root.controller.phase !== "sampling"
        visible: root.controller.busy
    }
    Label {
        Layout.fillWidth: true
        text: root.controller.busy ? root.controller.statusText
              : root.controller.engineState === "starting" ? qsTr("Starting the engine…")
              : root.controller.statusText
        color: Theme.textDim
        font.pixelSize: Theme.smallFont
        wrapMode: Text.Wrap
    }
}
