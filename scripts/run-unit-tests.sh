#!/bin/sh
# run-unit-tests.sh BIN... - run each cmocka test binary (from the repo root,
# so fixtures resolve), optionally under $VALGRIND; print a summary line.
set -u
pass=0
fail=0
failed=""
for t in "$@"; do
    if ${VALGRIND:-} "$t" >"$t.log" 2>&1; then
        pass=$((pass + 1))
        tail -n 1 "$t.log" | sed "s|^|$(basename "$t"): |"
    else
        fail=$((fail + 1))
        failed="$failed $(basename "$t")"
        cat "$t.log"
    fi
done
echo "unit: $pass passed, $fail failed"
[ -n "$failed" ] && echo "failed:$failed"
[ "$fail" -eq 0 ]
