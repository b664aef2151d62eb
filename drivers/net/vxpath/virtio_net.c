/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The virtio-net device vxpath emulates (virtio 1.2, 5.1): its status
 * register and feature negotiation, and the sequence that hands the
 * virtqueues to a vhost back-end through the ops table of vhost.h. The
 * device configuration (MAC address, link status) is served here, by
 * vxpath itself, so VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS are offered to
 * the driver whatever the back-end offers, and never passed to it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <rte_common.h>
#include <rte_errno.h>

#include "coalesce.h"
#include "intr.h"
#include "memory.h"
#include "offload.h"
#include "rxtx.h"
#include "virtio_net.h"
#include "vxpath.h"
#include "vxpath_log.h"

#define BIT(f) (1ULL << (f))

/*
 * Features the emulated device serves itself, never passed to the
 * back-end: the configuration space (MAC, link status) and the control
 * virtqueue with the command classes ctrl.c serves (5.1.6.5), multi-queue
 * included. local_features() says which of them a port offers.
 */
#define LOCAL_FEATURES (BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS) | \
			CTRL_FEATURES)
#define CTRL_FEATURES (BIT(VIRTIO_NET_F_CTRL_VQ) | \
		       BIT(VIRTIO_NET_F_CTRL_RX) | \
		       BIT(VIRTIO_NET_F_CTRL_VLAN) | \
		       BIT(VIRTIO_NET_F_CTRL_MAC_ADDR) | \
		       BIT(VIRTIO_NET_F_MQ))

/*
 * The local features this port's device offers: MAC and STATUS always;
 * with cq=1 the control virtqueue and its Rx mode, VLAN and MAC address
 * classes; with queues > 1 also VIRTIO_NET_F_MQ (5.1.3, each needs
 * VIRTIO_NET_F_CTRL_VQ).
 */
static uint64_t
local_features(const struct vxpath_dev *dev)
{
	uint64_t f = BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS);

	if (dev->args.cq) {
		f |= CTRL_FEATURES & ~BIT(VIRTIO_NET_F_MQ);
		if (dev->args.queues > 1)
			f |= BIT(VIRTIO_NET_F_MQ);
	}
	return f;
}

/*
 * Set the device status (2.1) and tell the back-end (vhost-user
 * SET_STATUS where STATUS is negotiated; nothing before setup()).
 */
static int
status_set(struct vxpath_dev *dev, uint8_t status)
{
	int ret;

	dev->status = status;
	VXPATH_LOG(DEBUG, "%s: device status 0x%02x", dev->name, status);
	if (dev->backend == NULL || dev->ops->set_status == NULL)
		return 0;
	ret = dev->ops->set_status(dev, status);
	if (ret < 0)
		VXPATH_LOG(ERR, "%s: the %s back-end did not take device status 0x%02x: %s",
			   dev->name, dev->ops->name, status, rte_strerror(-ret));
	return ret;
}

/*
 * 3.1.1 step 6: re-read the status to check that the device kept
 * FEATURES_OK (it clears it for features it cannot take), where the
 * back-end can tell (vhost-user GET_STATUS).
 */
static int
features_ok_check(struct vxpath_dev *dev)
{
	uint8_t st = 0;
	int ret;

	if (dev->ops->get_status == NULL)
		return 0;
	ret = dev->ops->get_status(dev, &st);
	if (ret == -ENOTSUP)
		return 0;
	if (ret < 0)
		return ret;
	VXPATH_LOG(DEBUG, "%s: back-end device status 0x%02x", dev->name, st);
	if (!(st & VIRTIO_CONFIG_S_FEATURES_OK)) {
		VXPATH_LOG(ERR, "%s: the %s back-end did not keep FEATURES_OK (status 0x%02x): it refuses features 0x%" PRIx64,
			   dev->name, dev->ops->name, st,
			   (uint64_t)(dev->features & ~LOCAL_FEATURES));
		return -ENOTSUP;
	}
	return 0;
}

/* Bytes of virtio_net_config vxpath reads: mac, status, pairs, mtu. */
#define NET_CONFIG_SIZE (offsetof(struct virtio_net_config, mtu) + \
			 sizeof(uint16_t))

int
vxpath_virtio_net_read_config(struct vxpath_dev *dev, bool at_probe)
{
	uint8_t raw[NET_CONFIG_SIZE];
	struct rte_ether_addr mac;
	uint16_t status, mtu;
	int ret;

	if (dev->ops->get_config == NULL || dev->backend == NULL)
		return -ENOTSUP;
	ret = dev->ops->get_config(dev, 0, raw, sizeof(raw));
	if (ret < 0)
		return ret;
	memcpy(mac.addr_bytes,
	       raw + offsetof(struct virtio_net_config, mac), sizeof(mac));
	memcpy(&status, raw + offsetof(struct virtio_net_config, status),
	       sizeof(status));
	memcpy(&mtu, raw + offsetof(struct virtio_net_config, mtu),
	       sizeof(mtu));

	if (at_probe && !dev->args.mac_given &&
	    (dev->backend_features & BIT(VIRTIO_NET_F_MAC))) {
		if (rte_is_valid_assigned_ether_addr(&mac)) {
			rte_ether_addr_copy(&mac, &dev->mac);
			VXPATH_LOG(INFO, "%s: MAC " RTE_ETHER_ADDR_PRT_FMT " from the back-end's configuration space (no %s= devarg)",
				   dev->name, RTE_ETHER_ADDR_BYTES(&mac),
				   VXPATH_ARG_MAC);
		} else {
			VXPATH_LOG(WARNING, "%s: the back-end's configuration space has MAC " RTE_ETHER_ADDR_PRT_FMT ", not a unicast address: keeping " RTE_ETHER_ADDR_PRT_FMT,
				   dev->name, RTE_ETHER_ADDR_BYTES(&mac),
				   RTE_ETHER_ADDR_BYTES(&dev->mac));
		}
	}
	if (dev->backend_features & BIT(VIRTIO_NET_F_STATUS))
		dev->backend_link_down = !(status & VIRTIO_NET_S_LINK_UP);
	if (dev->features & BIT(VIRTIO_NET_F_MTU)) {
		if (mtu >= RTE_ETHER_MIN_MTU) {
			dev->backend_mtu = mtu;
		} else {
			VXPATH_LOG(WARNING, "%s: the back-end's configuration space has MTU %u, below %u: ignored",
				   dev->name, mtu, RTE_ETHER_MIN_MTU);
			dev->backend_mtu = 0;
		}
	}
	VXPATH_LOG(INFO, "%s: back-end configuration: MAC " RTE_ETHER_ADDR_PRT_FMT ", status 0x%04x%s, MTU %u%s",
		   dev->name, RTE_ETHER_ADDR_BYTES(&mac), status,
		   (dev->backend_features & BIT(VIRTIO_NET_F_STATUS)) ?
		   (dev->backend_link_down ? " (link down)" : " (link up)") :
		   " (not offered)",
		   mtu, (dev->features & BIT(VIRTIO_NET_F_MTU)) ? "" :
		   " (VIRTIO_NET_F_MTU not negotiated)");
	return 0;
}

void
vxpath_virtio_net_config_changed(struct vxpath_dev *dev)
{
	int ret;

	/* Not inside a new connection's set-up, which reads it too; the
	 * application's LSC callbacks run after, without the lock.
	 */
	pthread_mutex_lock(&dev->ctrl_lock);
	ret = vxpath_virtio_net_read_config(dev, false);
	pthread_mutex_unlock(&dev->ctrl_lock);
	if (ret < 0)
		VXPATH_LOG(WARNING, "%s: configuration change: cannot read the back-end's configuration: %s",
			   dev->name, rte_strerror(-ret));
	vxpath_intr_config_changed(dev);
}

/* Features this driver asks of the back-end, given the devargs. */
static uint64_t
driver_wanted_features(const struct vxpath_dev *dev)
{
	uint64_t f = BIT(VIRTIO_F_VERSION_1);

	if (dev->args.event_idx)
		f |= BIT(VIRTIO_RING_F_EVENT_IDX);
	if (dev->args.mrg_rxbuf)
		f |= BIT(VIRTIO_NET_F_MRG_RXBUF);
	if (dev->args.packed_vq)
		f |= BIT(VIRTIO_F_RING_PACKED);
	/* Multi-buffer Tx packets in one ring descriptor (2.7.5.3, 2.8.19). */
	f |= BIT(VIRTIO_RING_F_INDIRECT_DESC);
	/* Both ring layers take batched used entries (2.7.9, 2.8.20). */
	if (dev->args.in_order)
		f |= BIT(VIRTIO_F_IN_ORDER);
	/* The device's MTU (5.1.4) is the port's largest; vhost-user tells
	 * the back-end the port's (NET_SET_MTU).
	 */
	f |= BIT(VIRTIO_NET_F_MTU);
	return f;
}

/* Every feature bit an ethdev offload may ask for (offload.c). */
static uint64_t
offload_features_all(void)
{
	return vxpath_offload_features(UINT64_MAX, UINT64_MAX);
}

uint64_t
vxpath_virtio_net_negotiable(const struct vxpath_dev *dev)
{
	return dev->device_features & (driver_wanted_features(dev) |
				       LOCAL_FEATURES | offload_features_all());
}

int
vxpath_virtio_net_set_offloads(struct vxpath_dev *dev, uint64_t tx_offloads,
			       uint64_t rx_offloads)
{
	uint64_t want = vxpath_offload_features(tx_offloads, rx_offloads);
	/* Refinements the offloads work without: negotiated where offered
	 * (neither vhost-net's TAP nor DPDK 22.11's vhost offers GUEST_HDRLEN).
	 */
	const uint64_t optional = BIT(VIRTIO_NET_F_HOST_ECN) |
				  BIT(VIRTIO_NET_F_GUEST_ECN) |
				  BIT(VIRTIO_NET_F_GUEST_HDRLEN);
	uint64_t missing;

	/* tx_coalesce=1 makes GSO frames whatever the application asks
	 * (coalesce.h; offered, as the probe checked).
	 */
	if (dev->args.tx_coalesce)
		want |= VXPATH_COALESCE_FEATURES;
	missing = want & ~optional & ~dev->device_features;

	if (missing != 0) {
		VXPATH_LOG(ERR, "%s: offloads Tx %#" PRIx64 " Rx %#" PRIx64 " need features %#" PRIx64 " the %s back-end does not offer",
			   dev->name, tx_offloads, rx_offloads, missing,
			   dev->ops->name);
		return -ENOTSUP;
	}
	dev->features = (dev->features & ~offload_features_all()) |
			(want & dev->device_features);
	VXPATH_LOG(INFO, "%s: offloads Tx %#" PRIx64 " Rx %#" PRIx64 ": features %#" PRIx64,
		   dev->name, tx_offloads, rx_offloads, dev->features);
	return 0;
}

/*
 * 3.1.1 steps 2-6 on the back-end's current connection: ACKNOWLEDGE,
 * SET_OWNER, DRIVER, read its features, write the driver's, FEATURES_OK
 * (checked where the back-end can tell), then its configuration space. The
 * first time (@again false) the driver's features are chosen from what is
 * offered; on a new connection (@again) they are the port's, already in
 * use, and the back-end must offer every one of them. The same code at
 * probe and for each new connection, so that whatever this sequence
 * negotiates is replayed.
 */
static int
virtio_net_negotiate(struct vxpath_dev *dev, bool again)
{
	uint64_t offered, missing;
	int ret;

	ret = status_set(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	if (ret < 0)
		return ret;
	ret = dev->ops->set_owner(dev);
	if (ret < 0)
		return ret;
	ret = status_set(dev, dev->status | VIRTIO_CONFIG_S_DRIVER);
	if (ret < 0)
		return ret;

	ret = dev->ops->get_features(dev, &offered);
	if (ret < 0)
		return ret;
	if (again) {
		missing = dev->features & ~LOCAL_FEATURES & ~offered;
		if (missing != 0) {
			VXPATH_LOG(ERR, "%s: the new %s back-end lacks features 0x%" PRIx64 " the port uses (it offers 0x%" PRIx64 "): refused",
				   dev->name, dev->ops->name, missing, offered);
			return -ENOTSUP;
		}
	} else {
		dev->backend_features = offered;
		dev->device_features = (offered & ~LOCAL_FEATURES) |
				       local_features(dev);
		if (!(offered & BIT(VIRTIO_F_VERSION_1))) {
			VXPATH_LOG(ERR,
				   "%s: %s back-end does not offer VIRTIO_F_VERSION_1 (features 0x%" PRIx64 "); vxpath needs a virtio 1.x back-end",
				   dev->name, dev->ops->name, offered);
			return -ENOTSUP;
		}
		dev->features = dev->device_features &
				(driver_wanted_features(dev) | LOCAL_FEATURES);
		if (dev->args.packed_vq &&
		    !(offered & BIT(VIRTIO_F_RING_PACKED))) {
			/* Asked for explicitly: no silent fallback. */
			VXPATH_LOG(ERR, "%s: devarg packed_vq=1: the %s back-end does not offer VIRTIO_F_RING_PACKED%s",
				   dev->name, dev->ops->name,
				   dev->ops == &vxpath_vhost_kernel_ops ?
				   " (vhost-net has no packed rings)" : "");
			return -ENOTSUP;
		}
		if (dev->args.mrg_rxbuf &&
		    !(dev->features & BIT(VIRTIO_NET_F_MRG_RXBUF)))
			VXPATH_LOG(NOTICE,
				   "%s: back-end does not offer VIRTIO_NET_F_MRG_RXBUF; each frame must fit one Rx buffer",
				   dev->name);
	}
	/* 3.1.1 steps 5-6: write the features, FEATURES_OK. */
	ret = dev->ops->set_features(dev, dev->features & ~LOCAL_FEATURES);
	if (ret < 0)
		return ret;
	ret = status_set(dev, dev->status | VIRTIO_CONFIG_S_FEATURES_OK);
	if (ret == 0)
		ret = features_ok_check(dev);
	if (ret < 0)
		return ret;
	/* The back-end's MAC (at probe), link and MTU, where it has a
	 * config space.
	 */
	ret = vxpath_virtio_net_read_config(dev, !again);
	if (ret < 0 && ret != -ENOTSUP && ret != -EIO)
		return ret;
	if (ret == -EIO)
		VXPATH_LOG(WARNING, "%s: the back-end's configuration space is not readable: vxpath serves its own",
			   dev->name);
	VXPATH_LOG(INFO,
		   "%s: %s back-end offers 0x%" PRIx64 ", negotiated 0x%" PRIx64,
		   dev->name, dev->ops->name, offered, dev->features);
	return 0;
}

/* Tell the back-end if it can still hear it; the cause is logged. */
static void
virtio_net_failed(struct vxpath_dev *dev)
{
	dev->status = VIRTIO_CONFIG_S_FAILED;
	if (dev->backend != NULL && dev->ops->set_status != NULL)
		(void)dev->ops->set_status(dev, dev->status);
}

int
vxpath_virtio_net_init(struct vxpath_dev *dev)
{
	int ret;

	/* 3.1.1: reset, ACKNOWLEDGE, DRIVER. */
	status_set(dev, 0);
	ret = dev->ops->setup(dev);
	if (ret < 0)
		return ret;
	ret = virtio_net_negotiate(dev, false);
	if (ret < 0) {
		virtio_net_failed(dev);
		dev->ops->destroy(dev);
		dev->backend = NULL;
	}
	return ret;
}

int
vxpath_virtio_net_reattach(struct vxpath_dev *dev)
{
	int ret;

	/* A new connection: its device starts from reset (3.1.1 step 1). */
	dev->status = 0;
	ret = virtio_net_negotiate(dev, true);
	if (ret < 0)
		virtio_net_failed(dev);
	return ret;
}

static int
vring_setup(struct vxpath_dev *dev, const struct vxpath_queue *q)
{
	struct vhost_vring_state num = { .index = q->vq_index };
	struct vhost_vring_state base = { .index = q->vq_index };
	struct vhost_vring_addr addr = { .index = q->vq_index };
	uint64_t desc, avail, used;
	struct vhost_vring_file kick = { .index = q->vq_index, .fd = q->kickfd };
	struct vhost_vring_file call = { .index = q->vq_index, .fd = q->callfd };
	int ret;

	/* Where the back-end starts: 0 / 0x80008000 on a fresh ring, the
	 * current position when a new connection takes a started port over.
	 */
	ret = vxpath_queue_resume_base((struct vxpath_queue *)q, &base.num);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: virtqueue %u: position not settled",
			   dev->name, q->vq_index);
		return ret;
	}
	/* Split (2.7): descriptor table, available and used rings. Packed
	 * (2.8): descriptor ring, driver and device event areas; the base
	 * carries the wrap counters (avail in bits 0-15, used in 16-31), 1
	 * on a fresh ring.
	 */
	num.num = vxpath_ring_size(&q->ring, q->ring.is_packed);
	vxpath_ring_vhost_addrs(&q->ring, &desc, &avail, &used);
	addr.desc_user_addr = desc;
	addr.avail_user_addr = avail;
	addr.used_user_addr = used;
	ret = dev->ops->set_vring_num(dev, &num);
	if (ret == 0)
		ret = dev->ops->set_vring_base(dev, &base);
	if (ret == 0)
		ret = dev->ops->set_vring_addr(dev, &addr);
	if (ret == 0)
		ret = dev->ops->set_vring_kick(dev, &kick);
	if (ret == 0)
		ret = dev->ops->set_vring_call(dev, &call);
	if (ret < 0)
		VXPATH_LOG(ERR, "%s: cannot hand virtqueue %u to the back-end: %s",
			   dev->name, q->vq_index, rte_strerror(-ret));
	return ret;
}

int
vxpath_virtio_net_start(struct vxpath_dev *dev)
{
	uint16_t i, pair, npairs, nb = 2 * dev->nr_queue_pairs;
	int ret;

	/* Some back-ends forget features when their rings stop: resend. */
	ret = dev->ops->set_features(dev, dev->features & ~LOCAL_FEATURES);
	if (ret < 0)
		return ret;
	ret = vxpath_memory_start(dev);
	if (ret < 0)
		return ret;
	for (i = 0; i < nb; i++) {
		ret = vring_setup(dev, dev->vqs[i]);
		if (ret < 0)
			return ret;
	}
	/* With VIRTIO_NET_F_MQ only the first pair serves until the driver
	 * sends VQ_PAIRS_SET (5.1.6.5.5, ctrl.c).
	 */
	npairs = (dev->features & BIT(VIRTIO_NET_F_MQ)) ? 1 :
		 dev->nr_queue_pairs;
	for (pair = 0; pair < npairs; pair++) {
		ret = dev->ops->enable_queue_pair(dev, pair, true);
		if (ret < 0)
			return ret;
	}
	/* vhost-user STATUS: a back-end may wait for DRIVER_OK to start. */
	return status_set(dev, dev->status | VIRTIO_CONFIG_S_DRIVER_OK);
}

int
vxpath_virtio_net_stop(struct vxpath_dev *dev)
{
	uint16_t i, pair, nb = 2 * dev->nr_queue_pairs;
	int ret = 0;

	/* No back-end holds the rings (its connection went away). */
	if (dev->ops->detached != NULL && dev->ops->detached(dev)) {
		VXPATH_LOG(DEBUG, "%s: no back-end connected: rings stopped",
			   dev->name);
		dev->status &= ~VIRTIO_CONFIG_S_DRIVER_OK;
		return 0;
	}
	for (pair = 0; pair < dev->nr_queue_pairs; pair++)
		dev->ops->enable_queue_pair(dev, pair, false);
	for (i = 0; i < nb; i++) {
		struct vhost_vring_state st = { .index = i };

		if (dev->ops->get_vring_base(dev, &st) == 0)
			VXPATH_LOG(DEBUG, "%s: virtqueue %u stopped at %u",
				   dev->name, st.index, st.num);
		else
			ret = -EIO;
	}
	/* Errors are logged; the rings' stop decides the result. */
	(void)status_set(dev, dev->status & ~VIRTIO_CONFIG_S_DRIVER_OK);
	return ret;
}

/*
 * events->attached: a new connection of the back-end (interrupt thread,
 * ctrl_lock held). The datapath keeps polling meanwhile: nothing of the
 * rings is changed but what vxpath_queue_resume_base() settles under the
 * queue's hand-off lock.
 */
static int
virtio_net_attached(struct vxpath_dev *dev)
{
	uint16_t i, n = 2 * dev->nr_queue_pairs;
	uint64_t one = 1;
	uint32_t base;
	int ret;

	if (!dev->probed || dev->closing)
		return -ENODEV;
	if (dev->started) {
		/* Every ring settled before anything is sent. */
		for (i = 0; i < n; i++) {
			ret = vxpath_queue_resume_base(dev->vqs[i], &base);
			if (ret < 0)
				return ret;
		}
	}
	ret = vxpath_virtio_net_reattach(dev);
	if (ret < 0)
		return ret;
	/* The port's MTU, as the previous connection was told (NET_SET_MTU
	 * where negotiated; nothing otherwise).
	 */
	if (dev->ops->set_mtu != NULL) {
		ret = dev->ops->set_mtu(dev, dev->mtu);
		if (ret < 0)
			return ret;
	}
	/* Buffers abandoned to an earlier connection stay abandoned; the
	 * port may start again on this one.
	 */
	dev->backend_lost = false;
	if (!dev->started) {
		VXPATH_LOG(INFO, "%s: new back-end connection; the port is stopped: its rings go to it at the next start",
			   dev->name);
		return 0;
	}
	ret = vxpath_virtio_net_start(dev);
	if (ret < 0)
		return ret;
	if ((dev->features & BIT(VIRTIO_NET_F_MQ)) &&
	    dev->ctrl.curr_queue_pairs > 1) {
		ret = vxpath_ctrl_mq_pairs_set(dev, dev->ctrl.curr_queue_pairs);
		if (ret < 0)
			return ret;
	}
	/* A back-end that waits for a notification learns of what is
	 * already available. An eventfd refuses a write only near overflow,
	 * when a notification is pending anyway.
	 */
	for (i = 0; i < n; i++)
		if (write(dev->vqs[i]->kickfd, &one, sizeof(one)) !=
		    sizeof(one))
			VXPATH_LOG(DEBUG, "%s: virtqueue %u: kick: %s",
				   dev->name, i, strerror(errno));
	VXPATH_LOG(INFO, "%s: %u virtqueues replayed to the new back-end connection",
		   dev->name, n);
	vxpath_intr_backend_changed(dev);
	return 0;
}

/* events->detached: the link goes down; the rings stay. */
static void
virtio_net_detached(struct vxpath_dev *dev)
{
	if (!dev->probed || dev->closing)
		return;
	vxpath_intr_backend_changed(dev);
}

/* events->link_changed: the interrupt thread looks at the link again. */
static void
virtio_net_link_changed(struct vxpath_dev *dev)
{
	pthread_mutex_lock(&dev->ctrl_lock);
	if (dev->probed && !dev->closing)
		vxpath_intr_backend_changed(dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
}

/*
 * events->mtu_changed: read the back-end's MTU under ctrl_lock, so that
 * one the port set itself (mtu_set, start) is never taken for a change
 * from the other side; a started port follows it (intr.c raises the
 * event, without the lock: application callbacks run there).
 */
static void
virtio_net_mtu_changed(struct vxpath_dev *dev)
{
	uint32_t mtu = 0;
	uint16_t old = 0;
	bool follow = false;

	pthread_mutex_lock(&dev->ctrl_lock);
	if (dev->probed && !dev->closing && dev->started &&
	    dev->ops->get_mtu != NULL && dev->ops->get_mtu(dev, &mtu) == 0 &&
	    mtu != dev->mtu) {
		if (mtu < RTE_ETHER_MIN_MTU || mtu > UINT16_MAX) {
			VXPATH_LOG(WARNING, "%s: the back-end's MTU %u is out of the port's range %u..%u: the port keeps MTU %u",
				   dev->name, mtu, RTE_ETHER_MIN_MTU,
				   UINT16_MAX, dev->mtu);
		} else {
			old = dev->mtu;
			dev->mtu = (uint16_t)mtu;
			follow = true;
		}
	}
	pthread_mutex_unlock(&dev->ctrl_lock);
	if (follow)
		vxpath_intr_mtu_changed(dev, old, (uint16_t)mtu);
}

/* events->config_changed: the back-end channel's CONFIG_CHANGE_MSG. */
static void
virtio_net_config_changed_event(struct vxpath_dev *dev)
{
	if (dev->probed && !dev->closing)
		vxpath_virtio_net_config_changed(dev);
}

const struct vxpath_backend_events vxpath_virtio_net_events = {
	.attached = virtio_net_attached,
	.detached = virtio_net_detached,
	.link_changed = virtio_net_link_changed,
	.mtu_changed = virtio_net_mtu_changed,
	.config_changed = virtio_net_config_changed_event,
};

bool
vxpath_virtio_net_link_up(struct vxpath_dev *dev)
{
	if (dev->backend_link_down)
		return false;
	return dev->ops != NULL && dev->backend != NULL &&
	       (dev->ops->link_up == NULL || dev->ops->link_up(dev));
}

void
vxpath_virtio_net_close(struct vxpath_dev *dev)
{
	/* Memory events stop reaching the back-end before it goes. */
	vxpath_memory_release(dev);
	if (dev->ops == NULL || dev->backend == NULL) {
		dev->status = 0;
		dev->backend = NULL;
		return;
	}
	/* 2.1: writing 0 resets the device; then the back-end's own reset.
	 * Errors are logged; the back-end is released anyway. Nothing to
	 * tell a back-end whose connection went away.
	 */
	if (dev->ops->detached != NULL && dev->ops->detached(dev)) {
		dev->status = 0;
	} else {
		(void)status_set(dev, 0);
		if (dev->ops->reset != NULL)
			(void)dev->ops->reset(dev);
	}
	dev->ops->destroy(dev);
	dev->backend = NULL;
}
