#!/bin/sh
# check-includes.sh - each third-party library is included by its one wrapper
# file only (STYLE b6), and banned functions are not used (git banned.h).
set -u
status=0
check() { # HEADER-REGEX ALLOWED-FILE...
    re=$1
    shift
    for f in $(grep -lE "#include <($re)" src/*.c src/*/*.c include/wijkscan/*.h 2>/dev/null); do
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
[ $status = 0 ] && echo "check-includes: ok"
exit $status
