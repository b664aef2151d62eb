/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The forwarding loop of one lcore (worker w serves queue w of every NIC
 * port and of every twin):
 * - from a NIC port: classify each frame (classify.c); candidates for the
 *   fast path get their next hop from the tables (bulk LPM lookups), the
 *   next hop's MAC, a TTL or hop limit one less with the IPv4 checksum
 *   updated (RFC 1624), the egress port's MAC as source, and leave on the
 *   egress NIC port; everything else goes to the ingress port's twin, as
 *   it came, for the kernel;
 * - from a twin: what the kernel sends leaves on the twin's NIC port,
 *   TCP frames over the MTU cut and partial checksums completed
 *   (kernel_tx.c).
 * Once per round the lcore reports a quiescent state to the tables' RCU:
 * it holds no table entry across rounds.
 */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "gw.h"
#include "kernel_tx.h"

/* Frames bound for one egress NIC port during one ingress burst. */
struct txbuf {
	uint16_t n;
	struct rte_mbuf *m[GW_BURST];
};

/*
 * Rewrite one fast-path frame for next hop @nh_idx, or say why it goes
 * to the kernel. Returns the egress port index, or -1 with *reason set.
 */
static inline int
forward_one(struct rte_mbuf *m, uint32_t nh_idx, int family,
	    uint8_t *reason)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint8_t *l3 = (uint8_t *)(eth + 1);
	const struct gw_nexthop *nh;
	const struct gw_port *out;
	struct rte_ether_addr dmac;
	uint64_t mac;

	if (nh_idx == GW_NH_NONE) {
		*reason = GW_PUNT_NO_ROUTE;
		return -1;
	}
	if (nh_idx == GW_NH_KERNEL || nh_idx >= GW_NH_MAX) {
		*reason = GW_PUNT_KERNEL_ROUTE;
		return -1;
	}
	if (nh_idx == GW_NH_LOCAL) {
		*reason = GW_PUNT_LOCAL;
		return -1;
	}
	nh = &gw.fib->nh[nh_idx];
	if (nh->connected)
		mac = gw_fib_neigh_lookup(gw.fib, family, nh->port,
					  family == AF_INET ? l3 + 16 : l3 + 24);
	else
		mac = __atomic_load_n(&nh->mac, __ATOMIC_ACQUIRE);
	if (mac == 0) {
		*reason = GW_PUNT_NO_NEIGH;
		return -1;
	}
	out = &gw.ports[nh->port];
	if (m->pkt_len - RTE_ETHER_HDR_LEN > out->mtu) {
		*reason = GW_PUNT_MTU;
		return -1;
	}
	gw_mac_unpack(mac, &dmac);
	rte_ether_addr_copy(&dmac, &eth->dst_addr);
	rte_ether_addr_copy(&out->mac, &eth->src_addr);
	if (family == AF_INET) {
		uint16_t old, new, csum;

		/* TTL and protocol share one 16-bit word (RFC 791). */
		memcpy(&old, l3 + 8, 2);
		l3[8]--;
		memcpy(&new, l3 + 8, 2);
		memcpy(&csum, l3 + 10, 2);
		csum = gw_csum_update16(csum, old, new);
		memcpy(l3 + 10, &csum, 2);
	} else {
		l3[7]--;	/* hop limit; no header checksum in IPv6 */
	}
	return nh->port;
}

/* Send what is left in @tb on NIC queue @q; count it for @cnt. */
static inline void
txbuf_flush(struct txbuf *tb, uint16_t nic, uint16_t q,
	    struct gw_counters *cnt)
{
	uint16_t sent, i;

	if (tb->n == 0)
		return;
	sent = rte_eth_tx_burst(nic, q, tb->m, tb->n);
	cnt->fwd += sent;
	if (sent < tb->n) {
		cnt->drop[GW_DROP_TX_FULL] += tb->n - sent;
		for (i = sent; i < tb->n; i++)
			rte_pktmbuf_free(tb->m[i]);
	}
	tb->n = 0;
}

static void
from_nic(uint16_t q, uint16_t pi, struct gw_counters *cnt,
	 struct txbuf *txb)
{
	const struct gw_port *p = &gw.ports[pi];
	struct rte_mbuf *pkts[GW_BURST], *m4[GW_BURST], *m6[GW_BURST];
	struct rte_mbuf *punt[GW_BURST];
	uint32_t ip4[GW_BURST], nh[GW_BURST];
	uint8_t ip6[GW_BURST][16];
	uint16_t n, n4 = 0, n6 = 0, np = 0, i, sent;
	uint8_t reason;
	int out;

	n = rte_eth_rx_burst(p->nic, q, pkts, GW_BURST);
	if (n == 0)
		return;
	cnt->rx += n;
	for (i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		uint32_t dst;

		switch (gw_classify(d, m->data_len, m->pkt_len, &p->mac,
				    &reason)) {
		case GW_FWD4:
			memcpy(&dst, d + GW_L3_OFFSET + 16, 4);
			ip4[n4] = rte_be_to_cpu_32(dst);
			m4[n4++] = m;
			break;
		case GW_FWD6:
			memcpy(ip6[n6], d + GW_L3_OFFSET + 24, 16);
			m6[n6++] = m;
			break;
		case GW_PUNT:
			cnt->punt[reason]++;
			punt[np++] = m;
			break;
		default:
			cnt->drop[reason]++;
			rte_pktmbuf_free(m);
			break;
		}
	}
	if (n4 != 0) {
		gw_fib_lookup4(gw.fib, ip4, nh, n4);
		for (i = 0; i < n4; i++) {
			out = forward_one(m4[i], nh[i], AF_INET, &reason);
			if (out < 0) {
				cnt->punt[reason]++;
				punt[np++] = m4[i];
			} else {
				txb[out].m[txb[out].n++] = m4[i];
			}
		}
	}
	if (n6 != 0) {
		gw_fib_lookup6(gw.fib, ip6, nh, n6);
		for (i = 0; i < n6; i++) {
			out = forward_one(m6[i], nh[i], AF_INET6, &reason);
			if (out < 0) {
				cnt->punt[reason]++;
				punt[np++] = m6[i];
			} else {
				txb[out].m[txb[out].n++] = m6[i];
			}
		}
	}
	for (i = 0; i < gw.nb_ports; i++)
		txbuf_flush(&txb[i], gw.ports[i].nic, q, cnt);
	if (np != 0) {
		sent = rte_eth_tx_burst(p->twin, q, punt, np);
		if (sent < np) {
			cnt->drop[GW_DROP_TWIN_FULL] += np - sent;
			for (i = sent; i < np; i++)
				rte_pktmbuf_free(punt[i]);
		}
	}
}

/* What the kernel sent on the twin leaves on its NIC port, its frames
 * made fit for the NIC (kernel_tx.h). */
static void
from_twin(uint16_t q, uint16_t pi, struct gw_counters *cnt)
{
	const struct gw_port *p = &gw.ports[pi];
	struct rte_mbuf *pkts[GW_BURST];
	uint16_t n;

	n = rte_eth_rx_burst(p->twin, q, pkts, GW_BURST);
	if (n != 0)
		gw_ktx_send(p, q, pkts, n, cnt);
}

int
gw_worker(void *arg)
{
	uint16_t w = (uint16_t)(uintptr_t)arg, i;
	unsigned int lcore = rte_lcore_id();
	struct txbuf txb[GW_MAX_PORTS];

	memset(txb, 0, sizeof(txb));
	rte_rcu_qsbr_thread_register(gw.qsbr, lcore);
	rte_rcu_qsbr_thread_online(gw.qsbr, lcore);
	while (!__atomic_load_n(&gw.quit, __ATOMIC_RELAXED)) {
		for (i = 0; i < gw.nb_ports; i++) {
			from_nic(w, i, &gw.cnt[w][i], txb);
			from_twin(w, i, &gw.cnt[w][i]);
		}
		rte_rcu_qsbr_quiescent(gw.qsbr, lcore);
	}
	rte_rcu_qsbr_thread_offline(gw.qsbr, lcore);
	rte_rcu_qsbr_thread_unregister(gw.qsbr, lcore);
	return 0;
}
