/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * vxpath-rxintr: a receiver that sleeps on an Rx queue interrupt instead of
 * polling, as an application serving a quiet exception port would. It sets
 * up one port with one queue pair and intr_conf.rxq, adds Rx queue 0's
 * interrupt to the thread's epoll set (rte_eth_dev_rx_intr_ctl_q), then
 * loops: receive bursts until the queue is empty, enable the queue's
 * interrupt, sleep in rte_epoll_wait(), disable it, receive again. Each
 * return of rte_epoll_wait() with an event is a wake-up.
 *
 * It prints "rxintr: ready port=P" once it sleeps for the first time, and
 * at the end one summary line:
 *   rxintr: packets=N bytes=B wakeups=W timeouts=T empty_wakeups=E late=L
 * (timeouts: 100 ms waits that ended without an event; empty_wakeups:
 * wake-ups after which no packet was found; late: waits that timed out
 * although packets were there to receive after them, i.e. interrupts that
 * never came, 0 unless one was lost or packets arrived just as a wait
 * ended). It exits 0 once it has received --packets packets, 1 if
 * --timeout seconds passed first or on SIGINT/SIGTERM, 2 on a set-up
 * error.
 *
 * Usage: vxpath-rxintr [EAL options] -- [--packets N] [--timeout SEC]
 *        [--port P] [--gap-us US] [--hold]
 * --gap-us: busy-wait this long between finding the queue empty and
 * enabling its interrupt, so that packets often arrive in between (the
 * race the driver's re-check must catch). --hold: after the summary, keep
 * the port up, idle, until SIGINT or SIGTERM.
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
#include <rte_epoll.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_mbuf.h>

#define NB_MBUFS 4095
#define MBUF_CACHE 128
#define NB_DESC 512
#define BURST 32
/* Longest single sleep, so that a signal or the deadline is seen. */
#define WAIT_SLICE_MS 100

static volatile sig_atomic_t quit;

static void
on_signal(int sig __rte_unused)
{
	quit = 1;
}

struct opts {
	uint64_t packets;   /* stop after this many packets */
	unsigned int timeout_s;
	unsigned int gap_us; /* busy wait between "empty" and the enable */
	bool hold;           /* after the summary, wait for SIGINT/SIGTERM */
	uint16_t port;
};

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "packets", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "gap-us", required_argument, NULL, 'g' },
		{ "hold", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->packets = 32;
	o->timeout_s = 30;
	o->port = 0;
	o->gap_us = 0;
	o->hold = false;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		unsigned long v;

		if (c == 'h') {
			o->hold = true;
			continue;
		}
		if (c != 'n' && c != 't' && c != 'p' && c != 'g')
			return -1;
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (errno != 0 || *end != '\0' || end == optarg)
			return -1;
		if (c == 'n')
			o->packets = v;
		else if (c == 't' && v <= 86400)
			o->timeout_s = (unsigned int)v;
		else if (c == 'p' && v < RTE_MAX_ETHPORTS)
			o->port = (uint16_t)v;
		else if (c == 'g' && v <= 1000000)
			o->gap_us = (unsigned int)v;
		else
			return -1;
	}
	return optind < argc ? -1 : 0;
}

/* One port, one queue pair, Rx queue interrupts on. */
static int
port_setup(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.rxq = 1;
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret < 0) {
		fprintf(stderr, "rxintr: configure port %u: %s\n", port,
			rte_strerror(-ret));
		return ret;
	}
	ret = rte_eth_rx_queue_setup(port, 0, NB_DESC,
				     rte_eth_dev_socket_id(port), NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, NB_DESC,
					     rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret < 0) {
		fprintf(stderr, "rxintr: set up port %u: %s\n", port,
			rte_strerror(-ret));
		return ret;
	}
	ret = rte_eth_dev_rx_intr_ctl_q(port, 0, RTE_EPOLL_PER_THREAD,
					RTE_INTR_EVENT_ADD, NULL);
	if (ret < 0) {
		fprintf(stderr, "rxintr: port %u: Rx queue 0 interrupt to epoll: %s\n",
			port, rte_strerror(-ret));
		return ret;
	}
	return 0;
}

/* Receive until the queue is empty. Return: packets received. */
static uint64_t
drain(uint16_t port, uint64_t *bytes)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t total = 0;
	uint16_t n, i;

	do {
		n = rte_eth_rx_burst(port, 0, pkts, BURST);
		for (i = 0; i < n; i++) {
			*bytes += rte_pktmbuf_pkt_len(pkts[i]);
			rte_pktmbuf_free(pkts[i]);
		}
		total += n;
	} while (n > 0);
	return total;
}

int
main(int argc, char **argv)
{
	uint64_t packets = 0, bytes = 0, wakeups = 0, timeouts = 0;
	uint64_t empty_wakeups = 0, late = 0, deadline, hz;
	struct rte_epoll_event ev;
	struct rte_mempool *mp;
	bool ready = false, woke = false, timed_out = false;
	struct opts o;
	int ret, status = 1;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "rxintr: EAL init: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: vxpath-rxintr [EAL options] -- [--packets N] [--timeout SEC] [--port P] [--gap-us US] [--hold]\n");
		rte_eal_cleanup();
		return 2;
	}
	if (!rte_eth_dev_is_valid_port(o.port)) {
		fprintf(stderr, "rxintr: no port %u\n", o.port);
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	mp = rte_pktmbuf_pool_create("rxintr_pool", NB_MBUFS, MBUF_CACHE, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_eth_dev_socket_id(o.port));
	if (mp == NULL || port_setup(o.port, mp) < 0) {
		if (mp == NULL)
			fprintf(stderr, "rxintr: mbuf pool: %s\n",
				rte_strerror(rte_errno));
		status = 2;
		goto out;
	}

	hz = rte_get_timer_hz();
	deadline = rte_get_timer_cycles() + (uint64_t)o.timeout_s * hz;
	for (;;) {
		uint64_t got = drain(o.port, &bytes);

		if (woke && got == 0)
			empty_wakeups++;
		if (timed_out && got > 0)
			late++;
		woke = timed_out = false;
		packets += got;
		if (packets >= o.packets) {
			status = 0;
			break;
		}
		if (quit || rte_get_timer_cycles() >= deadline)
			break;
		/* Ask for an interrupt, then sleep. Buffers that arrived in
		 * between are signalled by the driver itself, so the wait
		 * returns at once instead of missing them. --gap-us widens
		 * that window, as a slow application would.
		 */
		if (o.gap_us > 0)
			rte_delay_us_block(o.gap_us);
		ret = rte_eth_dev_rx_intr_enable(o.port, 0);
		if (ret < 0) {
			fprintf(stderr, "rxintr: enable Rx interrupt: %s\n",
				rte_strerror(-ret));
			status = 2;
			break;
		}
		if (!ready) {
			printf("rxintr: ready port=%u\n", o.port);
			fflush(stdout);
			ready = true;
		}
		ret = rte_epoll_wait(RTE_EPOLL_PER_THREAD, &ev, 1,
				     WAIT_SLICE_MS);
		rte_eth_dev_rx_intr_disable(o.port, 0);
		woke = ret > 0;
		timed_out = ret == 0;
		if (ret > 0) {
			wakeups++;
		} else if (ret == 0) {
			timeouts++;
		} else {
			fprintf(stderr, "rxintr: rte_epoll_wait failed\n");
			status = 2;
			break;
		}
	}

	printf("rxintr: packets=%" PRIu64 " bytes=%" PRIu64 " wakeups=%" PRIu64
	       " timeouts=%" PRIu64 " empty_wakeups=%" PRIu64 " late=%" PRIu64
	       "\n", packets, bytes, wakeups, timeouts, empty_wakeups, late);
	fflush(stdout);
	/* The port stays up until told: its back-end's peer sees no
	 * disconnection while it is still being driven.
	 */
	while (o.hold && !quit)
		rte_delay_us_sleep(100 * 1000);
	rte_eth_dev_rx_intr_ctl_q(o.port, 0, RTE_EPOLL_PER_THREAD,
				  RTE_INTR_EVENT_DEL, NULL);
	rte_eth_dev_stop(o.port);
out:
	rte_eth_dev_close(o.port);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return status;
}
