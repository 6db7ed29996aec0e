#!/bin/sh
# install-deps.sh - install the Debian 12 packages wijkscan needs, only when
# something is missing.  Idempotent; prints nothing when all is there.
#   scripts/install-deps.sh          build, run and test dependencies
#   scripts/install-deps.sh --dev    also clang-format, clang-tidy, valgrind, clang
# Runs apt-get as root, or through sudo.
set -eu

dev=0
[ "${1:-}" = "--dev" ] && dev=1

missing=""
need() { missing="$missing $1"; }

have_cmd() { command -v "$1" >/dev/null 2>&1; }

have_cmd cc || need gcc
have_cmd make || need make
if have_cmd pkg-config; then
    for pair in gdal:libgdal-dev proj:libproj-dev sqlite3:libsqlite3-dev \
        spatialite:libspatialite-dev cairo:libcairo2-dev pangocairo:libpango1.0-dev \
        fontconfig:libfontconfig-dev libpng:libpng-dev gsl:libgsl-dev inih:libinih-dev cmocka:libcmocka-dev; do
        pkg-config --exists "${pair%%:*}" || need "${pair#*:}"
    done
else
    need "pkg-config libgdal-dev libproj-dev libsqlite3-dev libspatialite-dev libcairo2-dev"
    need "libpango1.0-dev libfontconfig-dev libgsl-dev libinih-dev libcmocka-dev"
fi
[ -f /usr/include/glpk.h ] || need libglpk-dev
[ -d /usr/share/proj ] && [ -f /usr/share/proj/proj.db ] || need proj-data
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need fonts-dejavu-core
have_cmd sqlite3 || need sqlite3
have_cmd ogrinfo || need gdal-bin
# GDAL's GeoPackage validator (validate_gpkg.py) for the tests
[ -f /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py ] || need python3-gdal
# PostgreSQL 15 with PostGIS 3 for the [output] database test (the test
# starts its own server on a private socket)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need postgresql-15
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need postgresql-15-postgis-3
have_cmd psql || need postgresql-client-15
have_cmd pdftotext || need poppler-utils
have_cmd chromium || need chromium
have_cmd tidy || need tidy
if [ "$dev" = 1 ]; then
    have_cmd clang-format || need clang-format
    have_cmd clang-tidy || need clang-tidy
    have_cmd valgrind || need valgrind
    # make fuzz: clang with libFuzzer and the sanitizer runtimes
    have_cmd clang || need clang
    ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
        need libclang-rt-14-dev
fi

[ -z "$missing" ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then
    if have_cmd sudo; then
        sudo="sudo"
    else
        echo "install-deps: missing packages:$missing" >&2
        echo "install-deps: run this script as root (or install sudo)" >&2
        exit 1
    fi
fi
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
