/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The gateway's ports: every ethdev port present at start-up is a NIC
 * port; each gets a kernel twin, a virtio-user port over /dev/vhost-net
 * made here with rte_eal_hotplug_add(), whose TAP has the NIC port's MAC
 * and MTU and a name of the user's choice. Only the ethdev API and the
 * devargs both virtio-user drivers share (path, iface, mac, queues,
 * queue_size) are used, so the twin may be vxpath or DPDK's own
 * net_virtio_user. The TAP's carrier follows the NIC's link.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "gw.h"
#include "gw_log.h"
#include "kernel_tx.h"

#define NB_RX_DESC	1024	/* descriptors per Rx queue */
#define NB_TX_DESC	1024	/* descriptors per Tx queue */
#define POOL_CACHE	256	/* mbufs */

static struct rte_mempool *pool;

/* The offloads the gateway uses where a port offers them (kernel_tx.h):
 * a NIC port's TSO (with the checksums it needs) and multi-segment Tx
 * for rte_gso's segments; a twin's LRO and L4 checksum Rx offloads, so
 * that the kernel hands it whole TCP frames and skips checksums. */
#define NIC_TX_TSO	(RTE_ETH_TX_OFFLOAD_TCP_TSO | \
			 RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | \
			 RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
#define TWIN_RX_OFFLOADS (RTE_ETH_RX_OFFLOAD_TCP_LRO | \
			  RTE_ETH_RX_OFFLOAD_TCP_CKSUM | \
			  RTE_ETH_RX_OFFLOAD_UDP_CKSUM)

/* Queues of @port_id: @nb pairs, @rss on the NIC side, the port's MTU
 * set to @mtu (0: left as it is). @p: for a NIC port, the gateway port
 * whose nic_tso is set from what it offers (its Tx offloads: TSO or
 * multi-segment Tx); NULL for a twin, which is asked for its Rx offloads
 * when @kernel_gso (the NIC can send what it takes). */
static int
port_configure(uint16_t port_id, const char *what, uint16_t nb, bool rss,
	       uint16_t mtu, struct gw_port *p, bool kernel_gso)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = NB_RX_DESC, nb_txd = NB_TX_DESC, q;
	int ret;

	ret = rte_eth_dev_info_get(port_id, &info);
	if (ret != 0) {
		GW_LOG(ERR, "%s: rte_eth_dev_info_get: %s", what,
		       strerror(-ret));
		return -1;
	}
	if (nb > info.max_rx_queues || nb > info.max_tx_queues) {
		GW_LOG(ERR, "%s: %u queues wanted (one per forwarding lcore),"
		       " the port has %u Rx and %u Tx", what, nb,
		       info.max_rx_queues, info.max_tx_queues);
		return -1;
	}
	if (rss && nb > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
	}
	if (p != NULL) {
		conf.txmode.offloads = info.tx_offload_capa &
			(NIC_TX_TSO | RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
		p->nic_tso = (info.tx_offload_capa & NIC_TX_TSO) == NIC_TX_TSO;
		p->nic_multi_seg = (info.tx_offload_capa &
				    RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
	} else if (kernel_gso) {
		conf.rxmode.offloads = info.rx_offload_capa & TWIN_RX_OFFLOADS;
		/* A port that states no LRO limit (net_virtio_user) must be
		 * given none: ethdev then takes its maximum frame size. */
		if (conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO)
			conf.rxmode.max_lro_pkt_size = info.max_lro_pkt_size;
	}
	ret = rte_eth_dev_configure(port_id, nb, nb, &conf);
	if (ret != 0) {
		GW_LOG(ERR, "%s: rte_eth_dev_configure (%u queues): %s", what,
		       nb, strerror(-ret));
		return -1;
	}
	if (mtu != 0) {
		ret = rte_eth_dev_set_mtu(port_id, mtu);
		if (ret != 0) {
			GW_LOG(ERR, "%s: MTU %u: %s", what, mtu,
			       strerror(-ret));
			return -1;
		}
	}
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rxd, &nb_txd);
	if (ret != 0) {
		GW_LOG(ERR, "%s: descriptor counts: %s", what,
		       strerror(-ret));
		return -1;
	}
	for (q = 0; q < nb; q++) {
		int sock = rte_eth_dev_socket_id(port_id);

		ret = rte_eth_rx_queue_setup(port_id, q, nb_rxd, sock, NULL,
					     pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port_id, q, nb_txd, sock,
						     NULL);
		if (ret != 0) {
			GW_LOG(ERR, "%s: queue %u: %s", what, q,
			       strerror(-ret));
			return -1;
		}
	}
	ret = rte_eth_dev_start(port_id);
	if (ret != 0) {
		GW_LOG(ERR, "%s: rte_eth_dev_start: %s", what, strerror(-ret));
		return -1;
	}
	return 0;
}

int
gw_twin_devargs(char *buf, size_t size, const char *tmpl, const char *tap,
		const char *mac, unsigned int queues, unsigned int queue_size)
{
	size_t len = 0;
	const char *c;

	for (c = tmpl; *c != '\0'; c++) {
		char num[16];
		const char *put = num;
		int n;

		if (*c != '%') {
			num[0] = *c;
			num[1] = '\0';
		} else {
			switch (*++c) {
			case 't': put = tap; break;
			case 'm': put = mac; break;
			case 'q': snprintf(num, sizeof(num), "%u", queues); break;
			case 's':
				snprintf(num, sizeof(num), "%u", queue_size);
				break;
			case '%': strcpy(num, "%"); break;
			default: return -EINVAL;
			}
		}
		n = snprintf(buf + len, size - len, "%s", put);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	if (size == 0)
		return -ENOSPC;
	buf[len] = '\0';
	return (int)len;
}

/* Make and start @p's twin. */
static int
twin_setup(struct gw_port *p, unsigned int idx, const struct gw_options *opt)
{
	char args[1024], mac[RTE_ETHER_ADDR_FMT_SIZE], what[96];
	const char *tmpl;
	int n, ret;

	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	snprintf(p->twin_vdev, sizeof(p->twin_vdev), "%s%u",
		 opt->twin_driver, idx);
	tmpl = opt->twin_devargs;
	if (tmpl == NULL)
		tmpl = gw.nb_queues > 1 ? GW_TWIN_DEVARGS_MQ : GW_TWIN_DEVARGS;
	n = gw_twin_devargs(args, sizeof(args), tmpl, p->tap,
			    mac, gw.nb_queues, opt->twin_queue_size);
	if (n >= 0 && opt->twin_args[0] != '\0') {
		int m = snprintf(args + n, sizeof(args) - n, "%s%s",
				 n > 0 ? "," : "", opt->twin_args);

		n = m < 0 || (size_t)m >= sizeof(args) - n ? -ENOSPC : n + m;
	}
	if (n < 0) {
		GW_LOG(ERR, "port %u: the twin's devargs (--twin-devargs, "
		       "--twin-args): %s", idx, strerror(-n));
		return -1;
	}
	ret = rte_eal_hotplug_add("vdev", p->twin_vdev, args);
	if (ret != 0) {
		GW_LOG(ERR, "port %u: cannot make its twin %s,%s: %s "
		       "(is the driver loaded? -d librte_net_vxpath.so)",
		       idx, p->twin_vdev, args, strerror(-ret));
		return -1;
	}
	ret = rte_eth_dev_get_port_by_name(p->twin_vdev, &p->twin);
	if (ret != 0) {
		GW_LOG(ERR, "port %u: twin %s made but no ethdev port: %s",
		       idx, p->twin_vdev, strerror(-ret));
		rte_eal_hotplug_remove("vdev", p->twin_vdev);
		p->twin_vdev[0] = '\0';
		return -1;
	}
	snprintf(what, sizeof(what), "twin %s (port %u)", p->twin_vdev,
		 p->twin);
	if (port_configure(p->twin, what, gw.nb_queues, false, p->mtu, NULL,
			   p->nic_tso || p->nic_multi_seg) != 0)
		return -1;
	p->ifindex = (int)if_nametoindex(p->tap);
	if (p->ifindex == 0) {
		GW_LOG(ERR, "%s: no TAP named %s in the kernel: %s", what,
		       p->tap, strerror(errno));
		return -1;
	}
	{
		struct rte_eth_conf conf;

		if (rte_eth_dev_conf_get(p->twin, &conf) == 0)
			GW_LOG(INFO, "port %u: the kernel's TCP frames over the "
			       "MTU: %s; its partial checksums: %s", idx,
			       !(conf.rxmode.offloads &
				 RTE_ETH_RX_OFFLOAD_TCP_LRO) ?
			       "none (the twin takes no LRO, or the NIC could "
			       "not send them)" :
			       p->nic_tso ? "cut by the NIC's TSO" :
			       "cut by rte_gso",
			       (conf.rxmode.offloads &
				(RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
				 RTE_ETH_RX_OFFLOAD_UDP_CKSUM)) ?
			       "completed by the gateway" : "none");
	}
	GW_LOG(INFO, "port %u: NIC port %u, twin %s (port %u), TAP %s "
	       "(ifindex %d), MAC %s, MTU %u", idx, p->nic, p->twin_vdev,
	       p->twin, p->tap, p->ifindex, mac, p->mtu);
	return 0;
}

int
gw_ports_setup(const struct gw_options *opt)
{
	uint16_t nics[GW_MAX_PORTS], pid, nb = 0, i;
	unsigned int nb_mbufs;
	char what[64];
	int ret;

	RTE_ETH_FOREACH_DEV(pid) {
		if (nb == GW_MAX_PORTS) {
			GW_LOG(ERR, "more than %u NIC ports", GW_MAX_PORTS);
			return -1;
		}
		nics[nb++] = pid;
	}
	if (nb == 0) {
		GW_LOG(ERR, "no NIC port: give one with EAL's -a or --vdev "
		       "(net_af_packet0,iface=eth0, say)");
		return -1;
	}
	/* Each port: Rx rings full, Tx rings full, a burst in flight per
	 * lcore; twice, for the twins; and per lcore one batch of a kernel
	 * frame's segments (kernel_tx.h: GW_KTX_MAX_SEGS, a header and an
	 * indirect mbuf each from rte_gso, one mbuf each from the copy);
	 * the batches sent before wait in the Tx ring, counted above. If
	 * the pool runs dry all the same, the segments that cannot be made
	 * are dropped and counted (drop_no_mbuf). */
	nb_mbufs = 2u * nb * gw.nb_queues * (NB_RX_DESC + NB_TX_DESC +
		   2 * GW_BURST) + gw.nb_queues * POOL_CACHE * 2 +
		   gw.nb_queues * 2 * GW_KTX_MAX_SEGS;
	pool = rte_pktmbuf_pool_create("gw_pool", nb_mbufs, POOL_CACHE, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	if (pool == NULL) {
		GW_LOG(ERR, "mbuf pool of %u: %s (hugepages?)", nb_mbufs,
		       rte_strerror(rte_errno));
		return -1;
	}
	gw_ktx_init(pool);
	for (i = 0; i < nb; i++) {
		struct gw_port *p = &gw.ports[i];

		p->nic = nics[i];
		if (opt->tap_names[i] != NULL)
			snprintf(p->tap, sizeof(p->tap), "%s",
				 opt->tap_names[i]);
		else
			snprintf(p->tap, sizeof(p->tap), "dp%u", i);
		ret = rte_eth_macaddr_get(p->nic, &p->mac);
		if (ret == 0)
			ret = rte_eth_dev_get_mtu(p->nic, &p->mtu);
		if (ret != 0) {
			GW_LOG(ERR, "NIC port %u: MAC or MTU: %s", p->nic,
			       strerror(-ret));
			return -1;
		}
		snprintf(what, sizeof(what), "NIC port %u", p->nic);
		if (port_configure(p->nic, what, gw.nb_queues, true, 0, p,
				   false) != 0)
			return -1;
		/* Routing protocols and ND talk multicast. */
		rte_eth_allmulticast_enable(p->nic);
		gw.nb_ports++;
		if (twin_setup(p, i, opt) != 0)
			return -1;
	}
	gw_ports_follow_links();
	return 0;
}

void
gw_ports_close(void)
{
	uint16_t i;

	for (i = 0; i < gw.nb_ports; i++) {
		struct gw_port *p = &gw.ports[i];

		if (p->twin_vdev[0] != '\0') {
			rte_eth_dev_stop(p->twin);
			rte_eth_dev_close(p->twin);
			rte_eal_hotplug_remove("vdev", p->twin_vdev);
		}
		rte_eth_dev_stop(p->nic);
		rte_eth_dev_close(p->nic);
	}
	gw.nb_ports = 0;
	rte_mempool_free(pool);
	pool = NULL;
}

void
gw_ports_follow_links(void)
{
	struct rte_eth_link link;
	uint16_t i;
	int ret;

	for (i = 0; i < gw.nb_ports; i++) {
		struct gw_port *p = &gw.ports[i];
		bool up;

		if (p->twin_vdev[0] == '\0' ||
		    rte_eth_link_get_nowait(p->nic, &link) != 0)
			continue;
		up = link.link_status == RTE_ETH_LINK_UP;
		if (up == p->link_up)
			continue;
		p->link_up = up;
		ret = up ? rte_eth_dev_set_link_up(p->twin) :
			   rte_eth_dev_set_link_down(p->twin);
		GW_LOG(INFO, "port %u: NIC link %s: TAP %s carrier %s%s%s", i,
		       up ? "up" : "down", p->tap, up ? "on" : "off",
		       ret != 0 ? ": not done, " : "",
		       ret != 0 ? strerror(-ret) : "");
	}
}

int
gw_port_by_ifindex(int ifindex)
{
	uint16_t i;

	for (i = 0; i < gw.nb_ports; i++)
		if (gw.ports[i].ifindex == ifindex && ifindex != 0)
			return i;
	return -1;
}
