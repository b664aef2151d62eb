/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Transmit coalescing toward the kernel: which packets may be merged, the
 * runs given to DPDK's GRO library, and the TCP segmentation request of
 * each merged frame (coalesce.h says what and why).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_gro.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_tcp.h>

#include "coalesce.h"

#define ETH_HLEN_PLAIN 14u
#define IPV4_HLEN_PLAIN 20u
#define IPV6_HLEN 40u

/* Offload requests a candidate may carry: the merge keeps their meaning. */
#define CANDIDATE_FLAGS (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6 | \
			 RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM)

uint64_t
vxpath_coalesce_gro_types(void)
{
	uint64_t t = RTE_GRO_TCP_IPV4;

#ifdef RTE_GRO_TCP_IPV6
	t |= RTE_GRO_TCP_IPV6;
#endif
	return t;
}

bool
vxpath_coalesce_candidate(struct rte_mbuf *m, uint64_t gro_types)
{
	struct rte_net_hdr_lens hl;
	const struct rte_tcp_hdr *th;
	uint64_t req = m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK;
	uint32_t ptype, hdrs, ip_len;
	bool v6;

	if (m->nb_segs != 1 || !RTE_MBUF_DIRECT(m) ||
	    rte_mbuf_refcnt_read(m) != 1 || (req & ~CANDIDATE_FLAGS) != 0)
		return false;
	memset(&hl, 0, sizeof(hl));
	ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_L2_MASK |
				  RTE_PTYPE_L3_MASK | RTE_PTYPE_L4_MASK);
	if ((ptype & RTE_PTYPE_L2_MASK) != RTE_PTYPE_L2_ETHER ||
	    (ptype & RTE_PTYPE_L4_MASK) != RTE_PTYPE_L4_TCP ||
	    hl.l2_len != ETH_HLEN_PLAIN)
		return false;
	switch (ptype & RTE_PTYPE_L3_MASK) {
	case RTE_PTYPE_L3_IPV4:
		if (hl.l3_len != IPV4_HLEN_PLAIN)
			return false;
		v6 = false;
		break;
	case RTE_PTYPE_L3_IPV6:
#ifdef RTE_GRO_TCP_IPV6
		if (!(gro_types & RTE_GRO_TCP_IPV6) || hl.l3_len != IPV6_HLEN)
			return false;
#else
		/* This DPDK's GRO merges no TCP/IPv6. */
		(void)gro_types;
		return false;
#endif
		v6 = true;
		break;
	default:
		return false;
	}
	if ((req & RTE_MBUF_F_TX_IPV4 && v6) ||
	    (req & RTE_MBUF_F_TX_IPV6 && !v6))
		return false;
	hdrs = hl.l2_len + hl.l3_len + hl.l4_len;
	if (m->data_len <= hdrs || hl.l4_len < sizeof(*th))
		return false;
	if (v6) {
		const struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m,
			const struct rte_ipv6_hdr *, hl.l2_len);

		ip_len = rte_be_to_cpu_16(ip6->payload_len) + IPV6_HLEN;
	} else {
		const struct rte_ipv4_hdr *ip4 = rte_pktmbuf_mtod_offset(m,
			const struct rte_ipv4_hdr *, hl.l2_len);

		ip_len = rte_be_to_cpu_16(ip4->total_length);
	}
	if (ip_len != m->pkt_len - hl.l2_len)
		return false;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
				     hl.l2_len + hl.l3_len);
	if (th->tcp_flags != RTE_TCP_ACK_FLAG)
		return false;
	m->packet_type = ptype;
	m->l2_len = hl.l2_len;
	m->l3_len = hl.l3_len;
	m->l4_len = hl.l4_len;
	return true;
}

uint16_t
vxpath_coalesce_finish(struct rte_mbuf *m, uint32_t *app_bytes)
{
	const uint32_t hdrs = m->l2_len + m->l3_len + m->l4_len;
	const struct rte_mbuf *seg;
	uint32_t mss, l3_total;
	bool v6;

	*app_bytes = m->pkt_len;
	if (m->nb_segs <= 1)
		return 1;
	v6 = RTE_ETH_IS_IPV6_HDR(m->packet_type);
	/* Segment 0 holds the headers and the first packet's payload,
	 * every other segment one packet's payload (headers cut by rte_gro).
	 */
	mss = m->data_len > hdrs ? m->data_len - hdrs : 0;
	for (seg = m->next; seg != NULL; seg = seg->next)
		mss = RTE_MAX(mss, (uint32_t)seg->data_len);
	l3_total = m->pkt_len - m->l2_len;
	if (v6) {
		struct rte_ipv6_hdr *ip6 = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv6_hdr *, m->l2_len);

		ip6->payload_len = rte_cpu_to_be_16(l3_total - IPV6_HLEN);
	} else {
		struct rte_ipv4_hdr *ip4 = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, m->l2_len);

		ip4->total_length = rte_cpu_to_be_16(l3_total);
	}
	m->ol_flags = (m->ol_flags & ~RTE_MBUF_F_TX_OFFLOAD_MASK) |
		      RTE_MBUF_F_TX_TCP_SEG |
		      (v6 ? RTE_MBUF_F_TX_IPV6 :
			    RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	m->tso_segsz = (uint16_t)mss;
	*app_bytes = m->pkt_len + (m->nb_segs - 1u) * hdrs;
	return m->nb_segs;
}

uint16_t
vxpath_coalesce_burst(struct rte_mbuf **pkts, uint16_t n,
		      struct rte_mbuf **out, uint16_t *cnt, uint32_t *bytes,
		      uint64_t gro_types)
{
	const struct rte_gro_param param = {
		.gro_types = gro_types,
		.max_flow_num = VXPATH_COALESCE_RUN,
		.max_item_per_flow = VXPATH_COALESCE_RUN,
	};
	uint16_t i = 0, k = 0, run, j, frames;

	/* k <= i throughout: @out may be @pkts. */
	while (i < n) {
		for (run = 0; i + run < n && run < VXPATH_COALESCE_RUN; run++) {
			if (!vxpath_coalesce_candidate(pkts[i + run],
						       gro_types))
				break;
			out[k + run] = pkts[i + run];
		}
		if (run == 0) {
			/* Not a candidate: alone, unchanged, at its place. */
			out[k] = pkts[i++];
			bytes[k] = out[k]->pkt_len;
			cnt[k++] = 1;
			continue;
		}
		/* A candidate rte_gro should decline anyway comes back after
		 * the run's frames: with the candidates' rules above, none
		 * does in DPDK 22.11 to 25.11.
		 */
		frames = run > 1 ? rte_gro_reassemble_burst(&out[k], run,
							    &param) : 1;
		for (j = 0; j < frames; j++, k++)
			cnt[k] = vxpath_coalesce_finish(out[k], &bytes[k]);
		i += run;
	}
	return k;
}
