#!/usr/bin/env bash
# Write an image to a USB stick, refusing anything that looks like a mistake.
#   scripts/usb.sh IMAGE DEV          (make usb DEV=/dev/sdX [YES=1])
#
# DEV must be an existing whole block device (not a partition), with nothing
# of it mounted or used as swap, not the disk holding /, removable or
# USB-attached, and at least as large as the image. Its model and size are
# shown and a typed "yes" is asked for, unless YES=1. A regular file is
# refused unless DEV_IS_FILE=1 (then it is simply written).
#
# The system is read from $EMBEDBOOT_SYSFS (/sys), $EMBEDBOOT_MOUNTS
# (/proc/self/mounts) and $EMBEDBOOT_SWAPS (/proc/swaps), so the tests can
# describe a machine with files.
set -u
image=$1
dev=${2:-}
sysfs=${EMBEDBOOT_SYSFS:-/sys}
mounts=${EMBEDBOOT_MOUNTS:-/proc/self/mounts}
swaps=${EMBEDBOOT_SWAPS:-/proc/swaps}

refuse() {
    echo "embedboot: error: make usb: $*" >&2
    exit 1
}

write() {
    echo "embedboot: writing $image to $dev" >&2
    dd if="$image" of="$dev" bs=4M conv=fsync status=none || refuse "$dev: write failed"
    sync
    echo "embedboot: done; $dev can be removed" >&2
}

[ -n "$dev" ] || refuse "DEV is not set: make usb DEV=/dev/sdX (the whole stick, see lsblk)"
[ -e "$dev" ] || refuse "$dev: no such device"
[ -f "$image" ] || refuse "$image: no image to write"
if [ -f "$dev" ]; then
    [ "${DEV_IS_FILE:-}" = 1 ] || refuse "$dev is a regular file, not a device (DEV_IS_FILE=1 writes to a file)"
    write
    exit 0
fi
[ -b "$dev" ] || refuse "$dev is not a block device"

name=$(basename "$(readlink -f "$dev")")
block=$sysfs/class/block/$name
[ -e "$block/partition" ] &&
    refuse "$dev is a partition; give the whole device ($(basename "$(dirname "$(readlink -f "$block")")"))"
disk=$sysfs/block/$name
[ -d "$disk" ] || refuse "$dev: no $disk (not a disk the kernel lists)"

# The device and its partitions, as /dev paths.
parts=("/dev/$name")
for p in "$disk"/"$name"*; do
    [ -e "$p/partition" ] && parts+=("/dev/$(basename "$p")")
done
belongs() {   # belongs PATH: is PATH the device or one of its partitions?
    local real
    real=$(readlink -f "$1" 2>/dev/null || echo "$1")
    for p in "${parts[@]}"; do [ "$real" = "$p" ] && return 0; done
    return 1
}

while read -r source target _; do
    [ "$target" = / ] && belongs "$source" && refuse "$dev holds the root filesystem ($source on /)"
done < "$mounts"
while read -r source target _; do
    belongs "$source" && refuse "$dev is in use: $source is mounted on $target; unmount it first"
done < "$mounts"
while read -r source _; do
    belongs "$source" && refuse "$dev is in use: $source is a swap area"
done < <(tail -n +2 "$swaps" 2>/dev/null)

removable=$(cat "$disk/removable" 2>/dev/null || echo 0)
if [ "$removable" != 1 ] && ! readlink -f "$disk" | grep -q /usb; then
    refuse "$dev is neither removable nor USB-attached; refusing to overwrite a fixed disk"
fi

size=$(( $(cat "$disk/size" 2>/dev/null || echo 0) * 512 ))
need=$(stat -c %s "$image")
[ "$size" -ge "$need" ] ||
    refuse "$dev holds $((size >> 20)) MiB, less than the image's $(( (need + (1 << 20) - 1) >> 20 )) MiB"

model=$(cat "$disk/device/model" 2>/dev/null | sed 's/ *$//')
echo "embedboot: $dev: ${model:-unknown model}, $((size >> 20)) MiB; everything on it will be lost" >&2
if [ "${YES:-}" != 1 ]; then
    [ -t 0 ] || refuse "no confirmation (not a terminal): run again with YES=1"
    read -r -p "Type yes to write $image to $dev: " answer
    [ "$answer" = yes ] || refuse "not confirmed; nothing written"
fi
write
