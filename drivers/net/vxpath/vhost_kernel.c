/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-kernel back-end: Linux's vhost-net (linux/vhost.h) moving
 * packets between our virtqueues and a TAP interface (tap.c). This file owns
 * the /dev/vhost-net file descriptors, one per queue pair (a vhost-net
 * device serves one receiveq/transmitq pair, its rings 0 and 1), the routing
 * of the driver's vring indexes to them, the memory table ioctl, and
 * attaching or detaching the TAP as each pair's backend. With more than one
 * pair the TAP is multi-queue, one TAP queue per pair; the queues of pairs
 * the device does not use (5.1.6.5.5: only the first after reset, then
 * those VQ_PAIRS_SET enables) are detached, so that the kernel steers no
 * frame to them. The Rx mode and MAC address commands of the control
 * virtqueue (ctrl.c) become the TAP's IFF_PROMISC, IFF_ALLMULTI and address.
 * At port start the TAP gets the port's MTU and, from the devargs, IFF_UP
 * and its carrier (tap_up=), its addresses and default routes (ipv4=,
 * ipv6=, gateway4=, gateway6=; tap_config.c); at port stop its carrier
 * and IFF_UP go off; rte_eth_dev_set_link_up/down set its carrier. With
 * netns= the TAP is created in that network namespace, and every call
 * that names it (interface ioctls, rtnetlink) is made from inside it
 * (netns.h); the fds work from anywhere. With tap_attach=1 the TAP is an
 * existing one, never created, and at destroy it stays, without the
 * addresses ipv4= and ipv6= gave it and with its own MAC address.
 *
 * The TAP carries the virtio-net header (IFF_VNET_HDR): vhost-net is asked
 * to pass headers through, never to add or strip them itself
 * (VHOST_NET_F_VIRTIO_NET_HDR stays clear).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <rte_common.h>

#include "memory.h"
#include "netns.h"
#include "offload.h"
#include "tap.h"
#include "tap_config.h"
#include "vhost.h"
#include "vhost_worker.h"
#include "vxpath.h"
#include "vxpath_log.h"

/** Rings of one vhost-net fd: 0 receives (receiveq), 1 transmits. */
#define VK_RINGS_PER_PAIR 2

/** The vhost module's default limit of memory regions (max_mem_regions). */
#define VK_DEFAULT_MAX_MEM_REGIONS 64
/** Where the vhost module exposes that limit when loaded. */
#define VK_MAX_MEM_REGIONS_PARAM "/sys/module/vhost/parameters/max_mem_regions"

/**
 * Bits that vhost-net reports but this back-end never negotiates:
 * VHOST_F_LOG_ALL (dirty logging for migration, not done),
 * VHOST_NET_F_VIRTIO_NET_HDR (the TAP carries the header instead),
 * VIRTIO_F_ACCESS_PLATFORM (would make vhost-net translate addresses
 * through an IOTLB that this back-end does not feed).
 */
#define VK_FEATURES_HIDDEN \
	((1ULL << VHOST_F_LOG_ALL) | \
	 (1ULL << VHOST_NET_F_VIRTIO_NET_HDR) | \
	 (1ULL << VIRTIO_F_ACCESS_PLATFORM))

/** One queue pair: its vhost-net fd and the TAP queue behind it. */
struct vk_pair {
	int vhost_fd;                   /**< /dev/vhost-net, -1 if not open */
	int tap_fd;                     /**< TAP queue fd, -1 if none */
	bool tap_queue_on;              /**< the TAP queue is attached */
	bool attached[VK_RINGS_PER_PAIR]; /**< ring has the TAP as backend */
};

/*
 * Offloads are the TAP's business, not vhost-net's (which passes the vnet
 * header through and offers no offload bit): the TAP takes checksum and TCP
 * segmentation requests in the frames we send (HOST_*), and sends them to
 * us as far as TUNSETOFFLOAD allows (GUEST_*). UDP segmentation needs a
 * kernel whose tun knows TUN_F_USO4/6 (Linux 6.2), probed at setup.
 */
#define VK_TAP_OFFLOADS \
	(VXPATH_FEATURE(VIRTIO_NET_F_CSUM) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_GUEST_CSUM) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_HOST_TSO4) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_HOST_TSO6) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_HOST_ECN) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_GUEST_TSO4) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_GUEST_TSO6) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_GUEST_ECN))
#define VK_TAP_USO_OFFLOADS \
	(VXPATH_FEATURE(VIRTIO_NET_F_HOST_USO) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_GUEST_USO4) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_GUEST_USO6))

/** Private state of the vhost-kernel back-end, in dev->backend. */
struct vk_backend {
	uint16_t nr_pairs;              /**< entries of @pairs */
	bool multi_queue;               /**< TAP has one queue per pair */
	uint64_t tap_offloads;          /**< feature bits the TAP serves */
	/** The TAP's link messages, watched from setup to destroy. */
	struct vxpath_tap_link_watch link;
	/** The TAP's network namespace (netns=), -1: the process's. */
	int netns_fd;
	/** A port start gave the TAP the devargs' configuration. */
	bool configured;
	struct vk_pair pairs[];
};

/**
 * Issue one vhost ioctl, logging a refusal once.
 * @what: the request's name, for the log line.
 * @pair: queue pair the fd serves, for the log line.
 * Return: 0; the ioctl's negative errno.
 */
static int
vk_ioctl(const struct vxpath_dev *dev, int fd, unsigned long req,
	 const char *what, void *arg, unsigned int pair)
{
	if (ioctl(fd, req, arg) < 0) {
		int ret = -errno;

		VXPATH_LOG(ERR, "%s: %s on queue pair %u: %s",
			   dev->name, what, pair, strerror(-ret));
		return ret;
	}
	return 0;
}

/** vk_ioctl() on queue pair @pair_idx's vhost-net fd, named after @req. */
#define VK_IOCTL(dev, pair_idx, req, arg) \
	vk_ioctl((dev), \
		 ((struct vk_backend *)(dev)->backend)->pairs[pair_idx].vhost_fd, \
		 (req), #req, (arg), (pair_idx))

/**
 * The back-end state of @dev, logging when setup() has not run.
 * Return: the state; NULL if there is none.
 */
static struct vk_backend *
vk_get(const struct vxpath_dev *dev)
{
	if (dev->backend == NULL)
		VXPATH_LOG(ERR, "%s: vhost-kernel back-end is not set up",
			   dev->name);
	return dev->backend;
}

/**
 * Map the driver's vring index (virtio-net 5.1.2: receiveq of pair N is
 * 2N, transmitq 2N+1) to a queue pair and that pair's local ring.
 * Return: 0; -ENOTCONN without setup(); -EINVAL for an index beyond the
 * pairs set up (logged).
 */
static int
vk_route(const struct vxpath_dev *dev, unsigned int index,
	 unsigned int *pair, unsigned int *ring)
{
	struct vk_backend *vk = vk_get(dev);

	if (vk == NULL)
		return -ENOTCONN;
	if (index >= (unsigned int)vk->nr_pairs * VK_RINGS_PER_PAIR) {
		VXPATH_LOG(ERR, "%s: vring %u out of range (%u queue pairs)",
			   dev->name, index, vk->nr_pairs);
		return -EINVAL;
	}
	*pair = index / VK_RINGS_PER_PAIR;
	*ring = index % VK_RINGS_PER_PAIR;
	return 0;
}

/**
 * Attach (@tap_fd >= 0) or detach (-1) the TAP as backend of one ring
 * (VHOST_NET_SET_BACKEND).
 * Return: 0; the ioctl's negative errno (logged).
 */
static int
vk_set_backend(struct vxpath_dev *dev, unsigned int pair, unsigned int ring,
	       int tap_fd)
{
	struct vk_backend *vk = dev->backend;
	struct vhost_vring_file file = { .index = ring, .fd = tap_fd };
	int ret;

	ret = VK_IOCTL(dev, pair, VHOST_NET_SET_BACKEND, &file);
	if (ret == 0)
		vk->pairs[pair].attached[ring] = tap_fd >= 0;
	return ret;
}

/** Log why /dev/vhost-net (@path) could not be opened (@err positive). */
static void
vk_log_open_error(const struct vxpath_dev *dev, const char *path, int err)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		VXPATH_LOG(ERR, "%s: cannot open %s: %s (is the vhost_net module loaded?)",
			   dev->name, path, strerror(err));
		break;
	case EPERM:
	case EACCES:
		VXPATH_LOG(ERR, "%s: cannot open %s: %s (needs root or access to the device node)",
			   dev->name, path, strerror(err));
		break;
	default:
		VXPATH_LOG(ERR, "%s: cannot open %s: %s",
			   dev->name, path, strerror(err));
		break;
	}
}

static void vk_destroy(struct vxpath_dev *dev);

/*
 * In the interrupt thread: a link message about the TAP (tap.c); with
 * @mtu_changed, one carried an MTU other than the last seen.
 */
static void
vk_link_changed(void *arg, bool mtu_changed)
{
	struct vxpath_dev *dev = arg;

	if (dev->events == NULL)
		return;
	if (dev->events->link_changed != NULL)
		dev->events->link_changed(dev);
	if (mtu_changed && dev->events->mtu_changed != NULL)
		dev->events->mtu_changed(dev);
}

/**
 * Open the TAP @ifname (in: name or template, out: its name) with one
 * queue per pair of @vk, their fds into the pairs. After a reset the
 * device uses the first pair only (virtio 1.2, 5.1.6.5.5): the queues of
 * the others are detached until enable_queue_pair() attaches them.
 * Return: 0; vxpath_tap_open_mq()'s or vxpath_tap_set_queue()'s error
 * (the fds opened stay in @vk for vk_destroy()).
 */
static int
vk_open_tap(struct vxpath_dev *dev, struct vk_backend *vk,
	    char ifname[IFNAMSIZ])
{
	int fds[VXPATH_MAX_QUEUE_PAIRS];
	unsigned int i;
	int ret;

	ret = vxpath_tap_open_mq(ifname, &dev->mac, vk->nr_pairs,
				 dev->args.tap_attach != 0, dev->name, fds);
	if (ret < 0)
		return ret;
	for (i = 0; i < vk->nr_pairs; i++) {
		vk->pairs[i].tap_fd = fds[i];
		vk->pairs[i].tap_queue_on = true;
	}
	for (i = 1; i < vk->nr_pairs; i++) {
		ret = vxpath_tap_set_queue(fds[i], ifname, false);
		if (ret < 0)
			return ret;
		vk->pairs[i].tap_queue_on = false;
	}
	return 0;
}

/*
 * Open one vhost-net fd per queue pair, then the TAP (so that a missing
 * /dev/vhost-net leaves no TAP behind). The TAP's vnet header is the
 * 12 bytes of struct virtio_net_hdr_mrg_rxbuf that VIRTIO_F_VERSION_1
 * implies (virtio 1.2 5.1.6, VXPATH_TAP_VNET_HDR_SIZE). See vhost.h.
 * With more than one pair the TAP is multi-queue and the queues of all
 * pairs but the first are detached until enable_queue_pair().
 * Return: also -EINVAL for a pair count out of range,
 * -ENAMETOOLONG for an iface name over IFNAMSIZ - 1 bytes, -ENOTSUP for
 * more than one queue pair when the tun driver has no IFF_MULTI_QUEUE,
 * -EBUSY if already set up, -ENOMEM, open()'s errno (-ENOENT: no
 * vhost_net module), or vxpath_tap_open_mq()'s or
 * vxpath_tap_set_queue()'s.
 */
static int
vk_setup(struct vxpath_dev *dev)
{
	uint16_t nr = dev->nr_queue_pairs;
	char offloads[48];
	char ifname[IFNAMSIZ];
	struct vk_backend *vk;
	unsigned int i;
	int home, ret;

	if (dev->backend != NULL) {
		VXPATH_LOG(ERR, "%s: vhost-kernel back-end already set up",
			   dev->name);
		return -EBUSY;
	}
	if (nr == 0 || nr > VXPATH_MAX_QUEUE_PAIRS) {
		VXPATH_LOG(ERR, "%s: %u queue pairs out of range 1..%u",
			   dev->name, nr, (unsigned int)VXPATH_MAX_QUEUE_PAIRS);
		return -EINVAL;
	}
	if (strnlen(dev->args.iface, IFNAMSIZ) >= IFNAMSIZ) {
		VXPATH_LOG(ERR, "%s: iface name is longer than %d bytes",
			   dev->name, IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}

	vk = calloc(1, sizeof(*vk) + nr * sizeof(vk->pairs[0]));
	if (vk == NULL) {
		VXPATH_LOG(ERR, "%s: out of memory", dev->name);
		return -ENOMEM;
	}
	vk->nr_pairs = nr;
	vk->multi_queue = nr > 1;
	vk->netns_fd = -1;
	for (i = 0; i < nr; i++) {
		vk->pairs[i].vhost_fd = -1;
		vk->pairs[i].tap_fd = -1;
	}
	dev->backend = vk;

	/* First: a namespace that is not there leaves nothing made. */
	ret = vxpath_tap_config_netns_open(dev, &vk->netns_fd);
	if (ret < 0)
		goto fail;

	for (i = 0; i < nr; i++) {
		int fd = open(dev->args.path, O_RDWR | O_CLOEXEC);

		if (fd < 0) {
			ret = -errno;
			vk_log_open_error(dev, dev->args.path, -ret);
			goto fail;
		}
		vk->pairs[i].vhost_fd = fd;
	}

	/* The TAP is created in the namespace of the thread that opens
	 * /dev/net/tun, and the link watch's rtnetlink socket listens in
	 * the one it is opened in: both from inside netns=. tap.c logs
	 * its own failures.
	 */
	ret = vxpath_tap_config_enter(dev, vk->netns_fd, &home);
	if (ret < 0)
		goto fail;
	memcpy(ifname, dev->args.iface, IFNAMSIZ);
	ret = vk_open_tap(dev, vk, ifname);
	if (ret == 0) {
		memcpy(dev->ifname, ifname, IFNAMSIZ);
		/* The port's link follows the TAP's (vhost.h, link_up). */
		ret = vxpath_tap_link_watch_start(&vk->link, dev->ifname,
						  dev->name, vk_link_changed,
						  dev);
	}
	vxpath_netns_leave(home);
	if (ret < 0)
		goto fail;
	vk->tap_offloads = VK_TAP_OFFLOADS;
	dev->tap_offloads = vxpath_tap_offloads_accepted(vk->pairs[0].tap_fd);
	if (dev->tap_offloads & TUN_F_USO4)
		vk->tap_offloads |= VK_TAP_USO_OFFLOADS;
	vxpath_tap_offload_names(dev->tap_offloads, offloads,
				 sizeof(offloads));
	VXPATH_LOG(INFO, "%s: TAP %s takes offloads (TUNSETOFFLOAD): %s",
		   dev->name, dev->ifname, offloads);

	VXPATH_LOG(NOTICE, "%s: vhost-kernel on %s, TAP %s%s%s%s%s",
		   dev->name, dev->args.path, dev->ifname,
		   dev->args.tap_attach ? " (attached, left in place at close)" : "",
		   vk->multi_queue ? " (multi-queue)" : "",
		   vk->netns_fd >= 0 ? " in network namespace " : "",
		   dev->args.netns);
	return 0;

fail:
	vk_destroy(dev);
	return ret;
}

/*
 * Detach every attached ring, close the vhost-net fds (the kernel then
 * drops the rings and the memory table) and the TAP fds (a TAP created by
 * setup() disappears with its last fd). See vhost.h.
 */
static void
vk_destroy(struct vxpath_dev *dev)
{
	struct vk_backend *vk = dev->backend;
	unsigned int i, ring;
	int home;

	if (vk == NULL)
		return;
	/* First: its callback reaches the device layer (never called
	 * with ctrl_lock held, vhost.h).
	 */
	vxpath_tap_link_watch_stop(&vk->link);
	/* An attached TAP stays: what the devargs gave it goes. */
	if (vk->configured && vk->link.ifindex != 0 &&
	    vxpath_tap_config_enter(dev, vk->netns_fd, &home) == 0) {
		vxpath_tap_config_close(dev, vk->link.ifindex);
		vxpath_netns_leave(home);
	}
	for (i = 0; i < vk->nr_pairs; i++) {
		struct vk_pair *p = &vk->pairs[i];

		for (ring = 0; ring < VK_RINGS_PER_PAIR; ring++)
			if (p->attached[ring] && p->vhost_fd >= 0)
				vk_set_backend(dev, i, ring, -1);
		if (p->vhost_fd >= 0)
			close(p->vhost_fd);
		if (p->tap_fd >= 0)
			close(p->tap_fd);
	}
	if (vk->netns_fd >= 0)
		close(vk->netns_fd);
	free(vk);
	dev->backend = NULL;
	dev->ifname[0] = '\0';
	dev->tap_offloads = 0;
}

/*
 * The worker's kind as vhost_worker= asks (vhost_worker.h), then
 * VHOST_SET_OWNER, on every pair's fd. See vhost.h.
 */
static int
vk_set_owner(struct vxpath_dev *dev)
{
	struct vk_backend *vk = vk_get(dev);
	unsigned int i;
	int ret;

	if (vk == NULL)
		return -ENOTCONN;
	for (i = 0; i < vk->nr_pairs; i++) {
		ret = vxpath_vhost_worker_apply(dev->name,
						vk->pairs[i].vhost_fd,
						dev->args.vhost_worker, i == 0);
		if (ret < 0)
			return ret;
		ret = VK_IOCTL(dev, i, VHOST_SET_OWNER, NULL);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * VHOST_GET_FEATURES on every pair's fd; the result is what all offer,
 * without VK_FEATURES_HIDDEN. See vhost.h.
 */
static int
vk_get_features(struct vxpath_dev *dev, uint64_t *features)
{
	struct vk_backend *vk = vk_get(dev);
	uint64_t all = UINT64_MAX;
	unsigned int i;
	int ret;

	if (vk == NULL)
		return -ENOTCONN;
	for (i = 0; i < vk->nr_pairs; i++) {
		uint64_t f = 0;

		ret = VK_IOCTL(dev, i, VHOST_GET_FEATURES, &f);
		if (ret < 0)
			return ret;
		if (i > 0 && f != all)
			VXPATH_LOG(WARNING, "%s: queue pair %u offers features %#" PRIx64 ", the pairs before it %#" PRIx64 ": using the common ones",
				   dev->name, i, f, all);
		all &= f;
	}
	*features = (all & ~VK_FEATURES_HIDDEN) | vk->tap_offloads;
	VXPATH_LOG(DEBUG, "%s: vhost-net features %#" PRIx64 ", offered %#" PRIx64,
		   dev->name, all, *features);
	return 0;
}

/*
 * VHOST_SET_FEATURES with the same bits on every pair's fd, never
 * VK_FEATURES_HIDDEN. vhost-net passes through a header of the size the
 * features imply: with VIRTIO_F_VERSION_1, which vxpath always
 * negotiates, the 12 bytes the TAP was set up for in setup() and the
 * datapath uses (virtio 1.2, 5.1.6). See vhost.h.
 * Return: also -EINVAL without VIRTIO_F_VERSION_1 (logged).
 */
static int
vk_set_features(struct vxpath_dev *dev, uint64_t features)
{
	struct vk_backend *vk = vk_get(dev);
	uint64_t f = features & ~VK_FEATURES_HIDDEN & ~VK_TAP_OFFLOADS &
		     ~VK_TAP_USO_OFFLOADS;
	unsigned int i;
	int ret;

	if (vk == NULL)
		return -ENOTCONN;
	if (f != features)
		VXPATH_LOG(DEBUG, "%s: not passing features %#" PRIx64 " to vhost-net",
			   dev->name, (uint64_t)(features & VK_FEATURES_HIDDEN));

	if (!(f & (1ULL << VIRTIO_F_VERSION_1))) {
		VXPATH_LOG(ERR, "%s: features %#" PRIx64 " lack VIRTIO_F_VERSION_1: the TAP carries its %u-byte header",
			   dev->name, f, (unsigned int)VXPATH_TAP_VNET_HDR_SIZE);
		return -EINVAL;
	}

	for (i = 0; i < vk->nr_pairs; i++) {
		ret = VK_IOCTL(dev, i, VHOST_SET_FEATURES, &f);
		if (ret < 0)
			return ret;
	}
	/* The offloads the driver accepts decide what the TAP may send it. */
	for (i = 0; i < vk->nr_pairs; i++) {
		if (vk->pairs[i].tap_fd < 0)
			continue;
		ret = vxpath_tap_set_offload(vk->pairs[i].tap_fd,
					     vxpath_tun_offload_flags(features));
		if (ret < 0)
			return ret;
	}
	return 0;
}

/**
 * The vhost module's region limit: its max_mem_regions parameter when it
 * can be read and is sane, else the module's default.
 * Return: regions, >= 1.
 */
static unsigned int
vk_max_mem_regions(void)
{
	char buf[16];
	unsigned long v;
	char *end;
	ssize_t len;
	int fd;

	fd = open(VK_MAX_MEM_REGIONS_PARAM, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return VK_DEFAULT_MAX_MEM_REGIONS;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return VK_DEFAULT_MAX_MEM_REGIONS;
	buf[len] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 10);
	/* The parameter is an unsigned short in the kernel. */
	if (errno != 0 || end == buf || (*end != '\n' && *end != '\0') ||
	    v == 0 || v > UINT16_MAX)
		return VK_DEFAULT_MAX_MEM_REGIONS;
	return v;
}

/*
 * What vhost-net maps (see vhost.h): up to the vhost module's
 * max_mem_regions regions of any memory, whole tables only; it never
 * loses a table while its fds are open (generation 0).
 */
static int
vk_mem_limits(struct vxpath_dev *dev, struct vxpath_mem_limits *lim)
{
	if (vk_get(dev) == NULL)
		return -ENOTCONN;
	lim->max_regions = vk_max_mem_regions();
	lim->limit_name = "max_mem_regions of the vhost module";
	lim->need_fd = false;
	lim->by_region = false;
	lim->generation = 0;
	return 0;
}

/*
 * VHOST_SET_MEM_TABLE on every pair's fd, one region per contiguous range
 * of DPDK memory with guest_phys_addr = userspace_addr = its virtual
 * address (descriptors carry our virtual addresses). At each start and on
 * each memory hot-plug event (memory.c); vhost-net swaps the table of
 * running rings. See vhost.h.
 * Return: also -E2BIG with more regions than the vhost module accepts,
 * -EINVAL for a region not aligned to VHOST_PAGE_SIZE, -ENOMEM.
 */
static int
vk_set_mem_table(struct vxpath_dev *dev,
		 const struct vxpath_mem_region *regions, unsigned int n,
		 uint64_t generation)
{
	struct vk_backend *vk = vk_get(dev);
	struct vhost_memory *mem = NULL;
	unsigned int max, i;
	uint64_t total = 0;
	int ret = 0;

	RTE_SET_USED(generation);
	if (vk == NULL)
		return -ENOTCONN;
	max = vk_max_mem_regions();
	if (n == 0 || n > max) {
		VXPATH_LOG(ERR, "%s: memory table of %u regions, vhost-net takes 1 to %u",
			   dev->name, n, max);
		return n == 0 ? -EINVAL : -E2BIG;
	}
	mem = calloc(1, sizeof(*mem) + n * sizeof(mem->regions[0]));
	if (mem == NULL) {
		VXPATH_LOG(ERR, "%s: out of memory", dev->name);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const struct vxpath_mem_region *r = &regions[i];

		if (r->size == 0 || (r->addr | r->size) % VHOST_PAGE_SIZE) {
			VXPATH_LOG(ERR, "%s: memory region %#" PRIx64 "+%#" PRIx64 " is empty or not %u-byte aligned",
				   dev->name, r->addr, r->size,
				   (unsigned int)VHOST_PAGE_SIZE);
			ret = -EINVAL;
			goto out;
		}
		mem->regions[i].guest_phys_addr = r->addr;
		mem->regions[i].memory_size = r->size;
		mem->regions[i].userspace_addr = r->addr;
		mem->regions[i].flags_padding = 0;
		total += r->size;
	}
	mem->nregions = n;

	for (i = 0; i < vk->nr_pairs; i++) {
		ret = VK_IOCTL(dev, i, VHOST_SET_MEM_TABLE, mem);
		if (ret < 0)
			goto out;
	}
	VXPATH_LOG(DEBUG, "%s: memory table of %u regions, %" PRIu64 " bytes",
		   dev->name, n, total);
out:
	free(mem);
	return ret;
}

/** VHOST_SET_VRING_NUM / _BASE: the two ring-state setters. */
static int
vk_set_vring_state(struct vxpath_dev *dev, unsigned long req,
		   const char *what, const struct vhost_vring_state *state)
{
	struct vhost_vring_state s = *state;
	unsigned int pair, ring;
	int ret;

	ret = vk_route(dev, state->index, &pair, &ring);
	if (ret < 0)
		return ret;
	s.index = ring;
	return vk_ioctl(dev, ((struct vk_backend *)dev->backend)->pairs[pair].vhost_fd,
			req, what, &s, pair);
}

/* See vhost.h. */
static int
vk_set_vring_num(struct vxpath_dev *dev,
		 const struct vhost_vring_state *state)
{
	return vk_set_vring_state(dev, VHOST_SET_VRING_NUM,
				  "VHOST_SET_VRING_NUM", state);
}

/* See vhost.h. */
static int
vk_set_vring_base(struct vxpath_dev *dev,
		  const struct vhost_vring_state *state)
{
	return vk_set_vring_state(dev, VHOST_SET_VRING_BASE,
				  "VHOST_SET_VRING_BASE", state);
}

/*
 * vhost-net keeps serving a ring while the TAP is its backend, so the ring
 * is detached first (VHOST_NET_SET_BACKEND -1), then VHOST_GET_VRING_BASE
 * reads where the back-end stopped. See vhost.h.
 * Return: also -EIO if the kernel reports an index above 0xffff.
 */
static int
vk_get_vring_base(struct vxpath_dev *dev, struct vhost_vring_state *state)
{
	struct vk_backend *vk;
	struct vhost_vring_state s;
	unsigned int pair, ring;
	int ret;

	ret = vk_route(dev, state->index, &pair, &ring);
	if (ret < 0)
		return ret;
	vk = dev->backend;
	if (vk->pairs[pair].attached[ring]) {
		ret = vk_set_backend(dev, pair, ring, -1);
		if (ret < 0)
			return ret;
	}
	s.index = ring;
	s.num = 0;
	ret = VK_IOCTL(dev, pair, VHOST_GET_VRING_BASE, &s);
	if (ret < 0)
		return ret;
	if (s.num > UINT16_MAX) {
		VXPATH_LOG(ERR, "%s: vring %u: vhost-net returned base %u",
			   dev->name, state->index, s.num);
		return -EIO;
	}
	state->num = s.num;
	return 0;
}

/* See vhost.h. */
static int
vk_set_vring_addr(struct vxpath_dev *dev, const struct vhost_vring_addr *addr)
{
	struct vhost_vring_addr a = *addr;
	unsigned int pair, ring;
	int ret;

	ret = vk_route(dev, addr->index, &pair, &ring);
	if (ret < 0)
		return ret;
	a.index = ring;
	return VK_IOCTL(dev, pair, VHOST_SET_VRING_ADDR, &a);
}

/** VHOST_SET_VRING_KICK / _CALL: the two eventfd setters. */
static int
vk_set_vring_file(struct vxpath_dev *dev, unsigned long req,
		  const char *what, const struct vhost_vring_file *file)
{
	struct vhost_vring_file f = *file;
	unsigned int pair, ring;
	int ret;

	ret = vk_route(dev, file->index, &pair, &ring);
	if (ret < 0)
		return ret;
	f.index = ring;
	return vk_ioctl(dev, ((struct vk_backend *)dev->backend)->pairs[pair].vhost_fd,
			req, what, &f, pair);
}

/* See vhost.h. */
static int
vk_set_vring_kick(struct vxpath_dev *dev, const struct vhost_vring_file *file)
{
	return vk_set_vring_file(dev, VHOST_SET_VRING_KICK,
				 "VHOST_SET_VRING_KICK", file);
}

/* See vhost.h. */
static int
vk_set_vring_call(struct vxpath_dev *dev, const struct vhost_vring_file *file)
{
	return vk_set_vring_file(dev, VHOST_SET_VRING_CALL,
				 "VHOST_SET_VRING_CALL", file);
}

/*
 * VHOST_NET_SET_BACKEND on both rings of @pair: the pair's TAP fd to
 * start, -1 to stop (only rings that are attached). A failed start leaves
 * both rings detached; a stop tries both rings and returns the first
 * error. With a multi-queue TAP, the pair's TAP queue is attached before a
 * start and, for pairs above 0, detached after a stop (or a failed start).
 * See vhost.h.
 * Return: also -EINVAL for a pair beyond those set up, or
 * vxpath_tap_set_queue()'s error.
 */
static int
vk_enable_queue_pair(struct vxpath_dev *dev, uint16_t pair, bool enable)
{
	struct vk_backend *vk = vk_get(dev);
	struct vk_pair *p;
	unsigned int ring;
	int ret = 0, r;

	if (vk == NULL)
		return -ENOTCONN;
	if (pair >= vk->nr_pairs || vk->pairs[pair].tap_fd < 0) {
		VXPATH_LOG(ERR, "%s: queue pair %u out of range (%u set up)",
			   dev->name, pair, vk->nr_pairs);
		return -EINVAL;
	}
	p = &vk->pairs[pair];
	/* The pair's TAP queue first, so the kernel can steer to it. */
	if (enable && !p->tap_queue_on) {
		ret = vxpath_tap_set_queue(p->tap_fd, dev->ifname, true);
		if (ret < 0)
			return ret;
		p->tap_queue_on = true;
	}

	for (ring = 0; ring < VK_RINGS_PER_PAIR; ring++) {
		/* Nothing to stop: vhost-net would still check the ring. */
		if (!enable && !vk->pairs[pair].attached[ring])
			continue;
		r = vk_set_backend(dev, pair, ring,
				   enable ? vk->pairs[pair].tap_fd : -1);
		if (r < 0 && ret == 0)
			ret = r;
		if (r < 0 && enable)
			break;
	}
	if (ret < 0 && enable) {
		for (ring = 0; ring < VK_RINGS_PER_PAIR; ring++)
			if (vk->pairs[pair].attached[ring])
				vk_set_backend(dev, pair, ring, -1);
	}
	/* Detach the TAP queue of a pair that stops (the first one stays
	 * attached, as a single-queue TAP's is), also after a failed start.
	 */
	if ((!enable || ret < 0) && pair > 0 && p->tap_queue_on) {
		r = vxpath_tap_set_queue(p->tap_fd, dev->ifname, false);
		if (r == 0)
			p->tap_queue_on = false;
		else if (ret == 0)
			ret = r;
	}
	if (ret == 0)
		VXPATH_LOG(DEBUG, "%s: queue pair %u %s TAP %s", dev->name,
			   pair, enable ? "attached to" : "detached from",
			   dev->ifname);
	return ret;
}

/* The TAP's IFF_PROMISC and IFF_ALLMULTI follow the device's Rx mode. */
static int
vk_set_rx_mode(struct vxpath_dev *dev, bool promisc, bool allmulti)
{
	struct vk_backend *vk = vk_get(dev);
	int home, ret;

	if (vk == NULL)
		return -ENOTCONN;
	ret = vxpath_tap_config_enter(dev, vk->netns_fd, &home);
	if (ret < 0)
		return ret;
	ret = vxpath_tap_set_rx_mode(dev->ifname, promisc, allmulti);
	vxpath_netns_leave(home);
	return ret;
}

/*
 * The TAP keeps the device's MAC address, as given at setup; an attached
 * one (tap_attach=1) keeps its own.
 */
static int
vk_set_mac(struct vxpath_dev *dev, const struct rte_ether_addr *mac)
{
	struct vk_backend *vk = vk_get(dev);
	int home, ret;

	if (vk == NULL)
		return -ENOTCONN;
	if (dev->args.tap_attach)
		return 0;
	ret = vxpath_tap_config_enter(dev, vk->netns_fd, &home);
	if (ret < 0)
		return ret;
	ret = vxpath_tap_set_mac(dev->ifname, mac);
	vxpath_netns_leave(home);
	return ret;
}

/* The TAP's MTU follows the port's: see vhost.h. */
static int
vk_set_mtu(struct vxpath_dev *dev, uint16_t mtu)
{
	struct vk_backend *vk = vk_get(dev);
	int home, ret;

	if (vk == NULL)
		return -ENOTCONN;
	ret = vxpath_tap_config_enter(dev, vk->netns_fd, &home);
	if (ret < 0)
		return ret;
	ret = vxpath_tap_set_mtu(dev->ifname, mtu);
	vxpath_netns_leave(home);
	return ret;
}

/* The TAP's MTU now, whoever set it: see vhost.h. */
static int
vk_get_mtu(struct vxpath_dev *dev, uint32_t *mtu)
{
	struct vk_backend *vk = vk_get(dev);
	int home, ret;

	if (vk == NULL)
		return -ENOTCONN;
	ret = vxpath_tap_config_enter(dev, vk->netns_fd, &home);
	if (ret < 0)
		return ret;
	ret = vxpath_tap_get_mtu(dev->ifname, mtu);
	vxpath_netns_leave(home);
	return ret;
}

/* The port starts: the TAP ready to use (vhost.h, port_start). */
static int
vk_port_start(struct vxpath_dev *dev)
{
	struct vk_backend *vk = vk_get(dev);
	int home, ret;

	if (vk == NULL)
		return -ENOTCONN;
	ret = vxpath_tap_config_enter(dev, vk->netns_fd, &home);
	if (ret < 0)
		return ret;
	ret = vxpath_tap_config_start(dev, vk->pairs[0].tap_fd,
				      vk->link.ifindex);
	vxpath_netns_leave(home);
	if (ret == 0)
		vk->configured = true;
	return ret;
}

/* The port stopped (vhost.h, port_stop). */
static void
vk_port_stop(struct vxpath_dev *dev)
{
	struct vk_backend *vk = vk_get(dev);
	int home;

	if (vk == NULL)
		return;
	if (vxpath_tap_config_enter(dev, vk->netns_fd, &home) < 0)
		return;
	vxpath_tap_config_stop(dev, vk->pairs[0].tap_fd, vk->link.ifindex);
	vxpath_netns_leave(home);
}

/* rte_eth_dev_set_link_up/down: the TAP's carrier (vhost.h, set_link). */
static int
vk_set_link(struct vxpath_dev *dev, bool up)
{
	struct vk_backend *vk = vk_get(dev);

	if (vk == NULL)
		return -ENOTCONN;
	return vxpath_tap_set_carrier(vk->pairs[0].tap_fd, dev->ifname, up);
}

/* The TAP is up and running (vhost.h, link_up). */
static bool
vk_link_up(struct vxpath_dev *dev)
{
	struct vk_backend *vk = dev->backend; /* quiet: may be before setup */
	bool running;
	int home;

	if (vk == NULL || dev->ifname[0] == '\0')
		return false;
	/* As vxpath_tap_running() when it cannot look: no flap for it. */
	if (vxpath_tap_config_enter(dev, vk->netns_fd, &home) < 0)
		return true;
	running = vxpath_tap_running(dev->ifname);
	vxpath_netns_leave(home);
	return running;
}

/** The vhost-kernel back-end: /dev/vhost-net with a TAP. */
const struct vxpath_vhost_ops vxpath_vhost_kernel_ops = {
	.name = "vhost-kernel",
	.rx_hdr_flags_always = true,
	/* The TAP has the port's MAC: see vhost.h. */
	.rx_no_dst_filter = true,
	.setup = vk_setup,
	.destroy = vk_destroy,
	.set_owner = vk_set_owner,
	.get_features = vk_get_features,
	.set_features = vk_set_features,
	.mem_limits = vk_mem_limits,
	.set_mem_table = vk_set_mem_table,
	.set_vring_num = vk_set_vring_num,
	.set_vring_base = vk_set_vring_base,
	.get_vring_base = vk_get_vring_base,
	.set_vring_addr = vk_set_vring_addr,
	.set_vring_kick = vk_set_vring_kick,
	.set_vring_call = vk_set_vring_call,
	.enable_queue_pair = vk_enable_queue_pair,
	.set_rx_mode = vk_set_rx_mode,
	.set_mac = vk_set_mac,
	.set_mtu = vk_set_mtu,
	.get_mtu = vk_get_mtu,
	.port_start = vk_port_start,
	.port_stop = vk_port_stop,
	.set_link = vk_set_link,
	.link_up = vk_link_up,
};
