#!/bin/sh
# cut-golden-fixture.sh - the small study behind the golden published outputs
# (tests/fixtures/golden/): three wijken of the embedded Groningen demo
# (Centrum WK001400, Oud-West WK001402, Oosterparkwijk WK001404; 17 buurten),
# the years 2023 and 2024 and two categories of its SYNTHETIC case counts.
# Boundaries, statistics and service locations are the demo's own files
# (data/groningen/), read in place: the study limits the boundaries with
# [boundaries] where, and statistics of other buurten are skipped.
#
#   sh scripts/cut-golden-fixture.sh
# Writes tests/fixtures/golden/casussen_synthetisch.csv (the study file
# tests/fixtures/golden/study.ini is kept by hand).  Run from the checkout's
# root; then regenerate the expected outputs with scripts/update-golden.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=$root/tests/fixtures/golden/casussen_synthetisch.csv
# BU + gemeente (4 digits) + wijk (2) + buurt (2): characters 7-8 are the wijk
awk -F, 'NR == 1 ||
    (substr($1, 7, 2) ~ /^(09|10|11)$/ && ($2 == 2023 || $2 == 2024) &&
     ($3 == "gedrag" || $3 == "opvoeding" || $3 == "school"))' \
    "$root/data/groningen/casussen_synthetisch.csv" >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(($(wc -l <"$out") - 1)) rows)"
