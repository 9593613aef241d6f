#!/bin/bash
# The portable tarball runs from any folder: builds it with CPack (TGZ), extracts it into a fresh
# temporary folder, checks that the binaries carry RUNPATH $ORIGIN/../lib (readelf), and runs the
# extracted bin/kinema-cli there with a clean environment: doctor, then a kinema-tiny generation
# with a BVH export (the embedded model must be found next to the binary).
#   check-portable-tgz.sh <build-dir>
# Exit codes: 0 pass, 1 fail, 77 skipped (cpack or readelf missing, or no kinema-tiny in the build).
set -euo pipefail
build_dir=$(cd "$1" && pwd)
fail() { echo "FAILED: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*"; exit 77; }
command -v cpack >/dev/null || skip "cpack is not on PATH"
command -v readelf >/dev/null || skip "readelf is not installed (binutils)"

out="$build_dir/packages-tgz"
rm -rf "$out"
start=$SECONDS
(cd "$build_dir" && cpack -G TGZ -B "$out") >"$build_dir/packages-tgz-cpack.log" 2>&1 ||
    { tail -20 "$build_dir/packages-tgz-cpack.log"; fail "cpack -G TGZ"; }
tgz=$(ls "$out"/*.tar.gz)
echo "tarball: $tgz ($(stat -c %s "$tgz") bytes, cpack $((SECONDS - start)) s)"

where=$(mktemp -d /tmp/kinema-portable.XXXXXX)
trap 'rm -rf "$where"' EXIT
tar -xzf "$tgz" -C "$where"
top=$(find "$where" -mindepth 1 -maxdepth 1 -type d | head -1)
cli="$top/bin/kinema-cli"
[[ -x $cli ]] || fail "bin/kinema-cli is not in the tarball"
for bin in "$top"/bin/*; do
    runpath=$(readelf -d "$bin" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
    [[ $runpath == *'$ORIGIN/../lib'* ]] || fail "$bin has RUNPATH '$runpath', expected \$ORIGIN/../lib"
    echo "$(basename "$bin"): RUNPATH $runpath"
done
[[ -f $top/share/kinema/models/kinema-tiny/kinema-model.json ]] ||
    skip "the build embeds no kinema-tiny (resources/models/kinema-tiny absent)"

# Run from an unrelated folder with a clean environment: nothing points back at the build tree.
run() { (cd "$where" && env -i HOME="$where/home" PATH=/usr/bin:/bin LANG=C.UTF-8 OMP_NUM_THREADS=2 "$@"); }
mkdir -p "$where/home"
run "$cli" doctor >"$where/doctor.txt" || { cat "$where/doctor.txt"; fail "kinema-cli doctor"; }
head -3 "$where/doctor.txt"
# The engine looks next to the binary before the developer fallback (the source tree), so this
# generation uses the tarball's share/kinema/models/kinema-tiny.
run "$cli" generate --model kinema-tiny --prompt "a person walks" --duration 2 --export bvh \
    --out-dir "$where/out" --json >"$where/gen.json" || { cat "$where/gen.json"; fail "kinema-tiny generation"; }
bvh=$(find "$where/out" -name '*.bvh' | head -1)
[[ -n $bvh ]] && head -c 9 "$bvh" | grep -q HIERARCHY || fail "no BVH written"
echo "kinema-tiny BVH from the extracted tarball: $(stat -c %s "$bvh") bytes"
echo "PASSED: the tarball runs from $where"
