#!/bin/sh
# run-tidy.sh - clang-tidy over every source file with the checked-in
# .clang-tidy (warnings are errors).  Library headers are passed as system
# headers so only our code is checked.
set -u
sh scripts/install-deps.sh --dev
sys=$(pkg-config --cflags gdal proj sqlite3 spatialite cairo pangocairo gsl inih | sed 's/-I/-isystem /g')
version=$(sed -n 's/^VERSION := //p' Makefile)
status=0
for f in src/*.c src/*/*.c; do
    # shellcheck disable=SC2086
    if ! clang-tidy -quiet "$f" -- -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
        -DWS_VERSION="\"$version\"" -DWS_DATADIR='"/usr/local/share/wijkscan"' \
        -Iinclude $sys >/tmp/wijkscan-tidy.log 2>&1; then
        grep -v "warnings generated\|^Suppressed\|Use -header-filter\|^$" /tmp/wijkscan-tidy.log
        status=1
    fi
done
[ $status = 0 ] && echo "tidy: ok"
exit $status
