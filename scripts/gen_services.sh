#!/bin/sh
# gen_services.sh OUT - the registered TCP and UDP service names, generated at
# build time from installed Debian packages (never committed: the data is
# theirs, not ours):
#   /usr/share/nmap/nmap-services (package nmap-common, licence nmap-GPL-2):
#       IANA's service names plus how often nmap finds each port open;
#   /etc/services (package netbase, GPL-2): the names Debian systems use,
#       added for any port/protocol nmap lacks.
# Output, one line per port/protocol, sorted:  PORT/PROTO <TAB> NAME <TAB>
# OPEN-FREQUENCY <TAB> COMMENT.  NAME is empty when nmap says "unknown".
set -e
out=${1:?usage: gen_services.sh OUT}
nmap=${NMAP_SERVICES:-/usr/share/nmap/nmap-services}
etc=${ETC_SERVICES:-/etc/services}
if [ ! -r "$nmap" ]; then
	echo "gen_services.sh: $nmap missing (install nmap-common: make deps);" \
		"using only $etc" >&2
	nmap=/dev/null
fi
[ -r "$etc" ] || etc=/dev/null
mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
LC_ALL=C awk -F'\t' '
	FNR == 1 { file++ }
	/^#/ || NF < 2 { next }
	file == 1 {
		if ($2 !~ /^[0-9]+\/(tcp|udp)$/) next
		name = $1 == "unknown" ? "" : $1
		comment = $4
		sub(/^# */, "", comment)
		gsub(/\t/, " ", comment)
		seen[$2] = 1
		print $2 "\t" name "\t" $3 "\t" comment
		next
	}
	file == 2 {
		# /etc/services: NAME PORT/PROTO [ALIASES] [# COMMENT], blank-separated
		line = $0
		sub(/#.*/, "", line)
		n = split(line, f, /[ \t]+/)
		if (n < 2 || f[2] !~ /^[0-9]+\/(tcp|udp)$/ || (f[2] in seen)) next
		seen[f[2]] = 1
		print f[2] "\t" f[1] "\t\t"
	}
' "$nmap" "$etc" | LC_ALL=C sort -t/ -k1,1n -k2,2 >"$tmp"
mv "$tmp" "$out"
