import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// One catalog model in the model manager (a ListView delegate): name, size, licence, found copies,
// Download/Cancel.
ColumnLayout {
    id: row
    required property var modelData  // one ModelLibrary.catalog entry (the ListView injects it)
    required property var library
    readonly property var entry: modelData
    readonly property bool downloading: library.downloadId === entry.id
    spacing: 2

    RowLayout {
        Layout.fillWidth: true
        Label { text: row.entry.name; font.bold: true; color: Theme.text; Layout.fillWidth: true }
        Label { text: row.entry.sizeText; color: Theme.textDim }
        Button {
            text: row.downloading ? qsTr("Cancel") : row.entry.complete ? qsTr("Installed") : qsTr("Download")
            enabled: row.downloading || (!row.entry.complete && row.library.downloadId === "")
            onClicked: row.downloading ? row.library.cancelDownload() : row.library.startDownload(row.entry.id)
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Downloads %1 into %2").arg(row.entry.sizeText).arg(row.entry.downloadFolder)
        }
    }
    Label {
        Layout.fillWidth: true
        text: row.entry.role
        color: Theme.textDim; font.pixelSize: Theme.smallFont; wrapMode: Text.Wrap
    }
    Label {
        Layout.fillWidth: true
        textFormat: Text.StyledText
        text: qsTr("Licence: <a href=\"%1\">%2</a>%3").arg(row.entry.licenceUrl).arg(row.entry.licence)
              .arg(row.entry.licenceNote.length > 0 ? " — " + row.entry.licenceNote : "")
        linkColor: Theme.live
        onLinkActivated: (link) => Qt.openUrlExternally(link)
        color: Theme.textDim; font.pixelSize: Theme.smallFont; wrapMode: Text.Wrap
    }
    Repeater {
        model: row.entry.locations
        Label {
            required property var modelData
            Layout.fillWidth: true
            text: (modelData.complete ? qsTr("Found: ") : qsTr("Incomplete: ")) + modelData.folder +
                  " (" + modelData.origin + ")"
            color: modelData.complete ? Theme.live : Theme.warn
            font.pixelSize: Theme.smallFont; elide: Text.ElideMiddle
        }
    }
    Label {
        visible: row.entry.locations.length === 0 && !row.downloading
        text: qsTr("Not on this computer yet.")
        color: Theme.textDim; font.pixelSize: Theme.smallFont
    }
    ProgressBar { visible: row.downloading; value: row.library.downloadFraction; Layout.fillWidth: true }
    Label {
        visible: row.downloading
        text: row.library.downloadText
        color: Theme.textDim; font.pixelSize: Theme.smallFont
    }
}
