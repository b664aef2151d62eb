/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The kernel's main routing table as the gateway keeps it: every route
 * of a prefix the kernel announced (one per metric), and the one the
 * kernel itself uses, the lowest metric, given to the fast path's tables
 * (fib.h). Without it a route the kernel keeps as a fallback (a daemon's
 * higher-metric copy, an "unreachable ... metric 200" safety net) would
 * replace the route the kernel forwards with, and deleting either would
 * delete the prefix. Writer only: the netlink thread (netlink.c).
 */
#ifndef VXPATH_GW_RIB_H
#define VXPATH_GW_RIB_H

#include <stdbool.h>
#include <stdint.h>

#include "fib.h"

/* Routes of one prefix kept at most (distinct metrics); one more is
 * refused with -ENOSPC and logged by the caller. */
#define GW_RIB_PATHS	8

/* One route of a prefix, as the kernel announced it. */
struct gw_rib_route {
	uint32_t metric;	/* RTA_PRIORITY; 0 when absent */
	enum gw_route_kind kind;
	uint16_t port;		/* egress port index (GW_ROUTE_VIA) */
	bool has_gw;		/* @gw is set; else connected */
	uint8_t gw[16];		/* gateway, network order (4 or 16 bytes) */
};

struct gw_rib;

/*
 * gw_rib_create() - an empty table for @max_prefixes prefixes of both
 * families (the fib's max_routes4 + max_routes6 is enough).
 *
 * Return: the table, or NULL with rte_errno set (ENOMEM, EEXIST) and a
 * log line.
 */
struct gw_rib *gw_rib_create(uint32_t max_prefixes, int socket);

/* gw_rib_free() - free the table; NULL is ignored. */
void gw_rib_free(struct gw_rib *rib);

/*
 * gw_rib_update() - the kernel added (@add) or deleted a route; the fast
 * path's table @fib then gets the prefix's lowest-metric route, or loses
 * the prefix with its last route (gw_fib_route()).
 * @family:	AF_INET or AF_INET6
 * @dst:	prefix, network order (4 or 16 bytes; the rest ignored)
 * @depth:	prefix length, bits
 * @r:		the route; on delete only its metric is read (the kernel
 *		keys a prefix's routes by metric)
 *
 * A route of a metric the prefix has replaces it (the kernel's
 * NLM_F_REPLACE); between routes of equal lowest metric, the first kept
 * wins.
 *
 * Return: 0 (also when the best route did not change); -EINVAL (depth
 * out of range); -ENOENT (delete of a route not kept); -ENOSPC (more
 * than GW_RIB_PATHS routes for the prefix, or more prefixes than the
 * table holds); gw_fib_route()'s errors.
 */
int gw_rib_update(struct gw_rib *rib, struct gw_fib *fib, int family,
		  const uint8_t *dst, uint8_t depth,
		  const struct gw_rib_route *r, bool add);

/* gw_rib_nb_routes() - routes kept, every metric of every prefix. */
uint32_t gw_rib_nb_routes(const struct gw_rib *rib);

#endif /* VXPATH_GW_RIB_H */
