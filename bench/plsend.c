/* plsend.c - a syslog load sender for serve's tests and benchmarks.
 *
 *   plsend (--udp|--tcp) HOST:PORT [--count N] [--rate MSGS_PER_S] [--start N]
 *          [--octet] [--host NAME]
 *   plsend --print [--count N] [--start N] [--host NAME]
 *
 * Sends netfilter log lines in an RFC 3164 envelope stamped with the current
 * time; line i carries LEN=i (from --start), so a receiver's store can be
 * checked for exactly which ones arrived.  --rate 0 (default) sends as fast
 * as it can; otherwise paced in batches.  Prints "sent N" (also when the
 * connection breaks, then exits 1).  IPv4 only; loopback is what it is for.
 * --print writes the same lines, newline-framed, to standard output (a file
 * for `portlog import`, the benchmark's reference for the store). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { BATCH = 64, MSG_MAX = 512 };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int format(char *buf, const char *stamp, const char *host, unsigned long long seq,
		  int octet)
{
	char msg[MSG_MAX];
	int n = snprintf(msg, sizeof msg,
			 "<4>%s %s kernel: [UFW BLOCK] IN=eth0 OUT= SRC=203.0.113.%llu "
			 "DST=192.168.1.10 LEN=%llu TTL=53 PROTO=TCP SPT=40000 DPT=%llu "
			 "WINDOW=1024 RES=0x00 SYN URGP=0",
			 stamp, host, seq % 250 + 1, seq, seq % 1024 + 1);
	if (octet)
		return sprintf(buf, "%d %s", n, msg);
	return sprintf(buf, "%s\n", msg);
}

/* A connected socket to HOST:PORT; -2 for a bad address, -1 when it fails. */
static int connect_to(const char *addr, int tcp)
{
	char hostpart[64];
	const char *colon = strrchr(addr, ':');
	if (!colon || (size_t)(colon - addr) >= sizeof hostpart) {
		fprintf(stderr, "plsend: want HOST:PORT, not %s\n", addr);
		return -2;
	}
	memcpy(hostpart, addr, (size_t)(colon - addr));
	hostpart[colon - addr] = '\0';
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1)) };
	if (inet_pton(AF_INET, hostpart, &sa.sin_addr) != 1) {
		fprintf(stderr, "plsend: bad address %s\n", hostpart);
		return -2;
	}
	int fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		fprintf(stderr, "plsend: connect %s: %s\n", addr, strerror(errno));
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *host = "gw";
	int tcp = 0, octet = 0, print = 0;
	unsigned long long count = 100000, start = 1;
	double rate = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if ((!strcmp(a, "--udp") || !strcmp(a, "--tcp")) && v) {
			tcp = !strcmp(a, "--tcp");
			addr = v;
			i++;
		} else if (!strcmp(a, "--count") && v) {
			count = strtoull(v, NULL, 10);
			i++;
		} else if (!strcmp(a, "--rate") && v) {
			rate = atof(v);
			i++;
		} else if (!strcmp(a, "--start") && v) {
			start = strtoull(v, NULL, 10);
			i++;
		} else if (!strcmp(a, "--host") && v) {
			host = v;
			i++;
		} else if (!strcmp(a, "--print")) {
			print = tcp = 1;
		} else if (!strcmp(a, "--octet")) {
			octet = 1;
		} else {
			fprintf(stderr, "usage: plsend (--udp|--tcp) HOST:PORT [--count N] [--rate N] "
					"[--start N] [--octet] [--host NAME]\n"
					"       plsend --print [--count N] [--start N] [--host NAME]\n");
			return 2;
		}
	}
	if (!addr && !print) {
		fprintf(stderr, "plsend: name --udp or --tcp HOST:PORT, or --print\n");
		return 2;
	}
	FILE *report = print ? stderr : stdout; /* "sent N" must not mix with printed lines */
	int fd = print ? STDOUT_FILENO : connect_to(addr, tcp);
	if (fd < 0)
		return fd == -2 ? 2 : 1;
	signal(SIGPIPE, SIG_IGN);
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);

	static char bufs[BATCH][MSG_MAX + 16];
	static char stream[BATCH * (MSG_MAX + 16)];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	unsigned long long sent = 0;
	double t0 = now_s();
	while (sent < count) {
		int k = count - sent < BATCH ? (int)(count - sent) : BATCH;
		if (rate > 0) {
			double due = t0 + (double)sent / rate;
			double wait = due - now_s();
			if (wait > 0.0002) {
				struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
				nanosleep(&ts, NULL);
			}
		}
		if (tcp) {
			size_t len = 0;
			for (int i = 0; i < k; i++)
				len += (size_t)format(stream + len, stamp, host, start + sent + (unsigned)i, octet);
			size_t off = 0;
			while (off < len) {
				ssize_t w = write(fd, stream + off, len - off);
				if (w < 0 && errno == EINTR)
					continue;
				if (w <= 0) {
					fprintf(report, "sent %llu\n", sent);
					fprintf(stderr, "plsend: write: %s\n", strerror(errno));
					return 1;
				}
				off += (size_t)w;
			}
		} else {
			for (int i = 0; i < k; i++) {
				int n = format(bufs[i], stamp, host, start + sent + (unsigned)i, 0);
				iov[i] = (struct iovec){ bufs[i], (size_t)n - 1 }; /* no newline */
				mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
			}
			int done = 0;
			while (done < k) {
				int r = sendmmsg(fd, mm + done, (unsigned)(k - done), 0);
				if (r < 0 && (errno == EINTR || errno == ENOBUFS || errno == ECONNREFUSED))
					continue;
				if (r < 0) {
					fprintf(report, "sent %llu\n", sent);
					fprintf(stderr, "plsend: send: %s\n", strerror(errno));
					return 1;
				}
				done += r;
			}
		}
		sent += (unsigned)k;
	}
	double secs = now_s() - t0;
	fprintf(report, "sent %llu\n", sent);
	fprintf(stderr, "plsend: %llu messages in %.2f s (%.0f/s)\n", sent, secs,
		secs > 0 ? (double)sent / secs : 0.0);
	close(fd);
	return 0;
}
