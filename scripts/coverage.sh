#!/bin/sh
# coverage.sh OUTDIR [PERIOD [LEVEL [INDICATOR]]] - how much of the study a
# map shows: the share of the population at risk (children aged 0-15 in the
# default study) and the share of the populated map area that lie in an area
# whose figure is published, on the latest year (PERIOD 1, the default) or
# the latest pooled period (PERIOD = the study's [analysis] period, e.g. 2),
# category all, at LEVEL (gebied, the default, or buurt or wijk) for
# INDICATOR (default eb_rate: the main smoothed-rate map).
#
# The population is each buurt's population in the latest single year; the
# area is the buurt polygons' area in the working CRS, over the buurten with a
# population > 0.  A buurt counts as covered when the row of its LEVEL area
# (its gebied, its wijk, or itself) shows INDICATOR.  Reads indicators.csv
# and indicators.gpkg of a run (wijkscan run -c STUDY -o OUTDIR); needs
# sqlite3 and ogr2ogr.
#
#   sh scripts/coverage.sh out            gebied level, latest year
#   sh scripts/coverage.sh out 2          gebied level, latest two-year period
set -eu
out=$1
period=${2:-1}
level=${3:-gebied}
indicator=${4:-eb_rate}
tmp=$(mktemp -d /tmp/wijkscan-coverage.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ogr2ogr -f CSV "$tmp/area.csv" "$out/indicators.gpkg" -dialect SQLite \
    -sql "SELECT code, ST_Area(geom) AS area FROM buurt WHERE category = 'all' AND period = 1
          AND year = (SELECT max(year) FROM buurt)"
sqlite3 "$tmp/c.sqlite" ".import --csv '$out/indicators.csv' pub" \
    ".import --csv '$tmp/area.csv' area"
case $level in
buurt) of="b.code" ;;
wijk) of="b.parent" ;;
gebied) of="(SELECT g.code FROM pub g WHERE g.level = 'gebied' AND g.category = 'all'
            AND g.period = '$period' AND g.year = (SELECT max(year) FROM pub)
            AND ' ' || g.buurten || ' ' LIKE '% ' || b.code || ' %')" ;;
*) echo "coverage: LEVEL must be buurt, gebied or wijk" >&2; exit 2 ;;
esac
sqlite3 -batch -separator ' ' "$tmp/c.sqlite" "
    WITH y AS (SELECT max(CAST(year AS INTEGER)) AS latest FROM pub),
    b AS (SELECT b.code, CAST(b.population AS REAL) AS p, CAST(a.area AS REAL) AS a, $of AS area_code
          FROM pub b JOIN area a ON a.code = b.code, y
          WHERE b.level = 'buurt' AND b.category = 'all' AND b.period = '1'
            AND CAST(b.year AS INTEGER) = y.latest AND CAST(b.population AS REAL) > 0),
    c AS (SELECT b.*, EXISTS (SELECT 1 FROM pub r, y WHERE r.level = '$level' AND r.code = b.area_code
            AND r.category = 'all' AND r.period = '$period' AND CAST(r.year AS INTEGER) = y.latest
            AND r.$indicator <> '') AS shown FROM b)
    SELECT printf('%.1f', 100.0 * sum(p * shown) / sum(p)), printf('%.1f', 100.0 * sum(a * shown) / sum(a)),
           (SELECT latest FROM y) FROM c" | {
    read -r pp pa latest
    if [ "$period" = 1 ]; then span=$latest; else span="$((latest - period + 1))-$latest"; fi
    echo "coverage: $level level, $span, category all, $indicator: $pp % of the population at risk" \
        "and $pa % of the populated map area in an area with a published figure"
}
