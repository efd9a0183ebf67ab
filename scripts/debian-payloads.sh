#!/usr/bin/env bash
# Real software for the tests and benchmarks, from Debian: download the
# packages with apt-get (cached in build/debs, never installed), unpack
# each into build/debs/PACKAGE/, and check every unpacked file against the
# package's own md5sums. Prints one line per package: what was used.
#
#   scripts/debian-payloads.sh linux-image-cloud-amd64 busybox-static ...
#
# A metapackage (linux-image-cloud-amd64) is followed to the package it
# depends on. Fails, saying why, when a package cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."
DEBS=build/debs
mkdir -p "$DEBS"

# The package a linux-image-* metapackage stands for.
resolve() {
    local dep
    case $1 in
        linux-image-*amd64)
            dep=$(apt-cache depends --important "$1" 2>/dev/null |
                  awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
            echo "${dep:-$1}" ;;
        *) echo "$1" ;;
    esac
}

fetch() {   # fetch PACKAGE: the .deb's path, downloaded once
    local deb
    deb=$(ls "$DEBS"/"$1"_*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        (cd "$DEBS" && apt-get download -q "$1" > /dev/null 2> "$1.download.err") || {
            echo "debian-payloads: cannot download $1: $(tail -n 1 "$DEBS/$1.download.err")" >&2
            exit 1
        }
        deb=$(ls "$DEBS"/"$1"_*.deb | head -n 1)
    fi
    echo "$deb"
}

unpack() {  # unpack PACKAGE DEB: build/debs/PACKAGE, verified
    local dir=$DEBS/$1 ctl=$DEBS/$1.control
    if [ ! -f "$dir/.verified" ]; then
        rm -rf "$dir" "$ctl"
        dpkg-deb -x "$2" "$dir"
        dpkg-deb -e "$2" "$ctl"
        if [ -f "$ctl/md5sums" ] && ! (cd "$dir" && md5sum --quiet -c "../$1.control/md5sums"); then
            echo "debian-payloads: $1: unpacked files do not match the package's md5sums" >&2
            exit 1
        fi
        touch "$dir/.verified"
    fi
}

for wanted in "$@"; do
    package=$(resolve "$wanted")
    deb=$(fetch "$package")
    unpack "$package" "$deb"
    [ "$package" = "$wanted" ] || ln -sfn "$package" "$DEBS/$wanted"
    echo "debian: $wanted = $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) ($(basename "$deb"))"
done
