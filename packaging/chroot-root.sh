# Sourced by packaging/test-install.sh and tests/package/check-portable-bundle.sh: a throw-away
# copy of the cached clean Debian root, torn down on exit.
#   chroot_root_open CACHE BASE KEEP   sets $root (a fresh copy of BASE under CACHE, /proc mounted)
#   chroot_root_mount SRC DST          bind-mounts SRC at $root/DST (undone on exit)
#   in_root CMD...                     runs CMD in the root with a clean environment
# On exit every mount is undone in reverse order; the root is deleted unless KEEP is 1, and never
# while something is still mounted under it (the apt archive cache may be bind-mounted there).
chroot_root_mounts=()
chroot_root_keep=0

chroot_root_cleanup() {
    for ((i = ${#chroot_root_mounts[@]} - 1; i >= 0; i--)); do
        umount "${chroot_root_mounts[i]}" 2>/dev/null || umount -l "${chroot_root_mounts[i]}" || true
    done
    if [[ $chroot_root_keep == 1 ]]; then
        echo "kept the root at $root"
    elif grep -q " $root/" /proc/mounts; then
        echo "not deleting $root: something is still mounted under it" >&2
    else
        rm -rf "$root"
    fi
}

chroot_root_open() {
    chroot_root_keep=$3
    root=$(mktemp -d "$1/root.XXXXXX")
    trap chroot_root_cleanup EXIT
    cp -a "$2/." "$root/"
    mount -t proc proc "$root/proc" && chroot_root_mounts+=("$root/proc")
}

chroot_root_mount() {
    mkdir -p "$root/$2"
    mount --bind "$1" "$root/$2" && chroot_root_mounts+=("$root/$2")
}

in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive OMP_NUM_THREADS=2 "$@"
}
