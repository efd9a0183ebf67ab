# The loader's boot timeline per benchmark case (sourced by bench/run.sh
# and bench/linux.sh): each run's "timeline" line from COM1, and the median
# of each point over the runs, in ms after the loader's start.

declare -A tl
tl_points=("stage 2" "disk read" "video" "stage 3" "stage 4" "checks" "kernel loaded" "page tables"
           "kernel entry")
tl_heads=(stage2 disk video stage3 stage4 checks loaded tables entry)

tl_collect() {   # tl_collect CASE SERIAL_LOG
    local line name value
    # The raw reads' own TSC count ("rawread:"/"efi-read: TSC ticks 0x...").
    value=$(grep -a -m 1 -oE "TSC ticks 0x[0-9a-f]+" "$2" 2>/dev/null | awk '{ print $3 }')
    [ -n "$value" ] && tl["$1|ticks"]="${tl["$1|ticks"]:-} $((value))"
    value=$(grep -a -m 1 -oE "timeline, ms after.*TSC [0-9]+ MHz" "$2" 2>/dev/null | awk '{ print $(NF - 1) }')
    [ -n "$value" ] && tl["MHz"]="${tl["MHz"]:-} $value"
    line=$(grep -a -m 1 "timeline, ms after" "$2" 2>/dev/null | tr -d '\r' | sed 's/.*MHz): //')
    while IFS='|' read -r name value; do
        [ -n "$name" ] && tl["$1|$name"]="${tl["$1|$name"]:-} $value"
    done < <(grep -oE '[a-z][a-z0-9 ]* [0-9]+\.[0-9]' <<< "$line" | sed -E 's/ ([0-9.]+)$/|\1/')
}

tl_median() {    # tl_median KEY: the median of the values collected under KEY
    tr ' ' '\n' <<< "${tl["$1"]:-}" | grep -v '^$' | sort -n |
        awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'
}

# tl_guest_table "CASE|RAW CASE"...: the load measured inside the guest, on
# the TSC: embedboot's kernel entry against the raw read's own count of its
# reads, both from the first instruction that is ours (no QEMU or firmware
# start-up in either). The TSC runs at the MHz embedboot measured.
tl_guest_table() {
    local pair c raw mhz entry ticks
    mhz=$(tl_median MHz)
    [ $# -gt 0 ] && [ -n "$mhz" ] || return 0     # no raw-read pairs (the smoke run)
    printf '\nthe load inside the guest (TSC, %s MHz), median ms from the first instruction:\n' "$mhz"
    printf '%-32s %12s %12s %9s\n' case "raw read" "entry" "raw/this"
    for pair in "$@"; do
        c=${pair%%|*} raw=${pair#*|}
        entry=$(tl_median "$c|kernel entry") ticks=$(tl_median "$raw|ticks")
        [ -n "$entry" ] && [ -n "$ticks" ] || continue
        awk -v c="$c" -v t="$ticks" -v m="$mhz" -v e="$entry" \
            'BEGIN { r = t / m / 1000; printf "%-32s %12.1f %12.1f %7.0f %%\n", c, r, e, 100 * r / e }'
    done
}

tl_table() {     # tl_table CASE...: a row of medians per case that has them
    local c p v
    printf '\nboot timeline (the loader'"'"'s own COM1 line), median ms after the loader'"'"'s start:\n'
    printf '%-28s' case
    printf ' %7s' "${tl_heads[@]}"
    printf '\n'
    for c in "$@"; do
        printf '%-28s' "$c"
        for p in "${tl_points[@]}"; do
            v=${tl["$c|$p"]:-}
            [ -n "$v" ] && v=$(tr ' ' '\n' <<< "$v" | grep -v '^$' | sort -n |
                                awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
            printf ' %7s' "${v:--}"
        done
        printf '\n'
    done
}
