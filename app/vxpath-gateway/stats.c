/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The gateway's counters, read through rte_telemetry
 * (dpdk-telemetry.py -f <runtime dir>/dpdk_telemetry.v2, or any client of
 * the socket):
 *   /vxpath_gw/ports         the ports: index -> NIC port, twin, TAP
 *   /vxpath_gw/stats,<N>     port N's counters: rx, forwarded, to_kernel,
 *                            from_kernel, kernel_gso_frames,
 *                            kernel_gso_segments, punt_<reason>,
 *                            drop_<reason>
 *   /vxpath_gw/workers       each forwarding lcore (queue) over all ports
 *   /vxpath_gw/fib           table sizes: routes (fast path's, and the
 *                            kernel's routes kept, rib.h), local
 *                            addresses, neighbours
 * and printed at exit, ending with the one-line summary.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>
#include <rte_version.h>

#include "gw.h"

/* rte_tel_data_add_dict_u64 gave way to _uint in 23.03. */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define tel_add_u64(d, name, v) rte_tel_data_add_dict_uint(d, name, v)
#else
#define tel_add_u64(d, name, v) rte_tel_data_add_dict_u64(d, name, v)
#endif

void
gw_stats_sum(uint16_t port, struct gw_counters *out)
{
	unsigned int w, r;

	memset(out, 0, sizeof(*out));
	for (w = 0; w < gw.nb_queues; w++) {
		const struct gw_counters *c = &gw.cnt[w][port];

		out->rx += c->rx;
		out->fwd += c->fwd;
		out->from_kernel += c->from_kernel;
		out->kernel_gso_frames += c->kernel_gso_frames;
		out->kernel_gso_segments += c->kernel_gso_segments;
		for (r = 0; r < GW_PUNT_MAX; r++)
			out->punt[r] += c->punt[r];
		for (r = 0; r < GW_DROP_MAX; r++)
			out->drop[r] += c->drop[r];
	}
}

/* The sum of @n counters. */
static uint64_t
total(const uint64_t *v, unsigned int n)
{
	uint64_t t = 0;

	while (n-- > 0)
		t += v[n];
	return t;
}

#define punted(c) total((c)->punt, GW_PUNT_MAX)
#define dropped(c) total((c)->drop, GW_DROP_MAX)

static int
tel_ports(const char *cmd __rte_unused, const char *params __rte_unused,
	  struct rte_tel_data *d)
{
	uint16_t i;

	rte_tel_data_start_dict(d);
	for (i = 0; i < gw.nb_ports; i++) {
		char key[16], val[128];

		snprintf(key, sizeof(key), "%u", i);
		snprintf(val, sizeof(val), "nic=%u twin=%u tap=%s",
			 gw.ports[i].nic, gw.ports[i].twin, gw.ports[i].tap);
		rte_tel_data_add_dict_string(d, key, val);
	}
	return 0;
}

static int
tel_stats(const char *cmd __rte_unused, const char *params,
	  struct rte_tel_data *d)
{
	struct gw_counters c;
	char name[64];
	unsigned long port;
	unsigned int r;
	char *end;

	if (params == NULL || *params == '\0')
		return -1;
	port = strtoul(params, &end, 10);
	if (*end != '\0' || port >= gw.nb_ports)
		return -1;
	gw_stats_sum((uint16_t)port, &c);
	rte_tel_data_start_dict(d);
	tel_add_u64(d, "rx", c.rx);
	tel_add_u64(d, "forwarded", c.fwd);
	tel_add_u64(d, "to_kernel", punted(&c));
	tel_add_u64(d, "from_kernel", c.from_kernel);
	tel_add_u64(d, "kernel_gso_frames", c.kernel_gso_frames);
	tel_add_u64(d, "kernel_gso_segments", c.kernel_gso_segments);
	tel_add_u64(d, "dropped", dropped(&c));
	for (r = 0; r < GW_PUNT_MAX; r++) {
		snprintf(name, sizeof(name), "punt_%s", gw_punt_names[r]);
		tel_add_u64(d, name, c.punt[r]);
	}
	for (r = 0; r < GW_DROP_MAX; r++) {
		snprintf(name, sizeof(name), "drop_%s", gw_drop_names[r]);
		tel_add_u64(d, name, c.drop[r]);
	}
	return 0;
}

static int
tel_workers(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	unsigned int w, p;

	rte_tel_data_start_dict(d);
	for (w = 0; w < gw.nb_queues; w++) {
		uint64_t rx = 0, fwd = 0, punt = 0, from = 0;
		char key[16], val[160];

		for (p = 0; p < gw.nb_ports; p++) {
			const struct gw_counters *c = &gw.cnt[w][p];

			rx += c->rx;
			fwd += c->fwd;
			punt += punted(c);
			from += c->from_kernel;
		}
		snprintf(key, sizeof(key), "%u", w);
		snprintf(val, sizeof(val), "lcore=%u queue=%u rx=%" PRIu64
			 " forwarded=%" PRIu64 " to_kernel=%" PRIu64
			 " from_kernel=%" PRIu64, gw.worker_lcore[w], w, rx,
			 fwd, punt, from);
		rte_tel_data_add_dict_string(d, key, val);
	}
	return 0;
}

static int
tel_fib(const char *cmd __rte_unused, const char *params __rte_unused,
	struct rte_tel_data *d)
{
	/* Sizes the writer keeps; a reading may be one change old. */
	rte_tel_data_start_dict(d);
	tel_add_u64(d, "routes4", gw.fib->nb_routes4);
	tel_add_u64(d, "routes6", gw.fib->nb_routes6);
	tel_add_u64(d, "kernel_routes", gw.rib != NULL ?
		    gw_rib_nb_routes(gw.rib) : 0);
	tel_add_u64(d, "local4", gw.fib->nb_local4);
	tel_add_u64(d, "local6", gw.fib->nb_local6);
	tel_add_u64(d, "neighbours", gw.fib->nb_neigh);
	tel_add_u64(d, "nexthops_free", gw.fib->nb_nh_free);
	return 0;
}

int
gw_stats_init(void)
{
	if (rte_telemetry_register_cmd("/vxpath_gw/ports", tel_ports,
				       "The gateway's ports. No parameters") ||
	    rte_telemetry_register_cmd("/vxpath_gw/stats", tel_stats,
				       "A port's forwarding counters. "
				       "Parameters: int port index") ||
	    rte_telemetry_register_cmd("/vxpath_gw/workers", tel_workers,
				       "Each forwarding lcore's counters, all "
				       "ports. No parameters") ||
	    rte_telemetry_register_cmd("/vxpath_gw/fib", tel_fib,
				       "Forwarding table sizes. No parameters"))
		return -1;
	return 0;
}

void
gw_stats_summary(void)
{
	uint64_t fwd = 0, punt = 0, from = 0;
	struct gw_counters c;
	unsigned int r;
	uint16_t i;

	for (i = 0; i < gw.nb_ports; i++) {
		gw_stats_sum(i, &c);
		printf("gateway: port %u (TAP %s): rx %" PRIu64 " forwarded %"
		       PRIu64 " to_kernel %" PRIu64 " from_kernel %" PRIu64
		       " dropped %" PRIu64 "\n", i, gw.ports[i].tap, c.rx,
		       c.fwd, punted(&c), c.from_kernel, dropped(&c));
		if (c.kernel_gso_frames != 0)
			printf("gateway:   kernel frames cut %" PRIu64
			       " into %" PRIu64 " segments\n",
			       c.kernel_gso_frames, c.kernel_gso_segments);
		for (r = 0; r < GW_PUNT_MAX; r++)
			if (c.punt[r] != 0)
				printf("gateway:   punt %s %" PRIu64 "\n",
				       gw_punt_names[r], c.punt[r]);
		for (r = 0; r < GW_DROP_MAX; r++)
			if (c.drop[r] != 0)
				printf("gateway:   drop %s %" PRIu64 "\n",
				       gw_drop_names[r], c.drop[r]);
		fwd += c.fwd;
		punt += punted(&c);
		from += c.from_kernel;
	}
	printf("gateway: %" PRIu64 " transit packets on the fast path, %"
	       PRIu64 " packets to the kernel, %" PRIu64
	       " from the kernel\n", fwd, punt, from);
	fflush(stdout);
}
