import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Model picker (with memory cost, the kinema-tiny action list, "Models…" and "add folder…"),
// Quality Mode, TeaCache, GPU memory
// preservation and the precision profile.
ColumnLayout {
    id: root
    required property var settings
    required property var library
    required property var vram
    property string planText: ""
    Layout.fillWidth: true
    spacing: 6

    SectionHeader { title: qsTr("Model & speed") }

    RowLayout {
        Layout.fillWidth: true
        ComboBox {
            id: picker
            Layout.fillWidth: true
            model: root.library.models
            textRole: "name"
            enabled: count > 0
            displayText: count > 0 ? currentText : qsTr("No models yet")
            currentIndex: root.library.indexOf(root.settings.modelId)
            onActivated: (i) => {
                const id = root.library.models[i].id
                if (id === root.settings.modelId) return
                root.settings.modelId = id
                // Each model starts from the guidance it is meant to run at.
                root.settings.useModelGuidance(root.library.recommendedCfg(id))
            }
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("HY-Motion-1.0 is the best and largest; Lite needs about half the memory; kinema-tiny is small and fast but knows few actions.")
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Button {
            Layout.fillWidth: true
            text: qsTr("Models…")
            onClicked: catalog.open()
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Known models with size and licence, where they were found, downloads")
        }
        Button {
            Layout.fillWidth: true
            text: qsTr("Add folder…")
            onClicked: addFolder.open()
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Add a folder that holds model checkpoints; the engine rescans it")
        }
    }
    Label {
        Layout.fillWidth: true
        text: root.library.models.length >= 0 ? root.library.costText(root.settings.modelId) : ""
        color: Theme.textDim
        font.pixelSize: Theme.smallFont
        wrapMode: Text.Wrap
    }

    Label {
        // kinema-tiny was trained on a fixed action list: say so, with the list.
        readonly property var actions: root.library.models.length >= 0 ? root.library.knownActions(root.settings.modelId) : []
        visible: actions.length > 0
        Layout.fillWidth: true
        text: qsTr("This model only knows the actions it was trained on (and two-part sequences of them): %1.")
                  .arg(actions.join(", ").replace(/_/g, " "))
        color: Theme.warn
        font.pixelSize: Theme.smallFont
        wrapMode: Text.Wrap
    }

    Switch {
        text: qsTr("Quality Mode")
        checked: root.settings.qualityMode
        onToggled: root.settings.qualityMode = checked
        ToolTip.visible: hovered
        ToolTip.delay: 500
        ToolTip.text: qsTr("Reference numerics: fp32 DiT, no TeaCache, full post-processing. Slower and uses more memory; matches the official output most closely.")
    }
    Switch {
        id: teacache
        text: qsTr("TeaCache")
        enabled: !root.settings.qualityMode
        checked: root.settings.teacacheEnabled
        onToggled: root.settings.teacacheEnabled = checked
        ToolTip.visible: hovered
        ToolTip.delay: 500
        ToolTip.text: qsTr("Skip DiT evaluations whose output barely changes. Faster (often 1.5-2x) at a small loss of detail.")
    }
    ValueSlider {
        label: qsTr("TeaCache threshold")
        enabled: teacache.enabled && root.settings.teacacheEnabled
        from: 0.02; to: 0.5; stepSize: 0.01; decimals: 2
        value: root.settings.teacacheThreshold
        onMoved: (v) => root.settings.teacacheThreshold = v
        tip: qsTr("Higher skips more steps: faster, but more drift from the full computation.")
    }
    ValueSlider {
        readonly property real totalGb: root.vram.hasDevice ? root.vram.totalBytes / 1e9 : 0
        label: qsTr("GPU memory preservation")
        visible: root.vram.hasDevice
        from: 0; to: Math.max(1, totalGb); stepSize: 0.5; decimals: 1; suffix: " GB"
        value: root.settings.preservationGb
        onMoved: (v) => root.settings.preservationGb = v
        note: root.vram.hasDevice
              ? qsTr("Budget %1 GB of %2 GB; the planner streams the blocks that do not fit.")
                    .arg(Math.max(0, totalGb - root.settings.preservationGb).toFixed(1)).arg(totalGb.toFixed(1))
              : qsTr("No CUDA device: runs on the CPU, nothing to preserve.")
        tip: qsTr("VRAM kept free for other programs. More preserved means fewer DiT blocks stay resident: less memory, slower sampling.")
    }
    Label {
        visible: !root.vram.hasDevice
        Layout.fillWidth: true
        text: qsTr("GPU memory preservation: no CUDA device, the model runs on the CPU.")
        color: Theme.textDim
        font.pixelSize: Theme.smallFont
        wrapMode: Text.Wrap
    }
    Label {
        visible: root.planText.length > 0
        Layout.fillWidth: true
        text: root.planText
        color: root.planText.indexOf("will not fit") >= 0 ? Theme.warn : Theme.live
        font.pixelSize: Theme.smallFont
        wrapMode: Text.Wrap
    }
    RowLayout {
        Layout.fillWidth: true
        Label { text: qsTr("Precision"); color: Theme.text; font.pixelSize: Theme.fontSize }
        ComboBox {
            Layout.fillWidth: true
            model: ["auto", "fp32", "bf16", "fp16"]
            currentIndex: Math.max(0, model.indexOf(root.settings.precision))
            onActivated: (i) => root.settings.precision = model[i]
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("DiT number format. auto: bf16 on RTX 30xx+, fp16 on RTX 20xx, fp32 on the CPU. Lower precision halves weight memory and is faster; fp32 is the reference.")
        }
    }

    Popup {
        id: addFolder
        parent: Overlay.overlay
        anchors.centerIn: parent
        modal: true
        width: 460
        padding: 16
        background: Rectangle { color: Theme.panelRaised; border.color: Theme.border; radius: 4 }
        ColumnLayout {
            anchors.fill: parent
            spacing: 8
            Label { text: qsTr("Add a model folder"); font.bold: true; color: Theme.text }
            Label {
                text: qsTr("A folder that holds HY-Motion checkpoints (latest.ckpt + config) or kinema models.")
                color: Theme.textDim; wrapMode: Text.Wrap; Layout.fillWidth: true
                font.pixelSize: Theme.smallFont
            }
            TextField { id: folderPath; Layout.fillWidth: true; placeholderText: "/path/to/models" }
            Label { id: folderError; color: Theme.error; visible: text.length > 0; font.pixelSize: Theme.smallFont }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button { text: qsTr("Cancel"); onClicked: addFolder.close() }
                Button {
                    text: qsTr("Add")
                    highlighted: true
                    onClicked: {
                        if (root.library.addFolder(folderPath.text)) { folderError.text = ""; addFolder.close() }
                        else folderError.text = qsTr("Not a folder, or already added.")
                    }
                }
            }
        }
    }

    ModelCatalog { id: catalog; library: root.library }
}
