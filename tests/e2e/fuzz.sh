#!/bin/sh
# A short fuzzing run as part of the test suite: builds every fuzz/fuzz_*.c
# (make fuzz-build) and runs each target briefly under ASan and UBSan, the
# auto-detection target longest.  `make fuzz` does the long run.
. tests/e2e/lib.sh
if ! make -s -j2 fuzz-build >"$TMP/build" 2>&1; then
	not_ok "fuzz targets build" "$(tail -5 "$TMP/build")"
	exit 0
fi
ok "fuzz targets build"
FUZZ_SECONDS=${FUZZ_TEST_SECONDS:-1} FUZZ_AUTO_SECONDS=${FUZZ_TEST_AUTO_SECONDS:-5} scripts/fuzz.sh
exit 0
