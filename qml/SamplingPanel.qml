import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Duration, steps, CFG, ODE solver, variations and seeds.
ColumnLayout {
    id: root
    required property var settings
    property var library: null  // for the selected model's recommended guidance
    readonly property real recommendedCfg: library && library.models.length >= 0
                                           ? library.recommendedCfg(settings.modelId) : 5
    Layout.fillWidth: true
    spacing: 6

    SectionHeader { title: qsTr("Motion") }

    ValueSlider {
        label: qsTr("Duration")
        from: 0.5; to: 12; stepSize: 0.1; decimals: 1; suffix: " s"
        value: root.settings.durationS
        onMoved: (v) => root.settings.durationS = v
        tip: qsTr("Clip length at 30 fps (0.5-12 s). Longer clips cost proportionally more time and memory.")
    }
    ValueSlider {
        label: qsTr("Steps")
        from: 5; to: 100; stepSize: 1; decimals: 0
        value: root.settings.steps
        onMoved: (v) => root.settings.steps = Math.round(v)
        tip: qsTr("Sampler steps (default 50). Fewer steps are faster but rougher; past 50 gains little.")
    }
    ValueSlider {
        label: qsTr("Guidance (CFG)")
        from: 1; to: 10; stepSize: 0.5; decimals: 1
        value: root.settings.cfgScale
        onMoved: (v) => root.settings.cfgScale = v
        note: Math.abs(root.settings.cfgScale - root.recommendedCfg) > 0.01
              ? qsTr("This model is meant to run at %1.").arg(root.recommendedCfg.toFixed(1)) : ""
        tip: qsTr("How strongly the motion follows the prompt (each model has its own default: 5 for HY-Motion). Higher follows the text more literally but can overshoot (faster, larger moves); lower is more natural but may drift from the prompt.")
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: 6
        Label { text: qsTr("Solver"); color: Theme.text; font.pixelSize: Theme.fontSize }
        Item { Layout.fillWidth: true }
        ComboBox {
            id: solverBox
            readonly property var ids: ["euler", "midpoint", "heun", "rk4"]
            model: [qsTr("Euler (1× per step)"), qsTr("Midpoint (2×)"), qsTr("Heun (2×)"), qsTr("RK4 (4×)")]
            currentIndex: Math.max(0, ids.indexOf(root.settings.solver))
            onActivated: (i) => root.settings.solver = ids[i]
            Layout.preferredWidth: 170
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("ODE solver of the sampler. Euler (the model's own) evaluates the network once per step; midpoint and Heun twice, RK4 four times: more accurate per step but proportionally slower. With a higher-order solver, fewer steps often suffice.")
        }
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: 6
        Label { text: qsTr("Variations"); color: Theme.text; font.pixelSize: Theme.fontSize }
        SpinBox {
            from: 1; to: 8
            value: root.settings.variations
            onValueModified: root.settings.variations = value
            Layout.preferredWidth: 96
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Motions generated side by side in one batch. Each one costs memory and time like a separate run (CFG doubles the batch).")
        }
        Item { Layout.fillWidth: true }
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: 6
        Label { text: qsTr("Seeds"); color: Theme.text; font.pixelSize: Theme.fontSize }
        TextField {
            Layout.fillWidth: true
            text: root.settings.seeds
            font.family: "monospace"
            font.pixelSize: Theme.fontSize
            onEditingFinished: root.settings.seeds = text
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("One seed per variation, comma separated. The same seed and settings give the same motion.")
        }
        Button {
            text: "\u2684"
            font.pixelSize: 18
            Layout.preferredWidth: 36
            onClicked: root.settings.rollSeeds()
            ToolTip.visible: hovered
            ToolTip.delay: 300
            ToolTip.text: qsTr("Roll new random seeds: new motions for the same prompt")
        }
    }
}
