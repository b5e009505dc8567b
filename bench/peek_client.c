/* peek_client.c - a loopback client for peek's tests and benchmark: many
 * connections from many 127.x source addresses, each of a chosen behaviour.
 *
 *   peek_client PORT idle  NSRC PER_SRC HOLD_S   open NSRC*PER_SRC silent connections, hold
 *   peek_client PORT flood N                     N connect+close from 127.0.2.1
 *   peek_client PORT big   BYTES                 send BYTES from 127.0.3.1
 *   peek_client PORT trickle SECONDS             one byte every 200 ms from 127.0.4.1
 *   peek_client PORT file  PATH                  send PATH's bytes over TCP from 127.0.6.1
 *   peek_client PORT udp   PATH                  send PATH's bytes as one datagram (127.0.5.1)
 *   peek_client PORT rate  N PROCS               N short requests over PROCS processes,
 *                                                 sources 127.1.x.y; prints connections/s
 * Prints what it managed ("connected N", ...).  Loopback only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int port;

static int dial(unsigned a, unsigned b, unsigned c)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in src = { .sin_family = AF_INET };
	src.sin_addr.s_addr = htonl(127u << 24 | a << 16 | b << 8 | c);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	dst.sin_addr.s_addr = htonl(0x7f000001);
	if (bind(fd, (struct sockaddr *)&src, sizeof src) ||
	    connect(fd, (struct sockaddr *)&dst, sizeof dst)) {
		close(fd);
		return -1;
	}
	return fd;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: see the comment at the top of bench/peek_client.c\n");
		return 2;
	}
	port = atoi(argv[1]);
	const char *mode = argv[2];
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (!strcmp(mode, "idle") && argc == 6) {
		int nsrc = atoi(argv[3]), per = atoi(argv[4]), hold = atoi(argv[5]), ok = 0;
		int *fds = calloc((size_t)nsrc * (size_t)per, sizeof *fds);
		for (int s = 0; s < nsrc; s++)
			for (int k = 0; k < per; k++)
				if ((fds[s * per + k] = dial(1, (unsigned)(s / 250), (unsigned)(s % 250 + 1))) >= 0)
					ok++;
		printf("connected %d\n", ok);
		fflush(stdout);
		sleep((unsigned)hold);
		for (int i = 0; i < nsrc * per; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		free(fds);
		return 0;
	}
	if (!strcmp(mode, "flood") && argc == 4) {
		int n = atoi(argv[3]), ok = 0;
		for (int i = 0; i < n; i++) {
			int fd = dial(0, 2, 1);
			if (fd >= 0) {
				ok++;
				close(fd);
			}
		}
		printf("connected %d\n", ok);
		return 0;
	}
	if (!strcmp(mode, "big") && argc == 4) {
		long total = atol(argv[3]), sent = 0;
		int fd = dial(0, 3, 1);
		if (fd < 0)
			return 1;
		char buf[16384];
		memset(buf, 'A', sizeof buf);
		while (sent < total) {
			size_t k = total - sent < (long)sizeof buf ? (size_t)(total - sent) : sizeof buf;
			ssize_t n = send(fd, buf, k, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			sent += n;
		}
		printf("sent %ld\n", sent);
		close(fd);
		return 0;
	}
	if ((!strcmp(mode, "file") || !strcmp(mode, "udp")) && argc == 4) {
		static char buf[65536];
		FILE *f = fopen(argv[3], "rb");
		if (!f)
			return 1;
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		int udp = !strcmp(mode, "udp");
		int fd = udp ? socket(AF_INET, SOCK_DGRAM, 0) : dial(0, 6, 1);
		if (fd < 0)
			return 1;
		struct sockaddr_in src = { .sin_family = AF_INET };
		src.sin_addr.s_addr = htonl(0x7f000501);
		struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		dst.sin_addr.s_addr = htonl(0x7f000001);
		if (udp && bind(fd, (struct sockaddr *)&src, sizeof src))
			return 1;
		ssize_t k = udp ? sendto(fd, buf, n, 0, (struct sockaddr *)&dst, sizeof dst)
				: send(fd, buf, n, MSG_NOSIGNAL);
		printf("sent %zd\n", k);
		usleep(200000);
		close(fd);
		return k == (ssize_t)n ? 0 : 1;
	}
	if (!strcmp(mode, "trickle") && argc == 4) {
		double end = now() + atof(argv[3]);
		int fd = dial(0, 4, 1), sent = 0;
		if (fd < 0)
			return 1;
		while (now() < end && send(fd, "G", 1, MSG_NOSIGNAL) == 1) {
			sent++;
			usleep(200000);
		}
		printf("trickled %d\n", sent);
		close(fd);
		return 0;
	}
	if (!strcmp(mode, "rate") && argc == 5) {
		int n = atoi(argv[3]), procs = atoi(argv[4]);
		double t0 = now();
		for (int p = 0; p < procs; p++) {
			if (fork() == 0) {
				int ok = 0;
				static const char req[] = "GET /bench HTTP/1.0\r\n\r\n";
				for (int i = 0; i < n / procs; i++) {
					/* a new source every 8 connections: 127.1.P.x */
					int fd = dial(1 + (unsigned)p, (unsigned)(i / 8 / 250 % 250),
						      (unsigned)(i / 8 % 250 + 1));
					if (fd < 0)
						continue;
					if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) > 0)
						ok++;
					close(fd);
				}
				_exit(ok > 255 ? 255 : 0);
			}
		}
		for (int p = 0; p < procs; p++)
			wait(NULL);
		double dt = now() - t0;
		printf("requests %d seconds %.3f per_second %.0f\n", n, dt, n / dt);
		return 0;
	}
	fprintf(stderr, "peek_client: bad arguments (see bench/peek_client.c)\n");
	return 2;
}
