#!/bin/sh
# valgrind-cases.sh CASE... - runs the named golden CLI cases (tests/cli/CASE)
# with build/wijkscan under valgrind (the flags of `make valgrind`) and
# checks their exit status; for the slow demo cases, one at a time, where a
# whole `make valgrind` takes long.  Pango's "possibly lost" blocks are not
# errors (--errors-for-leak-kinds=definite).
set -u
vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --suppressions=tests/valgrind.supp"
pass=0
fail=0
for c in "$@"; do
    tmp=$(mktemp -d /tmp/wijkscan-vg.XXXXXX)
    (
        WIJKSCAN="$vg $(pwd)/build/wijkscan" TMP=$tmp OUT=$tmp/out LC_ALL=C
        export WIJKSCAN TMP OUT LC_ALL
        sh "tests/cli/$c/cmd"
    ) >"$tmp/.out" 2>"$tmp/.err" </dev/null
    code=$?
    want=$(cat "tests/cli/$c/expected.exit" 2>/dev/null || echo 0)
    if [ "$code" = "$want" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $c: exit $code, expected $want"
        grep "==[0-9]*==" "$tmp/.err" | head -n 20
    fi
    rm -rf "$tmp"
done
echo "valgrind-cases: $pass passed, $fail failed"
[ "$fail" = 0 ]
