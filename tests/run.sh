#!/bin/sh
# Run every test: the unit tests (cmocka, built with ASan and UBSan) and the
# end-to-end scripts (against the sanitizer build of portlog).  Ends with the
# line "N passed, N failed"; exits non-zero when anything failed.
cd "$(dirname "$0")/.." || exit 1
export TZ=UTC
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export PORTLOG="${PORTLOG:-$PWD/build/san/portlog}"
export PORTLOG_SHARED="${PORTLOG_SHARED:-$PWD/../shared}"
export PORTLOG_CONF=/dev/null
pass=0
fail=0
failed_names=""
log=build/test-logs
rm -rf "$log"
mkdir -p "$log"

for t in build/san/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$log/$name.out" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log/$name.out" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log/$name.out" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or sanitizer report
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		failed_names="$failed_names $name"
		echo "FAIL $name"
		tail -30 "$log/$name.out"
	else
		echo "ok   $name ($p)"
	fi
done

for t in tests/e2e/*.sh; do
	case "$(basename "$t")" in lib.sh | *_lib.sh) continue ;; esac
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	sh "$t" >"$log/$name.out" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log/$name.out")
	f=$(grep -c '^not ok ' "$log/$name.out")
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		failed_names="$failed_names $name"
		echo "FAIL $name"
		grep -A8 '^not ok ' "$log/$name.out" | head -60
		[ $rc -ne 0 ] && tail -20 "$log/$name.out"
	else
		echo "ok   $name ($p)"
	fi
done

[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
