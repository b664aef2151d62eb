/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The gateway's forwarding tables (fib.h): the writer's side. Next hops
 * are shared by the routes that have the same port and gateway (an
 * rte_hash from that key to the index, a count of the routes using each);
 * a next hop nobody uses goes back to the free list after a grace period.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

#include "fib.h"
#include "gw_log.h"

/* Key of the next-hop index (writer only). */
struct nh_key {
	uint8_t family;
	uint8_t connected;
	uint16_t port;
	uint8_t gw[16];
};

static inline uint32_t
addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static inline uint32_t
ip4_host(const uint8_t *a)
{
	uint32_t v;

	memcpy(&v, a, 4);
	return rte_be_to_cpu_32(v);
}

/* rte_lpm6 takes struct rte_ipv6_addr from 24.11 on, bytes before. */
#if RTE_VERSION >= RTE_VERSION_NUM(24, 11, 0, 0)
#define LPM6_ADDR(a) ((const struct rte_ipv6_addr *)(a))
#else
#define LPM6_ADDR(a) (a)
#endif

struct gw_fib *
gw_fib_create(const struct gw_fib_conf *conf, struct rte_rcu_qsbr *qsbr)
{
	struct rte_lpm_config lc = {
		.max_rules = conf->max_routes4,
		.number_tbl8s = 1024,
	};
	struct rte_lpm6_config l6c = {
		.max_rules = conf->max_routes6,
		.number_tbl8s = 1 << 12,
	};
	struct rte_hash_parameters hp = {
		.name = "gw_neigh",
		.entries = conf->max_neigh,
		.key_len = sizeof(struct gw_neigh_key),
		.hash_func = rte_jhash,
		.socket_id = conf->socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash_parameters nhp = {
		.name = "gw_nh_index",
		.entries = GW_NH_MAX,
		.key_len = sizeof(struct nh_key),
		.hash_func = rte_jhash,
		.socket_id = conf->socket,
	};
	struct rte_lpm_rcu_config lrc = { .v = qsbr };
	struct rte_hash_rcu_config hrc = {
		.v = qsbr,
		.mode = RTE_HASH_QSBR_MODE_SYNC,
	};
	struct gw_fib *fib;
	uint32_t i;
	int err;

	fib = rte_zmalloc_socket("gw_fib", sizeof(*fib), RTE_CACHE_LINE_SIZE,
				 conf->socket);
	if (fib == NULL) {
		GW_LOG(ERR, "no memory for the forwarding tables");
		rte_errno = ENOMEM;
		return NULL;
	}
	fib->qsbr = qsbr;
	fib->def4 = GW_NH_NONE;
	fib->def6 = GW_NH_NONE;
	fib->lpm = rte_lpm_create("gw_lpm4", conf->socket, &lc);
	if (fib->lpm == NULL) {
		GW_LOG(ERR, "rte_lpm_create (%u routes): %s", lc.max_rules,
		       rte_strerror(rte_errno));
		goto fail;
	}
	if (rte_lpm_rcu_qsbr_add(fib->lpm, &lrc) != 0) {
		GW_LOG(ERR, "rte_lpm_rcu_qsbr_add: %s",
		       rte_strerror(rte_errno));
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		char name[32];

		snprintf(name, sizeof(name), "gw_lpm6_%u", i);
		fib->lpm6[i] = rte_lpm6_create(name, conf->socket, &l6c);
		if (fib->lpm6[i] == NULL) {
			GW_LOG(ERR, "rte_lpm6_create (%u routes): %s",
			       l6c.max_rules, rte_strerror(rte_errno));
			goto fail;
		}
	}
	fib->neigh = rte_hash_create(&hp);
	if (fib->neigh == NULL) {
		GW_LOG(ERR, "rte_hash_create (%u neighbours): %s",
		       hp.entries, rte_strerror(rte_errno));
		goto fail;
	}
	if (rte_hash_rcu_qsbr_add(fib->neigh, &hrc) != 0) {
		GW_LOG(ERR, "rte_hash_rcu_qsbr_add: %s",
		       rte_strerror(rte_errno));
		goto fail;
	}
	fib->nh_index = rte_hash_create(&nhp);
	if (fib->nh_index == NULL) {
		GW_LOG(ERR, "rte_hash_create (next hops): %s",
		       rte_strerror(rte_errno));
		goto fail;
	}
	/* Hand out low indexes first. */
	for (i = GW_NH_MAX; i > GW_NH_FIRST; i--)
		fib->nh_free[fib->nb_nh_free++] = i - 1;
	return fib;

fail:
	err = rte_errno;
	gw_fib_free(fib);
	rte_errno = err;
	return NULL;
}

void
gw_fib_free(struct gw_fib *fib)
{
	if (fib == NULL)
		return;
	rte_lpm_free(fib->lpm);
	rte_lpm6_free(fib->lpm6[0]);
	rte_lpm6_free(fib->lpm6[1]);
	rte_hash_free(fib->neigh);
	rte_hash_free(fib->nh_index);
	rte_free(fib);
}

/* A next hop for (port, gateway): the existing one with a reference
 * more, or a new one. GW_NH_NONE when none is left. */
static uint32_t
nh_get(struct gw_fib *fib, int family, uint16_t port, const uint8_t *gw)
{
	struct gw_nexthop *nh;
	struct nh_key key;
	void *data;
	uint32_t idx;

	memset(&key, 0, sizeof(key));
	key.family = (uint8_t)family;
	key.port = port;
	key.connected = gw == NULL;
	if (gw != NULL)
		memcpy(key.gw, gw, addr_len(family));
	if (rte_hash_lookup_data(fib->nh_index, &key, &data) >= 0) {
		idx = (uint32_t)(uintptr_t)data;
		fib->nh[idx].refcnt++;
		return idx;
	}
	if (fib->nb_nh_free == 0)
		return GW_NH_NONE;
	idx = fib->nh_free[--fib->nb_nh_free];
	if (rte_hash_add_key_data(fib->nh_index, &key,
				  (void *)(uintptr_t)idx) < 0) {
		fib->nb_nh_free++;
		return GW_NH_NONE;
	}
	nh = &fib->nh[idx];
	nh->port = port;
	nh->family = (uint8_t)family;
	nh->connected = key.connected;
	memcpy(nh->gw, key.gw, sizeof(nh->gw));
	nh->refcnt = 1;
	/* Readers see this entry only once a route points to it: the route
	 * tables' own stores publish it. */
	__atomic_store_n(&nh->mac, key.connected ? 0 :
			 gw_fib_neigh_lookup(fib, family, port, gw),
			 __ATOMIC_RELEASE);
	return idx;
}

/* One route less on next hop @idx; reserved ones are not counted. */
static void
nh_put(struct gw_fib *fib, uint32_t idx)
{
	struct gw_nexthop *nh;
	struct nh_key key;

	if (idx < GW_NH_FIRST || idx >= GW_NH_MAX)
		return;
	nh = &fib->nh[idx];
	if (nh->refcnt == 0 || --nh->refcnt > 0)
		return;
	memset(&key, 0, sizeof(key));
	key.family = nh->family;
	key.port = nh->port;
	key.connected = nh->connected;
	memcpy(key.gw, nh->gw, sizeof(key.gw));
	rte_hash_del_key(fib->nh_index, &key);
	/* No route points here any more; a reader that looked one up before
	 * may still read the entry until its next quiescent state. */
	rte_rcu_qsbr_synchronize(fib->qsbr, RTE_QSBR_THRID_INVALID);
	fib->nh_free[fib->nb_nh_free++] = idx;
}

/* The next hop of exactly @dst/@depth, or GW_NH_NONE. */
static uint32_t
rule_nh(struct gw_fib *fib, int family, const uint8_t *dst, uint8_t depth)
{
	uint32_t nh;
	int ret;

	if (depth == 0)
		return family == AF_INET ? fib->def4 : fib->def6;
	if (family == AF_INET)
		ret = rte_lpm_is_rule_present(fib->lpm, ip4_host(dst), depth,
					      &nh);
	else
		ret = rte_lpm6_is_rule_present(fib->lpm6[fib->cur6],
					       LPM6_ADDR(dst), depth, &nh);
	return ret == 1 ? nh : GW_NH_NONE;
}

/* Set @dst/@depth to @nh, or delete it (@nh GW_NH_NONE), in the tables
 * readers use. */
static int
rule_set(struct gw_fib *fib, int family, const uint8_t *dst, uint8_t depth,
	 uint32_t nh)
{
	uint32_t spare;
	int ret;

	if (depth == 0) {
		__atomic_store_n(family == AF_INET ? &fib->def4 : &fib->def6,
				 nh, __ATOMIC_RELEASE);
		return 0;
	}
	if (family == AF_INET) {
		if (nh == GW_NH_NONE)
			return rte_lpm_delete(fib->lpm, ip4_host(dst), depth);
		return rte_lpm_add(fib->lpm, ip4_host(dst), depth, nh);
	}
	/* IPv6: the spare copy, publish it, grace period, the other one. */
	spare = fib->cur6 ^ 1;
	if (nh == GW_NH_NONE)
		ret = rte_lpm6_delete(fib->lpm6[spare], LPM6_ADDR(dst), depth);
	else
		ret = rte_lpm6_add(fib->lpm6[spare], LPM6_ADDR(dst), depth,
				   nh);
	if (ret < 0)
		return ret;
	__atomic_store_n(&fib->cur6, spare, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(fib->qsbr, RTE_QSBR_THRID_INVALID);
	if (nh == GW_NH_NONE)
		ret = rte_lpm6_delete(fib->lpm6[spare ^ 1], LPM6_ADDR(dst),
				      depth);
	else
		ret = rte_lpm6_add(fib->lpm6[spare ^ 1], LPM6_ADDR(dst), depth,
				   nh);
	if (ret < 0) {
		/* The copies differ now: readers keep the good one. */
		GW_LOG(ERR, "IPv6 table copies differ after an error: %s",
		       strerror(-ret));
	}
	return 0;
}

static uint32_t *
route_count(struct gw_fib *fib, int family, bool local)
{
	if (family == AF_INET)
		return local ? &fib->nb_local4 : &fib->nb_routes4;
	return local ? &fib->nb_local6 : &fib->nb_routes6;
}

int
gw_fib_route(struct gw_fib *fib, int family, const uint8_t *dst,
	     uint8_t depth, enum gw_route_kind kind, uint16_t port,
	     const uint8_t *gw, bool add)
{
	uint32_t old, nh;
	int ret;

	if (depth > (family == AF_INET ? 32 : 128))
		return -EINVAL;
	old = rule_nh(fib, family, dst, depth);
	if (old == GW_NH_LOCAL)
		return 0;	/* the kernel's own address wins */
	if (!add) {
		if (old == GW_NH_NONE)
			return -ENOENT;
		ret = rule_set(fib, family, dst, depth, GW_NH_NONE);
		if (ret < 0)
			return ret;
		nh_put(fib, old);
		(*route_count(fib, family, false))--;
		return 0;
	}
	if (kind == GW_ROUTE_KERNEL)
		nh = GW_NH_KERNEL;
	else
		nh = nh_get(fib, family, port, gw);
	if (nh == GW_NH_NONE)
		return -ENOSPC;
	ret = rule_set(fib, family, dst, depth, nh);
	if (ret < 0) {
		nh_put(fib, nh);
		return ret == -EINVAL ? -EINVAL : -ENOSPC;
	}
	if (old == GW_NH_NONE)
		(*route_count(fib, family, false))++;
	else
		nh_put(fib, old);
	return 0;
}

int
gw_fib_local(struct gw_fib *fib, int family, const uint8_t *addr, bool add)
{
	uint8_t depth = family == AF_INET ? 32 : 128;
	uint32_t old = rule_nh(fib, family, addr, depth);
	int ret;

	if (!add) {
		if (old == GW_NH_NONE)
			return -ENOENT;
		ret = rule_set(fib, family, addr, depth, GW_NH_NONE);
		if (ret < 0)
			return ret;
		if (old == GW_NH_LOCAL) {
			(*route_count(fib, family, true))--;
		} else {
			nh_put(fib, old);
			(*route_count(fib, family, false))--;
		}
		return 0;
	}
	if (old == GW_NH_LOCAL)
		return 0;
	ret = rule_set(fib, family, addr, depth, GW_NH_LOCAL);
	if (ret < 0)
		return -ENOSPC;
	if (old != GW_NH_NONE) {
		nh_put(fib, old);
		(*route_count(fib, family, false))--;
	}
	(*route_count(fib, family, true))++;
	return 0;
}

int
gw_fib_neigh(struct gw_fib *fib, int family, uint16_t port,
	     const uint8_t *addr, const struct rte_ether_addr *mac)
{
	uint64_t v = mac != NULL ? gw_mac_pack(mac) : 0;
	struct gw_neigh_key key;
	uint32_t i, len = addr_len(family);
	bool known;
	int ret;

	memset(&key, 0, sizeof(key));
	key.family = (uint8_t)family;
	key.port = port;
	memcpy(key.addr, addr, len);
	known = rte_hash_lookup(fib->neigh, &key) >= 0;
	if (mac != NULL) {
		/* The data word is replaced atomically for a known key. */
		ret = rte_hash_add_key_data(fib->neigh, &key,
					    (void *)(uintptr_t)v);
		if (ret < 0)
			return -ENOSPC;
		if (!known)
			fib->nb_neigh++;
	} else {
		if (!known)
			return -ENOENT;
		rte_hash_del_key(fib->neigh, &key);
		fib->nb_neigh--;
	}
	/* Next hops through this neighbour. */
	for (i = GW_NH_FIRST; i < GW_NH_MAX; i++) {
		struct gw_nexthop *nh = &fib->nh[i];

		if (nh->refcnt == 0 || nh->connected || nh->port != port ||
		    nh->family != family || memcmp(nh->gw, addr, len) != 0)
			continue;
		__atomic_store_n(&nh->mac, v, __ATOMIC_RELEASE);
	}
	return 0;
}
