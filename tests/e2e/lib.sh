# lib.sh - helpers for end-to-end test scripts (sourced).  Each check prints
# "ok NAME" or "not ok NAME" (with what went wrong); tests/run.sh counts them.
# $PORTLOG is the binary under test; $PORTLOG_SHARED is ../shared.

PORTLOG=${PORTLOG:-$(pwd)/build/portlog}
PORTLOG_SHARED=${PORTLOG_SHARED:-$(pwd)/../shared}
CORPUS="$PORTLOG_SHARED/corpus"
TMP=$(mktemp -d /tmp/portlog-e2e-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export TZ=UTC PORTLOG_CONF=/dev/null

# event_csv DB: every stored event as `portlog events --format csv` lists it,
# without its header, and with the commas inside quoted fields ("SYN,ACK")
# made ';', so that awk -F, finds the fields: time, action, direction, proto,
# src, sport, dst, dport, tcp_flags, icmp_type, icmp_code, len, ttl, window,
# tcp_options, ...  (The packet details are one BLOB in the store, spelled
# out by portlog.)
event_csv() {
	$PORTLOG events --db "$1" --limit 0 --format csv | tail -n +2 |
		sed -e ':a' -e 's/^\(\([^"]*"[^"]*"\)*[^"]*"[^",]*\),/\1;/' -e 'ta'
}
# event_lens DB: "COUNT DISTINCT MIN MAX" of the stored events' IP lengths,
# which tests use to number what they send
event_lens() {
	event_csv "$1" | awk -F, '{ n++; if (!($12 in seen)) { seen[$12] = 1; d++ }
		if (min == "" || $12 + 0 < min) min = $12 + 0; if ($12 + 0 > max) max = $12 + 0 }
		END { print n + 0, d + 0, min + 0, max + 0 }'
}

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
