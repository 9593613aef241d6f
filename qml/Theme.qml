pragma Singleton
import QtQuick

// Colours, sizes and small formatting helpers shared by every panel.
QtObject {
    readonly property color window: "#1b1d22"
    readonly property color panel: "#23262c"
    readonly property color panelRaised: "#2b2f36"
    readonly property color border: "#353a43"
    readonly property color viewport: "#16181c"
    readonly property color text: "#dcdfe4"
    readonly property color textDim: "#9299a4"
    readonly property color textFaint: "#6b727d"
    readonly property color accent: "#3d8bfd"
    readonly property color accentDim: "#2a5fae"
    readonly property color live: "#38c1d8"
    readonly property color warn: "#e0a93b"
    readonly property color error: "#e5534b"
    readonly property color ok: "#57ab5a"
    readonly property color budget: "#e0a93b"
    readonly property int fontSize: 13
    readonly property int smallFont: 11
    readonly property int titleFont: 11
    readonly property int pad: 12

    function gb(bytes) {
        if (bytes <= 0) return "0 GB";
        if (bytes < 1e9) return (bytes / 1e6).toFixed(0) + " MB";
        return (bytes / 1e9).toFixed(bytes < 1e10 ? 2 : 1) + " GB";
    }
    function seconds(s) {
        if (s < 0) return "–";
        if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + " s";
        return Math.floor(s / 60) + " min " + Math.round(s % 60) + " s";
    }
}
