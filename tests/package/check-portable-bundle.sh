#!/bin/bash
# The self-contained portable tarball (packaging/make-portable.sh) runs on a system that has none of
# its libraries: a fresh copy of the cached clean Debian 12 minbase root (no Qt, libtorch, FFmpeg,
# OpenBLAS, spdlog, yaml-cpp... : checked first). In there it extracts the tarball under /opt and
#   1. checks with ldd that no bundled ELF file (binaries, lib/, Qt plugins, QML plugins) has an
#      unresolved library, after adding only what the host must provide (the GL dispatch libraries:
#      libGL/GLX/EGL/OpenGL/GLdispatch, libdrm; glibc and libstdc++ are in minbase), and that the
#      Qt, libtorch, FFmpeg and BLAS libraries resolve into the bundle;
#   2. runs bin/kinema-cli --version, doctor, and a kinema-tiny generation with a BVH export;
#   3. with --gui (and a reachable Debian mirror): installs xvfb, Mesa and fonts-dejavu-core (what a
#      desktop host has;
#      neither pulls in Qt) and runs the GUI: a debug-random generation and a screenshot, so the
#      bundled xcb plugin, qt.conf and QML modules are what the GUI loads.
#   check-portable-bundle.sh <build-dir> [--gui] [--keep] [--reuse]
# --reuse: test the tarball already in <build-dir>/packages-portable instead of making it again.
# Needs root (chroot, mount), patchelf, and the cached base root that packaging/test-install.sh
# makes ($KINEMA_CHROOT_CACHE/bookworm-base, default /var/cache/kinema-chroot); this script never
# debootstraps and never modifies the cache (it works on a copy, under the cache's lock).
# Exit codes: 0 pass, 1 fail, 77 skipped (reason printed). KINEMA_PACKAGE_TEST=0 skips,
# KINEMA_PACKAGE_TEST=1 turns a missing requirement into a failure.
set -euo pipefail
readonly SKIP=77
build_dir=$(cd "$1" && pwd)
shift
gui=0
keep=0
reuse=0
while [[ $# -gt 0 ]]; do
    case "$1" in
    --gui) gui=1; shift ;;
    --keep) keep=1; shift ;;
    --reuse) reuse=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
src_dir=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KINEMA_CHROOT_CACHE:-/var/cache/kinema-chroot}
base="$cache/bookworm-base"
mirror=${KINEMA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
fail() { echo "FAILED: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*"; exit $SKIP; }
forced=0
case "${KINEMA_PACKAGE_TEST:-}" in
0) skip "KINEMA_PACKAGE_TEST=0" ;;
1) forced=1 ;;
esac
missing() { if [[ $forced == 1 ]]; then fail "$* (KINEMA_PACKAGE_TEST=1)"; else skip "$*"; fi; }
[[ $(id -u) == 0 ]] || missing "needs root (chroot and mount)"
command -v patchelf >/dev/null || missing "patchelf is not installed (apt-get install patchelf)"
[[ -f $base/.kinema-base-complete ]] ||
    missing "no cached Debian 12 base root in $base (sudo packaging/test-install.sh makes it once)"
[[ -x $build_dir/app/cli/kinema-cli ]] || missing "kinema-cli is not built in $build_dir"
t0=$SECONDS
step() { echo "== [$((SECONDS - t0)) s] $*"; }

# --- 1. The tarball ---
out="$build_dir/packages-portable"
if [[ $reuse == 0 ]]; then
    step "packaging/make-portable.sh --fast"
    "$src_dir/packaging/make-portable.sh" --build-dir "$build_dir" --out "$out" --fast | tail -5
fi
tgz=$(ls "$out"/kinema-*-linux-x86_64.tar.gz) || fail "no tarball in $out"
name=$(basename "$tgz" .tar.gz)
has_gui=0
[[ -x $out/$name/bin/kinema ]] && has_gui=1
[[ -f $out/$name/share/kinema/models/kinema-tiny/kinema-model.json ]] ||
    missing "the build embeds no kinema-tiny (resources/models/kinema-tiny absent)"
echo "tarball: $(($(stat -c %s "$tgz") / 1048576)) MiB; unpacked: $(du -sm "$out/$name" | cut -f1) MiB," \
    "$(find "$out/$name/lib" -maxdepth 1 -name '*.so*' | wc -l) libraries"

# --- 2. A fresh root from the cached base (the cache itself is only read) ---
exec 9>"$cache/.lock"
flock 9 # one chroot test at a time per cache (shared with packaging/test-install.sh)
step "copying the clean base root"
# shellcheck source=packaging/chroot-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../packaging/chroot-root.sh"
chroot_root_open "$cache" "$base" "$keep"

# The root really lacks the libraries (a test that cannot fail is a defect).
pkgs=$(in_root dpkg-query -W -f '${Package}\n')
if grep -E '^(libqt6|qml6-|libtorch|libavcodec|libopenblas|libblas|libspdlog|libyaml-cpp|libzip|libfmt|libgl1$|libx11-6$)' <<<"$pkgs"; then
    fail "the base root already has some of the bundled libraries installed"
fi
for l in libQt6Core.so.6 libtorch_cpu.so.1.13 libavcodec.so.59 libblas.so.3 libspdlog.so.1.10; do
    [[ -z $(find "$root/usr/lib" "$root/lib" -name "$l" 2>/dev/null) ]] || fail "$l is in the base root"
done
echo "base root: $(wc -l <<<"$pkgs") packages, no Qt/libtorch/FFmpeg/BLAS/spdlog/yaml-cpp"

# --- 3. What a desktop host provides and the bundle leaves out (make-portable.sh's exclude list):
# the GL dispatch libraries, libdrm and the core X11 client libraries, with what they link
# (copied from this Debian 12 host; glibc and libstdc++ are already in minbase) ---
libdir=/usr/lib/x86_64-linux-gnu
host_libs=(libGL.so.1 libGLX.so.0 libGLdispatch.so.0 libOpenGL.so.0 libEGL.so.1 libdrm.so.2
    libX11.so.6 libX11-xcb.so.1 libxcb.so.1 libXau.so.6 libXdmcp.so.6)
declare -A host_files=()
for l in "${host_libs[@]}"; do
    [[ -e $libdir/$l ]] || fail "this host has no $libdir/$l to play the target host's part"
    host_files[$l]=$libdir/$l
    while read -r so arrow path _; do
        [[ $arrow == '=>' && $path == /* ]] && host_files[$so]=$path
    done < <(ldd "$libdir/$l")
done
added=()
for so in "${!host_files[@]}"; do
    [[ -e $root$libdir/$so || -e $root/lib/x86_64-linux-gnu/$so ]] && continue
    src=$(readlink -f "${host_files[$so]}")
    cp "$src" "$root$libdir/"
    [[ $(basename "$src") == "$so" ]] || ln -sf "$(basename "$src")" "$root$libdir/$so"
    added+=("$so")
done
in_root ldconfig
echo "host-provided libraries added to the root: ${added[*]}"

step "extracting the tarball into /opt"
tar -xzf "$tgz" -C "$root/opt"
prefix=/opt/$name
[[ -f $root$prefix/bin/qt.conf ]] || fail "bin/qt.conf is missing"

# --- 4. ldd of everything in the bundle, inside the root ---
step "ldd of every ELF file in the bundle (inside the root)"
unresolved=0
checked=0
while IFS= read -r f; do
    rel=${f#"$root"}
    res=$(in_root ldd "$rel" 2>&1) || true
    checked=$((checked + 1))
    if grep -q 'not found' <<<"$res"; then
        echo "$rel:"; grep 'not found' <<<"$res"
        unresolved=1
    fi
done < <(find "$root$prefix/bin" "$root$prefix/lib" -type f \( -name '*.so*' -o -perm -u+x \) ! -name '*.conf' \
    -exec sh -c 'head -c4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
[[ $unresolved == 0 ]] || fail "unresolved libraries in the clean root (above)"
echo "ldd: $checked ELF files, none with an unresolved library"
bins=(kinema-cli)
[[ $has_gui == 1 ]] && bins+=(kinema)
for b in "${bins[@]}"; do
    res=$(in_root ldd "$prefix/bin/$b")
    for l in libQt6Core.so.6 libtorch_cpu.so.1.13 libavcodec.so.59 libblas.so.3 libspdlog.so.1.10 libyaml-cpp.so.0.7; do
        line=$(grep -F "$l =>" <<<"$res") || continue
        [[ $line == *"=> $prefix/"* ]] || fail "$b: $l resolves outside the bundle: $line"
    done
    echo "$b: $(grep -c "=> $prefix/" <<<"$res") libraries from the bundle, from the host:" \
        "$(grep '=>' <<<"$res" | grep -v "=> $prefix/" | awk '{print $1}' | sort | tr '\n' ' ')"
done

# --- 5. kinema-cli in the root ---
step "kinema-cli --version / doctor"
in_root "$prefix/bin/kinema-cli" --version
in_root "$prefix/bin/kinema-cli" doctor >"$root/tmp/doctor.txt" 2>&1 || { cat "$root/tmp/doctor.txt"; fail "kinema-cli doctor"; }
head -4 "$root/tmp/doctor.txt"
step "kinema-cli generate --model kinema-tiny --export bvh"
in_root "$prefix/bin/kinema-cli" generate --model kinema-tiny --prompt "a person walks forward" \
    --duration 2 --export bvh --out-dir /tmp/o >"$root/tmp/gen.txt" 2>&1 || { cat "$root/tmp/gen.txt"; fail "kinema-tiny generation"; }
bvh=$(find "$root/tmp/o" -name '*.bvh' | head -1)
[[ -n $bvh ]] && head -c 9 "$bvh" | grep -q HIERARCHY || fail "no BVH written under /tmp/o"
echo "kinema-tiny BVH in the clean root: $(stat -c %s "$bvh") bytes, $(grep -c . "$bvh") lines"

# --- 6. The GUI under Xvfb (optional: apt installs xvfb + Mesa, ~1 min, needs the mirror) ---
if [[ $gui == 1 && $has_gui == 1 ]]; then
    mirror_host=$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"$mirror")
    if ! timeout 10 bash -c "exec 3<>/dev/tcp/$mirror_host/80" 2>/dev/null; then
        echo "NOTE: --gui skipped: the Debian mirror $mirror_host is not reachable"
    else
        step "installing xvfb, Mesa and a font (what a desktop host has: X server, GL driver, fonts) with apt"
        archives="$cache/apt-archives"
        mkdir -p "$archives/partial"
        chroot_root_mount "$archives" var/cache/apt/archives
        cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
        echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
        echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >"$root/etc/apt/apt.conf.d/01keep-debs"
        in_root apt-get update -q >"$root/tmp/apt.log" 2>&1 || { tail "$root/tmp/apt.log"; fail "apt-get update"; }
        in_root apt-get install -y -q --no-install-recommends xvfb xauth libgl1-mesa-dri fonts-dejavu-core >>"$root/tmp/apt.log" 2>&1 ||
            { tail -20 "$root/tmp/apt.log"; fail "apt-get install xvfb"; }
        in_root dpkg-query -W -f '${Package}\n' | grep -E '^(libqt6|qml6-|libtorch)' &&
            fail "installing xvfb pulled in Qt or libtorch: the GUI check would not test the bundle"
        step "kinema --generate --screenshot under Xvfb"
        if ! in_root timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" "$prefix/bin/kinema" --model debug-random \
            --prompt "a person walks" --steps 4 --duration 2 --generate --size 800x500 \
            --screenshot /tmp/shot.png --quit >"$root/tmp/gui.log" 2>&1; then
            tail -30 "$root/tmp/gui.log"
            fail "kinema (GUI) did not run from the bundle"
        fi
        if grep -E 'is not installed|module .* not found|QQmlApplicationEngine failed|Could not load the Qt platform' "$root/tmp/gui.log"; then
            fail "Qt plugins or QML modules not found in the bundle"
        fi
        [[ -s $root/tmp/shot.png ]] || fail "kinema wrote no screenshot"
        cp "$root/tmp/shot.png" "$out/portable-screenshot.png"
        echo "GUI screenshot from the bundle: $(stat -c %s "$root/tmp/shot.png") bytes -> $out/portable-screenshot.png"
    fi
elif [[ $has_gui == 1 ]]; then
    echo "NOTE: GUI not run (pass --gui): only ldd checked bin/kinema, its Qt plugins and QML plugins"
fi
step "done"
echo "PASSED: the portable tarball runs in a clean Debian 12 root without its libraries ($((SECONDS - t0)) s)"
