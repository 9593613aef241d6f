import QtQuick
import QtQuick3D
import QtQuick3D.Helpers
import Kinema.Ui

// The scene OffscreenRenderer draws into a video frame: one tile per clip side by side, each with
// its own camera, the ground grid and the same FigureView as the viewport (skeleton and/or
// mannequin, root trajectory, contact shadow); an optional caption across the bottom and a label
// per tile. Units: centimetres, Y-up. The renderer sets `source`, `timeS` and `cameras` every
// frame; nothing here animates by itself.
Item {
    id: root
    width: 1280
    height: 720
    property ClipSource source: null
    property int tileCount: 1
    property real timeS: 0
    // Per tile: {p: vector3d (camera position, cm), q: quaternion (camera rotation)}.
    property var cameras: []
    property string figure: "both"      // skeleton | mannequin | both
    property bool showTrajectory: true
    property string caption: ""         // across the bottom; empty: none
    property var tileLabels: []         // per tile, top left; empty strings: none

    Row {
        anchors.fill: parent
        Repeater {
            model: root.tileCount
            delegate: Item {
                id: tile
                required property int index
                width: root.width / root.tileCount
                height: root.height
                readonly property var cam: root.cameras.length > index ? root.cameras[index] : null

                View3D {
                    objectName: "view" + tile.index
                    anchors.fill: parent
                    environment: SceneEnvironment {
                        clearColor: "#1d2026"
                        backgroundMode: SceneEnvironment.Color
                        antialiasingMode: SceneEnvironment.MSAA
                        antialiasingQuality: SceneEnvironment.High
                    }
                    camera: camera
                    PerspectiveCamera {
                        id: camera
                        position: tile.cam ? tile.cam.p : Qt.vector3d(0, 150, 500)
                        rotation: tile.cam ? tile.cam.q : Qt.quaternion(1, 0, 0, 0)
                        fieldOfView: 40
                        clipNear: 10
                        clipFar: 20000
                    }
                    DirectionalLight {
                        eulerRotation.x: -55
                        eulerRotation.y: -30
                        brightness: 1.0
                        castsShadow: true
                        shadowMapQuality: Light.ShadowMapQualityHigh
                        shadowFactor: 45
                        shadowMapFar: 4000
                    }
                    DirectionalLight {
                        eulerRotation.x: -20
                        eulerRotation.y: 150
                        brightness: 0.45
                    }
                    Model {
                        source: "#Rectangle"
                        eulerRotation.x: -90
                        scale: Qt.vector3d(400, 400, 1)
                        receivesShadows: true
                        materials: PrincipledMaterial { baseColor: "#30343c"; roughness: 0.95 }
                    }
                    Model {
                        y: 0.15
                        eulerRotation.x: -90
                        scale: Qt.vector3d(50, 50, 1)
                        geometry: GridGeometry { horizontalLines: 81; verticalLines: 81; horizontalStep: 1; verticalStep: 1 }
                        materials: DefaultMaterial { lighting: DefaultMaterial.NoLighting; diffuseColor: "#444a55" }
                    }
                    FigureView {
                        source: root.source
                        variation: tile.index
                        timeS: root.timeS
                        selected: true
                        figure: root.figure
                        showTrajectory: root.showTrajectory
                    }
                }
                Text {
                    readonly property string label: root.tileLabels.length > tile.index ? root.tileLabels[tile.index] : ""
                    visible: label.length > 0
                    text: label
                    color: "#d4dae3"
                    style: Text.Outline
                    styleColor: "#101216"
                    font.pixelSize: Math.max(12, root.height / 26)
                    font.bold: true
                    x: root.height / 30
                    y: root.height / 30
                }
                Rectangle {  // a thin separator between tiles
                    visible: tile.index > 0
                    width: Math.max(2, root.width / 640)
                    height: parent.height
                    color: "#0e0f12"
                }
            }
        }
    }

    Rectangle {
        visible: root.caption.length > 0
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: captionText.implicitHeight + root.height / 20
        color: "#a0121418"
        Text {
            id: captionText
            text: root.caption
            color: "#e4e6ea"
            font.pixelSize: Math.max(12, root.height / 28)
            elide: Text.ElideRight
            width: parent.width - 2 * x
            x: root.height / 30
            anchors.verticalCenter: parent.verticalCenter
        }
    }

}
