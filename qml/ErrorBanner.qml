import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The readable error banner: the typed error's message, dismissable.
Rectangle {
    id: root
    property string message
    property color accent: Theme.error
    property string icon: "!"
    signal dismissed()
    visible: message.length > 0
    implicitHeight: visible ? row.implicitHeight + 16 : 0
    color: "#3a1f22"
    border.color: accent
    radius: 4

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 8
        spacing: 10
        Rectangle {
            width: 20; height: 20; radius: 10; color: root.accent
            Layout.alignment: Qt.AlignTop
            Text { anchors.centerIn: parent; text: root.icon; color: "white"; font.bold: true }
        }
        Label {
            Layout.fillWidth: true
            text: root.message
            wrapMode: Text.Wrap
            color: "#f2d3d1"
            font.pixelSize: Theme.fontSize
        }
        Button {
            text: qsTr("Dismiss")
            onClicked: root.dismissed()
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Hide this message")
        }
    }
}
