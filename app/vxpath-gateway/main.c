/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * vxpath-gateway: an IPv4/IPv6 gateway whose fast path is DPDK and whose
 * control plane is the unchanged Linux kernel. Each NIC port given to EAL
 * gets a kernel twin (a TAP over vhost-net, through vxpath or DPDK's own
 * net_virtio_user) with the NIC's name of choice, MAC and MTU; the kernel
 * (ip, FRR, bird) addresses and routes the twins as if they were the
 * NICs. The fast path forwards what the kernel's tables say it may
 * (mirrored over rtnetlink) and hands the rest to the kernel through the
 * ingress port's twin; what the kernel sends on a twin leaves on its NIC.
 * See doc/guides/howto/gateway.rst.
 *
 * Usage: vxpath-gateway [EAL options] -- [--twin-driver NAME]
 *        [--twin-devargs TEMPLATE] [--twin-args DEVARGS]
 *        [--tap-name PORT=NAME]... [--twin-queue-size N]
 *   --twin-driver  vdev driver name of the twins, numbered from 0
 *                  (default net_vxpath; virtio_user binds DPDK's own
 *                  net_virtio_user when the vxpath plugin is not loaded)
 *   --twin-devargs the twins' devargs, with %t the TAP name, %m the MAC,
 *                  %q the queue pairs, %s --twin-queue-size (default
 *                  path=/dev/vhost-net,iface=%t,mac=%m,queues=%q,
 *                  queue_size=%s, and cq=1 with more than one queue
 *                  pair; DPDK's net_tap: iface=%t,mac=%m)
 *   --twin-args    devargs added to each twin's (mrg_rxbuf=0,...)
 *   --tap-name     the TAP name of port PORT (default dp<PORT>)
 *   --twin-queue-size  descriptors per twin virtqueue (default 1024)
 * EAL needs two lcores at least: the main one follows links and signals,
 * each other one forwards (one queue pair per port each).
 * Exit status: 0 after SIGINT/SIGTERM, 1 on a set-up failure, 2 on a bad
 * option (one line naming it).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "gw.h"
#include "gw_log.h"

struct gw gw;
int gw_logtype;

static void
on_signal(int sig __rte_unused)
{
	__atomic_store_n(&gw.quit, true, __ATOMIC_RELAXED);
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [EAL options] -- [--twin-driver NAME] "
		"[--twin-devargs TEMPLATE] [--twin-args DEVARGS] "
		"[--tap-name PORT=NAME]... "
		"[--twin-queue-size N]\n", prog);
}

static int
parse_args(int argc, char **argv, struct gw_options *opt)
{
	static const struct option longopts[] = {
		{ "twin-driver", required_argument, NULL, 'd' },
		{ "twin-devargs", required_argument, NULL, 't' },
		{ "twin-args", required_argument, NULL, 'a' },
		{ "tap-name", required_argument, NULL, 'n' },
		{ "twin-queue-size", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	char *end;
	int c;

	opt->twin_driver = "net_vxpath";
	opt->twin_args = "";
	opt->twin_queue_size = 1024;
	optind = 1;
	opterr = 0;	/* one line per bad option: ours */
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (optarg[0] == '\0' || strlen(optarg) > 48) {
				GW_LOG(ERR, "option --twin-driver: '%s' is not "
				       "a vdev driver name", optarg);
				return -1;
			}
			opt->twin_driver = optarg;
			break;
		case 't': {
			char probe[1024];

			if (gw_twin_devargs(probe, sizeof(probe), optarg,
					    "dp0", "02:00:00:00:00:00", 1,
					    1024) < 0) {
				GW_LOG(ERR, "option --twin-devargs: '%s': only "
				       "%%t, %%m, %%q, %%s and %%%% may follow "
				       "a %%, and it must fit 1 KiB", optarg);
				return -1;
			}
			opt->twin_devargs = optarg;
			break;
		}
		case 'a':
			opt->twin_args = optarg;
			break;
		case 'n':
			v = strtoul(optarg, &end, 10);
			if (end == optarg || *end != '=' || v >= GW_MAX_PORTS ||
			    end[1] == '\0' || strlen(end + 1) >= IFNAMSIZ ||
			    strpbrk(end + 1, "/ ,=") != NULL) {
				GW_LOG(ERR, "option --tap-name: '%s' is not "
				       "PORT=NAME (PORT < %u, NAME a valid "
				       "interface name)", optarg, GW_MAX_PORTS);
				return -1;
			}
			opt->tap_names[v] = end + 1;
			break;
		case 'q':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end != '\0' || v < 64 || v > 32768 ||
			    (v & (v - 1)) != 0) {
				GW_LOG(ERR, "option --twin-queue-size: '%s' is "
				       "not a power of 2 in [64, 32768]",
				       optarg);
				return -1;
			}
			opt->twin_queue_size = (unsigned int)v;
			break;
		case 'h':
			usage(argv[0]);
			exit(0);
		default:
			GW_LOG(ERR, "option %s: unknown or missing its value",
			       argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		GW_LOG(ERR, "argument '%s': not an option", argv[optind]);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct gw_fib_conf fc = {
		.max_routes4 = 65536,
		.max_routes6 = 16384,
		.max_neigh = 16384,
	};
	struct gw_options opt = { 0 };
	unsigned int lcore, w = 0;
	size_t sz;
	int ret, status = 1;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "gateway: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	gw_logtype = rte_log_register_type_and_pick_level("app.vxpath_gw",
							  RTE_LOG_INFO);
	if (gw_logtype < 0)
		gw_logtype = RTE_LOGTYPE_USER1;
	if (parse_args(argc, argv, &opt) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (w == GW_MAX_WORKERS) {
			GW_LOG(ERR, "more than %u forwarding lcores",
			       GW_MAX_WORKERS);
			goto out;
		}
		gw.worker_lcore[w++] = lcore;
	}
	if (w == 0) {
		GW_LOG(ERR, "no forwarding lcore: give EAL two lcores at "
		       "least (-l 0,1)");
		goto out;
	}
	gw.nb_queues = (uint16_t)w;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	gw.qsbr = rte_zmalloc("gw_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (gw.qsbr == NULL || rte_rcu_qsbr_init(gw.qsbr, RTE_MAX_LCORE)) {
		GW_LOG(ERR, "RCU variable: no memory");
		goto out;
	}
	if (rte_eth_dev_count_avail() == 0) {
		GW_LOG(ERR, "no NIC port: give one with EAL's -a or --vdev "
		       "(net_af_packet0,iface=eth0, say)");
		goto out;
	}
	fc.socket = (int)rte_socket_id();
	gw.fib = gw_fib_create(&fc, gw.qsbr);
	if (gw.fib == NULL)
		goto out;
	gw.rib = gw_rib_create(fc.max_routes4 + fc.max_routes6, fc.socket);
	if (gw.rib == NULL)
		goto out;
	if (gw_ports_setup(&opt) != 0)
		goto out;
	if (gw_stats_init() != 0)
		GW_LOG(WARNING, "telemetry commands not registered");
	if (gw_netlink_start() != 0)
		goto out;
	for (w = 0; w < gw.nb_queues; w++)
		rte_eal_remote_launch(gw_worker, (void *)(uintptr_t)w,
				      gw.worker_lcore[w]);
	printf("gateway: ready: %u ports, %u forwarding lcores, twins %s\n",
	       gw.nb_ports, gw.nb_queues, opt.twin_driver);
	fflush(stdout);
	while (!__atomic_load_n(&gw.quit, __ATOMIC_RELAXED)) {
		usleep(100 * 1000);
		gw_ports_follow_links();
	}
	status = 0;
	rte_eal_mp_wait_lcore();
	gw_stats_summary();
out:
	__atomic_store_n(&gw.quit, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	gw_netlink_stop();
	gw_ports_close();
	gw_rib_free(gw.rib);
	gw_fib_free(gw.fib);
	rte_free(gw.qsbr);
	rte_eal_cleanup();
	return status;
}
