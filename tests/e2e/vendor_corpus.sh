#!/bin/sh
# Real vendor lines: every ../shared/corpus/vendor-logs/VENDOR/X.log, parsed
# with auto-detection, must give for each line of its sibling X.truth.tsv the
# source and destination address and port listed there (empty = absent;
# IPv6 compared in canonical compressed form).  Where the truth itself is
# impossible (a port above 65535) the line must be rejected as malformed.
# One check per .log file; a vendor without a parser yet fails here, as it
# should until its parser exists.
. tests/e2e/lib.sh

found=0
for log in "$CORPUS"/vendor-logs/*/*.log; do
	[ -f "$log" ] || continue
	found=1
	truth="${log%.log}.truth.tsv"
	vendor=$(basename "$(dirname "$log")")
	name="vendor-logs $vendor/$(basename "$log")"
	if [ ! -f "$truth" ]; then
		not_ok "$name" "no truth file $truth"
		continue
	fi
	if ! $PORTLOG parse --output tsv --year 2024 "$log" >"$TMP/got" 2>"$TMP/err"; then
		not_ok "$name" "portlog parse failed" "$(head -3 "$TMP/err")"
		continue
	fi
	# truth: line src_ip src_port dst_ip dst_port transport action outcome
	# ours:  line status format src sport dst dport proto action direction reason
	awk -F'\t' '
	function canon(a,   n, g, i, j, k, out, best, bestlen, run, start, parts, head, tail, nh, nt, h, t) {
		if (a !~ /:/ || a ~ /\./)
			return tolower(a)
		a = tolower(a)
		# Expand "::" into the missing zero groups.
		if (index(a, "::")) {
			head = substr(a, 1, index(a, "::") - 1)
			tail = substr(a, index(a, "::") + 2)
			nh = head == "" ? 0 : split(head, h, ":")
			nt = tail == "" ? 0 : split(tail, t, ":")
			n = 0
			for (i = 1; i <= nh; i++) g[++n] = h[i]
			for (i = 0; i < 8 - nh - nt; i++) g[++n] = "0"
			for (i = 1; i <= nt; i++) g[++n] = t[i]
		} else {
			n = split(a, g, ":")
		}
		if (n != 8)
			return a
		for (i = 1; i <= 8; i++) {
			sub(/^0+/, "", g[i])
			if (g[i] == "") g[i] = "0"
		}
		# Longest run (>= 2) of zero groups, the first if tied (RFC 5952).
		bestlen = 0; run = 0
		for (i = 1; i <= 8; i++) {
			if (g[i] == "0") {
				if (run == 0) start = i
				run++
				if (run > bestlen) { bestlen = run; best = start }
			} else run = 0
		}
		out = ""
		for (i = 1; i <= 8; i++) {
			if (bestlen >= 2 && i == best) {
				out = out "::"
				i += bestlen - 1
				continue
			}
			if (out != "" && out !~ /::$/) out = out ":"
			out = out g[i]
		}
		return out
	}
	FNR == NR { status[$1] = $2; src[$1] = $4; sport[$1] = $5; dst[$1] = $6; dport[$1] = $7
		reason[$1] = $11; next }
	FNR == 1 { next }
	{
		l = $1
		if ($3 + 0 > 65535 || $5 + 0 > 65535) {
			if (status[l] != "bad")
				printf "line %s: truth port is impossible (%s, %s); want status bad, got %s\n",
					l, $3, $5, (l in status) ? status[l] : "nothing"
			next
		}
		want = canon($2) " " $3 " -> " canon($4) " " $5
		got = canon(src[l]) " " sport[l] " -> " canon(dst[l]) " " dport[l]
		if (want != got)
			printf "line %s: want %s, got %s [%s%s%s]\n", l, want, got, status[l],
				reason[l] != "" ? ": " : "", reason[l]
	}' "$TMP/got" "$truth" >"$TMP/diffs"
	if [ -s "$TMP/diffs" ]; then
		not_ok "$name" "$(wc -l <"$TMP/diffs" | tr -d ' ') of $(($(wc -l <"$truth") - 1)) lines differ:"
		head -8 "$TMP/diffs" | sed 's/^/  /'
	else
		ok "$name ($(($(wc -l <"$truth") - 1)) lines)"
	fi
done
[ $found -eq 1 ] || not_ok "vendor corpus present" "no $CORPUS/vendor-logs/*/*.log (is ../shared there?)"
