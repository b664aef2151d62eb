/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The ethdev glue of vxpath: vdev probe and remove, the choice of vhost
 * back-end from the path devarg, and the ethdev operations configure,
 * info, start/stop/close and link, with the table of all of them. The
 * others live beside it (vxpath_ethdev.h): queue set-up, info and MTU in
 * ethdev_queue.c, stats and xstats in ethdev_stats.c, the Rx mode, MAC
 * address and MAC and VLAN filter tables (through the control virtqueue
 * of ctrl.c when cq=1) in ethdev_filter.c. The replay of a started port's
 * state on a new back-end connection is the device layer's
 * (virtio_net.c, vxpath_virtio_net_events).
 * Registered as net_vxpath with alias virtio_user, so that upstream's
 * --vdev=virtio_user0,... syntax binds vxpath when the plugin is loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_gro.h>
#include <rte_malloc.h>

#include <linux/virtio_ring.h>

#include "coalesce.h"
#include "compat.h"
#include "ctrl.h"
#include "devargs.h"
#include "intr.h"
#include "offload.h"
#include "rxtx.h"
#include "virtio_net.h"
#include "vxpath.h"
#include "vxpath_ethdev.h"
#include "vxpath_log.h"

/* Largest frame a port takes in, bytes (Ethernet header and FCS room
 * included), as upstream's virtio PMD reports. Without MRG_RXBUF a frame
 * must also fit one Rx mbuf; rx_queue_setup checks that.
 */
#define VXPATH_MAX_RX_PKTLEN 9728

static uint16_t
nb_queues_started(const struct rte_eth_dev *eth_dev)
{
	return RTE_MIN(eth_dev->data->nb_rx_queues,
		       eth_dev->data->nb_tx_queues);
}

/* --- link and info --- */

static int
vxpath_link_update(struct rte_eth_dev *eth_dev,
		   int wait_to_complete __rte_unused)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	struct rte_eth_link link;
	uint16_t i;
	bool up = dev->started && vxpath_virtio_net_link_up(dev);

	for (i = 0; up && i < eth_dev->data->nb_rx_queues; i++) {
		struct vxpath_queue *q = eth_dev->data->rx_queues[i];

		if (q != NULL && vxpath_ring_broken(&q->ring, q->ring.is_packed))
			up = false;
	}
	for (i = 0; up && i < eth_dev->data->nb_tx_queues; i++) {
		struct vxpath_queue *q = eth_dev->data->tx_queues[i];

		if (q != NULL && vxpath_ring_broken(&q->ring, q->ring.is_packed))
			up = false;
	}
	memset(&link, 0, sizeof(link));
	link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	link.link_autoneg = RTE_ETH_LINK_FIXED;
	link.link_speed = up ? dev->args.speed : RTE_ETH_SPEED_NUM_NONE;
	link.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	return rte_eth_linkstatus_set(eth_dev, &link);
}

static int
vxpath_dev_infos_get(struct rte_eth_dev *eth_dev,
		     struct rte_eth_dev_info *info)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	uint16_t qsize = (uint16_t)dev->args.queue_size;

	/* The device's capability (queues=), not the pairs now in use. */
	info->max_rx_queues = (uint16_t)dev->args.queues;
	info->max_tx_queues = (uint16_t)dev->args.queues;
	/* With CTRL_RX the MAC filtering table takes more (ctrl.c). */
	info->max_mac_addrs = (dev->features & (1ULL << VIRTIO_NET_F_CTRL_RX)) ?
			      VXPATH_CTRL_MAC_TABLE_SIZE : 1;
	info->max_rx_pktlen = VXPATH_MAX_RX_PKTLEN;
	/* A coalesced (GSO) frame: a 64 KB IP packet, its Ethernet header
	 * and a VLAN tag.
	 */
	info->max_lro_pkt_size = UINT16_MAX + RTE_ETHER_HDR_LEN + 4;
	info->min_rx_bufsize = VXPATH_MIN_RX_BUFSIZE;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = VXPATH_MAX_RX_PKTLEN - VXPATH_ETH_OVERHEAD;
	/* VIRTIO_NET_F_MTU: the device's MTU is the largest (5.1.4.1). */
	if (dev->backend_mtu != 0)
		info->max_mtu = RTE_MIN(info->max_mtu, dev->backend_mtu);
	if (dev->args.speed != RTE_ETH_SPEED_NUM_UNKNOWN)
		info->speed_capa = rte_eth_speed_bitflag(dev->args.speed,
							 RTE_ETH_LINK_FULL_DUPLEX);
	/* What the back-end and devargs allow, whatever is negotiated now. */
	info->rx_offload_capa =
		vxpath_rx_offload_capa(vxpath_virtio_net_negotiable(dev));
	info->tx_offload_capa =
		vxpath_tx_offload_capa(vxpath_virtio_net_negotiable(dev));
	/* Not the device's: Tx takes sent mbufs back to their pool in bulk
	 * (rxtx.c).
	 */
	info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	/* A VLAN filter table, through the control virtqueue (ctrl.c). */
	if (dev->features & (1ULL << VIRTIO_NET_F_CTRL_VLAN))
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	/* A ring has what the application asks at queue set-up, rounded up
	 * to a power of two (ring_size()); queue_size= is the default.
	 */
	info->rx_desc_lim.nb_max = VXPATH_MAX_QUEUE_SIZE;
	info->rx_desc_lim.nb_min = VXPATH_MIN_QUEUE_SIZE;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->tx_desc_lim.nb_seg_max = VXPATH_TX_MAX_SEGS - 1;
	info->tx_desc_lim.nb_mtu_seg_max = VXPATH_TX_MAX_SEGS - 1;
	info->default_txconf.tx_free_thresh = VXPATH_TX_FREE_THRESH;
	info->default_rxportconf.ring_size = qsize;
	info->default_txportconf.ring_size = qsize;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	return 0;
}


static int
dev_configure_locked(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	const struct rte_eth_conf *conf = &eth_dev->data->dev_conf;

	if (eth_dev->data->nb_rx_queues != eth_dev->data->nb_tx_queues) {
		VXPATH_LOG(ERR, "%s: %u Rx and %u Tx queues: virtio-net queues come in pairs",
			   dev->name, eth_dev->data->nb_rx_queues,
			   eth_dev->data->nb_tx_queues);
		return -EINVAL;
	}
	if (vxpath_virtio_net_set_offloads(dev, conf->txmode.offloads,
					   conf->rxmode.offloads) < 0)
		return -ENOTSUP;
	if (conf->rxmode.mq_mode != RTE_ETH_MQ_RX_NONE) {
		VXPATH_LOG(ERR, "%s: Rx multi-queue mode %d is not supported",
			   dev->name, conf->rxmode.mq_mode);
		return -ENOTSUP;
	}
	vxpath_ethdev_rx_filter_sync(eth_dev);
	/* ethdev set it from rxmode.mtu before calling us. */
	dev->mtu = eth_dev->data->mtu;
	return vxpath_intr_configure(eth_dev);
}

static int
vxpath_dev_configure(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	int ret;

	VXPATH_CTRL_LOCKED(dev, dev_configure_locked(eth_dev));
	return ret;
}


/* --- start, stop, close --- */

static int vxpath_dev_stop(struct rte_eth_dev *eth_dev);

/* No back-end connection serves the port now, and one will come. */
bool
vxpath_ethdev_backend_detached(struct vxpath_dev *dev)
{
	return dev->ops->detached != NULL && dev->ops->detached(dev);
}

static int
dev_start_locked(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	uint16_t i, nq = nb_queues_started(eth_dev);
	int ret;

	if (dev->backend_lost) {
		VXPATH_LOG(ERR, "%s: the %s back-end was lost with the port's rings; detach and attach the port",
			   dev->name, dev->ops->name);
		return -ENOTCONN;
	}
	for (i = 0; i < nq; i++) {
		if (eth_dev->data->rx_queues[i] == NULL ||
		    eth_dev->data->tx_queues[i] == NULL) {
			VXPATH_LOG(ERR, "%s: queue pair %u is not set up",
				   dev->name, i);
			return -EINVAL;
		}
	}
	dev->nr_queue_pairs = nq;
	for (i = 0; i < nq; i++) {
		struct vxpath_rxq *rxq = eth_dev->data->rx_queues[i];
		struct vxpath_queue *rq = &rxq->q;
		struct vxpath_queue *tq = eth_dev->data->tx_queues[i];

		/* Configure may have changed them since queue set-up. */
		rq->features = dev->features;
		tq->features = dev->features;
		rxq->hdr_flags = (dev->features & VXPATH_RX_HDR_FEATURES) != 0 ||
				 dev->ops->rx_hdr_flags_always;
		if (vxpath_rxq_refill(eth_dev->data->rx_queues[i]) == 0) {
			VXPATH_LOG(ERR, "%s: Rx queue %u: no mbuf to post",
				   dev->name, i);
			ret = -ENOMEM;
			goto fail;
		}
	}
	if (vxpath_ethdev_backend_detached(dev)) {
		/* The rings wait in our memory; the next connection gets
		 * them (vxpath_virtio_net_events). The link is down till then.
		 */
		VXPATH_LOG(NOTICE, "%s: started without a back-end: the rings go to the next one that connects",
			   dev->name);
		dev->ctrl.curr_queue_pairs = nq;
		goto started;
	}
	ret = vxpath_virtio_net_start(dev);
	/* Only the pairs configured (fewer than queues= maybe) serve. */
	if (ret == 0 && (dev->features & (1ULL << VIRTIO_NET_F_MQ)))
		ret = vxpath_ctrl_mq_pairs_set(dev, nq);
	/* The back-end's side ready (the TAP up, its addresses) before the
	 * link is read below.
	 */
	if (ret == 0 && dev->ops->port_start != NULL)
		ret = dev->ops->port_start(dev);
	if (ret < 0) {
		/* Some rings may be the back-end's now: their buffers come
		 * back only if it confirms that it stopped them.
		 */
		if (vxpath_virtio_net_stop(dev) < 0)
			vxpath_ethdev_abandon_queues(eth_dev);
		else
			vxpath_ethdev_drain_queues(eth_dev);
		return ret;
	}
started:
	dev->started = true;
	for (i = 0; i < nq; i++) {
		eth_dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
		eth_dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	}
	vxpath_link_update(eth_dev, 0);
	return 0;

fail:
	vxpath_ethdev_drain_queues(eth_dev);
	return ret;
}

static int
vxpath_dev_start(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	int ret;

	pthread_mutex_lock(&dev->ctrl_lock);
	ret = dev_start_locked(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	if (ret < 0)
		return ret;
	/* Without ctrl_lock: a failure unregisters watches, which waits for
	 * their callbacks, and those may take it.
	 */
	ret = vxpath_intr_start(eth_dev);
	if (ret < 0) {
		vxpath_dev_stop(eth_dev);
		return ret;
	}
	VXPATH_LOG(INFO, "%s: started, %u queue pair(s)", dev->name,
		   dev->nr_queue_pairs);
	return 0;
}

/*
 * Take the rings back from the back-end (ctrl_lock held, interrupt watches
 * already stopped): their buffers return to the pool if the back-end
 * confirms the stop, else they are abandoned to it.
 */
static void
dev_stop_locked(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	uint16_t i;

	if (!dev->started)
		return;
	if (vxpath_virtio_net_stop(dev) < 0)
		vxpath_ethdev_abandon_queues(eth_dev);
	else
		vxpath_ethdev_drain_queues(eth_dev);
	if (dev->ops->port_stop != NULL)
		dev->ops->port_stop(dev);
	dev->started = false;
	for (i = 0; i < eth_dev->data->nb_rx_queues; i++)
		eth_dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < eth_dev->data->nb_tx_queues; i++)
		eth_dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	vxpath_link_update(eth_dev, 0);
}

static int
vxpath_dev_stop(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);

	/* Outside ctrl_lock: this waits for LSC callbacks in the interrupt
	 * thread, which may call the application's.
	 */
	vxpath_intr_stop(eth_dev);
	pthread_mutex_lock(&dev->ctrl_lock);
	dev_stop_locked(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return 0;
}

static int
vxpath_dev_close(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	/* Interrupt-thread callbacks are waited for without ctrl_lock. */
	vxpath_intr_stop(eth_dev);
	pthread_mutex_lock(&dev->ctrl_lock);
	/* From here on, connection events leave the port alone. */
	dev->closing = true;
	dev_stop_locked(eth_dev);
	vxpath_intr_fini(eth_dev);
	for (i = 0; i < eth_dev->data->nb_rx_queues; i++)
		vxpath_rx_queue_release(eth_dev, i);
	for (i = 0; i < eth_dev->data->nb_tx_queues; i++)
		vxpath_tx_queue_release(eth_dev, i);
	pthread_mutex_unlock(&dev->ctrl_lock);
	/* Waits for the back-end's own callbacks: without ctrl_lock. */
	vxpath_virtio_net_close(dev);
	pthread_mutex_destroy(&dev->ctrl_lock);
	VXPATH_LOG(INFO, "%s: closed", dev->name);
	/* dev_private and mac_addrs are freed by rte_eth_dev_release_port. */
	return 0;
}

/*
 * rte_eth_dev_set_link_up/down: the back-end's link (the TAP's carrier);
 * the port's link and its LSC event follow through link_up().
 */
static int
set_link(struct rte_eth_dev *eth_dev, bool up)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	int ret;

	if (dev->ops->set_link == NULL)
		return -ENOTSUP;
	VXPATH_CTRL_LOCKED(dev, dev->ops->set_link(dev, up));
	return ret;
}

static int
vxpath_dev_set_link_up(struct rte_eth_dev *eth_dev)
{
	return set_link(eth_dev, true);
}

static int
vxpath_dev_set_link_down(struct rte_eth_dev *eth_dev)
{
	return set_link(eth_dev, false);
}

static const struct eth_dev_ops vxpath_ops = {
	.dev_configure = vxpath_dev_configure,
	.dev_infos_get = vxpath_dev_infos_get,
	.dev_start = vxpath_dev_start,
	.dev_stop = vxpath_dev_stop,
	.dev_close = vxpath_dev_close,
	.dev_set_link_up = vxpath_dev_set_link_up,
	.dev_set_link_down = vxpath_dev_set_link_down,
	.link_update = vxpath_link_update,
	.rx_queue_setup = vxpath_rx_queue_setup,
	.rx_queue_release = vxpath_rx_queue_release,
	.tx_queue_setup = vxpath_tx_queue_setup,
	.tx_queue_release = vxpath_tx_queue_release,
	.tx_done_cleanup = vxpath_tx_done_cleanup,
	.rxq_info_get = vxpath_rxq_info_get,
	.txq_info_get = vxpath_txq_info_get,
	.stats_get = vxpath_stats_get,
	.stats_reset = vxpath_stats_reset,
	.xstats_get = vxpath_xstats_get,
	.xstats_get_names = vxpath_xstats_get_names,
	.xstats_reset = vxpath_stats_reset,
	.mac_addr_set = vxpath_mac_addr_set,
	.mac_addr_add = vxpath_mac_addr_add,
	.mac_addr_remove = vxpath_mac_addr_remove,
	.set_mc_addr_list = vxpath_set_mc_addr_list,
	.promiscuous_enable = vxpath_promiscuous_enable,
	.promiscuous_disable = vxpath_promiscuous_disable,
	.allmulticast_enable = vxpath_allmulticast_enable,
	.allmulticast_disable = vxpath_allmulticast_disable,
	.vlan_filter_set = vxpath_vlan_filter_set,
	.vlan_offload_set = vxpath_vlan_offload_set,
	.mtu_set = vxpath_mtu_set,
	.rx_queue_intr_enable = vxpath_rx_queue_intr_enable,
	.rx_queue_intr_disable = vxpath_rx_queue_intr_disable,
};

/* A recursive mutex: the exchanges under dev_start take it again. */
static int
ctrl_lock_init(struct vxpath_dev *dev)
{
	pthread_mutexattr_t a;
	int ret;

	ret = pthread_mutexattr_init(&a);
	if (ret == 0) {
		ret = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
		if (ret == 0)
			ret = pthread_mutex_init(&dev->ctrl_lock, &a);
		pthread_mutexattr_destroy(&a);
	}
	return -ret;
}

/* --- probe and remove --- */

/*
 * Choose the back-end from the path devarg: a character device named
 * vhost-net is the kernel's vhost-net, one named vhost-vdpa-N a vDPA
 * device's (vhost_vdpa.c); anything else must be a vhost-user socket
 * (which need not exist yet: connect() then says so).
 */
static int
select_backend(struct vxpath_dev *dev)
{
	const char *path = dev->args.path;
	const char *base = strrchr(path, '/');
	struct stat st;

	base = base != NULL ? base + 1 : path;
	if (stat(path, &st) < 0) {
		if (strncmp(base, "vhost-vdpa", 10) == 0) {
			VXPATH_LOG(ERR, "%s: devarg path=%s: %s (is the vhost_vdpa module loaded, and the vDPA device added and bound to it?)",
				   dev->name, path, strerror(errno));
			return -ENODEV;
		}
		if (strncmp(base, "vhost-", 6) == 0) {
			VXPATH_LOG(ERR, "%s: devarg path=%s: %s (is the vhost module loaded?)",
				   dev->name, path, strerror(errno));
			return -ENODEV;
		}
		dev->ops = &vxpath_vhost_user_ops;
		return 0;
	}
	if (S_ISCHR(st.st_mode)) {
		if (strncmp(base, "vhost-net", 9) == 0) {
			dev->ops = &vxpath_vhost_kernel_ops;
			return 0;
		}
		if (strncmp(base, "vhost-vdpa", 10) == 0) {
			dev->ops = &vxpath_vhost_vdpa_ops;
			return 0;
		}
		VXPATH_LOG(ERR, "%s: devarg path=%s: a character device, but neither /dev/vhost-net nor /dev/vhost-vdpa-N",
			   dev->name, path);
		return -EINVAL;
	}
	if (S_ISSOCK(st.st_mode)) {
		dev->ops = &vxpath_vhost_user_ops;
		return 0;
	}
	VXPATH_LOG(ERR, "%s: devarg path=%s: neither a Unix socket nor a vhost device",
		   dev->name, path);
	return -EINVAL;
}

/* server= and reconnect= are vhost-user's; iface=, ipv4=... the TAP's. */
static int
check_backend_args(const struct vxpath_dev *dev)
{
	char backend[sizeof(dev->args.path) + 32];

	if (dev->ops == &vxpath_vhost_user_ops) {
		snprintf(backend, sizeof(backend), "the vhost-user socket %s",
			 dev->args.path);
		return vxpath_devargs_check_no_tap(dev->name, &dev->args,
						   backend);
	}
	if (dev->ops == &vxpath_vhost_vdpa_ops) {
		int ret;

		snprintf(backend, sizeof(backend), "the vDPA device %s",
			 dev->args.path);
		ret = vxpath_devargs_check_no_tap(dev->name, &dev->args,
						  backend);
		if (ret < 0)
			return ret;
	}
	if (dev->args.server) {
		VXPATH_LOG(ERR, "%s: devarg %s=1: only for a vhost-user socket, not %s",
			   dev->name, VXPATH_ARG_SERVER, dev->args.path);
		return -EINVAL;
	}
	if (dev->args.reconnect > 0) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u: only for a vhost-user socket, not %s",
			   dev->name, VXPATH_ARG_RECONNECT, dev->args.reconnect,
			   dev->args.path);
		return -EINVAL;
	}
	return 0;
}

/*
 * tx_coalesce=1 sends GSO frames (coalesce.h): the device must offer
 * CSUM, HOST_TSO4 and HOST_TSO6 (5.1.3) and the TAP take TUN_F_CSUM,
 * TSO4 and TSO6 (TUNSETOFFLOAD). A vhost-user socket was refused before,
 * with the TAP's other devargs. One line names the devarg.
 * Return: 0; -ENOTSUP when something is missing.
 */
static int
check_tx_coalesce(const struct vxpath_dev *dev)
{
	uint64_t missing = VXPATH_COALESCE_FEATURES & ~dev->device_features;
	unsigned int tun = dev->tap_offloads & VXPATH_COALESCE_TUN_FLAGS;

	if (!dev->args.tx_coalesce)
		return 0;
	if (missing != 0 || tun != VXPATH_COALESCE_TUN_FLAGS) {
		VXPATH_LOG(ERR, "%s: devarg %s=1: needs VIRTIO_NET_F_CSUM, HOST_TSO4, HOST_TSO6 and TUN_F_CSUM, TSO4, TSO6: the %s back-end lacks features %#" PRIx64 ", the TAP %s TUN_F offloads %#x",
			   dev->name, VXPATH_ARG_TX_COALESCE, dev->ops->name,
			   missing,
			   dev->ifname[0] != '\0' ? dev->ifname : "(none)",
			   VXPATH_COALESCE_TUN_FLAGS & ~tun);
		return -ENOTSUP;
	}
	VXPATH_LOG(INFO, "%s: %s=1: Tx merges TCP/IPv4%s segments into GSO frames",
		   dev->name, VXPATH_ARG_TX_COALESCE,
		   vxpath_coalesce_gro_types() & ~(uint64_t)RTE_GRO_TCP_IPV4 ?
		   " and TCP/IPv6" : " (not TCP/IPv6: this DPDK's GRO has none)");
	return 0;
}

static int
vxpath_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct vxpath_devargs args;
	struct rte_eth_dev *eth_dev;
	struct vxpath_dev *dev;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		VXPATH_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
	}
	ret = vxpath_devargs_parse(name, rte_vdev_device_args(vdev), &args);
	if (ret == 0)
		ret = vxpath_devargs_check_supported(name, &args);
	if (ret < 0)
		return ret;

	eth_dev = rte_eth_vdev_allocate(vdev, sizeof(*dev));
	if (eth_dev == NULL) {
		VXPATH_LOG(ERR, "%s: cannot allocate an ethdev port", name);
		return -ENOMEM;
	}
	dev = eth_dev->data->dev_private;
	strlcpy(dev->name, name, sizeof(dev->name));
	dev->port_id = eth_dev->data->port_id;
	dev->args = args;
	dev->nr_queue_pairs = (uint16_t)args.queues;
	dev->mtu = eth_dev->data->mtu;
	dev->events = &vxpath_virtio_net_events;
	ret = ctrl_lock_init(dev);
	if (ret < 0)
		goto fail;
	if (args.mac_given)
		rte_ether_addr_copy(&args.mac, &dev->mac);
	else
		rte_eth_random_addr(dev->mac.addr_bytes);

	/* Room for the MAC filtering table that cq=1 brings (ctrl.c). */
	eth_dev->data->mac_addrs = rte_zmalloc("vxpath_mac",
		RTE_ETHER_ADDR_LEN * VXPATH_CTRL_MAC_TABLE_SIZE, 0);
	if (eth_dev->data->mac_addrs == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	rte_ether_addr_copy(&dev->mac, eth_dev->data->mac_addrs);

	ret = select_backend(dev);
	if (ret == 0)
		ret = check_backend_args(dev);
	if (ret < 0)
		goto fail;
	ret = vxpath_virtio_net_init(dev);
	if (ret < 0)
		goto fail;
	ret = check_tx_coalesce(dev);
	if (ret < 0) {
		vxpath_virtio_net_close(dev);
		goto fail;
	}
	/* The back-end's configuration space may have given the MAC. */
	rte_ether_addr_copy(&dev->mac, eth_dev->data->mac_addrs);
	ret = vxpath_intr_init(eth_dev);
	if (ret < 0) {
		vxpath_virtio_net_close(dev);
		goto fail;
	}
	vxpath_ctrl_reset(dev);
	if (dev->features & (1ULL << VIRTIO_NET_F_CTRL_VQ))
		VXPATH_LOG(INFO, "%s: control virtqueue (virtqueue %u) served by vxpath, %u queue pair(s) at most",
			   name, 2 * args.queues, args.queues);

	eth_dev->dev_ops = &vxpath_ops;
	/* The ring kind and descriptor order are fixed at probe: so are
	 * the burst functions. A packed ring whose back-end may be replaced
	 * by a new connection takes the queue's handoff lock in each burst
	 * (rxtx.h); no other port pays for it.
	 */
	vxpath_burst_select(vxpath_packed(dev),
			    !!(dev->features & (1ULL << VIRTIO_F_IN_ORDER)),
			    dev->args.server || dev->args.reconnect > 0,
			    dev->args.tx_coalesce != 0,
			    &eth_dev->rx_pkt_burst, &eth_dev->tx_pkt_burst);
	eth_dev->tx_pkt_prepare = vxpath_tx_pkt_prepare;
	vxpath_link_update(eth_dev, 0);
	pthread_mutex_lock(&dev->ctrl_lock);
	dev->probed = true;
	pthread_mutex_unlock(&dev->ctrl_lock);
	rte_eth_dev_probing_finish(eth_dev);

	VXPATH_LOG(NOTICE, "%s: vxpath built for DPDK %s, running in %s",
		   name, vxpath_dpdk_built_for(), vxpath_dpdk_running());
	if (dev->ifname[0] != '\0')
		VXPATH_LOG(NOTICE, "%s: port %u, %s back-end %s, TAP %s, MAC " RTE_ETHER_ADDR_PRT_FMT,
			   name, dev->port_id, dev->ops->name, args.path,
			   dev->ifname, RTE_ETHER_ADDR_BYTES(&dev->mac));
	else
		VXPATH_LOG(NOTICE, "%s: port %u, %s back-end %s, MAC " RTE_ETHER_ADDR_PRT_FMT,
			   name, dev->port_id, dev->ops->name, args.path,
			   RTE_ETHER_ADDR_BYTES(&dev->mac));
	return 0;

fail:
	/* rte_eth_dev_release_port frees dev_private and mac_addrs. */
	rte_eth_dev_release_port(eth_dev);
	return ret;
}

static int
vxpath_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *eth_dev;

	eth_dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	if (eth_dev == NULL)
		return 0; /* already closed through rte_eth_dev_close */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return rte_eth_dev_release_port(eth_dev);
	/* ethdev refuses to close a started port: stop it first, or the bus
	 * would free the vdev under a port still allocated.
	 */
	if (eth_dev->data->dev_started)
		rte_eth_dev_stop(eth_dev->data->port_id);
	return rte_eth_dev_close(eth_dev->data->port_id);
}

static struct rte_vdev_driver vxpath_vdev_driver = {
	.probe = vxpath_probe,
	.remove = vxpath_remove,
};

RTE_PMD_REGISTER_VDEV(net_vxpath, vxpath_vdev_driver);
RTE_PMD_REGISTER_ALIAS(net_vxpath, virtio_user);
RTE_PMD_REGISTER_PARAM_STRING(net_vxpath, VXPATH_PARAM_STRING);
