// SPDX-License-Identifier: GPL-2.0
/*
 * Traffic for the data-plane benchmark (scripts/bench), run in the guest's
 * namespaces:
 *
 *   bench_tool serve UDP_PORT... -t TCP_PORT
 *       A real server: drains the UDP ports, and on the TCP port accepts,
 *       writes one byte and closes. Runs until killed.
 *   bench_tool udp ADDR PORT FLOWS SECONDS
 *       Sends 64-byte datagrams to ADDR:PORT from FLOWS sockets (FLOWS
 *       source ports, so FLOWS connections in IPVS) in turn, as fast as it
 *       can for SECONDS. Prints "sent N".
 *   bench_tool tcp ADDR PORT SECONDS
 *       Opens TCP connections to ADDR:PORT one after the other for SECONDS:
 *       connect, read the server's byte and its end, close with a reset (no
 *       TIME_WAIT, so the source ports last). Prints "connections N
 *       failed N".
 *
 * A sender measures nothing itself: the script reads the real servers'
 * interface counters, which count what the director forwarded.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS 8
#define BATCH 32

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in parse_addr(const char *addr, const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "bench_tool: bad address %s\n", addr);
		exit(2);
	}
	sin.sin_port = htons(atoi(port));
	return sin;
}

static int bound_socket(int type, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1, fd;

	fd = socket(AF_INET, type, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("bind");
	if (type == SOCK_STREAM && listen(fd, 128) < 0)
		die("listen");
	return fd;
}

static __attribute__((noreturn)) void serve(int argc, char **argv)
{
	struct pollfd fds[MAX_PORTS + 1];
	char buf[2048];
	int n = 0, tcp = -1, i;

	for (i = 0; i < argc && n < MAX_PORTS; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			tcp = n;
			fds[n++].fd = bound_socket(SOCK_STREAM, atoi(argv[++i]));
		} else {
			fds[n++].fd = bound_socket(SOCK_DGRAM, atoi(argv[i]));
		}
	}
	for (i = 0; i < n; i++)
		fds[i].events = POLLIN;
	for (;;) {
		if (poll(fds, n, -1) < 0 && errno != EINTR)
			die("poll");
		for (i = 0; i < n; i++) {
			if (!(fds[i].revents & POLLIN))
				continue;
			if (i == tcp) {
				int c = accept(fds[i].fd, NULL, NULL);

				if (c >= 0) {
					if (write(c, "x", 1) < 0)
						perror("write");
					close(c);
				}
				continue;
			}
			while (recv(fds[i].fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				;
		}
	}
}

static int udp(const char *addr, const char *port, int flows, double seconds)
{
	struct sockaddr_in dst = parse_addr(addr, port);
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	char payload[64] = "ipvs-bench";
	unsigned long long sent = 0;
	double end;
	int *fds, i;

	if (flows < 1)
		flows = 1;
	fds = calloc(flows, sizeof(*fds));
	if (!fds)
		die("calloc");
	for (i = 0; i < flows; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[i] < 0)
			die("socket");
		if (connect(fds[i], (struct sockaddr *)&dst, sizeof(dst)) < 0)
			die("connect");
	}
	iov.iov_base = payload;
	iov.iov_len = sizeof(payload);
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	end = now() + seconds;
	while (now() < end) {
		for (i = 0; i < flows; i++) {
			int r = sendmmsg(fds[i], msgs, BATCH, 0);

			/* A full queue or an ICMP error on the socket: go on. */
			if (r > 0)
				sent += r;
		}
	}
	printf("sent %llu\n", sent);
	return 0;
}

static int tcp_once(const struct sockaddr_in *dst)
{
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	char buf[16];
	int fd, ok = 0;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) == 0) {
		/* The server's byte, then its end of the connection. */
		ok = read(fd, buf, sizeof(buf)) == 1 && read(fd, buf, sizeof(buf)) == 0;
	}
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
	close(fd);
	return ok;
}

static int tcp(const char *addr, const char *port, double seconds)
{
	struct sockaddr_in dst = parse_addr(addr, port);
	unsigned long done = 0, failed = 0;
	double end = now() + seconds;

	while (now() < end) {
		if (tcp_once(&dst))
			done++;
		else
			failed++;
	}
	printf("connections %lu failed %lu\n", done, failed);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "serve"))
		serve(argc - 2, argv + 2);
	if (argc == 6 && !strcmp(argv[1], "udp"))
		return udp(argv[2], argv[3], atoi(argv[4]), atof(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "tcp"))
		return tcp(argv[2], argv[3], atof(argv[4]));
	fprintf(stderr, "usage: bench_tool serve UDP_PORT... -t TCP_PORT\n"
			"       bench_tool udp ADDR PORT FLOWS SECONDS\n"
			"       bench_tool tcp ADDR PORT SECONDS\n");
	return 2;
}
