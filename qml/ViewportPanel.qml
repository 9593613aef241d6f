import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick3D
import QtQuick3D.Helpers
import Kinema.Ui

// The 3D viewport: ground grid, one FigureView per variation side by side (click to select),
// skeleton / mannequin / both and the root trajectory (ViewSettings, persisted), orbit (left drag)
// / pan (right or middle drag) / zoom (wheel) / reset camera, LIVE badge.
Rectangle {
    id: root
    required property var controller
    required property var clock
    color: Theme.viewport
    gradient: Gradient {
        GradientStop { position: 0.0; color: "#2b2f37" }
        GradientStop { position: 0.45; color: "#1c1f24" }
        GradientStop { position: 1.0; color: Theme.viewport }
    }

    readonly property real spacingCm: 110
    ViewSettings { id: viewSettings }
    property real yaw: 20
    property real pitch: -14
    property real distance: 520
    // The camera looks at `target` = (the followed figure's root, or the framed centre) + the
    // user's pan. Units: cm, Y-up.
    property vector3d panOffset: Qt.vector3d(0, 0, 0)
    property vector3d framedCenter: Qt.vector3d(0, 85, 0)
    readonly property int figureCount: Math.max(1, controller.clipCount)
    readonly property int followed: Math.max(0, Math.min(controller.selectedClip, controller.clipCount - 1))
    function figureX(index) { return (index - (figureCount - 1) / 2) * spacingCm }
    readonly property bool following: viewSettings.follow && controller.clipCount > 0
    readonly property vector3d followPoint: {
        // Re-evaluated on every clock tick and whenever the clips change.
        var t = root.clock.timeS + 0 * controller.previewStep + 0 * controller.clipCount
        var r = controller.rootOnGroundCm(followed, t)
        return Qt.vector3d(r.x + figureX(followed), 85, r.z)
    }
    readonly property vector3d target: (following ? followPoint : framedCenter).plus(panOffset)

    // Fits the figures' whole ground paths (side by side) into the view; without a clip, the
    // default framing around the origin. Following keeps the default distance.
    function frameAll() {
        var base = 380 + 90 * Math.max(0, controller.clipCount - 1)
        var f = controller.framePathsCm(spacingCm, view.width / Math.max(1, view.height), base)
        framedCenter = f.x === undefined ? Qt.vector3d(0, 85, 0) : Qt.vector3d(f.x, 85, f.z)
        distance = (f.distanceCm === undefined || following) ? base : f.distanceCm
    }
    function resetCamera() {
        yaw = 20; pitch = -14
        panOffset = Qt.vector3d(0, 0, 0)
        frameAll()
    }
    property int shownCount: controller.clipCount
    onShownCountChanged: resetCamera()
    Connections {
        target: root.controller
        function onGenerationFinished(ok) { if (ok) root.frameAll() }
    }
    // Turning Follow off frames the whole path (other view settings keep the camera).
    onFollowingChanged: frameAll()

    View3D {
        id: view
        objectName: "viewport3d"
        camera: camera
        anchors.fill: parent
        environment: SceneEnvironment {
            backgroundMode: SceneEnvironment.Transparent
            antialiasingMode: SceneEnvironment.MSAA
            antialiasingQuality: SceneEnvironment.Medium
        }

        Node {
            id: rig
            position: root.target
            eulerRotation.y: root.yaw
            Node {
                eulerRotation.x: root.pitch
                PerspectiveCamera {
                    id: camera
                    z: root.distance
                    clipNear: 5
                    clipFar: 20000
                    fieldOfView: 40
                }
            }
        }

        DirectionalLight {
            eulerRotation.x: -55
            eulerRotation.y: -35
            brightness: 1.1
            castsShadow: true
            shadowFactor: 45
            shadowMapQuality: Light.ShadowMapQualityMedium
            shadowMapFar: 3000
        }
        DirectionalLight { eulerRotation.x: -20; eulerRotation.y: 150; brightness: 0.35 }
        PointLight { position: Qt.vector3d(0, 400, 300); brightness: 0.25 }

        Model {
            source: "#Rectangle"
            eulerRotation.x: -90
            scale: Qt.vector3d(400, 400, 1)
            receivesShadows: true
            materials: PrincipledMaterial { baseColor: "#24272d"; roughness: 0.95 }
        }
        Model {
            y: 0.15
            eulerRotation.x: -90
            scale: Qt.vector3d(50, 50, 1)
            geometry: GridGeometry { horizontalLines: 61; verticalLines: 61; horizontalStep: 1; verticalStep: 1 }
            materials: DefaultMaterial { lighting: DefaultMaterial.NoLighting; diffuseColor: "#3b414b" }
        }

        Repeater3D {
            // At least one figure exists from the start (empty until a clip arrives), so its
            // materials and shadow pipeline are compiled before the first live preview.
            model: Math.max(1, root.controller.clipCount)
            delegate: FigureView {
                required property int index
                controller: root.controller
                variation: index
                x: (index - (Math.max(1, root.controller.clipCount) - 1) / 2) * root.spacingCm
                timeS: root.clock.timeS
                selected: index === root.controller.selectedClip && root.controller.clipCount > 1
                live: root.controller.live
                figure: viewSettings.figure
                showTrajectory: viewSettings.trajectory
            }
        }
    }


    // Camera controls.
    DragHandler {
        id: orbitDrag
        acceptedButtons: Qt.LeftButton
        target: null
        property real startYaw
        property real startPitch
        onActiveChanged: if (active) { startYaw = root.yaw; startPitch = root.pitch }
        onTranslationChanged: {
            root.yaw = startYaw - translation.x * 0.35
            root.pitch = Math.max(-85, Math.min(10, startPitch - translation.y * 0.25))
        }
    }
    DragHandler {
        acceptedButtons: Qt.RightButton | Qt.MiddleButton
        target: null
        property vector3d startTarget
        onActiveChanged: if (active) startTarget = root.panOffset
        onTranslationChanged: {
            var k = root.distance / 700
            var right = camera.sceneRight
            var up = camera.sceneUp
            root.panOffset = startTarget.minus(right.times(translation.x * k)).plus(up.times(translation.y * k))
        }
    }
    WheelHandler {
        onWheel: (event) => root.distance = Math.max(80, Math.min(4000, root.distance * Math.pow(0.999, event.angleDelta.y)))
    }
    TapHandler {
        acceptedButtons: Qt.LeftButton
        onTapped: (point) => {
            var hit = view.pick(point.position.x, point.position.y)
            if (hit.objectHit && hit.objectHit.variation !== undefined)
                root.controller.selectedClip = hit.objectHit.variation
        }
        onDoubleTapped: root.resetCamera()
    }

    // Overlays.
    Rectangle {
        visible: root.controller.live
        anchors { top: parent.top; left: parent.left; margins: 12 }
        radius: 3
        color: "#1838c1d8"
        border.color: Theme.live
        implicitWidth: liveText.implicitWidth + 16
        implicitHeight: liveText.implicitHeight + 8
        Text {
            id: liveText
            anchors.centerIn: parent
            text: qsTr("LIVE PREVIEW · x̂₀ at step %1 / %2").arg(root.controller.previewStep).arg(root.controller.totalSteps)
            color: Theme.live
            font.pixelSize: Theme.smallFont
            font.bold: true
            font.letterSpacing: 0.8
        }
    }
    Text {
        visible: root.controller.clipCount > 1 && !root.controller.live
        anchors { top: parent.top; left: parent.left; margins: 12 }
        text: qsTr("Variation %1 of %2 selected (seed %3) · click a figure to select")
                .arg(root.controller.selectedClip + 1).arg(root.controller.clipCount)
                .arg(root.controller.settings.seeds.split(/[,; ]+/)[root.controller.selectedClip] || "")
        color: Theme.textDim
        font.pixelSize: Theme.smallFont
    }
    Column {
        visible: root.controller.clipCount === 0
        anchors.centerIn: parent
        spacing: 6
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: root.controller.busy ? qsTr("Preparing… the first preview appears with the first sampling step")
                                       : qsTr("Write a prompt and press Generate")
            color: Theme.textDim
            font.pixelSize: 16
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("The motion previews live while it is being sampled")
            color: Theme.textFaint
            font.pixelSize: Theme.smallFont
        }
    }
    Row {
        anchors { top: parent.top; right: parent.right; margins: 10 }
        spacing: 6
        ComboBox {
            id: figureBox
            objectName: "figureBox"
            implicitWidth: 132
            readonly property var values: ["skeleton", "mannequin", "both"]
            model: [qsTr("Skeleton"), qsTr("Mannequin"), qsTr("Both")]
            currentIndex: Math.max(0, values.indexOf(viewSettings.figure))
            onActivated: (i) => viewSettings.figure = values[i]
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Draw the skeleton (joints and bones), the capsule mannequin, or both (the mannequin see-through)")
        }
        CheckBox {
            text: qsTr("Path")
            checked: viewSettings.trajectory
            onToggled: viewSettings.trajectory = checked
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Show the root's trajectory on the ground")
        }
        CheckBox {
            objectName: "followBox"
            text: qsTr("Follow")
            checked: viewSettings.follow
            onToggled: viewSettings.follow = checked
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Keep the camera on the selected figure as it travels (off: frame the whole path)")
        }
        Button {
            text: qsTr("Reset view")
            onClicked: root.resetCamera()
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: qsTr("Frame the figures and their paths again (or double-click the viewport)")
        }
    }
    Text {
        anchors { bottom: parent.bottom; left: parent.left; margins: 10 }
        text: qsTr("drag: orbit · right-drag: pan · wheel: zoom · double-click: reset")
        color: Theme.textFaint
        font.pixelSize: Theme.smallFont
    }
}
