import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// The model manager: the models Kinema can fetch, with size and licence shown before any
// download, where copies were found on this computer, and one download at a time.
Popup {
    id: popup
    required property var library
    parent: Overlay.overlay
    anchors.centerIn: parent
    modal: true
    width: 640
    height: Math.min(parent ? parent.height - 40 : 640, 640)
    padding: 16
    background: Rectangle { color: Theme.panelRaised; border.color: Theme.border; radius: 4 }
    onOpened: library.refreshCatalog()

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        Label { text: qsTr("Models"); font.bold: true; color: Theme.text }
        Label {
            Layout.fillWidth: true
            text: qsTr("Found in Kinema's model folder, your added folders, the Hugging Face cache, and official or ComfyUI checkpoint folders. Downloads resume where they stopped and are checked with SHA-256.")
            color: Theme.textDim; font.pixelSize: Theme.smallFont; wrapMode: Text.Wrap
        }
        ListView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 12
            model: popup.library.catalog
            delegate: CatalogEntryView {
                width: ListView.view.width
                library: popup.library
            }
        }
        Label {
            Layout.fillWidth: true
            visible: popup.library.downloadError.length > 0
            text: popup.library.downloadError
            color: Theme.error; font.pixelSize: Theme.smallFont; wrapMode: Text.Wrap
        }
        Button {
            Layout.alignment: Qt.AlignRight
            text: qsTr("Close")
            onClicked: popup.close()
        }
    }
}
