#!/bin/sh
# check-includes.sh - each third-party library is included by its one wrapper
# file only (STYLE b6), banned functions are not used (git banned.h), and the
# stages include each other only downwards (README: How the code is laid out).
set -u
status=0
check() { # HEADER-REGEX ALLOWED-FILE...
    re=$1
    shift
    for f in $(grep -lE "#include <($re)" src/*.c src/*/*.c include/wijkscan/*/*.h 2>/dev/null); do
        allowed=0
        for a in "$@"; do [ "$f" = "$a" ] && allowed=1; done
        if [ $allowed = 0 ]; then
            echo "check-includes: $f includes <$re>; only $* may" >&2
            status=1
        fi
    done
}
check 'gdal|ogr_|cpl_' src/load/ogr_source.c
check 'proj\.h|proj/' src/load/crs.c
check 'sqlite3|spatialite' src/store/db.c
check 'cairo|pango|fontconfig|png\.h' src/render/canvas.c
check 'ini\.h' src/core/conf.c
check 'glpk' src/protect/lp.c
# analyse/ is pure: no third-party headers but GSL
if grep -nE '#include <(gdal|ogr_|cpl_|proj|sqlite3|spatialite|cairo|pango|ini|glpk)' src/analyse/*.c; then
    echo "check-includes: src/analyse must not include I/O libraries" >&2
    status=1
fi
if grep -nE '\b(strcpy|strcat|sprintf|strtok|atoi|atof|gets)\(' src/*.c src/*/*.c; then
    echo "check-includes: banned function used (see STYLE b5)" >&2
    status=1
fi
# Stages, lowest first.  A file of a stage includes core, its own stage's
# headers and stages below it; analyse includes core only; nothing includes
# the CLI.  Headers live in include/wijkscan/STAGE/, sources in src/STAGE/.
order="core analyse store load protect render report cli"
rank() { # STAGE -> position in $order, 99 if unknown
    i=0
    for s in $order; do
        [ "$s" = "$1" ] && echo $i && return
        i=$((i + 1))
    done
    echo 99
}
for f in src/*/*.c include/wijkscan/*/*.h; do
    from=$(echo "$f" | cut -d/ -f2)
    [ "$from" = wijkscan ] && from=$(echo "$f" | cut -d/ -f3)
    if [ "$(rank "$from")" = 99 ]; then
        echo "check-includes: $f is in no stage ($order)" >&2
        status=1
        continue
    fi
    for to in $(sed -n 's|^#include "wijkscan/\([a-z]*\)/[a-z_0-9]*\.h".*|\1|p' "$f" | sort -u); do
        [ "$to" = "$from" ] && continue
        bad=""
        if [ "$(rank "$to")" = 99 ]; then
            bad="an unknown stage"
        elif [ "$from" = analyse ] && [ "$to" != core ]; then
            bad="a stage (analyse is pure: core only)"
        elif [ "$(rank "$to")" -gt "$(rank "$from")" ]; then
            bad="a stage above $from"
        fi
        [ -z "$bad" ] && continue
        echo "check-includes: $f includes wijkscan/$to/, $bad (order: $order)" >&2
        status=1
    done
done
flat=$(grep -n '#include "wijkscan/[a-z_0-9]*\.h"' src/*.c src/*/*.c include/wijkscan/*/*.h \
    tests/*.h tests/*/*.c 2>/dev/null)
if [ -n "$flat" ]; then
    echo "$flat" | sed 's/^/check-includes: /; s/$/ (include headers by stage, "wijkscan\/STAGE\/NAME.h")/' >&2
    status=1
fi
[ $status = 0 ] && echo "check-includes: ok"
exit $status
