#!/bin/bash
# Install test: builds the kinema .deb, installs it with apt into a clean Debian 12 (bookworm) root
# made by debootstrap, and runs kinema-cli there (doctor, a debug-random generation with a BVH
# export, and a kinema-tiny one when the package embeds the model), then the GUI under Xvfb
# (--no-gui skips that: it installs xvfb and Mesa into the root, ~1 min more).
#
#   packaging/test-install.sh [--build-dir DIR] [--deb FILE] [--no-build] [--keep] [--no-gui] [--ctest]
#
# Needs root (debootstrap, chroot, mount), debootstrap and network access to a Debian mirror.
# The debootstrapped base and apt's downloaded .debs are cached under $KINEMA_CHROOT_CACHE
# (default /var/cache/kinema-chroot), so only the first run downloads the base system (~1 min);
# every run starts from a fresh copy of that base, so the test always sees a clean system.
# Environment: KINEMA_CHROOT_CACHE, KINEMA_DEBIAN_MIRROR, KINEMA_DEBIAN_SECURITY_MIRROR.
# Exit codes: 0 pass, 1 fail, 77 skipped (the reason is printed): ctest's SKIP_RETURN_CODE.
# --ctest: skip (exit 77, reason printed) when not root, without debootstrap or without a reachable
# mirror; KINEMA_PACKAGE_TEST=1 forces the run, KINEMA_PACKAGE_TEST=0 skips it.
set -euo pipefail

readonly SKIP=77
src_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$src_dir/build/dev"
deb=""
do_build=1
keep=0
gui=1
from_ctest=0
while [[ $# -gt 0 ]]; do
    case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --deb) deb=$2; do_build=0; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --keep) keep=1; shift ;;
    --no-gui) gui=0; shift ;;
    --ctest) from_ctest=1; shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

cache=${KINEMA_CHROOT_CACHE:-/var/cache/kinema-chroot}
mirror=${KINEMA_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${KINEMA_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
base="$cache/bookworm-base"
archives="$cache/apt-archives"

skip() { echo "SKIPPED: $*"; exit $SKIP; }
fail() { echo "FAILED: $*" >&2; exit 1; }
t_start=$SECONDS
t_step=$SECONDS
step() {
    echo "== [$((SECONDS - t_start)) s, previous step $((SECONDS - t_step)) s] $*"
    t_step=$SECONDS
}

# Under ctest the test runs by itself when it can (root, debootstrap, a reachable Debian mirror);
# KINEMA_PACKAGE_TEST=0 turns it off, KINEMA_PACKAGE_TEST=1 forces it (then a missing requirement
# is a failure, not a skip).
forced=0
if [[ $from_ctest == 1 ]]; then
    case "${KINEMA_PACKAGE_TEST:-}" in
    0) skip "KINEMA_PACKAGE_TEST=0" ;;
    1) forced=1 ;;
    esac
fi
missing() { if [[ $forced == 1 ]]; then fail "$* (KINEMA_PACKAGE_TEST=1)"; else skip "$*"; fi; }
[[ $(id -u) == 0 ]] || missing "needs root (debootstrap, chroot and mount)"
command -v debootstrap >/dev/null || missing "debootstrap is not installed (apt-get install debootstrap)"
command -v cpack >/dev/null || missing "cpack is not on PATH"
mirror_host=$(sed -E 's#^[a-z]+://([^/:]+).*#\1#' <<<"$mirror")
if ! timeout 10 bash -c "exec 3<>/dev/tcp/$mirror_host/80" 2>/dev/null; then
    missing "the Debian mirror $mirror_host is not reachable (set KINEMA_DEBIAN_MIRROR)"
fi

# --- 1. The package ---
if [[ -z $deb ]]; then
    if [[ $do_build == 1 ]]; then
        step "building kinema, kinema-cli, kinema_manpage in $build_dir"
        lock=(); command -v flock >/dev/null && lock=(flock /tmp/kinema-build.lock)
        "${lock[@]}" cmake --build "$build_dir" --target kinema kinema-cli kinema_manpage
    fi
    step "cpack -G DEB"
    rm -f "$build_dir"/packages/kinema_*.deb
    (cd "$build_dir" && cpack -G DEB -B "$build_dir/packages") >"$build_dir/packages-cpack.log" 2>&1 ||
        { cat "$build_dir/packages-cpack.log"; fail "cpack"; }
    deb=$(ls "$build_dir"/packages/kinema_*.deb)
fi
[[ -f $deb ]] || fail "no .deb at '$deb'"
echo "package: $deb ($(stat -c %s "$deb") bytes)"
dpkg-deb --field "$deb" Package Version Architecture Installed-Size Depends
has_tiny=0
contents=$(dpkg-deb --contents "$deb") # (no `dpkg-deb | grep -q`: SIGPIPE + pipefail)
grep -q '/usr/share/kinema/models/kinema-tiny/' <<<"$contents" && has_tiny=1
# A KINEMA_GUI=OFF build packages only kinema-cli: no GUI, desktop files or QML checks then.
has_gui=0
grep -q ' \./usr/bin/kinema$' <<<"$contents" && has_gui=1
[[ $has_gui == 1 ]] || { gui=0; echo "NOTE: the package has no GUI (KINEMA_GUI=OFF build)"; }

# --- 2. The cached clean base system ---
mkdir -p "$cache" "$archives/partial"
exec 9>"$cache/.lock"
flock 9 # one run at a time per cache
if [[ ! -f $base/.kinema-base-complete ]]; then
    step "debootstrap --variant=minbase bookworm (first run; cached in $base)"
    rm -rf "$base.tmp"
    debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        { tail -20 "$cache/debootstrap.log"; fail "debootstrap"; }
    touch "$base.tmp/.kinema-base-complete"
    rm -rf "$base"
    mv "$base.tmp" "$base"
else
    echo "using cached base $base"
fi

# --- 3. A fresh root from the base ---
step "copying the base into a fresh root"
# shellcheck source=packaging/chroot-root.sh
source "$(dirname "${BASH_SOURCE[0]}")/chroot-root.sh"
chroot_root_open "$cache" "$base" "$keep"
chroot_root_mount "$archives" var/cache/apt/archives
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security_mirror bookworm-security main
EOF
# Keep the downloaded .debs for the next run (the bind-mounted cache).
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >"$root/etc/apt/apt.conf.d/01keep-debs"
cp "$deb" "$root/tmp/kinema.deb"


# --- 4. Install with apt: only the package's Depends (no Recommends) must be enough ---
step "apt-get update"
in_root apt-get update -q >"$root/tmp/apt-update.log" 2>&1 || { cat "$root/tmp/apt-update.log"; fail "apt-get update"; }
step "apt-get install --no-install-recommends /tmp/kinema.deb"
if ! in_root apt-get install -y -q --no-install-recommends /tmp/kinema.deb >"$root/tmp/apt-install.log" 2>&1; then
    tail -40 "$root/tmp/apt-install.log"
    fail "apt-get install of the package"
fi
grep -E '^(Need to get|After this operation|[0-9]+ upgraded)' "$root/tmp/apt-install.log" || true

# --- 5. What the package put there ---
step "checking the installed files"
bins=(/usr/bin/kinema-cli)
[[ $has_gui == 1 ]] && bins+=(/usr/bin/kinema)
for f in "${bins[@]}"; do
    [[ -x $root$f ]] || fail "$f is missing"
    if in_root ldd "$f" | grep 'not found'; then fail "$f has unresolved libraries"; fi
done
files=(/usr/share/man/man1/kinema-cli.1.gz /usr/share/doc/kinema/copyright
    /usr/share/doc/kinema/LICENSE /usr/share/doc/kinema/THIRD_PARTY_NOTICES.md)
[[ $has_gui == 1 ]] && files+=(/usr/share/applications/org.kinema.Kinema.desktop
    /usr/share/metainfo/org.kinema.Kinema.metainfo.xml
    /usr/share/icons/hicolor/scalable/apps/org.kinema.Kinema.svg
    /usr/share/icons/hicolor/256x256/apps/org.kinema.Kinema.png)
for f in "${files[@]}"; do
    [[ -f $root$f ]] || fail "$f is missing"
done
# The QML modules the GUI imports at run time (Depends that shlibdeps cannot see).
if [[ $has_gui == 1 ]]; then
    for q in QtQuick QtQuick/Window QtQuick/Controls QtQuick/Layouts QtQuick/Templates \
        QtQml/WorkerScript QtQuick3D QtQuick3D/Helpers; do
        [[ -f $root/usr/lib/x86_64-linux-gnu/qt6/qml/$q/qmldir ]] || fail "QML module $q is not installed"
    done
fi

# --- 6. Run it ---
step "kinema-cli --version / doctor"
in_root /usr/bin/kinema-cli --version
in_root /usr/bin/kinema-cli doctor || fail "kinema-cli doctor"
step "kinema-cli models list (the model manager: catalog, sizes, licences, discovery)"
in_root /usr/bin/kinema-cli models list >"$root/tmp/models.txt" || { cat "$root/tmp/models.txt"; fail "kinema-cli models list"; }
grep -q 'HY-Motion-1.0' "$root/tmp/models.txt" || fail "models list does not show the catalog"
in_root env HF_HUB_OFFLINE=1 /usr/bin/kinema-cli models download hy-motion-1.0-lite --json >"$root/tmp/offline.json" &&
    fail "an offline download succeeded"
grep -q '"kind": "offline"' "$root/tmp/offline.json" || { cat "$root/tmp/offline.json"; fail "offline download: no typed error"; }

step "kinema-cli generate --model debug-random (BVH)"
in_root /usr/bin/kinema-cli generate --model debug-random --prompt "a person walks" --duration 2 \
    --steps 4 --export bvh --out-dir /tmp/out || fail "kinema-cli generate (debug-random)"
bvh=$(find "$root/tmp/out" -name '*.bvh' | head -1)
[[ -n $bvh && -s $bvh ]] || fail "no BVH written under /tmp/out"
head -c 9 "$bvh" | grep -q HIERARCHY || fail "$bvh is not a BVH file"
echo "BVH: ${bvh#"$root"} ($(stat -c %s "$bvh") bytes, $(grep -c . "$bvh") lines)"

if [[ $has_tiny == 1 ]]; then
    step "kinema-cli generate --model kinema-tiny (BVH)"
    in_root /usr/bin/kinema-cli generate --model kinema-tiny --prompt "a person walks" --duration 2 \
        --export bvh --out-dir /tmp/out-tiny || fail "kinema-cli generate (kinema-tiny)"
    find "$root/tmp/out-tiny" -name '*.bvh' | grep -q . || fail "no kinema-tiny BVH"
else
    echo "NOTE: the package does not embed kinema-tiny (resources/models/kinema-tiny was absent); only debug-random was run"
fi

# The GUI: the QML modules resolve and a generation renders (under Xvfb, which is installed now as
# a test tool, after the package's own Depends were checked above).
if [[ $gui == 1 ]]; then
    step "installing xvfb (test tool) and running kinema --generate --screenshot under Xvfb"
    in_root apt-get install -y -q --no-install-recommends xvfb xauth libgl1-mesa-dri \
        >"$root/tmp/apt-xvfb.log" 2>&1 || { tail -20 "$root/tmp/apt-xvfb.log"; fail "apt-get install xvfb"; }
    if ! in_root timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/kinema --model debug-random \
        --prompt "a person walks" --steps 4 --duration 2 --generate --size 800x500 \
        --screenshot /tmp/shot.png --quit >"$root/tmp/kinema-gui.log" 2>&1; then
        tail -30 "$root/tmp/kinema-gui.log"
        fail "kinema (GUI) did not run in the clean root"
    fi
    if grep -E 'is not installed|module .* not found|QQmlApplicationEngine failed' "$root/tmp/kinema-gui.log"; then
        fail "QML modules missing at run time"
    fi
    [[ -s $root/tmp/shot.png ]] || fail "kinema wrote no screenshot"
    mkdir -p "$build_dir/packages"
    cp "$root/tmp/shot.png" "$build_dir/packages/install-test-screenshot.png"
    echo "GUI screenshot: $(stat -c %s "$root/tmp/shot.png") bytes, copied to $build_dir/packages/install-test-screenshot.png"
fi

step "done"
echo "PASSED: the .deb installs in a clean Debian 12 root and kinema-cli runs there (total $((SECONDS - t_start)) s)"
