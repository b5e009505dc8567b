#!/bin/sh
# peek.sh - portlog peek against real clients on loopback: curl (HTTP),
# openssl s_client (TLS SNI), ssh (banner), smbclient (SMB negotiate and its
# dialects), a replayed Slammer-shaped datagram on 1434/udp, a banner; then
# portlog captures (list, filters, --show, json) and the inbound events.
. tests/e2e/lib.sh
. tests/e2e/peek_lib.sh

DB="$TMP/peek.db"
HTTP=$PEEK_BASE TLS=$((PEEK_BASE + 1)) SSH=$((PEEK_BASE + 2)) SMB=$((PEEK_BASE + 3))
BAN=$((PEEK_BASE + 4))
printf 'SSH-2.0-portlog_peek_banner\r\n' >"$TMP/banner"
peek_client 1 build-only 2>/dev/null # compile the test client before peek starts
if ! start_peek "$TMP/peek.err" --db "$DB" --user "$(id -un)" --timeout 2 \
	--tcp "$HTTP,$TLS,$SSH,$SMB,$BAN" --udp 1434 --banner "$BAN:$TMP/banner"; then
	not_ok peek-starts "$(cat "$TMP/peek.err")"
	exit 0
fi
ok peek-starts

curl -s -m 3 -A 'portlog-e2e/1' "http://127.0.0.1:$HTTP/probe%1b?q=1" >/dev/null 2>&1
echo | timeout 5 openssl s_client -connect "127.0.0.1:$TLS" -servername example.test \
	>/dev/null 2>&1
timeout 5 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o ConnectTimeout=3 -p "$SSH" 127.0.0.1 true >/dev/null 2>&1
if command -v smbclient >/dev/null; then
	timeout 8 smbclient -N -L 127.0.0.1 -p "$SMB" >/dev/null 2>&1
fi
# Slammer's shape (0x04, a 375-byte instance name, the byte strings IDS rules
# key on) with filler where its code was: not the worm.
{
	printf '\004'
	head -c 99 /dev/zero | tr '\0' '\001'
	printf '\201\361\003\001\004\233\201\361\001hsockhsend'
	head -c 257 /dev/zero | tr '\0' '\220'
} >"$TMP/slammer.bin"
peek_client 1434 udp "$TMP/slammer.bin" >/dev/null || not_ok slammer-sent "could not send"
# The banner port: what peek sends first comes back.
got_banner=$(timeout 3 curl -s -m 2 "telnet://127.0.0.1:$BAN" </dev/null 2>/dev/null | head -c 40)
sleep 2.5
stop_peek

list=$("$PORTLOG" captures --db "$DB" --limit 0)
check_contains curl-http "$list" "http method=GET path=/probe%1b?q=1"
check_contains curl-user-agent "$list" "user_agent=portlog-e2e/1"
check_contains tls-sni "$list" "sni=example.test"
check_contains tls-ja3 "$(echo "$list" | grep tls-clienthello)" "ja3_md5="
check_contains ssh-banner "$list" "ssh protocol=2.0 software=OpenSSH"
if command -v smbclient >/dev/null; then
	smb=$("$PORTLOG" captures --db "$DB" --port "$SMB" --kind 'smb*')
	check_contains smb-negotiate "$smb" "smb"
	check_contains smb-dialects "$smb" "dialects="
	check_contains smb-dialect-311 "$smb" "3.1.1"
else
	not_ok smb-negotiate "smbclient is not installed (scripts/deps.sh installs it)"
fi
slam=$("$PORTLOG" captures --db "$DB" --port 1434)
check_contains slammer-shape "$slam" "ssrp-overflow"
check_contains slammer-pattern "$slam" "PATTERNS slammer"
check_contains banner-sent "$got_banner" "SSH-2.0-portlog_peek_banner"

# --show: hex and ASCII, escaped
id=$("$PORTLOG" captures --db "$DB" --kind http --format json | sed -n 's/.*"id":\([0-9]*\).*/\1/p' | head -1)
show=$("$PORTLOG" captures --db "$DB" --show "$id")
check_contains show-recognised "$show" "recognised: http"
check_contains show-hexdump "$show" "00000000  47 45 54 20 2f 70 72 6f"
check_contains show-ascii "$show" "|GET /probe%1b?q=|"
check_status show-missing 1 "$PORTLOG" captures --db "$DB" --show 999999
json=$("$PORTLOG" captures --db "$DB" --format json)
if printf '%s' "$json" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; then
	ok captures-json-valid
else
	not_ok captures-json-valid "$json"
fi

# Each connection and datagram is an inbound event too.
ev=$("$PORTLOG" events --db "$DB" --port 1434)
check_contains event-inbound "$ev" "inbound"
check_contains event-udp "$ev" "udp"
n=$(counter "$DB" recorded)
[ "${n:-0}" -ge 5 ] && ok counters-recorded || not_ok counters-recorded "recorded=$n"

# Attacker bytes never reach the terminal raw: an ESC in a request line.
printf 'HOWDY \033[2J\001\r\n' >"$TMP/esc.bin"
if start_peek "$TMP/peek2.err" --db "$DB" --user "$(id -un)" --timeout 1 --tcp "$HTTP"; then
	peek_client "$HTTP" file "$TMP/esc.bin" >/dev/null
	sleep 1.5
	stop_peek
	last=$("$PORTLOG" captures --db "$DB" --port "$HTTP" --limit 1 --format json |
		sed -n 's/.*"id":\([0-9]*\).*/\1/p' | head -1)
	out=$("$PORTLOG" captures --db "$DB" --port "$HTTP" --limit 1
		"$PORTLOG" captures --db "$DB" --show "$last")
	if printf '%s' "$out" | grep -q "$(printf '\033')"; then
		not_ok no-raw-escape "ESC reached the output"
	else
		check_contains escaped-dump "$out" '|HOWDY .[2J...|'
	fi
else
	not_ok peek-restarts "$(cat "$TMP/peek2.err")"
fi

# Dropping root: to an existing user, and a clear message for a missing one.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 711 "$TMP" && mkdir -p "$TMP/priv" && chmod 777 "$TMP/priv"
	if start_peek "$TMP/priv.err" --db "$TMP/priv/p.db" --user nobody --tcp "$HTTP"; then
		uid=$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$PEEK_PID/status")
		want=$(id -u nobody)
		check_eq drops-root "$uid" "$want$want$want$want"
		stop_peek
	else
		not_ok drops-root "$(cat "$TMP/priv.err")"
	fi
	check_status missing-user-refused 1 "$PORTLOG" peek --db "$TMP/x.db" --tcp "$HTTP" \
		--user no-such-user-portlog
	check_contains missing-user-says-so "$(cat "$TMP/err")" "user 'no-such-user-portlog' does not exist"
fi
check_status peek-needs-ports 2 "$PORTLOG" peek --db "$TMP/x.db"
