/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The gateway's forwarding tables, a mirror of the kernel's (netlink.c
 * fills them): IPv4 routes in an rte_lpm, IPv6 routes in an rte_lpm6,
 * next hops in an array the routes point into, neighbours (the MAC of an
 * address on a port) in an rte_hash, and the kernel's own addresses as
 * host routes to a "local" next hop.
 *
 * One writer (the netlink thread), any number of readers (the forwarding
 * lcores), no lock on the readers' side: readers are rte_rcu_qsbr threads
 * (their lcore id) that report a quiescent state once per poll loop. The
 * writer frees nothing a reader may still hold before a grace period:
 * rte_lpm reclaims its tbl8 groups through its own RCU support, the
 * neighbour hash through rte_hash's, a freed next hop is reused only after
 * rte_rcu_qsbr_synchronize(), and rte_lpm6, which has no RCU support, is
 * kept twice: the writer changes the copy readers do not use, publishes
 * it, waits for a grace period, then brings the other copy level.
 */
#ifndef VXPATH_GW_FIB_H
#define VXPATH_GW_FIB_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_rcu_qsbr.h>
#include <rte_version.h>

/* Next hops with a meaning of their own: the packet goes to the kernel. */
#define GW_NH_KERNEL	0	/* a route the kernel keeps for itself */
#define GW_NH_LOCAL	1	/* one of the kernel's own addresses */
#define GW_NH_FIRST	2	/* first next hop that forwards */
#define GW_NH_MAX	4096	/* next hops, reserved ones included */
#define GW_NH_NONE	UINT32_MAX	/* no default route */

/* A neighbour's MAC as the tables keep it: the 6 bytes in the low 48
 * bits, bit 48 set; 0 when not known. One 64-bit word, so that a reader
 * sees a whole MAC or none. */
#define GW_MAC_VALID	(1ULL << 48)

/*
 * struct gw_nexthop - where a route sends its packets.
 * @mac:	the gateway's MAC (GW_MAC_VALID form), 0 while unknown or for
 *		a connected route; written by the writer with a release store
 * @port:	the gateway's port index (not an ethdev port id)
 * @family:	AF_INET or AF_INET6
 * @connected:	1: no gateway, the packet's destination is the neighbour
 * @gw:		the gateway's address (IPv4: first 4 bytes), network order
 * @refcnt:	routes pointing here (writer only)
 */
struct gw_nexthop {
	uint64_t mac;
	uint16_t port;
	uint8_t family;
	uint8_t connected;
	uint8_t gw[16];
	uint32_t refcnt;
};

/* Table sizes (entries), given at creation. */
struct gw_fib_conf {
	uint32_t max_routes4;	/* IPv4 routes and local addresses */
	uint32_t max_routes6;	/* IPv6 routes and local addresses */
	uint32_t max_neigh;	/* neighbours, both families */
	int socket;		/* NUMA socket of the tables */
};

/*
 * struct gw_fib - the tables. Readers use the first group of fields only
 * through the inline functions below.
 */
struct gw_fib {
	struct rte_lpm *lpm;
	struct rte_lpm6 *lpm6[2];
	uint32_t cur6;		/* index of the rte_lpm6 readers use */
	uint32_t def4;		/* IPv4 default route's next hop, GW_NH_NONE */
	uint32_t def6;
	struct rte_hash *neigh;
	struct gw_nexthop nh[GW_NH_MAX];

	/* Writer only. */
	struct rte_rcu_qsbr *qsbr;
	struct rte_hash *nh_index;
	uint32_t nh_free[GW_NH_MAX];
	uint32_t nb_nh_free;
	uint32_t nb_routes4;	/* routes in the tables, defaults included */
	uint32_t nb_routes6;
	uint32_t nb_local4;	/* the kernel's own addresses */
	uint32_t nb_local6;
	uint32_t nb_neigh;
};

/* Key of the neighbour hash: all bytes set, unused ones 0. */
struct gw_neigh_key {
	uint8_t family;
	uint8_t pad;
	uint16_t port;
	uint8_t addr[16];
};

/* What a route does (gw_fib_route). */
enum gw_route_kind {
	GW_ROUTE_VIA,		/* forward: out a port, maybe via a gateway */
	GW_ROUTE_KERNEL,	/* leave to the kernel (GW_NH_KERNEL) */
};

/*
 * gw_fib_create() - make empty tables.
 * @conf:	sizes
 * @qsbr:	the readers' RCU variable (rte_rcu_qsbr_init()ed); kept
 *
 * Return: the tables, or NULL with rte_errno set (ENOMEM, EEXIST: tables
 * of that name exist) and a log line saying which table failed.
 */
struct gw_fib *gw_fib_create(const struct gw_fib_conf *conf,
			     struct rte_rcu_qsbr *qsbr);

/* gw_fib_free() - free the tables; no reader may be running. NULL is
 * ignored. */
void gw_fib_free(struct gw_fib *fib);

/*
 * gw_fib_route() - add (replace) or delete a route (writer only).
 * @family:	AF_INET or AF_INET6
 * @dst:	prefix, network order (4 or 16 bytes)
 * @depth:	prefix length, bits (0: the default route)
 * @kind:	GW_ROUTE_VIA or GW_ROUTE_KERNEL (ignored on delete)
 * @port:	egress port index (GW_ROUTE_VIA)
 * @gw:		gateway address, network order, or NULL: connected
 * @add:	true to add or replace, false to delete
 *
 * A route never replaces one of the kernel's own addresses (a host route
 * to GW_NH_LOCAL).
 *
 * Return: 0; -EINVAL (depth out of range), -ENOSPC (no next hop or table
 * entry left), -ENOENT (delete of an unknown route).
 */
int gw_fib_route(struct gw_fib *fib, int family, const uint8_t *dst,
		 uint8_t depth, enum gw_route_kind kind, uint16_t port,
		 const uint8_t *gw, bool add);

/*
 * gw_fib_local() - add or delete one of the kernel's own addresses: a
 * host route to GW_NH_LOCAL (writer only). Deleting it deletes the host
 * route, whatever it pointed to.
 *
 * Return: 0, -ENOSPC, -ENOENT (delete of an unknown address).
 */
int gw_fib_local(struct gw_fib *fib, int family, const uint8_t *addr,
		 bool add);

/*
 * gw_fib_neigh() - add, change or delete a neighbour (writer only), and
 * the MAC of every next hop whose gateway it is.
 * @mac:	its MAC, or NULL to delete
 *
 * Return: 0, -ENOSPC (hash full), -ENOENT (delete of an unknown one).
 */
int gw_fib_neigh(struct gw_fib *fib, int family, uint16_t port,
		 const uint8_t *addr, const struct rte_ether_addr *mac);

/* Readers. */

static inline uint64_t
gw_mac_pack(const struct rte_ether_addr *mac)
{
	uint64_t v = GW_MAC_VALID;
	int i;

	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		v |= (uint64_t)mac->addr_bytes[i] << (8 * i);
	return v;
}

static inline void
gw_mac_unpack(uint64_t v, struct rte_ether_addr *mac)
{
	int i;

	for (i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		mac->addr_bytes[i] = (uint8_t)(v >> (8 * i));
}

/* The neighbour's MAC (GW_MAC_VALID form) or 0. */
static inline uint64_t
gw_fib_neigh_lookup(const struct gw_fib *fib, int family, uint16_t port,
		    const uint8_t *addr)
{
	struct gw_neigh_key key;
	void *data;

	memset(&key, 0, sizeof(key));
	key.family = (uint8_t)family;
	key.port = port;
	memcpy(key.addr, addr, family == AF_INET ? 4 : 16);
	if (rte_hash_lookup_data(fib->neigh, &key, &data) < 0)
		return 0;
	return (uint64_t)(uintptr_t)data;
}

/*
 * gw_fib_lookup4() - next hops of @n IPv4 destinations (host order), the
 * default route's for a miss, GW_NH_NONE without one.
 */
static inline void
gw_fib_lookup4(const struct gw_fib *fib, const uint32_t *ips,
	       uint32_t *nhs, unsigned int n)
{
	uint32_t def = __atomic_load_n(&fib->def4, __ATOMIC_ACQUIRE);
	unsigned int i;

	rte_lpm_lookup_bulk(fib->lpm, ips, nhs, n);
	for (i = 0; i < n; i++)
		nhs[i] = (nhs[i] & RTE_LPM_LOOKUP_SUCCESS) ?
			 (nhs[i] & 0x00ffffff) : def;
}

/* gw_fib_lookup6() - the same for @n IPv6 destinations (16 bytes each). */
static inline void
gw_fib_lookup6(const struct gw_fib *fib, uint8_t (*ips)[16],
	       uint32_t *nhs, unsigned int n)
{
	uint32_t cur = __atomic_load_n(&fib->cur6, __ATOMIC_ACQUIRE);
	uint32_t def = __atomic_load_n(&fib->def6, __ATOMIC_ACQUIRE);
	int32_t res[n];
	unsigned int i;

#if RTE_VERSION >= RTE_VERSION_NUM(24, 11, 0, 0)
	rte_lpm6_lookup_bulk_func(fib->lpm6[cur],
				  (struct rte_ipv6_addr *)ips, res, n);
#else
	rte_lpm6_lookup_bulk_func(fib->lpm6[cur], ips, res, n);
#endif
	for (i = 0; i < n; i++)
		nhs[i] = res[i] >= 0 ? (uint32_t)res[i] : def;
}

#endif /* VXPATH_GW_FIB_H */
