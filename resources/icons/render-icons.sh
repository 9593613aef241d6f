#!/bin/sh
# Renders the hicolor PNG sizes of the application icon from the SVG (run after editing the SVG;
# the PNGs are committed so that a build needs no SVG renderer). Needs rsvg-convert (librsvg2-bin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for size in 16 22 24 32 48 64 128 256; do
    mkdir -p "$here/hicolor/${size}x${size}"
    rsvg-convert -w "$size" -h "$size" "$here/org.kinema.Kinema.svg" \
        -o "$here/hicolor/${size}x${size}/org.kinema.Kinema.png"
done
