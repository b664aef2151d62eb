/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * vxpath-memgrow: an echo on one port whose answers come, after a signal,
 * from memory DPDK mapped while the port runs. It sets up one port with
 * one queue pair and a small mbuf pool, starts it, and sends back every
 * frame it receives. On SIGUSR1 it creates a second mbuf pool, large
 * enough that EAL must map new hugepages for it (memory hot-plug), and
 * from then on copies each received frame into an mbuf of that pool
 * before sending it: the port's back-end can only send those frames on if
 * it follows the hot-plug (for vxpath, a memory table that grew while the
 * port ran).
 *
 * It prints "memgrow: ready port=P" once the port is started,
 * "memgrow: grown mbufs=N" once the second pool exists, and at the end
 * (SIGINT, SIGTERM or --timeout) one summary line:
 *   memgrow: rx=R tx=T tx_grown=G dropped=D grown=0|1
 * (tx_grown: frames sent from the second pool; dropped: frames the port
 * did not take for sending). Exit status: 0 after a signal, 1 on the
 * timeout, 2 on a set-up error.
 *
 * Usage: vxpath-memgrow [EAL options] -- [--grow-mbufs N] [--timeout SEC]
 *        [--port P]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define NB_MBUFS 1023
#define NB_DESC 256
#define BURST 32

static volatile sig_atomic_t quit;
static volatile sig_atomic_t grow;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		grow = 1;
	else
		quit = 1;
}

struct opts {
	unsigned int grow_mbufs; /* mbufs of the second pool */
	unsigned int timeout_s;
	uint16_t port;
};

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "grow-mbufs", required_argument, NULL, 'g' },
		{ "timeout", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->grow_mbufs = 16383;
	o->timeout_s = 120;
	o->port = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		unsigned long v;

		if (c != 'g' && c != 't' && c != 'p')
			return -1;
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (errno != 0 || *end != '\0' || end == optarg)
			return -1;
		if (c == 'g' && v > 0 && v <= 1048576)
			o->grow_mbufs = (unsigned int)v;
		else if (c == 't' && v <= 86400)
			o->timeout_s = (unsigned int)v;
		else if (c == 'p' && v < RTE_MAX_ETHPORTS)
			o->port = (uint16_t)v;
		else
			return -1;
	}
	return optind < argc ? -1 : 0;
}

/* One port, one queue pair, started. */
static int
port_setup(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, NB_DESC,
					     rte_eth_dev_socket_id(port), NULL,
					     mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, NB_DESC,
					     rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret < 0)
		fprintf(stderr, "memgrow: set up port %u: %s\n", port,
			rte_strerror(-ret));
	return ret;
}

/* A copy of @m (one segment) in an mbuf of @mp; NULL if none is free. */
static struct rte_mbuf *
copy_into(const struct rte_mbuf *m, struct rte_mempool *mp)
{
	struct rte_mbuf *c = rte_pktmbuf_alloc(mp);
	uint32_t len = rte_pktmbuf_pkt_len(m);
	char *data;

	if (c == NULL)
		return NULL;
	const void *src;

	data = rte_pktmbuf_append(c, len);
	src = data != NULL ? rte_pktmbuf_read(m, 0, len, data) : NULL;
	if (src == NULL) {
		rte_pktmbuf_free(c);
		return NULL;
	}
	if (src != data)
		memcpy(data, src, len);
	return c;
}

int
main(int argc, char **argv)
{
	uint64_t rx = 0, tx = 0, tx_grown = 0, dropped = 0, deadline;
	struct rte_mempool *mp, *grown = NULL;
	struct rte_mbuf *pkts[BURST];
	struct opts o;
	int ret, status = 1;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "memgrow: EAL init: %s\n",
			rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: vxpath-memgrow [EAL options] -- [--grow-mbufs N] [--timeout SEC] [--port P]\n");
		rte_eal_cleanup();
		return 2;
	}
	if (!rte_eth_dev_is_valid_port(o.port)) {
		fprintf(stderr, "memgrow: no port %u\n", o.port);
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);

	mp = rte_pktmbuf_pool_create("memgrow_a", NB_MBUFS, 0, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_eth_dev_socket_id(o.port));
	if (mp == NULL || port_setup(o.port, mp) < 0) {
		fprintf(stderr, "memgrow: set-up failed: %s\n",
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 2;
	}
	printf("memgrow: ready port=%u\n", o.port);
	fflush(stdout);

	deadline = rte_get_timer_cycles() + o.timeout_s * rte_get_timer_hz();
	while (!quit) {
		uint16_t n, i, sent;

		if (rte_get_timer_cycles() > deadline)
			break;
		if (grow && grown == NULL) {
			/* No cache: every mbuf of it can be taken. */
			grown = rte_pktmbuf_pool_create("memgrow_b",
					o.grow_mbufs, 0, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE,
					rte_eth_dev_socket_id(o.port));
			if (grown == NULL) {
				fprintf(stderr, "memgrow: second pool: %s\n",
					rte_strerror(rte_errno));
				break;
			}
			printf("memgrow: grown mbufs=%u\n", o.grow_mbufs);
			fflush(stdout);
		}
		n = rte_eth_rx_burst(o.port, 0, pkts, BURST);
		if (n == 0)
			continue;
		rx += n;
		if (grown != NULL) {
			uint16_t kept = 0;

			for (i = 0; i < n; i++) {
				struct rte_mbuf *c = copy_into(pkts[i], grown);

				rte_pktmbuf_free(pkts[i]);
				if (c != NULL)
					pkts[kept++] = c;
				else
					dropped++;
			}
			n = kept;
		}
		sent = rte_eth_tx_burst(o.port, 0, pkts, n);
		tx += sent;
		if (grown != NULL)
			tx_grown += sent;
		for (i = sent; i < n; i++) {
			rte_pktmbuf_free(pkts[i]);
			dropped++;
		}
	}
	if (quit)
		status = 0;
	printf("memgrow: rx=%" PRIu64 " tx=%" PRIu64 " tx_grown=%" PRIu64 " dropped=%" PRIu64 " grown=%d\n",
	       rx, tx, tx_grown, dropped, grown != NULL);
	fflush(stdout);
	rte_eth_dev_stop(o.port);
	rte_eth_dev_close(o.port);
	rte_eal_cleanup();
	return status;
}
