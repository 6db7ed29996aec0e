#!/bin/sh
# check-format.sh - fail if any C file differs from .clang-format.
set -u
sh scripts/install-deps.sh --dev
files=$(ls src/*.c src/*/*.c include/wijkscan/*/*.h tests/unit/*.c tests/fuzz/*.c tests/fuzz/*.h tests/*.h 2>/dev/null)
bad=""
for f in $files; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad="$bad $f"
    fi
done
if [ -n "$bad" ]; then
    echo "check-format: not formatted (run 'make format'):$bad" >&2
    exit 1
fi
echo "check-format: ok"
