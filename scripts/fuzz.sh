#!/bin/sh
# fuzz.sh SECONDS NAME... - runs each libFuzzer harness tests/fuzz/fuzz_NAME.c
# for SECONDS seconds, one after the other (one core), built with clang and
# ASan+UBSan into build-fuzz/.  The working corpus starts from the seeds in
# tests/fuzz/corpus/NAME/ and grows in build-fuzz/corpus/NAME/; a crash input
# is written to build-fuzz/crash/NAME/ and the script fails: fix the bug, then
# copy the input into tests/fuzz/corpus/NAME/ so `make test` replays it.
set -u
secs=${1:-60}
shift
[ $# -gt 0 ] || set -- study mapdef csv number pii
sh scripts/install-deps.sh --dev || exit 1
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# the library, instrumented for coverage
make --no-print-directory -j2 BUILD=build-fuzz CC=clang \
    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $san" build-fuzz/libwijkscan.a || exit 1
cflags=$(make --no-print-directory -s print-cflags)
libs=$(make --no-print-directory -s print-libs)
status=0
for n in "$@"; do
    bin=build-fuzz/fuzz_$n
    # shellcheck disable=SC2086
    clang $cflags -Itests/fuzz -O1 -g -fsanitize=fuzzer $san -o "$bin" \
        tests/fuzz/fuzz_$n.c build-fuzz/libwijkscan.a $libs || exit 1
    mkdir -p build-fuzz/corpus/$n build-fuzz/crash/$n
    echo "fuzz $n: ${secs} s"
    # leak checking is left to the replay under valgrind and SAN=1: GDAL's
    # process-wide caches would read as leaks at the fuzzer's exit
    ASAN_OPTIONS=detect_leaks=0 "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
        -timeout=30 -print_final_stats=1 -artifact_prefix=build-fuzz/crash/$n/ \
        build-fuzz/corpus/$n tests/fuzz/corpus/$n >build-fuzz/fuzz_$n.log 2>&1
    rc=$?
    grep -E '^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|stat::peak_rss_mb' \
        build-fuzz/fuzz_$n.log | tail -n 3
    echo "fuzz $n: exit $rc, corpus $(ls build-fuzz/corpus/$n | wc -l) files" \
        "(seeds $(ls tests/fuzz/corpus/$n | wc -l))"
    if [ $rc -ne 0 ]; then
        status=1
        grep -E 'ERROR|SUMMARY|Test unit written' build-fuzz/fuzz_$n.log | head -n 5
    fi
done
exit $status
