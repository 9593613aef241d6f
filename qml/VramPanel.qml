import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The memory gauge: VRAM used / total with the budget line (total - preservation) and the run's
// peak marker, a breakdown (resident weights, streaming ring, activations), and RAM beside it.
// Without CUDA it says so and shows RAM.
ColumnLayout {
    id: root
    required property var vram
    required property real preservationGb
    required property string engineSummary
    spacing: 8

    component Bar: Item {
        id: bar
        property real used: 0
        property real total: 1
        property real peak: 0
        property real budget: -1
        property color fill: Theme.accent
        Layout.fillWidth: true
        implicitHeight: 16
        Rectangle { anchors.fill: parent; radius: 2; color: Theme.window; border.color: Theme.border }
        Rectangle {
            x: 1; y: 1; height: parent.height - 2; radius: 2
            width: Math.max(0, Math.min(1, bar.used / Math.max(1, bar.total))) * (parent.width - 2)
            color: bar.fill
        }
        Rectangle {
            visible: bar.peak > 0
            x: Math.min(1, bar.peak / Math.max(1, bar.total)) * (parent.width - 2)
            width: 2; height: parent.height; color: "#f0f0f0"
        }
        Rectangle {
            visible: bar.budget >= 0
            x: Math.min(1, bar.budget / Math.max(1, bar.total)) * (parent.width - 2)
            y: -3; width: 2; height: parent.height + 6; color: Theme.budget
        }
    }
    component Row2: RowLayout {
        property string name
        property string value
        property color swatch: "transparent"
        Layout.fillWidth: true
        Rectangle { width: 8; height: 8; radius: 2; color: parent.swatch; visible: parent.swatch.a > 0 }
        Label { text: parent.name; color: Theme.textDim; font.pixelSize: Theme.smallFont; Layout.fillWidth: true }
        Label { text: parent.value; color: Theme.text; font.pixelSize: Theme.smallFont; font.family: "monospace" }
    }

    SectionHeader { title: root.vram.hasDevice ? qsTr("GPU memory") : qsTr("Memory") }

    // --- VRAM ---
    ColumnLayout {
        visible: root.vram.hasDevice
        Layout.fillWidth: true
        spacing: 4
        Label {
            text: root.vram.deviceName
            color: Theme.text; font.pixelSize: Theme.smallFont; elide: Text.ElideRight; Layout.fillWidth: true
        }
        Bar {
            used: root.vram.usedBytes
            total: root.vram.totalBytes
            peak: root.vram.peakBytes
            budget: Math.max(0, root.vram.totalBytes - root.preservationGb * 1e9)
        }
        Row2 { name: qsTr("Used / total"); value: Theme.gb(root.vram.usedBytes) + " / " + Theme.gb(root.vram.totalBytes) }
        Row2 { name: qsTr("Budget (total − preserved)"); swatch: Theme.budget
               value: Theme.gb(Math.max(0, root.vram.totalBytes - root.preservationGb * 1e9)) }
        Row2 { name: qsTr("Peak this run"); swatch: "#f0f0f0"; value: Theme.gb(root.vram.peakBytes) }
        Row2 { name: qsTr("Resident weights"); value: root.vram.telemetry ? Theme.gb(root.vram.residentBytes) : "–" }
        Row2 { name: qsTr("Streaming ring"); value: root.vram.telemetry ? Theme.gb(root.vram.ringBytes) : "–" }
        Row2 { name: qsTr("Activations"); value: root.vram.telemetry ? Theme.gb(root.vram.activationBytes) : "–" }
    }
    Label {
        visible: !root.vram.hasDevice
        Layout.fillWidth: true
        text: qsTr("No CUDA device: the model runs on the CPU, so the gauge shows system RAM.")
        wrapMode: Text.Wrap
        color: Theme.warn
        font.pixelSize: Theme.smallFont
    }

    // --- RAM ---
    Label { text: qsTr("RAM (this process)"); color: Theme.text; font.pixelSize: Theme.smallFont; Layout.topMargin: 4 }
    Bar {
        used: root.vram.hostRssBytes
        total: root.vram.hostTotalBytes
        peak: root.vram.hostPeakBytes
        fill: Theme.ok
    }
    Row2 { name: qsTr("Resident / physical"); value: Theme.gb(root.vram.hostRssBytes) + " / " + Theme.gb(root.vram.hostTotalBytes) }
    Row2 { name: qsTr("Peak this run"); swatch: "#f0f0f0"; value: Theme.gb(root.vram.hostPeakBytes) }
    Label {
        Layout.fillWidth: true
        text: root.vram.telemetry ? qsTr("live engine telemetry") : qsTr("polled once a second")
        color: Theme.textFaint
        font.pixelSize: Theme.smallFont
    }

    SectionHeader { title: qsTr("Engine") }
    Label {
        Layout.fillWidth: true
        text: root.engineSummary
        wrapMode: Text.Wrap
        color: Theme.textDim
        font.pixelSize: Theme.smallFont
    }
}
