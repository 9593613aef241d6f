import QtQuick
import QtQuick3D
import Kinema.Ui

// One variation in the scene: joint spheres, bone cylinders, the root's ground path and a soft
// contact shadow. `variation` is the clip index; models are pickable to select it.
Node {
    id: root
    required property var controller
    required property int variation
    property real timeS: 0
    property bool selected: false
    property bool live: false
    property var shadowTexture

    readonly property color boneColor: live ? "#8fd3e0" : selected ? "#e9dcc4" : "#9aa1ab"
    readonly property color jointColor: live ? Theme.live : selected ? "#f0a030" : "#6e7682"

    Model {
        objectName: "bones"
        property int variation: root.variation
        pickable: true
        geometry: PreviewGeometry {
            controller: root.controller
            clipIndex: root.variation
            timeS: root.timeS
            mode: PreviewGeometry.Bones
        }
        materials: PrincipledMaterial { baseColor: root.boneColor; roughness: 0.55; metalness: 0.0 }
        castsShadows: true
    }
    Model {
        objectName: "joints"
        property int variation: root.variation
        pickable: true
        geometry: PreviewGeometry {
            id: joints
            controller: root.controller
            clipIndex: root.variation
            timeS: root.timeS
            mode: PreviewGeometry.Joints
        }
        materials: PrincipledMaterial { baseColor: root.jointColor; roughness: 0.4; metalness: 0.0 }
        castsShadows: true
    }
    Model {
        geometry: PreviewGeometry {
            controller: root.controller
            clipIndex: root.variation
            mode: PreviewGeometry.Trajectory
        }
        materials: DefaultMaterial {
            lighting: DefaultMaterial.NoLighting
            diffuseColor: root.selected ? "#f0a030" : "#5d6570"
        }
    }
    // Soft contact shadow under the pelvis, fading as the body leaves the ground.
    Model {
        id: shadow
        visible: joints.hasPose
        source: "#Rectangle"
        position: Qt.vector3d(joints.rootPosition.x, 0.3, joints.rootPosition.z)
        eulerRotation.x: -90
        readonly property real lift: Math.max(0, joints.rootPosition.y - 90) / 100
        scale: Qt.vector3d(0.9 + lift, 0.9 + lift, 1)
        materials: DefaultMaterial {
            lighting: DefaultMaterial.NoLighting
            diffuseColor: "black"
            diffuseMap: root.shadowTexture
            opacity: Math.max(0.15, 0.7 - shadow.lift)
        }
    }
}
