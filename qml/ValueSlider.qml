import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Label, current value and a slider; `tip` is the tooltip saying what the control trades.
// Bind `value` one way and write back in onMoved(v).
ColumnLayout {
    id: root
    property string label
    property string tip
    property real from: 0
    property real to: 1
    property real stepSize: 0.1
    property real value: 0
    property int decimals: 1
    property string suffix: ""
    property string note: ""
    signal moved(real v)
    Layout.fillWidth: true
    spacing: 0

    RowLayout {
        Layout.fillWidth: true
        Label { text: root.label; color: root.enabled ? Theme.text : Theme.textFaint; font.pixelSize: Theme.fontSize }
        Item { Layout.fillWidth: true }
        Label {
            text: root.value.toFixed(root.decimals) + root.suffix
            color: root.enabled ? Theme.text : Theme.textFaint
            font.pixelSize: Theme.fontSize
            font.family: "monospace"
        }
    }
    Slider {
        id: slider
        Layout.fillWidth: true
        from: root.from
        to: root.to
        stepSize: root.stepSize
        snapMode: Slider.SnapAlways
        value: root.value
        onMoved: root.moved(value)
        ToolTip.visible: hovered && root.tip.length > 0
        ToolTip.delay: 500
        ToolTip.text: root.tip
    }
    Label {
        visible: root.note.length > 0
        text: root.note
        color: Theme.textDim
        font.pixelSize: Theme.smallFont
        Layout.fillWidth: true
        wrapMode: Text.Wrap
    }
}
