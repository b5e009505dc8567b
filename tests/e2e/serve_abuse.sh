#!/bin/sh
# Hostile input: garbage, oversized datagrams, half frames, lying length
# prefixes, a client that connects and never sends, 1,000 idle connections.
# serve keeps working and counts what it refused.
. tests/e2e/lib.sh
. tests/e2e/serve_lib.inc

start_serve --udp "127.0.0.1:$PORT" --tcp "127.0.0.1:$PORT" --idle-timeout 2 --max-conns 500
python3 - "$PORT" "$DB.serve-stats" <<'P'
import os, resource, socket, sys, time
port, stats_path = int(sys.argv[1]), sys.argv[2]
def snapshot():
    rows = {}
    try:
        for line in open(stats_path):
            f = line.rstrip('\n').split('\t')
            if len(f) == 3:
                rows[(f[0], f[1])] = int(f[2])
    except OSError:
        pass
    return rows
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(200):
    u.sendto(os.urandom(1 + i * 7), ('127.0.0.1', port))
u.sendto(b'<13>' + b'A' * 20000, ('127.0.0.1', port))      # oversized
def tcp(data):
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall(data)
    s.close()
tcp(os.urandom(100000))                                  # binary noise
tcp(b'100 <13>only part of a frame')                     # half frame
tcp(b'999999999 <13>x')                                  # lying length
# Before the flood of idle connections, let serve finish with these three:
# on a slow machine it could otherwise still hold them open when the limit is
# reached and evict them, counting them as evicted instead of as what they
# were.  Connections are accepted in order, so once the last two are counted
# and none is open, the noise is done with too.
deadline = time.time() + 20
while time.time() < deadline:
    r = snapshot()
    if (r.get(('rejected', 'truncated frame')) and r.get(('rejected', 'frame too large'))
            and r.get(('counter', 'tcp_connections')) == 0):
        break
    time.sleep(0.1)
silent = socket.create_connection(('127.0.0.1', port))   # never sends
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
idle = [socket.create_connection(('127.0.0.1', port)) for _ in range(1000)]
time.sleep(0.5)
# serve still takes a proper message, over TCP and UDP
good = b'<4>Mar 11 20:35:11 gw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.7 DST=192.168.1.10 LEN=44 TTL=53 PROTO=TCP SPT=1 DPT=445 WINDOW=1 RES=0x00 SYN URGP=0\n'
tcp(good)
u.sendto(good, ('127.0.0.1', port))
time.sleep(3.5) # the idle timeout passes
for s in idle: s.close()
silent.close()
P
wait_stored 2
fresh_snapshot
check_eq "good messages stored among the abuse" "$(stored)" 2
kill -0 "$SERVE_PID" 2>/dev/null && ok "serve still running" || not_ok "serve still running"
check_eq "oversized datagram counted" "$(status_value rejected 'oversized datagram')" 1
check_eq "half frame counted" "$(status_value rejected 'truncated frame')" 1
check_eq "lying length counted" "$(status_value rejected 'frame too large')" 1
# 1,000 idle + the silent one + the good one = 1,002 open at once; limit 500
check_eq "connections over the limit evicted, counted" \
	"$(status_value rejected 'connection evicted (connection limit)')" 502
idle=$(status_value rejected 'idle timeout')
[ "${idle:-0}" -ge 1 ] && ok "idle connections timed out ($idle)" || not_ok "idle connections timed out" "got ${idle:-0}"
garbage=$(( $(status_value counter skipped) + $(status_value counter malformed) ))
[ $garbage -ge 190 ] && ok "garbage datagrams counted as not stored ($garbage)" || not_ok "garbage counted" "got $garbage"
check_eq "nothing dropped" "$(status_value counter queue_drops)" 0
