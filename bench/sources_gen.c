/* sources_gen.c - a log with very many distinct sources at once, for the
 * detectors' memory bound (issue 5: a million distinct sources).
 *
 *   build/sources_gen [-n SOURCES] [-k PROBES] [-m MINUTES] > FILE
 *
 * SOURCES distinct outside IPv4 addresses (default 1000000) each send PROBES
 * blocked TCP SYNs (default 2) to a host of 192.168.1.0/24 on a pseudo-random
 * port, all within MINUTES (default 60) of 2024-01-01 00:00, so every source
 * is alive in the detectors at the same time.  Sources are interleaved: round
 * r of every source comes before round r + 1 of any.  Deterministic. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	v *= 0xc4ceb9fe1a85ec53ull;
	v ^= v >> 33;
	return v;
}

int main(int argc, char **argv)
{
	unsigned long n = 1000000, k = 2, minutes = 60;
	for (int a = 1; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "-n"))
			n = strtoul(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "-k"))
			k = strtoul(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "-m"))
			minutes = strtoul(argv[a + 1], NULL, 10);
		else {
			fprintf(stderr, "usage: sources_gen [-n SOURCES] [-k PROBES] [-m MINUTES]\n");
			return 2;
		}
	}
	if (!n || !k || !minutes || n > 200000000ul) {
		fprintf(stderr, "sources_gen: SOURCES (1..200000000), PROBES and MINUTES must be > 0\n");
		return 2;
	}
	unsigned long total = n * k, span_s = minutes * 60;
	static char buf[1 << 16];
	setvbuf(stdout, buf, _IOFBF, sizeof buf);
	for (unsigned long r = 0; r < k; r++) {
		for (unsigned long i = 0; i < n; i++) {
			unsigned long line = r * n + i;
			unsigned long t = line * span_s / total;
			/* i -> a distinct address in 11.0.0.0 - 74.255.255.255: i < 2^30 */
			uint32_t a = (uint32_t)(11u << 24) + (uint32_t)i;
			uint64_t h = mix((uint64_t)i << 8 | r);
			unsigned dst = 1 + (unsigned)(h % 254), dport = 1 + (unsigned)(h >> 16) % 65535;
			unsigned sport = 1024 + (unsigned)(h >> 40) % 60000;
			printf("Jan  1 %02lu:%02lu:%02lu gw kernel: [%lu.000000] DROP IN=eth0 OUT= "
			       "SRC=%u.%u.%u.%u DST=192.168.1.%u LEN=44 TOS=0x00 PREC=0x00 TTL=50 "
			       "ID=1 PROTO=TCP SPT=%u DPT=%u WINDOW=1024 RES=0x00 SYN URGP=0\n",
			       t / 3600, t / 60 % 60, t % 60, 1000 + t, a >> 24, a >> 16 & 255,
			       a >> 8 & 255, a & 255, dst, sport, dport);
		}
	}
	return fflush(stdout) ? 1 : 0;
}
