import QtQuick
import QtQuick.Layouts

// A small-caps section title with a hairline, like the panels of a DCC tool.
ColumnLayout {
    property string title
    Layout.fillWidth: true
    Layout.topMargin: 6
    spacing: 4
    Text {
        text: parent.title.toUpperCase()
        color: Theme.textDim
        font.pixelSize: Theme.titleFont
        font.letterSpacing: 1.2
        font.bold: true
    }
    Rectangle { Layout.fillWidth: true; height: 1; color: Theme.border }
}
