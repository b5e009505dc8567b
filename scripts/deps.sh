#!/bin/sh
# Install what building, testing and benchmarking portlog need, if missing
# (Debian/Ubuntu, apt-get).  Quiet when everything is there.
set -e
need="build-essential pkg-config libsqlite3-dev zlib1g-dev libcmocka-dev sqlite3 gzip nmap-common libxml2-utils chromium libevent-dev rsyslog snmp bsdutils clang-14 libclang-rt-14-dev time fwlogwatch libmicrohttpd-dev libsodium-dev wrk nodejs nmap smbclient curl openssl openssh-client python3"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null; then
	echo "portlog needs:$missing (install them with your package manager)" >&2
	exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
