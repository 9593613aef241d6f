#!/bin/bash
# Self-contained portable tarball for other Linux distributions: installs kinema and kinema-cli from
# a build tree, bundles every shared library they (and the Qt plugins and QML modules they load)
# need except the host-provided set below, and writes kinema-<version>-linux-x86_64.tar.gz.
#
#   packaging/make-portable.sh [--build-dir DIR] [--out DIR] [--fast] [--no-tar] [--no-lock]
#
# --build-dir  configured and built tree (default build/dev); kinema, kinema-cli, kinema_manpage
#              and kinema_changelog must be built (the script does not build).
# --out        where the staged folder and the tarball go (default <build-dir>/packages-portable).
# --fast       gzip -1 instead of -6 (the test uses it: ~3x faster, ~10 % bigger).
# --no-tar     stop after staging the folder.
# --no-lock    do not take /tmp/kinema-build.lock around `cmake --install` (which reads the built
#              binaries; the lock keeps a concurrent build from rewriting them meanwhile). Pass it
#              when the caller already holds that lock; otherwise a held lock fails after 10 min.
# Needs: cmake, ldd, patchelf (apt-get install patchelf), a Debian-like host where the Qt 6
# plugins and QML modules live under `qtpaths6 --query QT_INSTALL_PLUGINS / QT_INSTALL_QML`.
#
# Layout of the tarball (prefix kinema-<version>-linux-x86_64/):
#   bin/kinema, bin/kinema-cli      RUNPATH $ORIGIN/../lib (set by packaging/CMakeLists.txt)
#   bin/qt.conf                     points Qt at lib/qt6/plugins and lib/qt6/qml
#   lib/*.so*                       the bundled libraries, each with RUNPATH $ORIGIN
#   lib/qt6/plugins/<group>/*.so    platforms (xcb, offscreen, minimal), xcbglintegrations, tls,
#                                   imageformats, platforminputcontexts; RUNPATH to lib/
#   lib/qt6/qml/{QtQml,QtQuick,QtQuick3D}/  the QML modules; plugin RUNPATH to lib/
#   share/...                       what `cmake --install` puts there (model, docs, icons, man page)
#   share/doc/kinema/BUNDLED_LIBRARIES.txt  every bundled library and the host file it came from
#
# Why RUNPATH on every bundled library: DT_RUNPATH is not transitive (the binary's $ORIGIN/../lib is
# used for its own DT_NEEDED only), so libtorch_cpu's own dependencies (OpenCV, OpenBLAS, ...) and
# the plugins' dependencies are found only if each of those files carries its own RUNPATH.
#
# NOT bundled (the host must provide them; the AppImage-style exclude list, narrowed):
#   - glibc (ld-linux, libc, libm, libdl, libpthread, librt, libresolv, libutil, libanl, libmvec):
#     it must match the host's dynamic loader. The bundle needs glibc >= 2.36 (Debian 12's).
#   - libstdc++ and libgcc_s: the host's GL driver (Mesa's LLVM, NVIDIA's libGLX) is loaded into the
#     process and needs the host's C++ runtime, which must not be replaced by an older copy. The
#     bundle needs GCC 12's runtime (GLIBCXX_3.4.30) or newer, which every distribution with
#     glibc >= 2.36 ships.
#   - libGL, libGLX, libEGL, libGLESv2, libOpenGL, libGLdispatch (libglvnd), libdrm, libgbm: they
#     must match the host's kernel driver and GPU vendor library.
#   - the core X11 client libraries libX11, libX11-xcb, libxcb, libXau, libXdmcp: the host's libGLX
#     links them, so the process must use the host's copies (one copy per soname per process).
#     Even kinema-cli needs libGL and libX11 from the host: Debian's libtorch links OpenCV, whose
#     highgui links Qt 5 and X11 (a pytorch.org libtorch would not).
# Bundled although AppImage's list excludes them: the xcb extension libraries the Qt xcb plugin
# uses (stable ABI), fontconfig/freetype (a host without them could not start even kinema-cli).
# OpenBLAS: libtorch needs libblas.so.3/liblapack.so.3, which Debian resolves through alternatives;
# `cp -L` copies the file the alternative points at, and the script checks it is the pthread
# OpenBLAS (/usr/lib/x86_64-linux-gnu/openblas-pthread/), not the reference BLAS.
set -euo pipefail

src_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$src_dir/build/dev"
out=""
gzip_level=6
do_tar=1
use_lock=1
while [[ $# -gt 0 ]]; do
    case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --fast) gzip_level=1; shift ;;
    --no-tar) do_tar=0; shift ;;
    --no-lock) use_lock=0; shift ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
fail() { echo "make-portable: $*" >&2; exit 1; }
build_dir=$(cd "$build_dir" && pwd)
[[ -n $out ]] || out="$build_dir/packages-portable"
command -v patchelf >/dev/null || fail "patchelf is not installed (apt-get install patchelf)"
command -v ldd >/dev/null || fail "ldd is not installed"

# The host-provided set (see the header). Matched against the soname.
exclude_re='^(ld-linux.*|libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|libmvec|libBrokenLocale|libstdc\+\+|libgcc_s|libGL|libGLX|libEGL|libGLESv1_CM|libGLESv2|libOpenGL|libGLdispatch|libdrm|libgbm|libX11|libX11-xcb|libxcb|libXau|libXdmcp)\.so(\..*)?$'

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")/\1/p' "$build_dir/CPackConfig.cmake")
[[ -n $version ]] || fail "no CPACK_PACKAGE_VERSION in $build_dir/CPackConfig.cmake (not configured?)"
name="kinema-$version-linux-x86_64"
stage="$out/$name"
t0=$SECONDS

# --- 1. Install the project into the staging prefix (stripped) ---
rm -rf "$stage" "$out/$name.tar.gz"
mkdir -p "$out"
lock=()
[[ $use_lock == 1 ]] && command -v flock >/dev/null && lock=(flock -w 600 /tmp/kinema-build.lock)
"${lock[@]}" cmake --install "$build_dir" --prefix "$stage" --strip >"$out/install.log" 2>&1 ||
    { tail -20 "$out/install.log"; fail "cmake --install failed"; }
[[ -x $stage/bin/kinema-cli ]] || fail "bin/kinema-cli was not installed"
bins=("$stage/bin/kinema-cli")
[[ -x $stage/bin/kinema ]] && bins+=("$stage/bin/kinema")

# --- 2. Qt plugins and QML modules (the GUI only; kinema-cli needs tls for downloads) ---
qtpaths=$(command -v qtpaths6 || command -v /usr/lib/qt6/bin/qtpaths6 || true)
[[ -n $qtpaths ]] || fail "qtpaths6 not found (qt6-base-dev-tools)"
qt_plugins=$("$qtpaths" --query QT_INSTALL_PLUGINS)
qt_qml=$("$qtpaths" --query QT_INSTALL_QML)
plugin_dst="$stage/lib/qt6/plugins"
qml_dst="$stage/lib/qt6/qml"
plugin_files=(tls/libqopensslbackend.so tls/libqcertonlybackend.so)
if [[ -x $stage/bin/kinema ]]; then
    plugin_files+=(platforms/libqxcb.so platforms/libqoffscreen.so platforms/libqminimal.so
        xcbglintegrations/libqxcb-glx-integration.so xcbglintegrations/libqxcb-egl-integration.so
        imageformats/libqjpeg.so imageformats/libqgif.so imageformats/libqico.so
        platforminputcontexts/libcomposeplatforminputcontextplugin.so
        platforminputcontexts/libibusplatforminputcontextplugin.so)
fi
for p in "${plugin_files[@]}"; do
    if [[ -f $qt_plugins/$p ]]; then
        mkdir -p "$plugin_dst/$(dirname "$p")"
        cp -L "$qt_plugins/$p" "$plugin_dst/$p"
    else
        echo "make-portable: note: Qt plugin $p is not installed on this host; not bundled"
    fi
done
if [[ -x $stage/bin/kinema ]]; then
    # The modules qml/ imports (QtQuick, .Controls, .Layouts, .Templates, .Window, QtQuick3D,
    # QtQuick3D.Helpers) and what they import (QtQml, QtQml.WorkerScript, QtQml.Models). The whole
    # folders: 13 MB on Debian 12, and no module the QML import trace resolves is left out.
    mkdir -p "$qml_dst"
    for m in QtQml QtQuick QtQuick3D; do
        [[ -d $qt_qml/$m ]] || fail "QML module folder $qt_qml/$m is missing on this host"
        cp -a "$qt_qml/$m" "$qml_dst/"
    done
fi
cat >"$stage/bin/qt.conf" <<'EOF'
; Written by packaging/make-portable.sh: Qt finds the bundled plugins and QML modules here.
[Paths]
Prefix = ..
Libraries = lib
Plugins = lib/qt6/plugins
QmlImports = lib/qt6/qml
Qml2Imports = lib/qt6/qml
EOF

# --- 3. The shared libraries: ldd of every ELF file we ship (ldd resolves the whole closure) ---
mapfile -t elves < <(printf '%s\n' "${bins[@]}"; find "$stage/lib/qt6" -name '*.so' -type f 2>/dev/null)
declare -A wanted=()
missing=()
for f in "${elves[@]}"; do
    while read -r soname arrow path _; do
        [[ $arrow == '=>' ]] || continue
        if [[ $path == not ]]; then missing+=("$soname (needed by ${f#"$stage/"})"); continue; fi
        [[ $path == /* ]] || continue
        [[ $soname =~ $exclude_re ]] && continue
        wanted[$soname]=$path
    done < <(ldd "$f" 2>/dev/null || true)
done
[[ ${#missing[@]} == 0 ]] || fail "unresolved on this host: ${missing[*]}"
mkdir -p "$stage/lib" "$stage/share/doc/kinema"
manifest="$stage/share/doc/kinema/BUNDLED_LIBRARIES.txt"
{
    echo "# Libraries bundled by packaging/make-portable.sh: soname <- host file (resolved)"
    echo "# Host-provided (not bundled): glibc, libstdc++/libgcc_s, libGL/GLX/EGL/OpenGL/GLdispatch, libdrm, libgbm,"
    echo "# libX11, libX11-xcb, libxcb, libXau, libXdmcp"
} >"$manifest"
# Sonames that resolve to the same file (OpenBLAS: libblas.so.3, liblapack.so.3, libopenblas.so.0)
# become symlinks to the first copy, as on the host (ld.so maps one file once).
declare -A copied=()
for soname in $(printf '%s\n' "${!wanted[@]}" | sort); do
    src=${wanted[$soname]}
    real=$(readlink -f "$src")
    if [[ -n ${copied[$real]:-} ]]; then
        ln -s "${copied[$real]}" "$stage/lib/$soname"
    else
        cp -L "$src" "$stage/lib/$soname"
        chmod u+w "$stage/lib/$soname"
        copied[$real]=$soname
    fi
    echo "$soname <- $src ($real)" >>"$manifest"
done
# libtorch's BLAS must be the pthread OpenBLAS that alternatives selects, not the reference BLAS.
for b in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
    [[ -n ${wanted[$b]:-} ]] || continue
    real=$(readlink -f "${wanted[$b]}")
    [[ $real == */openblas-pthread/* ]] ||
        fail "$b resolves to $real, not the pthread OpenBLAS (update-alternatives --config $b-x86_64-linux-gnu)"
    echo "make-portable: $b = $real"
done

# --- 4. RUNPATHs: every bundled library finds its siblings, every plugin finds lib/ ---
for l in "$stage"/lib/*.so*; do
    [[ -L $l ]] && continue
    patchelf --set-rpath '$ORIGIN' "$l"
done
while IFS= read -r p; do
    rel=$(realpath --relative-to="$(dirname "$p")" "$stage/lib")
    patchelf --set-rpath "\$ORIGIN/$rel" "$p"
done < <(find "$stage/lib/qt6" -name '*.so' -type f 2>/dev/null)

size_kb=$(du -sk "$stage" | cut -f1)
echo "make-portable: staged $stage: ${#wanted[@]} libraries, $((size_kb / 1024)) MiB ($((SECONDS - t0)) s)"

# --- 5. The tarball ---
if [[ $do_tar == 1 ]]; then
    tar -C "$out" -cf - "$name" | gzip -"$gzip_level" >"$out/$name.tar.gz.tmp"
    mv "$out/$name.tar.gz.tmp" "$out/$name.tar.gz"
    echo "make-portable: $out/$name.tar.gz ($(($(stat -c %s "$out/$name.tar.gz") / 1048576)) MiB, total $((SECONDS - t0)) s)"
fi
