#!/bin/sh
# run-cli-tests.sh BIN - golden CLI cases under tests/cli/<case>/.
#
# Each case folder holds:
#   cmd              shell lines run from the repo root with $WIJKSCAN (the
#                    binary, under $VALGRIND if set), $TMP (a fresh folder)
#                    and $OUT (= $TMP/out, not created)
#   expected.exit    the exit status
#   expected.stdout  optional: exact standard output
#   expected.stderr  optional: exact standard error
#   expected.files   optional: paths (relative to $TMP) that must exist
# In expected output, the text TMP stands for the temporary folder.  A case
# that exits non-zero must leave nothing behind in $OUT.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(pwd)
pass=0
fail=0
failed=""
for dir in tests/cli/*/; do
    case=$(basename "$dir")
    [ -f "$dir/cmd" ] || continue
    tmp=$(mktemp -d /tmp/wijkscan-cli.XXXXXX)
    ok=1
    why=""
    (
        cd "$root" || exit 99
        WIJKSCAN="${VALGRIND:-} $bin" TMP="$tmp" OUT="$tmp/out" LC_ALL=C
        export WIJKSCAN TMP OUT LC_ALL
        sh "$dir/cmd"
    ) >"$tmp/.stdout" 2>"$tmp/.stderr" </dev/null
    code=$?
    want=$(cat "$dir/expected.exit" 2>/dev/null || echo 0)
    if [ "$code" != "$want" ]; then
        ok=0
        why="exit $code, expected $want"
    fi
    for s in stdout stderr; do
        [ -f "$dir/expected.$s" ] || continue
        sed "s|$tmp|TMP|g" "$tmp/.$s" >"$tmp/.$s.norm"
        if ! cmp -s "$dir/expected.$s" "$tmp/.$s.norm"; then
            ok=0
            why="$why; $s differs:
$(diff "$dir/expected.$s" "$tmp/.$s.norm" | head -n 20)"
        fi
    done
    if [ -f "$dir/expected.files" ]; then
        while IFS= read -r f; do
            [ -z "$f" ] && continue
            if [ ! -e "$tmp/$f" ]; then
                ok=0
                why="$why; missing file $f"
            fi
        done <"$dir/expected.files"
    fi
    if [ "$want" != 0 ] && [ -d "$tmp/out" ] && [ -n "$(ls -A "$tmp/out")" ]; then
        ok=0
        why="$why; output left behind: $(ls -A "$tmp/out" | tr '\n' ' ')"
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed="$failed $case"
        echo "FAIL $case: $why"
        echo "--- stderr:"
        head -n 20 "$tmp/.stderr"
    fi
    rm -rf "$tmp"
done
echo "cli: $pass passed, $fail failed"
[ -n "$failed" ] && echo "failed:$failed"
[ "$fail" -eq 0 ]
