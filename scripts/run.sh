#!/bin/sh
# The main job of `make run`: import the logs named by PORTLOG_LOGS (default
# /var/log/kern.log when readable, else a demo log made by bench/gen) into
# ./var/portlog.db and print the summary report.
set -e
cd "$(dirname "$0")/.."
mkdir -p var
db=var/portlog.db
logs=${PORTLOG_LOGS:-}
if [ -z "$logs" ]; then
	if [ -r /var/log/kern.log ] && grep -q ' IN=' /var/log/kern.log 2>/dev/null; then
		logs=/var/log/kern.log
	else
		logs=var/demo.log
		[ -f "$logs" ] || build/gen --lines 200000 --seed 1 >"$logs"
		echo "no firewall log in /var/log/kern.log; using a demo log made by bench/gen: $logs"
	fi
fi
# shellcheck disable=SC2086
build/portlog import --db "$db" ${PORTLOG_HOME_NET:+--home-net "$PORTLOG_HOME_NET"} $logs
build/portlog report summary --db "$db"
