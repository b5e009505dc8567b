#!/bin/sh
# scenario_score.sh TRUTH DB [PORTLOG]: compare the findings in DB with the ground truth
# written by bench/scenario.c; prints precision and recall per finding kind and how many
# benign sources raised anything:
#   scan precision 1.00 recall 1.00 (tp 8 fp 0 fn 0)
#   infected ...   outbreak ...   benign flagged 0
# An outbreak matches when its port and first hour (within an hour) match.
truth=$1
db=$2
PORTLOG=${3:-build/portlog}
tmp=$(mktemp -d /tmp/portlog-score-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for k in scans infected outbreaks; do
	$PORTLOG report "$k" --db "$db" --format csv | tail -n +2 >"$tmp/$k" || exit 1
done
awk -v T="$truth" -v S="$tmp/scans" -v I="$tmp/infected" -v O="$tmp/outbreaks" '
function hour(iso,   d) { # "2024-05-04T00:00:00.000000Z" -> "2024-05-04T00"
	return substr(iso, 1, 13)
}
function epoch_h(h,   cmd, r) { # "2024-05-04T00" -> hours since the epoch
	cmd = "date -u -d \"" substr(h, 1, 10) " " substr(h, 12, 2) ":00\" +%s"
	cmd | getline r
	close(cmd)
	return int(r / 3600)
}
function score(kind, tp, fp, fn,   p, r) {
	p = tp + fp ? tp / (tp + fp) : 1
	r = tp + fn ? tp / (tp + fn) : 1
	printf "%s precision %.2f recall %.2f (tp %d fp %d fn %d)\n", kind, p, r, tp, fp, fn
}
BEGIN {
	FS = " "
	while ((getline line < T) > 0) {
		split(line, f, " ")
		if (f[1] == "scan") want_scan[f[2]] = 1
		else if (f[1] == "infected") want_inf[f[2]] = 1
		else if (f[1] == "benign") benign[f[2]] = 1
		else if (f[1] == "outbreak") { want_ob[f[2] " " epoch_h(f[3])] = 1; nob++ }
	}
	FS = ","
	while ((getline line < S) > 0) {
		split(line, f, ",")
		if (f[2] in benign) { flagged[f[2]] = 1; continue }
		if (f[5] == "probe" || f[5] == "crafted") continue # named probes are not scans
		got_scan[f[2]] = 1
	}
	while ((getline line < I) > 0) {
		split(line, f, ",")
		split(f[2], a, " ")
		if (a[1] in benign) flagged[a[1]] = 1
		got_inf[a[1]] = 1
	}
	while ((getline line < O) > 0) {
		split(line, f, ",")
		got_ob[f[2] " " epoch_h(hour(f[3]))] = 1
	}
	for (k in got_scan) if (k in want_scan) tp++; else fp++
	for (k in want_scan) if (!(k in got_scan)) fn++
	score("scan", tp, fp, fn)
	tp = fp = fn = 0
	for (k in got_inf) if (k in want_inf) tp++; else fp++
	for (k in want_inf) if (!(k in got_inf)) fn++
	score("infected", tp, fp, fn)
	tp = fp = fn = 0
	for (k in got_ob) {
		split(k, a, " ")
		if ((a[1] " " a[2]) in want_ob || (a[1] " " a[2] - 1) in want_ob || (a[1] " " a[2] + 1) in want_ob) {
			tp++; seen_ob[a[1] " " a[2]] = 1; seen_ob[a[1] " " a[2] - 1] = 1; seen_ob[a[1] " " a[2] + 1] = 1
		} else { fp++; print "  unexpected outbreak " k > "/dev/stderr" }
	}
	for (k in want_ob) if (!(k in seen_ob)) { fn++; print "  missed outbreak " k > "/dev/stderr" }
	score("outbreak", tp, fp, fn)
	nf = 0
	for (k in flagged) { nf++; if (nf <= 5) print "  benign flagged: " k > "/dev/stderr" }
	printf "benign flagged %d\n", nf
}'
