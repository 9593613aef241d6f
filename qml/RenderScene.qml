import QtQuick
import QtQuick3D

// The scene OffscreenRenderer draws into a video frame: ground, the skeleton (joint spheres and
// bone cylinders, 22 joints / 21 bones) and an optional caption. Units: centimetres, Y-up. The
// renderer sets `joints`, `bones` and the camera every frame; nothing here animates by itself.
Item {
    id: root
    width: 1280
    height: 720
    property var joints: []  // 22 vector3d, cm
    property var bones: []   // 21 {p: vector3d (midpoint, cm), q: quaternion, len: cm}
    property vector3d cameraPosition: Qt.vector3d(0, 150, 500)
    property quaternion cameraRotation: Qt.quaternion(1, 0, 0, 0)
    property vector3d groundCenter: Qt.vector3d(0, 0, 0)
    property string caption: ""

    View3D {
        id: view
        objectName: "view"
        anchors.fill: parent
        environment: SceneEnvironment {
            clearColor: "#1b1d22"
            backgroundMode: SceneEnvironment.Color
            antialiasingMode: SceneEnvironment.MSAA
            antialiasingQuality: SceneEnvironment.High
        }
        camera: camera
        PerspectiveCamera {
            id: camera
            position: root.cameraPosition
            rotation: root.cameraRotation
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
            shadowFactor: 60
        }
        DirectionalLight {
            eulerRotation.x: -20
            eulerRotation.y: 150
            brightness: 0.45
        }
        Model {
            source: "#Rectangle"
            position: root.groundCenter
            eulerRotation.x: -90
            scale: Qt.vector3d(60, 60, 1)
            receivesShadows: true
            materials: PrincipledMaterial { baseColor: "#3a3f48"; roughness: 0.95 }
        }
        Repeater3D {
            model: 22
            Model {
                readonly property real radiusCm: index === 15 ? 11 : 4.5
                source: "#Sphere"
                visible: root.joints.length > index
                position: visible ? root.joints[index] : Qt.vector3d(0, 0, 0)
                scale: Qt.vector3d(radiusCm / 50, radiusCm / 50, radiusCm / 50)
                castsShadows: true
                materials: PrincipledMaterial { baseColor: "#f0a030"; roughness: 0.4 }
            }
        }
        Repeater3D {
            model: 21
            Model {
                source: "#Cylinder"
                visible: root.bones.length > index
                position: visible ? root.bones[index].p : Qt.vector3d(0, 0, 0)
                rotation: visible ? root.bones[index].q : Qt.quaternion(1, 0, 0, 0)
                scale: Qt.vector3d(0.05, visible ? root.bones[index].len / 100 : 0, 0.05)
                castsShadows: true
                materials: PrincipledMaterial { baseColor: "#e9dcc4"; roughness: 0.55 }
            }
        }
    }
    Text {
        visible: root.caption.length > 0
        text: root.caption
        color: "#dcdfe4"
        style: Text.Outline
        styleColor: "#000000"
        font.pixelSize: Math.max(12, root.height / 28)
        elide: Text.ElideRight
        width: root.width - 2 * x
        x: root.height / 30
        y: root.height - height - root.height / 30
    }
}
