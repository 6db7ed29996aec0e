#!/bin/sh
# update-golden.sh - the golden published outputs: indicators.csv,
# statistics.json, audit.csv, groepsaanbod.csv and priorities.csv of the small
# fixture study tests/fixtures/golden/study.ini, committed in tests/golden/ and
# compared byte for byte by the CLI case golden_outputs (make test).
#
#   sh scripts/update-golden.sh                regenerate tests/golden/ on purpose
#                                              and show what changed (git diff)
#   sh scripts/update-golden.sh --check OUTDIR run the study into OUTDIR (new) and
#                                              compare with tests/golden/: one line
#                                              per file, a unified diff for a file
#                                              that differs, exit 1 then
# Run from the checkout's root.  WIJKSCAN is the binary (default
# build/wijkscan; `make` builds it).
#
# Determinism.  These five files hold no time, version, run time or path:
# statistics.json has the study's settings and results only, and every
# random step is seeded (the study's seed), so two runs give the same bytes,
# whatever the working folder or -j.  Nothing is normalised.  (manifest.json,
# which holds the start time, the library versions and the input paths, and
# the maps and reports, which hold dates and fonts, are not golden files.)
# The update runs the study twice and refuses to write files that differ
# between the two runs.  Floating-point figures are printed in full, so a
# platform with another libm or compiler may differ in the last digits: the
# expected files are those of the reference platform (Debian 12, as in CI).
set -u
files="indicators.csv statistics.json audit.csv groepsaanbod.csv priorities.csv"
study=tests/fixtures/golden/study.ini
golden=tests/golden
bin=${WIJKSCAN:-build/wijkscan}

[ -f "$study" ] || { echo "update-golden: run from the checkout's root" >&2; exit 2; }

run() { # OUTDIR
    # shellcheck disable=SC2086 # WIJKSCAN may be "valgrind ... wijkscan"
    $bin --quiet run -c "$study" -o "$1" --jobs 1 2>"$1.stderr" || {
        echo "update-golden: the study failed:" >&2
        cat "$1.stderr" >&2
        return 1
    }
}

if [ "${1:-}" = "--check" ]; then
    [ $# = 2 ] || { echo "usage: update-golden.sh [--check OUTDIR]" >&2; exit 2; }
    run "$2" || exit 1
    status=0
    for f in $files; do
        if cmp -s "$golden/$f" "$2/$f"; then
            echo "$f: same"
        else
            echo "$f: differs from $golden/$f"
            diff -u "$golden/$f" "$2/$f" | head -n 60
            status=1
        fi
    done
    [ $status = 0 ] || echo "if the change is meant: sh scripts/update-golden.sh, review, commit"
    exit $status
fi

[ $# = 0 ] || { echo "usage: update-golden.sh [--check OUTDIR]" >&2; exit 2; }
tmp=$(mktemp -d /tmp/wijkscan-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
run "$tmp/a" && run "$tmp/b" || exit 1
for f in $files; do
    if ! cmp -s "$tmp/a/$f" "$tmp/b/$f"; then
        echo "update-golden: $f differs between two runs of the same study; not written" >&2
        diff -u "$tmp/a/$f" "$tmp/b/$f" | head -n 20 >&2
        exit 1
    fi
done
mkdir -p "$golden"
for f in $files; do cp "$tmp/a/$f" "$golden/$f"; done
echo "update-golden: wrote $golden/ ($files)"
if git rev-parse --git-dir >/dev/null 2>&1; then
    git --no-pager diff --stat -- "$golden"
    echo "review with: git diff -- $golden   (new files: git status -- $golden)"
fi
