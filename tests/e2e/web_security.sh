#!/bin/sh
# The dashboard's gates, with curl: every state-changing request is refused
# without a session, and with a session but without (or with a wrong) CSRF
# token; a foreign Origin or Host is refused; bodies are bounded; a
# non-loopback --web needs a password; with a password, nothing answers
# before login and a wrong password does not log in.
. tests/e2e/lib.sh
. tests/e2e/web_lib.inc

make_db 500
start_web
J="$TMP/cookies"
code() { curl -s -o "$TMP/body" -w '%{http_code}' "$@"; }

for p in trust untrust logout homenet; do
	check_eq "web $p refused without a session" "$(code -X POST -d cidr=203.0.113.9 "$BASE/api/$p")" 403
done
csrf=$(curl -s -c "$J" -b "$J" "$BASE/api/session" | sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p')
check_eq "web session gives a 64-hex CSRF token" "${#csrf}" 64
check_contains "web session cookie HttpOnly SameSite=Strict" "$(curl -s -D - -o /dev/null "$BASE/api/session")" \
	"HttpOnly; SameSite=Strict"
for p in trust untrust logout homenet; do
	check_eq "web $p refused with a session but no CSRF token" \
		"$(code -b "$J" -X POST -d cidr=203.0.113.9 "$BASE/api/$p")" 403
	check_eq "web $p refused with a wrong CSRF token" \
		"$(code -b "$J" -H "X-CSRF-Token: $(echo "$csrf" | tr 0-9a-f a-f0-9)" -X POST \
			-d cidr=203.0.113.9 "$BASE/api/$p")" 403
done
check_eq "web trust refused from another site's Origin" \
	"$(code -b "$J" -H "X-CSRF-Token: $csrf" -H "Origin: http://evil.example" -X POST \
		-d cidr=203.0.113.9 "$BASE/api/trust")" 403
check_eq "web trust with session and token" \
	"$(code -b "$J" -H "X-CSRF-Token: $csrf" -X POST -d cidr=203.0.113.9 "$BASE/api/trust")" 200
check_eq "web trust stored" "$(sqlite3 "$WDB" "select cidr from trusted")" "203.0.113.9/32"
check_eq "web untrust with session and token" \
	"$(code -b "$J" -H "X-CSRF-Token: $csrf" -X POST -d cidr=203.0.113.9 "$BASE/api/untrust")" 200
# Home networks: DELETE is state-changing too, with the same gates.
check_eq "web homenet DELETE refused without a session" \
	"$(code -X DELETE "$BASE/api/homenet?cidr=10.9.0.0/16")" 403
check_eq "web homenet DELETE refused without the CSRF token" \
	"$(code -b "$J" -X DELETE "$BASE/api/homenet?cidr=10.9.0.0/16")" 403
check_eq "web homenet add with session and token" \
	"$(code -b "$J" -H "X-CSRF-Token: $csrf" -X POST -d cidr=10.9.0.0/16 "$BASE/api/homenet")" 200
check_eq "web homenet stored" "$(sqlite3 "$WDB" "select cidr from home_nets")" "10.9.0.0/16"
check_eq "web homenet bad network is a 400" \
	"$(code -b "$J" -H "X-CSRF-Token: $csrf" -X POST -d 'cidr=10.9.0.0/33' "$BASE/api/homenet")" 400
check_contains "web homenet bad network says what to type" "$(cat "$TMP/body")" "like 192.168.1.0/24"
check_eq "web homenet configured one cannot be removed" \
	"$(code -b "$J" -H "X-CSRF-Token: $csrf" -X DELETE "$BASE/api/homenet?cidr=192.168.1.0/24")" 409
check_eq "web DELETE of anything else refused" \
	"$(code -b "$J" -H "X-CSRF-Token: $csrf" -X DELETE "$BASE/api/trust?cidr=203.0.113.9")" 405
check_eq "web homenet DELETE with session and token" \
	"$(code -b "$J" -H "X-CSRF-Token: $csrf" -X DELETE "$BASE/api/homenet?cidr=10.9.0.0/16")" 200
check_eq "web homenet removed" "$(sqlite3 "$WDB" "select count(*) from home_nets")" 0
check_eq "web PUT refused" "$(code -X PUT "$BASE/api/trust")" 405
check_eq "web DNS-rebinding Host refused" "$(code -H 'Host: evil.example:80' "$BASE/api/overview")" 421
head -c 10000 /dev/zero | tr '\0' a >"$TMP/big"
check_eq "web oversized body refused" \
	"$(code -b "$J" -H "X-CSRF-Token: $csrf" -X POST --data-binary @"$TMP/big" "$BASE/api/trust")" 413
check_eq "web path outside the pages not served" "$(code --path-as-is "$BASE/../../etc/passwd")" 404
hdr=$(curl -s -D - -o /dev/null "$BASE/")
check_contains "web CSP without inline script" "$hdr" "script-src 'self';"
check_eq "web bad filter is a 400" "$(code "$BASE/api/events?port=99999")" 400
stop_web

# Off loopback only with a password.
check_status "web non-loopback refused without a password" 1 \
	$PORTLOG serve --foreground $USER_FLAG --db "$WDB" --udp "127.0.0.1:$SPORT" --web "0.0.0.0:$WPORT"
check_contains "web says to set a password" "$(cat "$TMP/err")" "portlog passwd"
echo 'correct horse battery' | $PORTLOG passwd --db "$WDB" >/dev/null 2>&1
check_eq "web password file mode 0600" "$(stat -c %a "$WDB.passwd")" 600
check_contains "web password stored as Argon2id" "$(cat "$WDB.passwd")" '$argon2id$'
start_web
check_eq "web API needs login once a password is set" "$(code "$BASE/api/overview")" 401
check_eq "web no automatic session with a password" \
	"$(curl -s -c "$J.2" "$BASE/api/session" | sed -n 's/.*"logged_in":\([a-z]*\).*/\1/p')" false
check_eq "web wrong password refused" "$(code -c "$J.2" -X POST -d password=wrong "$BASE/api/login")" 403
check_eq "web right password logs in" \
	"$(code -c "$J.2" -b "$J.2" -X POST --data-urlencode 'password=correct horse battery' "$BASE/api/login")" 200
check_eq "web API answers after login" "$(code -b "$J.2" "$BASE/api/overview")" 200
check_eq "web old open-mode session ended" "$(code -b "$J" "$BASE/api/overview")" 401
stop_web
