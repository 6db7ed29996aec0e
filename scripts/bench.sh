#!/bin/sh
# bench.sh - national-scale benchmark of wijkscan's stages.
#
# Loads all Dutch buurten (../shared/data/nl_buurten_2024_approx.geojson.gz,
# ~14,500 polygons) with their KWB 2024 kerncijfers and synthetic cases for
# 4 years x 8 categories (~460,000 rows, generated with a fixed seed), and
# prints wall time and peak memory (max RSS) of each stage against its
# target.  Timings belong here, never in a unit test: these machines are
# shared and noisy, so run it more than once before believing a figure.
#
#   sh scripts/bench.sh [RUNS]      (default 3 runs; the best is reported)
#   WS_BENCH_PARTS=protect sh scripts/bench.sh   only the protection benchmarks
#   WS_BENCH_PARTS=pysal sh scripts/bench.sh     only wijkscan against Python
#   WS_BENCH_PARTS=jobs sh scripts/bench.sh      only the atlases with --jobs 1 and N
#
# Against the Python stack (issue target: at least 10 times faster, peak at
# most a third): wijkscan load + analyse ([privacy] safety_range = 0) + one
# national PNG map, against scripts/reference/bench_pysal.py (geopandas +
# libpysal + numpy: read, queen weights, empirical Bayes, LISA, one PNG), all
# Dutch buurten, 1 year, 1 category, 999 permutations, the same inputs; the
# two run in turn, median of at least 3 runs each.  The Python packages
# (Debian: python3-geopandas python3-libpysal python3-matplotlib) are
# installed here with apt-get when missing, never by `make run`.
#
# Protection (issue targets, measured here, never in tests): the Groningen
# demo, the 10 gemeenten of provincie Groningen (635 buurten, 7 categories,
# 4 years; protect stage < 10 s, whole run < 30 s; secondary suppressions at
# most 10 % above the sum over the gemeenten run alone, and no gemeente total
# suppressed), and all Dutch buurten (4 years x 9 columns; protect stage
# < 120 s, peak < 500 MB).
#
# Both cores: the 10 atlases of provincie Groningen drawn by `report
# --jobs 1` and `--jobs N` (N = the cores), median of at least 3 runs each,
# with the CPU time beside the wall time (the machine is shared: the load
# average is printed too) and a byte comparison of the two reports.
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
shared=${WS_SHARED:-../shared/data}
work=${WS_BENCH_DIR:-/tmp/wijkscan-bench}
bin=build/wijkscan

[ -x "$bin" ] || make --no-print-directory all
parts=${WS_BENCH_PARTS:-all}
command -v python3 >/dev/null 2>&1 || { echo "bench: needs python3 to generate cases" >&2; exit 1; }
[ -x /usr/bin/time ] || { sh scripts/install-deps.sh >/dev/null; apt-get install -y -qq time >/dev/null 2>&1 || true; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }

mkdir -p "$work"
abs_shared=$(cd "$shared" && pwd)

# protect_stage LOG: "SECONDS SECONDARY PRIMARY" of a --verbose analyse/run log
protect_stage() {
    s=$(grep -o 'protection in all [0-9.]* s' "$1" | awk '{ print $4 }')
    sec=$(grep -o '([0-9]* primary, [0-9]* secondary)' "$1" | tr -d '(),' | awk '{ print $3 }')
    prim=$(grep -o '([0-9]* primary, [0-9]* secondary)' "$1" | tr -d '(),' | awk '{ print $1 }')
    echo "${s:-?} ${sec:-?} ${prim:-?}"
}

protection_bench() {
    # the demo
    rm -rf "$work/demo"
    "$bin" --quiet load -c data/groningen.ini -o "$work/demo" >/dev/null
    "$bin" --verbose analyse -c data/groningen.ini -o "$work/demo" >"$work/demo.out" 2>"$work/demo.log"
    cat "$work/demo.out" >>"$work/demo.log"
    set -- $(protect_stage "$work/demo.log")
    echo "bench: protect demo (Groningen): protect stage $1 s; $3 primary, $2 secondary"

    # provincie Groningen: 10 gemeenten, 7 categories, 4 years
    prov="GM0014 GM0037 GM0047 GM0765 GM1895 GM1950 GM1952 GM1966 GM1969 GM1979"
    if [ ! -f "$work/prov/study.ini" ]; then
        # shellcheck disable=SC2086
        WS_SHARED="$abs_shared" WS_CATEGORIES=7 sh scripts/cut-region.sh "$work/prov" $prov >/dev/null 2>&1
        sed -i 's/^permutations = 99/permutations = 999/' "$work/prov/study.ini"
    fi
    rm -rf "$work/prov/out"
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" --verbose run -c "$work/prov/study.ini" \
        -o "$work/prov/out" >"$work/prov.out" 2>"$work/prov.log"
    read -r wall kb <"$work/time.txt"
    cat "$work/prov.out" >>"$work/prov.log"
    set -- $(protect_stage "$work/prov.log")
    p_s=$1 p_sec=$2
    awk -v s="$p_s" -v w="$wall" -v mb="$((kb / 1024))" -v sec="$p_sec" -v pr="$3" 'BEGIN {
        printf "bench: protect provincie Groningen: protect stage %.2f s (target 10 s, ratio %.2f); whole run %.2f s (target 30 s, ratio %.2f), peak %d MB; %d primary, %d secondary\n",
            s, s / 10, w, w / 30, mb, pr, sec }'
    sum=0
    for g in $prov; do
        # the same gemeente with the same rows as in the provincial study
        # (a cut of its own would draw other synthetic counts)
        alone="$work/alone_$g"
        rm -rf "$alone" && mkdir -p "$alone"
        ogr2ogr -f GeoJSON -nln buurten -where "gemeentecode = '$g'" "$alone/buurten.geojson" \
            "$work/prov/buurten.geojson"
        for f in kerncijfers.csv casussen_synthetisch.csv; do
            awk -F, -v p="^BU${g#GM}" 'NR == 1 || $1 ~ p' "$work/prov/$f" >"$alone/$f"
        done
        cp "$work/prov/study.ini" "$alone/study.ini"
        "$bin" --quiet load -c "$work/alone_$g/study.ini" -o "$work/alone_$g/out" >/dev/null 2>&1
        "$bin" --verbose analyse -c "$work/alone_$g/study.ini" -o "$work/alone_$g/out" \
            >"$work/alone.out" 2>/dev/null
        n=$(grep -o '[0-9]* secondary' "$work/alone.out" | awk '{ print $1 }')
        sum=$((sum + ${n:-0}))
    done
    awk -v a="$p_sec" -v b="$sum" 'BEGIN {
        printf "bench: protect provincie Groningen: %d secondary suppressions against %d for the 10 gemeenten run alone (ratio %.2f, target 1.10)\n",
            a, b, b ? a / b : 0 }'
    # information kept: the cells published (withheld categories have no rows)
    # shellcheck disable=SC2086
    python3 - "$work/prov/out/indicators.csv" $(for g in $prov; do echo "$work/alone_$g/out/indicators.csv"; done) <<'PY'
import csv, sys
def published(path):
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for r in csv.DictReader(f) if r["suppressed"] == "0")
prov = published(sys.argv[1])
alone = sum(published(p) for p in sys.argv[2:])
print("bench: protect provincie Groningen: %d cells published against %d for the 10 gemeenten "
      "run alone (%.1f %%)" % (prov, alone, 100.0 * prov / alone if alone else 0))
PY
    n=$(awk -F, 'NR > 1 && $3 == "gemeente" && $6 == "all" && $NF != "0"' "$work/prov/out/indicators.csv" | wc -l)
    echo "bench: protect provincie Groningen: $n gemeente totals suppressed (target 0)"
}

# the national protection: 4 years x 9 columns, full protection and audit
national_protect() {
    limit=${WS_BENCH_PROTECT_LIMIT:-900}
    [ -f "$work/loaded/wijkscan.sqlite" ] ||
        "$bin" --quiet load -c "$work/nl.ini" -o "$work/loaded" >/dev/null
    rm -rf "$work/out" && mkdir -p "$work/out" && cp "$work/loaded/wijkscan.sqlite" "$work/out/"
    if timeout "$limit" /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" --verbose analyse \
        -c "$work/nl.ini" -o "$work/out" >"$work/protect.out" 2>"$work/protect.log"; then
        read -r wall kb <"$work/time.txt"
        cat "$work/protect.out" >>"$work/protect.log"
        set -- $(protect_stage "$work/protect.log")
        awk -v s="$1" -v w="$wall" -v mb="$((kb / 1024))" -v sec="$2" -v pr="$3" 'BEGIN {
            printf "bench: protect national: protect stage %.1f s (target 120 s, ratio %.2f); analyse command %.1f s, peak %d MB (target 500 MB, ratio %.2f); %d primary, %d secondary\n",
                s, s / 120, w, mb, mb / 500, pr, sec }'
    else
        echo "bench: protect national: did not finish within $limit s (WS_BENCH_PROTECT_LIMIT)"
    fi
}

if [ ! -f "$work/cases.csv" ]; then
    python3 scripts/gen_synthetic_cases.py \
        --kerncijfers "$abs_shared/nl_buurten_2024_kerncijfers.csv.gz" \
        --geojson "$abs_shared/nl_buurten_2024_approx.geojson.gz" \
        --no-hotspots --seed 20240101 --out "$work/cases.csv" >/dev/null
fi
cat >"$work/nl.ini" <<INI
[study]
title = Benchmark: alle buurten van Nederland (synthetische casussen)

[boundaries]
source = /vsigzip/$abs_shared/nl_buurten_2024_approx.geojson.gz
code = buurtcode
name = buurtnaam
parent = wijkcode
gemeente = gemeentecode
gemeente_name = gemeentenaam

[statistics]
source = /vsigzip/$abs_shared/nl_buurten_2024_kerncijfers.csv.gz
code = buurtcode
year = jaar
population = inwoners_0_tot_15
covariates = gem_woz_waarde_x1000, pct_koopwoningen, bevolkingsdichtheid_per_km2

[analysis]
; 9,999 permutations for the main analysis (buurten, latest year, all);
; the analytic LISA p everywhere else
permutations = 9999
permutations_other = 0
[maps]
files = nl_map.ini
[cases]
source = cases.csv
code = buurtcode
year = jaar
category = vraagtype
count = aantal
INI

cat >"$work/nl_map.ini" <<INI
[map]
title = Casussen per 1.000 (gesmoothed), alle buurten
indicator = eb_rate
level = buurt
year = latest
category = all
method = quantile
classes = 7
palette = YlOrRd
labels = none
formats = png, pdf
width_px = 2000
height_px = 2400
INI
# python_ready: the reference's packages, installed with apt-get when missing
# (Debian's own python3: apt installs into it, whatever python3 is first on PATH)
py=/usr/bin/python3
python_ready() {
    mods="import geopandas, libpysal, matplotlib, numpy, pandas"
    "$py" -c "$mods" 2>/dev/null && return 0
    [ "$(id -u)" = 0 ] || { echo "bench: pysal: needs root to install python3-geopandas python3-libpysal python3-matplotlib" >&2; return 1; }
    echo "bench: pysal: installing python3-geopandas python3-libpysal python3-matplotlib" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-geopandas python3-libpysal \
        python3-matplotlib >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-geopandas \
                python3-libpysal python3-matplotlib >/dev/null 2>&1; }
    "$py" -c "$mods" 2>/dev/null
}

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# wijkscan against the Python reference (see the top of this file)
pysal_bench() {
    python_ready || { echo "bench: pysal: skipped (no geopandas/libpysal)"; return 0; }
    n=$runs
    [ "$n" -lt 3 ] && n=3
    year=$(awk -F, 'NR > 1 && $2 > y { y = $2 } END { print y }' "$work/cases.csv")
    cat1=$(awk -F, 'NR == 2 { print $3 }' "$work/cases.csv")
    awk -F, -v y="$year" -v c="$cat1" 'NR == 1 || ($2 == y && $3 == c)' "$work/cases.csv" \
        >"$work/cases_1.csv"
    sed -e 's/^source = cases.csv/source = cases_1.csv/' -e 's/^permutations = .*/permutations = 999/' \
        -e 's/^files = nl_map.ini/files = nl_map_png.ini/' \
        -e 's/^\[cases\]/[privacy]\nsafety_range = 0\n[cases]/' "$work/nl.ini" >"$work/nl_1.ini"
    sed 's/^formats = .*/formats = png/' "$work/nl_map.ini" >"$work/nl_map_png.ini"
    # shellcheck disable=SC2016
    ws='b=$1 w=$2; rm -rf "$w/py_ws" && "$b" --quiet load -c "$w/nl_1.ini" -o "$w/py_ws" &&
        "$b" --quiet analyse -c "$w/nl_1.ini" -o "$w/py_ws" && "$b" --quiet map -c "$w/nl_1.ini" -o "$w/py_ws"'
    : >"$work/py_ws.times"
    : >"$work/py_ref.times"
    i=0
    while [ $i -lt "$n" ]; do
        /usr/bin/time -f "%e %M" -o "$work/time.txt" sh -c "$ws" sh "$bin" "$work" >/dev/null 2>"$work/py_ws.log" ||
            { echo "bench: pysal: wijkscan failed:"; tail -n 3 "$work/py_ws.log"; return 0; }
        cat "$work/time.txt" >>"$work/py_ws.times"
        /usr/bin/time -f "%e %M" -o "$work/time.txt" "$py" scripts/reference/bench_pysal.py \
            "$abs_shared/nl_buurten_2024_approx.geojson.gz" "$abs_shared/nl_buurten_2024_kerncijfers.csv.gz" \
            "$work/cases_1.csv" "$work/py_ref.png" 999 >/dev/null 2>"$work/py_ref.log" ||
            { echo "bench: pysal: the reference failed:"; tail -n 3 "$work/py_ref.log"; return 0; }
        cat "$work/time.txt" >>"$work/py_ref.times"
        i=$((i + 1))
    done
    ws_s=$(awk '{ print $1 }' "$work/py_ws.times" | median)
    ws_kb=$(awk '{ print $2 }' "$work/py_ws.times" | median)
    py_s=$(awk '{ print $1 }' "$work/py_ref.times" | median)
    py_kb=$(awk '{ print $2 }' "$work/py_ref.times" | median)
    awk -v a="$ws_s" -v am="$ws_kb" -v b="$py_s" -v bm="$py_kb" -v n="$n" -v y="$year" -v c="$cat1" 'BEGIN {
        printf "bench: vs Python (%s, %s, 999 permutations; median of %d): wijkscan load+analyse+map %.2f s, peak %d MB; geopandas+libpysal+numpy %.2f s, peak %d MB\n",
            y, c, n, a, am / 1024, b, bm / 1024
        printf "bench: vs Python: %.1f times faster (target 10, %s); peak %.2f of the reference'"'"'s (target 0.33, %s)\n",
            b / a, (b / a >= 10) ? "ok" : "SHORT", am / bm, (am / bm <= 1 / 3) ? "ok" : "OVER" }'
}

# the atlases of provincie Groningen (10 gemeenten) drawn with --jobs 1 and
# with one worker per core, on the analysed store of the protection part;
# the two in turn, median of at least 3 runs each; both must give the same
# bytes (SOURCE_DATE_EPOCH fixes the time a PDF holds)
jobs_bench() {
    n=$runs
    [ "$n" -lt 3 ] && n=3
    cores=$(nproc)
    # alone (WS_BENCH_PARTS=jobs) the store is made anew: one left by another
    # build may be of another version
    if [ "$parts" = jobs ] || [ ! -f "$work/prov/out/audit.csv" ]; then
        [ -f "$work/prov/study.ini" ] || { echo "bench: jobs: skipped (run the protection part first)"; return 0; }
        rm -rf "$work/prov/out"
        "$bin" --quiet run -c "$work/prov/study.ini" -o "$work/prov/out" >/dev/null 2>&1 ||
            { echo "bench: jobs: the provincial run failed"; return 0; }
    fi
    for j in 1 "$cores"; do
        rm -rf "$work/jobs$j" && cp -r "$work/prov/out" "$work/jobs$j"
        : >"$work/jobs$j.times"
    done
    i=0
    while [ $i -lt "$n" ]; do
        for j in 1 "$cores"; do
            SOURCE_DATE_EPOCH=1700000000 /usr/bin/time -f "%e %U %M" -o "$work/time.txt" "$bin" --quiet \
                report -c "$work/prov/study.ini" -o "$work/jobs$j" --jobs "$j" >/dev/null 2>&1 ||
                { echo "bench: jobs: report --jobs $j failed"; return 0; }
            cat "$work/time.txt" >>"$work/jobs$j.times"
        done
        i=$((i + 1))
    done
    same=yes
    (cd "$work/jobs1/report" && find . -type f | sort) >"$work/jobs.files"
    while read -r f; do
        cmp -s "$work/jobs1/report/$f" "$work/jobs$cores/report/$f" || same=NO
    done <"$work/jobs.files"
    s1=$(awk '{ print $1 }' "$work/jobs1.times" | median)
    sn=$(awk '{ print $1 }' "$work/jobs$cores.times" | median)
    u1=$(awk '{ print $2 }' "$work/jobs1.times" | median)
    un=$(awk '{ print $2 }' "$work/jobs$cores.times" | median)
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v a="$s1" -v b="$sn" -v ua="$u1" -v ub="$un" -v c="$cores" -v n="$n" -v l="$load" -v same="$same" \
        -v f="$(wc -l <"$work/jobs.files")" 'BEGIN {
        printf "bench: jobs provincie Groningen: report (10 atlases), median of %d: --jobs 1 %.2f s (cpu %.2f s), --jobs %d %.2f s (cpu %.2f s): %.2f times faster; %d files the same bytes: %s (load average %s at the end)\n",
            n, a, ua, c, b, ub, a / b, f, same, l }'
}

if [ "$parts" = jobs ]; then
    jobs_bench
    exit 0
fi
if [ "$parts" = pysal ]; then
    pysal_bench
    exit 0
fi
if [ "$parts" = protect ]; then
    protection_bench
    national_protect
    exit 0
fi
pysal_bench
protection_bench
jobs_bench
rows=$(($(wc -l <"$work/cases.csv") - 1))
echo "bench: $(nproc) cores; national buurten; $rows case rows; best of $runs runs"

# stage NAME TARGET_S TARGET_MB ARGS...
stage() {
    name=$1 target_s=$2 target_mb=$3
    shift 3
    best_s="" best_mb=""
    i=0
    while [ $i -lt "$runs" ]; do
        [ "$name" = load ] && rm -rf "$work/out"
        /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" --quiet "$@" >/dev/null
        read -r s kb <"$work/time.txt"
        mb=$(awk -v kb="$kb" 'BEGIN { printf "%.0f", kb / 1024 }')
        if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
            best_s=$s
            best_mb=$mb
        fi
        i=$((i + 1))
    done
    awk -v n="$name" -v s="$best_s" -v mb="$best_mb" -v ts="$target_s" -v tm="$target_mb" 'BEGIN {
        printf "bench: %-6s wall %6.2f s (target %s s, ratio %.2f)  peak %5d MB (target %d MB, ratio %.2f)  %s\n",
            n, s, ts, s / ts, mb, tm, mb / tm, (s <= ts && mb <= tm) ? "ok" : "OVER TARGET" }'
}

stage load 3 300 load -c "$work/nl.ini" -o "$work/out"

# The later stages.  The national audit does not finish in reasonable time
# yet (see README, Privacy), so statistics, maps and atlases are timed on a
# copy of the study with [privacy] safety_range = 0 (primary suppression
# only, no audit): the same work for them, a protection step that is
# trivial.  The real protection is timed last, with a time limit.
sed 's/^\[cases\]/[privacy]\nsafety_range = 0\n[cases]/' "$work/nl.ini" >"$work/nl_s0.ini"
"$bin" --quiet load -c "$work/nl.ini" -o "$work/loaded" >/dev/null
fresh() { rm -rf "$work/out" && mkdir -p "$work/out" && cp "$work/loaded/wijkscan.sqlite" "$work/out/"; }
best="" i=0
while [ $i -lt "$runs" ]; do
    fresh
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" --verbose analyse -c "$work/nl_s0.ini" \
        -o "$work/out" >/dev/null 2>"$work/analyse.log"
    read -r s kb <"$work/time.txt"
    stats=$(grep -o 'analyse: read .*' "$work/analyse.log" | tr ',' '\n' |
        awk '{ for (k = 1; k <= NF; k++) if ($(k + 1) == "s") t += $k } END { printf "%.2f", t }')
    if [ -z "$best" ] || awk -v a="$stats" -v b="$best" 'BEGIN { exit !(a < b) }'; then
        best=$stats best_s=$s best_kb=$kb
    fi
    i=$((i + 1))
done
awk -v st="$best" -v s="$best_s" -v kb="$best_kb" 'BEGIN {
    printf "bench: analyse statistics %6.2f s (target 2 s, ratio %.2f); whole command %.2f s, peak %d MB (target 300 MB, ratio %.2f)\n",
        st, st / 2, s, kb / 1024, kb / 1024 / 300 }'

# one national choropleth, 2000 x 2400 PNG and a PDF (render times from --verbose)
best="" i=0
while [ $i -lt "$runs" ]; do
    "$bin" --verbose map -c "$work/nl_s0.ini" -o "$work/out" >/dev/null 2>"$work/map.log"
    png=$(grep -o 'nl_map.png in [0-9.]* s' "$work/map.log" | awk '{ print $3 }')
    pdf=$(grep -o 'nl_map.pdf in [0-9.]* s' "$work/map.log" | awk '{ print $3 }')
    lay=$(grep -o 'laid out in [0-9.]* s' "$work/map.log" | awk '{ print $4 }')
    if [ -z "$best" ] || awk -v a="$png" -v b="$best" 'BEGIN { exit !(a < b) }'; then
        best=$png best_pdf=$pdf best_lay=$lay
    fi
    i=$((i + 1))
done
awk -v p="$best" -v d="$best_pdf" -v l="$best_lay" 'BEGIN {
    printf "bench: map    PNG 2000x2400 %.3f s + layout %.3f s (target 0.3 s, ratio %.2f); PDF %.3f s\n",
        p, l, (p + l) / 0.3, d }'

# the report: one atlas per gemeente (342), once (it takes minutes), with
# one worker per core (WS_BENCH_REPORT=2: also with --jobs 1)
if [ "${WS_BENCH_REPORT:-1}" != 0 ]; then
    js=$(nproc)
    [ "${WS_BENCH_REPORT:-1}" = 2 ] && js="1 $js"
    for j in $js; do
        /usr/bin/time -f "%e %U %M" -o "$work/time.txt" "$bin" --quiet report -c "$work/nl_s0.ini" \
            -o "$work/out" --jobs "$j" >/dev/null 2>&1
        read -r s u kb <"$work/time.txt"
        n=$(find "$work/out/report" -name wijkanalyse.pdf | wc -l)
        echo "bench: report $n atlases (PDF + HTML), --jobs $j: $s s (cpu $u s), peak $((kb / 1024)) MB (load average $(cut -d' ' -f1 /proc/loadavg))"
    done
fi

# the real protection (secondary suppression and the audit), time-limited
national_protect
