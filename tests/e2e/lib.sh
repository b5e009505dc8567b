# lib.sh - helpers for end-to-end test scripts (sourced).  Each check prints
# "ok NAME" or "not ok NAME" (with what went wrong); tests/run.sh counts them.
# $PORTLOG is the binary under test; $PORTLOG_SHARED is ../shared.

PORTLOG=${PORTLOG:-$(pwd)/build/portlog}
PORTLOG_SHARED=${PORTLOG_SHARED:-$(pwd)/../shared}
CORPUS="$PORTLOG_SHARED/corpus"
TMP=$(mktemp -d /tmp/portlog-e2e-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export TZ=UTC PORTLOG_CONF=/dev/null

# ok NAME / not_ok NAME DETAIL
ok() { echo "ok $1"; }
not_ok() {
	echo "not ok $1"
	shift
	[ $# -gt 0 ] && printf '  %s\n' "$@"
	return 0
}

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}

# check_contains NAME HAYSTACK NEEDLE
check_contains() {
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "missing: $3" "in: $(printf '%s' "$2" | head -c 2000)" ;;
	esac
}

# check_status NAME WANT_STATUS CMD... : runs CMD, compares its exit status
check_status() {
	name=$1
	want=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" = "$want" ]; then ok "$name"; else not_ok "$name" "exit $got, want $want" "$(cat "$TMP/err" | head -5)"; fi
}
