#!/bin/bash
# Checks the files Kinema installs for the desktop, on a staged install of one component:
#   check-install-files.sh <check> <build-dir> <stage-dir> <project-version>
# checks: desktop-file (desktop-file-validate), metainfo (appstreamcli validate --no-net),
#         icons (every hicolor PNG has its nominal size), manpage (kinema-cli.1.gz is a man page
#         with a section for every subcommand of `kinema-cli --help`).
# Exit codes: 0 pass, 1 fail, 77 skipped because a validator is not installed (ctest SKIP_RETURN_CODE).
set -euo pipefail
check=$1 build_dir=$2 stage=$3 version=$4
readonly app_id=org.kinema.Kinema
fail() { echo "FAILED: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*"; exit 77; }

stage_component() {
    rm -rf "$stage"
    cmake --install "$build_dir" --prefix "$stage" --component "$1" >/dev/null
}

case "$check" in
desktop-file)
    command -v desktop-file-validate >/dev/null ||
        skip "desktop-file-validate not found (Debian package desktop-file-utils)"
    stage_component desktop
    f="$stage/share/applications/$app_id.desktop"
    [[ -f $f ]] || fail "$f was not installed"
    desktop-file-validate "$f" || fail "desktop-file-validate rejected $f"
    # Icon= must name the installed hicolor icon, Exec= the installed GUI binary.
    icon=$(sed -n 's/^Icon=//p' "$f")
    [[ -f $stage/share/icons/hicolor/scalable/apps/$icon.svg ]] || fail "Icon=$icon is not installed"
    [[ $(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$f") == kinema ]] || fail "Exec= does not run kinema"
    echo "desktop file OK: $f"
    ;;
metainfo)
    command -v appstreamcli >/dev/null || skip "appstreamcli not found (Debian package appstream)"
    stage_component desktop
    f="$stage/share/metainfo/$app_id.metainfo.xml"
    [[ -f $f ]] || fail "$f was not installed"
    appstreamcli validate --no-net "$f" || fail "appstreamcli rejected $f"
    grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$f" ||
        fail "the launchable is not $app_id.desktop"
    grep -q "<release version=\"$version\"" "$f" || fail "no <release> for version $version"
    [[ -f $stage/share/applications/$app_id.desktop ]] || fail "the launchable's desktop file is not installed"
    echo "metainfo OK: $f"
    ;;
icons)
    stage_component desktop
    n=0
    for size in 16 22 24 32 48 64 128 256; do
        png="$stage/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
        [[ -f $png ]] || fail "$png was not installed"
        [[ $(od -An -tx1 -N8 "$png" | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "$png is not a PNG"
        # IHDR width and height: big-endian 32-bit at bytes 16 and 20.
        w=$((16#$(od -An -tx1 -j16 -N4 "$png" | tr -d ' \n')))
        h=$((16#$(od -An -tx1 -j20 -N4 "$png" | tr -d ' \n')))
        [[ $w == "$size" && $h == "$size" ]] || fail "$png is ${w}x${h}, expected ${size}x${size}"
        n=$((n + 1))
    done
    grep -q '<svg' "$stage/share/icons/hicolor/scalable/apps/$app_id.svg" || fail "the scalable icon is not an SVG"
    echo "icons OK: $n PNG sizes + scalable SVG"
    ;;
manpage)
    stage_component doc
    page="$stage/share/man/man1/kinema-cli.1.gz"
    [[ -f $page ]] || fail "$page was not installed (build the kinema_manpage target)"
    text=$(gzip -dc "$page") || fail "$page is not gzip"
    grep -q '^\.TH KINEMA-CLI 1 ' <<<"$text" || fail "$page has no .TH header"
    grep -q "kinema-cli $version" <<<"$text" || fail "$page does not name version $version"
    cli="$build_dir/app/cli/kinema-cli"
    subs=$("$cli" --help | sed -n '/^Subcommands:/,$p' | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p')
    [[ -n $subs ]] || fail "no subcommands in kinema-cli --help"
    for s in $subs; do
        grep -q "^\.SS $s\$" <<<"$text" || fail "$page has no section for '$s'"
    done
    [[ -f $stage/share/doc/kinema/LICENSE && -f $stage/share/doc/kinema/THIRD_PARTY_NOTICES.md ]] ||
        fail "licence files not installed"
    echo "man page OK: $(wc -w <<<"$subs") subcommands"
    ;;
*)
    echo "unknown check: $check" >&2
    exit 2
    ;;
esac
