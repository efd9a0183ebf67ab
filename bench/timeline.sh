# The loader's boot timeline per benchmark case (sourced by bench/run.sh
# and bench/linux.sh): each run's "timeline" line from COM1, and the median
# of each point over the runs, in ms after the loader's start.

declare -A tl
tl_points=("stage 2" "disk read" "video" "stage 3" "stage 4" "checks" "kernel loaded" "page tables"
           "kernel entry")
tl_heads=(stage2 disk video stage3 stage4 checks loaded tables entry)

tl_collect() {   # tl_collect CASE SERIAL_LOG
    local line name value
    line=$(grep -a -m 1 "timeline, ms after" "$2" 2>/dev/null | tr -d '\r' | sed 's/.*MHz): //')
    while IFS='|' read -r name value; do
        [ -n "$name" ] && tl["$1|$name"]="${tl["$1|$name"]:-} $value"
    done < <(grep -oE '[a-z][a-z0-9 ]* [0-9]+\.[0-9]' <<< "$line" | sed -E 's/ ([0-9.]+)$/|\1/')
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
