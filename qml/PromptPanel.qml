import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Prompt: the text, its word count (warning past 60 words) and example prompts.
ColumnLayout {
    id: root
    required property var settings
    Layout.fillWidth: true
    spacing: 6

    SectionHeader { title: qsTr("Prompt") }

    ScrollView {
        Layout.fillWidth: true
        Layout.preferredHeight: 96
        TextArea {
            id: promptText
            text: root.settings.prompt
            wrapMode: TextEdit.Wrap
            placeholderText: qsTr("Describe one motion, e.g. \"A person walks forward and waves.\"")
            font.pixelSize: Theme.fontSize
            onTextChanged: if (text !== root.settings.prompt) root.settings.prompt = text
            background: Rectangle { color: Theme.window; border.color: promptText.activeFocus ? Theme.accent : Theme.border; radius: 3 }
            ToolTip.visible: hovered && !activeFocus
            ToolTip.delay: 800
            ToolTip.text: qsTr("What the body should do. Short, concrete prompts (one or two actions) follow best; long ones lose detail.")
        }
    }
    RowLayout {
        Layout.fillWidth: true
        Label {
            readonly property int words: root.settings.wordCount
            text: words > 60 ? qsTr("%1 words: long prompts lose detail, keep under 60").arg(words)
                             : qsTr("%1 words").arg(words)
            color: words > 60 ? Theme.warn : Theme.textDim
            font.pixelSize: Theme.smallFont
            Layout.fillWidth: true
            elide: Text.ElideRight
        }
        ComboBox {
            id: examples
            Layout.preferredWidth: 120
            model: root.settings.examplePrompts
            displayText: qsTr("Examples")
            font.pixelSize: Theme.smallFont
            onActivated: (i) => root.settings.prompt = model[i]
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Replace the prompt with a known-good example")
        }
    }
}
