import QtQuick
import QtQuick3D
import Kinema.Ui

// One variation in the scene, shared by the viewport (ViewportPanel) and the offscreen video
// render (RenderScene): the skeleton (joint spheres, bone cylinders) and/or the rigid capsule
// mannequin, the root's ground path and a soft contact shadow. Clips come from `controller`
// (GenerationController) or `source` (ClipSource); `variation` is the clip index; models are
// pickable to select it. figure: "skeleton" | "mannequin" | "both" (the mannequin see-through
// around the skeleton).
Node {
    id: root
    property var controller: null
    property var source: null
    required property int variation
    property real timeS: 0
    property bool selected: false
    property bool live: false
    property string figure: "both"
    property bool showTrajectory: true

    readonly property bool showSkeleton: figure !== "mannequin"
    readonly property bool showMannequin: figure !== "skeleton"
    readonly property color boneColor: live ? "#8fd3e0" : selected ? "#e9dcc4" : "#9aa1ab"
    readonly property color jointColor: live ? Theme.live : selected ? "#f0a030" : "#6e7682"
    readonly property color bodyColor: live ? "#7fc4d2" : selected ? "#d9b48a" : "#8e959f"

    Model {
        objectName: "bones"
        property int variation: root.variation
        visible: root.showSkeleton
        pickable: true
        geometry: PreviewGeometry {
            controller: root.controller
            source: root.source
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
        visible: root.showSkeleton
        pickable: true
        geometry: PreviewGeometry {
            id: joints
            controller: root.controller
            source: root.source
            clipIndex: root.variation
            timeS: root.timeS
            mode: PreviewGeometry.Joints
        }
        materials: PrincipledMaterial { baseColor: root.jointColor; roughness: 0.4; metalness: 0.0 }
        castsShadows: true
    }
    Model {
        objectName: "mannequin"
        property int variation: root.variation
        visible: root.showMannequin
        pickable: true
        geometry: PreviewGeometry {
            controller: root.controller
            source: root.source
            clipIndex: root.variation
            timeS: root.timeS
            mode: PreviewGeometry.Mannequin
        }
        materials: PrincipledMaterial {
            baseColor: root.bodyColor
            roughness: 0.6
            metalness: 0.0
            opacity: root.showSkeleton ? 0.38 : 1.0
            alphaMode: root.showSkeleton ? PrincipledMaterial.Blend : PrincipledMaterial.Opaque
            depthDrawMode: root.showSkeleton ? Material.NeverDepthDraw : Material.OpaqueOnlyDepthDraw
        }
        castsShadows: !root.showSkeleton
    }
    Model {
        visible: root.showTrajectory
        geometry: PreviewGeometry {
            controller: root.controller
            source: root.source
            clipIndex: root.variation
            mode: PreviewGeometry.Trajectory
        }
        materials: DefaultMaterial {
            lighting: DefaultMaterial.NoLighting
            diffuseColor: root.selected ? "#f0a030" : "#5d6570"
            opacity: 0.85
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
            diffuseMap: Texture { textureData: ContactShadowTexture {} }
            opacity: Math.max(0.15, 0.7 - shadow.lift)
        }
    }
}
