import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick3D
import QtQuick3D.Helpers
import Kinema.Ui

ApplicationWindow {
    id: root
    width: 1280
    height: 800
    visible: true
    title: qsTr("Kinema")

    SystemStatus { id: status }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Pane {
            Layout.fillHeight: true
            Layout.preferredWidth: 340
            ColumnLayout {
                anchors.fill: parent
                spacing: 10
                Label { text: qsTr("Kinema"); font.pixelSize: 24; font.bold: true }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: status.ready ? qsTr("libtorch %1\n%2").arg(status.torchVersion).arg(status.deviceSummary)
                                       : qsTr("Loading the engine...")
                }
                Label { text: qsTr("Models found"); font.bold: true }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: status.models.length ? status.models.join("\n")
                                               : qsTr("none yet - see README, \"Where models go\"")
                }
                Item { Layout.fillHeight: true }
            }
        }

        View3D {
            id: viewport
            Layout.fillWidth: true
            Layout.fillHeight: true
            environment: SceneEnvironment {
                clearColor: "#20242b"
                backgroundMode: SceneEnvironment.Color
                antialiasingMode: SceneEnvironment.MSAA
            }
            PerspectiveCamera { id: camera; position: Qt.vector3d(0, 160, 420); eulerRotation.x: -12 }
            DirectionalLight { eulerRotation.x: -40; eulerRotation.y: -30 }
            Model {
                source: "#Rectangle"
                scale: Qt.vector3d(6, 6, 1)
                eulerRotation.x: -90
                materials: PrincipledMaterial { baseColor: "#3a404a"; roughness: 0.9 }
            }
            AxisHelper { enableAxisLines: false; gridColor: "#555c68"; gridOpacity: 0.6; scale: Qt.vector3d(0.3, 0.3, 0.3) }
            OrbitCameraController { origin: viewport.scene; camera: camera; anchors.fill: parent }
        }
    }
}
