#!/bin/sh
# check-published.sh OUTDIR [ROUND_TO [SAFETY_RANGE]] - checks the published
# files of a run against the privacy rules (README: Privacy), as an
# outsider would read them.  Used by the CLI case privacy_demo.
#
#   1. indicators.csv, indicators_excel.csv and every layer of
#      indicators.gpkg (buurt, gebied, wijk, gemeente): a suppressed row has no count and no figure from
#      which its count follows (rate, interval, ratios, O/E, EB rates, LISA,
#      trend, rank); a published count is a multiple of ROUND_TO (default 5);
#   1b. the analysis areas: no published gebied holds exactly one suppressed
#      buurt, no published wijk exactly one suppressed gebied, and no buurt
#      lies in two gebieden;
#   2. the private store's raw rows of the suppressed cells: none of their
#      counts, rates or smoothed rates appears in the row of that cell in any
#      published table (a writer that read the raw set would show them);
#   3. audit.csv: every suppressed row of indicators.csv is listed, and every
#      audited range of an area with a population is at least SAFETY_RANGE
#      (default 5) wide;
#   4. groepsaanbod.csv totals are rounded; priorities.csv lists only
#      published buurten, with their published rank;
#   5. map texts (SVG text, PDF text through pdftotext): no suppressed
#      cell's raw rate, smoothed rate or ratio, formatted as the maps format
#      numbers, is printed in a map of its own level and year (unless it is
#      also a published value or a quantile break of published values).
# Prints "check-published: ok" or what is wrong; exit 1 on a violation.
set -u
out=$1
round=${2:-5}
safety=${3:-5}
fail=0
db=$(mktemp /tmp/wijkscan-check.XXXXXX.sqlite)
trap 'rm -f "$db"' EXIT

problem() {
    echo "check-published: $*" >&2
    fail=1
}

# the published tables and the private raw rows in one scratch database
sqlite3 "$db" ".import --csv '$out/indicators.csv' pub" \
    ".import --csv '$out/audit.csv' audit" \
    "ATTACH '$out/wijkscan.sqlite' AS store" \
    "CREATE TABLE raw AS SELECT * FROM store.indicators_raw" \
    "ATTACH '$out/indicators.gpkg' AS gpkg" \
    "CREATE TABLE gp AS SELECT 'buurt' AS lv, * FROM gpkg.buurt UNION ALL
       SELECT 'gebied', * FROM gpkg.gebied UNION ALL
       SELECT 'wijk', * FROM gpkg.wijk UNION ALL SELECT 'gemeente', * FROM gpkg.gemeente" \
    "CREATE INDEX pub_key ON pub(code, year, period, category)" \
    "CREATE INDEX raw_key ON raw(code, year, period, category)" \
    "CREATE INDEX audit_key ON audit(code, year, period, category)" \
    || { echo "check-published: cannot read $out" >&2; exit 1; }

q() { sqlite3 -batch "$db" "$1"; }

# the fields a suppressed row must leave empty: the WS_FIELD_HIDDEN fields of
# include/wijkscan/core/indicator_fields.h, in its order (written out here, as an
# outsider would; tests/unit/test_indicator_fields.c checks that they agree)
figures="cases, rate_per_1000, rate_ci_low, rate_ci_high, ratio_avg, poisson_p,
    oe_ratio, oe_ci_low, oe_ci_high, eb_rate, seb_rate, lisa_i, lisa_z, lisa_p,
    lisa_cluster, trend_rr, trend_p, priority_rank"
nonempty=$(echo "$figures" | tr -d ' \n' | sed "s/,/ <> '' OR /g; s/\$/ <> ''/")
nonnull=$(echo "$figures" | tr -d ' \n' | sed "s/,/ IS NOT NULL OR /g; s/\$/ IS NOT NULL/")

n=$(q "SELECT count(*) FROM pub WHERE suppressed <> '0' AND ($nonempty)")
[ "$n" = 0 ] || problem "indicators.csv: $n suppressed rows show a count or a figure"
if [ -f "$out/indicators_excel.csv" ]; then
    # ';'-separated with a byte-order mark: the same fields by position
    sqlite3 "$db" ".mode csv" ".separator ;" ".import '$out/indicators_excel.csv' xl" ||
        problem "cannot read indicators_excel.csv"
    n=$(q "SELECT count(*) FROM xl WHERE suppressed <> '0' AND ($nonempty)")
    [ "$n" = 0 ] || problem "indicators_excel.csv: $n suppressed rows show a count or a figure"
    n=$(q "SELECT (SELECT count(*) FROM xl) - (SELECT count(*) FROM pub)")
    [ "$n" = 0 ] || problem "indicators_excel.csv and indicators.csv differ in rows"
fi
n=$(q "SELECT count(*) FROM gp WHERE suppressed <> 0 AND ($nonnull)")
[ "$n" = 0 ] || problem "indicators.gpkg: $n suppressed rows show a count or a figure"
n=$(q "SELECT count(*) FROM pub WHERE cases <> '' AND CAST(cases AS INTEGER) % $round <> 0")
[ "$n" = 0 ] || problem "indicators.csv: $n published counts are not multiples of $round"
n=$(q "SELECT count(*) FROM gp WHERE cases IS NOT NULL AND CAST(cases AS INTEGER) % $round <> 0")
[ "$n" = 0 ] || problem "indicators.gpkg: $n published counts are not multiples of $round"

# analysis areas (level gebied, buurt codes in the column buurten): a
# published gebied with exactly one suppressed buurt, or a published wijk with
# exactly one suppressed gebied, would give that cell away by subtraction
# the gebied -> buurt pairs, split once from the buurten column (a join on
# LIKE would compare every gebied with every buurt: hours nationally)
q "CREATE TABLE gb AS WITH RECURSIVE split(g, rest, b) AS (
       SELECT code, buurten || ' ', '' FROM (SELECT DISTINCT code, buurten FROM pub
                                             WHERE level = 'gebied' AND buurten <> '')
       UNION ALL
       SELECT g, substr(rest, instr(rest, ' ') + 1), substr(rest, 1, instr(rest, ' ') - 1)
       FROM split WHERE rest <> '')
     SELECT DISTINCT g, b FROM split WHERE b <> '';
   CREATE INDEX gb_g ON gb(g)"
# a suppressed cell of an area without population is exempt (audit.csv
# says so; README, Privacy): its count follows from the published averages
# anyway, so it counts as known here, like a published one
n=$(q "SELECT count(*) FROM (SELECT g.code FROM pub g JOIN gb ON gb.g = g.code JOIN pub b
         ON b.code = gb.b AND b.year = g.year AND b.period = g.period
         AND b.category = g.category AND b.level = 'buurt'
       LEFT JOIN audit a ON a.code = b.code AND a.year = b.year AND a.period = b.period
         AND a.category = b.category
       WHERE g.level = 'gebied' AND g.suppressed = '0'
       GROUP BY g.code, g.year, g.period, g.category
       HAVING sum(b.suppressed <> '0' AND coalesce(a.\"check\", '') <> 'exempt') = 1)")
[ "$n" = 0 ] || problem "indicators.csv: $n published gebied cells hold exactly one suppressed buurt"
n=$(q "SELECT count(*) FROM (SELECT w.code FROM pub w JOIN pub g
         ON g.level = 'gebied' AND g.parent = w.code AND g.year = w.year
         AND g.period = w.period AND g.category = w.category
       LEFT JOIN audit a ON a.code = g.code AND a.year = g.year AND a.period = g.period
         AND a.category = g.category
       WHERE w.level = 'wijk' AND w.suppressed = '0'
       GROUP BY w.code, w.year, w.period, w.category
       HAVING sum(g.suppressed <> '0' AND coalesce(a.\"check\", '') <> 'exempt') = 1)")
[ "$n" = 0 ] || problem "indicators.csv: $n published wijk cells hold exactly one suppressed gebied"
n=$(q "SELECT count(*) FROM (SELECT b FROM gb GROUP BY b HAVING count(*) > 1)")
[ "$n" = 0 ] || problem "indicators.csv: $n buurten lie in more than one gebied"

# raw figures of suppressed cells showing up in their own published row
for f in cases rate_per_1000 eb_rate seb_rate ratio_avg oe_ratio; do
    n=$(q "SELECT count(*) FROM pub p JOIN raw r ON r.code = p.code AND r.year = p.year
             AND r.period = p.period AND r.category = p.category
           WHERE p.suppressed <> '0' AND r.$f IS NOT NULL AND p.$f <> ''")
    [ "$n" = 0 ] || problem "indicators.csv: $f of $n suppressed cells is published"
done

# groepsaanbod.csv: rounded totals; priorities.csv: published buurten only
if [ -f "$out/groepsaanbod.csv" ]; then
    sqlite3 "$db" ".import --csv '$out/groepsaanbod.csv' offers"
    n=$(q "SELECT count(*) FROM offers WHERE cases <> '' AND (CAST(cases AS INTEGER) % $round <> 0
             OR CAST(cases AS INTEGER) < 1)")
    [ "$n" = 0 ] || problem "groepsaanbod.csv: $n totals are not rounded to $round"
fi
if [ -f "$out/priorities.csv" ]; then
    sqlite3 "$db" ".import --csv '$out/priorities.csv' prio"
    n=$(q "SELECT count(*) FROM prio r JOIN pub p ON p.code = r.code AND p.year = r.year
           AND p.period = '1' AND p.category = 'all' WHERE p.suppressed <> '0' OR p.priority_rank <> r.rank")
    [ "$n" = 0 ] || problem "priorities.csv: $n rows list a suppressed buurt or another rank"
fi

# audit.csv
n=$(q "SELECT count(*) FROM pub p WHERE p.suppressed <> '0' AND NOT EXISTS
        (SELECT 1 FROM audit a WHERE a.code = p.code AND a.year = p.year
         AND a.period = p.period AND a.category = p.category)")
[ "$n" = 0 ] || problem "audit.csv: $n suppressed cells are not listed"
# (areas without a population are exempt: see README, Privacy)
n=$(q "SELECT count(*) FROM audit a JOIN pub p USING (code, year, period, category)
       WHERE a.range_width <> '' AND CAST(a.range_width AS REAL) < $safety
         AND CAST(p.population AS REAL) > 0")
[ "$n" = 0 ] || problem "audit.csv: $n suppressed cells have a range narrower than $safety"

# map texts: every number printed in a map, against the suppressed cells of
# the map's level and year (read off the map's subtitle, "Wijken, 2024, ...";
# a map whose subtitle names none is checked against every suppressed cell)
if [ -d "$out/maps" ]; then
    texts=$(mktemp /tmp/wijkscan-check.XXXXXX.txt)
    leaked=""
    # published values may coincide with a suppressed one: those are allowed
    q "SELECT DISTINCT printf('%.1f', v) FROM (
         SELECT rate_per_1000 AS v FROM pub WHERE rate_per_1000 <> '' UNION ALL
         SELECT eb_rate FROM pub WHERE eb_rate <> '' UNION ALL
         SELECT oe_ratio FROM pub WHERE oe_ratio <> '' UNION ALL
         SELECT trend_rr FROM pub WHERE trend_rr <> '')" | tr . , | sort -u >"$texts.pub"
    # quantile class breaks (R type 7, 2 to 9 classes) of the published
    # values of each level, year, category and figure: functions of published
    # values only, which may print like a suppressed value by chance
    q "SELECT level, year || '/' || period, category, 'r', CAST(rate_per_1000 AS REAL) FROM pub WHERE rate_per_1000 <> ''
       UNION ALL SELECT level, year || '/' || period, category, 'e', CAST(eb_rate AS REAL) FROM pub WHERE eb_rate <> ''
       UNION ALL SELECT level, year || '/' || period, category, 'o', CAST(oe_ratio AS REAL) FROM pub WHERE oe_ratio <> ''
       UNION ALL SELECT level, year || '/' || period, category, 't', CAST(trend_rr AS REAL) FROM pub WHERE trend_rr <> ''
       ORDER BY 1, 2, 3, 4, 5" |
        awk -F'|' 'function flush(   k, j, h, i) {
                       for (k = 2; k <= 9; k++)
                           for (j = 1; j < k; j++) {
                               h = (n - 1) * j / k; i = int(h)
                               printf "%.1f\n", v[i] + (h - i) * (v[i + 1 < n ? i + 1 : i] - v[i])
                           }
                       n = 0 }
                   { g = $1 "|" $2 "|" $3 "|" $4; if (g != last && n) flush(); last = g; v[n++] = $5 }
                   END { if (n) flush() }' | tr . , | sort -u >>"$texts.pub"
    sort -u -o "$texts.pub" "$texts.pub"
    # (cairo's SVG draws text as glyph outlines: the PDF text is the
    # readable form of the same page)
    for pdf in "$out"/maps/*.pdf; do
        [ -e "$pdf" ] || continue
        pdftotext -q "$pdf" "$texts" 2>/dev/null || problem "pdftotext cannot read $pdf"
        where="1 = 1"
        sub=$(grep -m1 -E '^(Buurten|Gebieden|Wijken|Neighbourhoods|Areas|Districts)[^,]*, [0-9]{4}' "$texts")
        case "$sub" in
        Buurten* | Neighbourhoods*) where="r.level_no = 0" ;;
        Gebieden* | Areas*) where="r.level_no = 1" ;;
        Wijken* | Districts*) where="r.level_no = 2" ;;
        esac
        year=$(echo "$sub" | grep -oE '[0-9]{4}' | head -n 1)
        # a pooled period prints as "2023–2024": its rows have the last year
        span=$(echo "$sub" | grep -oE '[0-9]{4}–[0-9]{4}' | head -n 1)
        if [ -n "$span" ]; then
            first=${span%%–*}
            year=${span##*–}
            where="$where AND r.year = $year AND r.period = $((year - first + 1))"
        elif [ -n "$year" ]; then
            where="$where AND r.year = $year AND r.period = 1"
        fi
        # numbers as the maps print them: one decimal with a decimal comma
        grep -oE '[0-9]+,[0-9]+' "$texts" | sort -u >"$texts.nums"
        q "SELECT DISTINCT printf('%.1f', v) FROM (
             SELECT r.rate_per_1000 AS v FROM pub p JOIN raw r USING (code, year, period, category)
               WHERE p.suppressed <> '0' AND $where UNION ALL
             SELECT r.eb_rate FROM pub p JOIN raw r USING (code, year, period, category)
               WHERE p.suppressed <> '0' AND $where UNION ALL
             SELECT r.oe_ratio FROM pub p JOIN raw r USING (code, year, period, category)
               WHERE p.suppressed <> '0' AND $where) WHERE v IS NOT NULL" |
            tr . , | sort -u >"$texts.raw"
        leaked="$leaked $(comm -12 "$texts.nums" "$texts.raw" | comm -23 - "$texts.pub" | head -n 5)"
    done
    leaked=$(echo $leaked)
    [ -z "$leaked" ] || problem "maps print values only a suppressed cell has: $leaked"
    rm -f "$texts" "$texts.nums" "$texts.raw" "$texts.pub"
fi

[ $fail = 0 ] && echo "check-published: ok"
exit $fail
