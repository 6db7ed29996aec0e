#!/bin/sh
# cut-region.sh - a study of some gemeenten cut from the national CBS/PDOK
# files (real boundaries and kerncijfers, CC BY 4.0), with SYNTHETIC case
# counts (scripts/gen_synthetic_cases.py, seeded).  Used for the regional
# test study (tests/fixtures/region/) and by scripts/bench.sh.
#
#   sh scripts/cut-region.sh OUTDIR GMxxxx [GMxxxx ...]
# Environment: WS_SHARED (the data folder, default ../shared/data),
# WS_SEED (default 20240101), WS_CATEGORIES (default 8).
# Writes OUTDIR/buurten.geojson, kerncijfers.csv, casussen_synthetisch.csv
# and study.ini.
set -eu
[ $# -ge 2 ] || { echo "usage: cut-region.sh OUTDIR GMxxxx [GMxxxx ...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
out=$1
shift
shared=${WS_SHARED:-$here/../../shared/data}
[ -d "$shared" ] || shared=$here/../../shared/data
seed=${WS_SEED:-20240101}
cats=${WS_CATEGORIES:-8}
mkdir -p "$out"
list=""
for g in "$@"; do list="$list${list:+,}'$g'"; done
rm -f "$out/buurten.geojson"
ogr2ogr -f GeoJSON -lco COORDINATE_PRECISION=5 -nln buurten -where "gemeentecode IN ($list)" \
    -select buurtcode,buurtnaam,wijkcode,gemeentecode,gemeentenaam \
    "$out/buurten.geojson" "/vsigzip/$shared/nl_buurten_2024_approx.geojson.gz"
pattern=$(printf '%s|' "$@" | sed 's/|$//')
gzip -dc "$shared/nl_buurten_2024_kerncijfers.csv.gz" |
    awk -F, -v p="^($pattern)\$" 'NR == 1 || $4 ~ p' |
    cut -d, -f1,6,8,11,12,14,16,17,18 >"$out/kerncijfers.csv"
python3 "$here/gen_synthetic_cases.py" --kerncijfers "$out/kerncijfers.csv" --no-hotspots \
    --categories "$cats" --seed "$seed" --out "$out/casussen_synthetisch.csv" >/dev/null
cat >"$out/study.ini" <<INI
; A regional study: gemeenten $* of the real CBS/PDOK 2024 boundaries and
; kerncijfers (CC BY 4.0, "Bron: CBS, Kerncijfers wijken en buurten /
; Wijk- en buurtkaart; PDOK"), cut by scripts/cut-region.sh.
; casussen_synthetisch.csv holds SYNTHETIC case counts, not real data.

[study]
title = Regionale wijkanalyse (synthetische casussen)
seed = $seed

[boundaries]
source = buurten.geojson
code = buurtcode
name = buurtnaam
parent = wijkcode
gemeente = gemeentecode
gemeente_name = gemeentenaam
crs = EPSG:28992

[statistics]
source = kerncijfers.csv
code = buurtcode
year = jaar
population = inwoners_0_tot_15
covariates = gem_huishoudensgrootte, omgevingsadressendichtheid, stedelijkheid

[cases]
source = casussen_synthetisch.csv
code = buurtcode
year = jaar
category = vraagtype
count = aantal

[privacy]
min_count = 10
round_to = 5
safety_range = 5

[analysis]
permutations = 99
INI
