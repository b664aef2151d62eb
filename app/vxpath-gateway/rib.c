/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The kernel's routes per prefix, and the choice of the one the fast path
 * uses (rib.h). A prefix is a key of an rte_hash whose position indexes
 * an array of its routes; only the netlink thread touches any of it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>

#include "gw_log.h"
#include "rib.h"

/* A prefix: every byte set, the address's unused ones 0. */
struct rib_key {
	uint8_t family;
	uint8_t depth;
	uint8_t pad[2];
	uint8_t dst[16];
};

struct rib_prefix {
	uint8_t nb;
	struct gw_rib_route r[GW_RIB_PATHS];
};

struct gw_rib {
	struct rte_hash *index;
	struct rib_prefix *prefix;	/* by the key's hash position */
	uint32_t nb_routes;
};

struct gw_rib *
gw_rib_create(uint32_t max_prefixes, int socket)
{
	struct rte_hash_parameters hp = {
		.name = "gw_rib",
		.entries = max_prefixes,
		.key_len = sizeof(struct rib_key),
		.hash_func = rte_jhash,
		.socket_id = socket,
	};
	struct gw_rib *rib = calloc(1, sizeof(*rib));

	if (rib == NULL)
		goto nomem;
	rib->index = rte_hash_create(&hp);
	if (rib->index == NULL) {
		GW_LOG(ERR, "routing table of %u prefixes: %s", max_prefixes,
		       rte_strerror(rte_errno));
		free(rib);
		return NULL;
	}
	/* rte_hash may use a few positions more than @entries. */
	rib->prefix = calloc((size_t)rte_hash_max_key_id(rib->index) + 1,
			     sizeof(*rib->prefix));
	if (rib->prefix == NULL) {
		rte_hash_free(rib->index);
		free(rib);
		goto nomem;
	}
	return rib;
nomem:
	GW_LOG(ERR, "routing table of %u prefixes: no memory", max_prefixes);
	rte_errno = ENOMEM;
	return NULL;
}

void
gw_rib_free(struct gw_rib *rib)
{
	if (rib == NULL)
		return;
	rte_hash_free(rib->index);
	free(rib->prefix);
	free(rib);
}

uint32_t
gw_rib_nb_routes(const struct gw_rib *rib)
{
	return rib->nb_routes;
}

/* Index of @p's lowest-metric route (the first of equals); -1 if none. */
static int
best(const struct rib_prefix *p)
{
	int i, b = -1;

	for (i = 0; i < p->nb; i++)
		if (b < 0 || p->r[i].metric < p->r[b].metric)
			b = i;
	return b;
}

static bool
same_path(const struct gw_rib_route *a, const struct gw_rib_route *b)
{
	return a->kind == b->kind && a->port == b->port &&
	       a->has_gw == b->has_gw &&
	       (!a->has_gw || memcmp(a->gw, b->gw, sizeof(a->gw)) == 0);
}

int
gw_rib_update(struct gw_rib *rib, struct gw_fib *fib, int family,
	      const uint8_t *dst, uint8_t depth,
	      const struct gw_rib_route *r, bool add)
{
	size_t alen = family == AF_INET ? 4 : 16;
	struct rib_key key = { .family = (uint8_t)family, .depth = depth };
	struct gw_rib_route old_best, route;
	struct rib_prefix *p;
	int pos, i, b;

	if (depth > alen * 8)
		return -EINVAL;
	/* The prefix's bits only: "10.9.9.9/24" is 10.9.9.0/24. */
	memcpy(key.dst, dst, alen);
	for (i = depth; i < (int)alen * 8; i++)
		key.dst[i / 8] &= (uint8_t)~(0x80u >> (i % 8));

	pos = rte_hash_lookup(rib->index, &key);
	if (pos < 0) {
		if (!add)
			return -ENOENT;
		pos = rte_hash_add_key(rib->index, &key);
		if (pos < 0)
			return -ENOSPC;
		rib->prefix[pos].nb = 0;
	}
	p = &rib->prefix[pos];
	b = best(p);
	if (b >= 0)
		old_best = p->r[b];

	for (i = 0; i < p->nb && p->r[i].metric != r->metric; i++)
		;
	if (add) {
		route = *r;
		if (!route.has_gw)
			memset(route.gw, 0, sizeof(route.gw));
		if (i == p->nb) {
			if (p->nb == GW_RIB_PATHS)
				return -ENOSPC;
			p->nb++;
			rib->nb_routes++;
		}
		p->r[i] = route;
	} else {
		if (i == p->nb)
			return -ENOENT;
		/* Keep the order: the first of equal metrics wins. */
		memmove(&p->r[i], &p->r[i + 1],
			(size_t)(p->nb - i - 1) * sizeof(p->r[0]));
		p->nb--;
		rib->nb_routes--;
	}

	i = best(p);
	if (i < 0) {
		rte_hash_del_key(rib->index, &key);
		return gw_fib_route(fib, family, key.dst, depth,
				    GW_ROUTE_KERNEL, 0, NULL, false);
	}
	if (b >= 0 && same_path(&old_best, &p->r[i]))
		return 0;
	return gw_fib_route(fib, family, key.dst, depth, p->r[i].kind,
			    p->r[i].port, p->r[i].has_gw ? p->r[i].gw : NULL,
			    true);
}
