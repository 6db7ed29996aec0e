#!/bin/sh
# run-tidy.sh "CFLAGS" - clang-tidy over the sources with the checked-in
# .clang-tidy (warnings are errors).
set -u
sh scripts/install-deps.sh --dev
flags=$1
status=0
for f in src/*.c src/*/*.c; do
    # shellcheck disable=SC2086
    clang-tidy -quiet "$f" -- $flags >/tmp/wijkscan-tidy.log 2>&1 || {
        cat /tmp/wijkscan-tidy.log
        status=1
    }
done
[ $status = 0 ] && echo "tidy: ok"
exit $status
