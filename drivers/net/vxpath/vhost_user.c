/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user back-end of the vhost adapter (vxpath_vhost_user_ops,
 * vhost.h): vxpath is the vhost-user front-end, and either connects to a
 * back-end's Unix socket at dev->args.path (client mode, the default) or
 * listens there for a back-end to connect (server=1). It follows the
 * vhost-user protocol specification (QEMU docs/interop/vhost-user.rst).
 * The back-end is five pieces, each in its file:
 *
 * - vhost_user.h, vhost_user_msg.c: the message layer: the wire format,
 *   the request table (name, reply, payload size, fds of each request),
 *   the encoders and the checks of every reply;
 * - vhost_user_socket.c: the socket endpoint: Unix sockets, bytes and fds
 *   sent and received, one request exchanged for its reply, timeouts;
 * - vhost_user_backend_channel.c: the back-end channel (BACKEND_REQ);
 * - vhost_user_conn.c: the connection manager: the connection's set-up
 *   sequence (protocol features), server mode, reconnection, replay;
 * - this file: the operations, one function per request vxpath sends.
 *
 * Protocol features (VXPATH_VU_PROTOCOL_FEATURES), each negotiated where
 * the back-end offers it: REPLY_ACK (every request without a reply of its
 * own is acked and the ack checked), MQ, STATUS (SET_STATUS/GET_STATUS),
 * CONFIG (GET_CONFIG, CONFIG_CHANGE_MSG), NET_MTU (NET_SET_MTU),
 * BACKEND_REQ (the back-end channel), CONFIGURE_MEM_SLOTS
 * (GET_MAX_MEM_SLOTS, ADD_MEM_REG, REM_MEM_REG) and RESET_DEVICE.
 *
 * Threads: requests come from the application's threads, the EAL
 * interrupt thread (GET_CONFIG after CONFIG_CHANGE_MSG, the replay on a
 * new connection) and any thread that allocates or frees DPDK memory
 * (memory events): the endpoint's lock makes each exchange whole.
 *
 * Errors of the operations, beyond vhost.h's -EIO (bad exchange or refused
 * REPLY_ACK) and -ENOTCONN (back-end gone, or connection broken earlier):
 * -ETIMEDOUT when no reply came in time; setup(): the connect() errno
 * (-ENOENT no socket, -ECONNREFUSED nobody listening, ...), -ENAMETOOLONG,
 * server=1: -EADDRINUSE (a file is at the path), the bind()/listen()/
 * accept() errno; -ENOTSUP for queues=N the back-end cannot serve (no
 * VHOST_USER_PROTOCOL_F_MQ, or GET_QUEUE_NUM below N), -E2BIG for a file
 * per 2 MB page without CONFIGURE_MEM_SLOTS, -ENOMEM, the errno of
 * socketpair() or of the EAL interrupt registration (BACKEND_REQ);
 * set_features(): -EINVAL for bits not offered; set_mem_table(): -E2BIG
 * (more than 8 regions, or than the back-end's memory slots), -ENOTSUP
 * (memory without fd), -ENOENT (no memory), -EINVAL, -ENOMEM;
 * set_vring_kick/call(): -EINVAL for a vring index above 255. Each is
 * logged once, naming the device.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_net.h>
#include <rte_common.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "memory.h"
#include "vhost.h"
#include "vhost_user.h"
#include "vhost_user_conn.h"
#include "vhost_user_socket.h"
#include "vxpath.h"
#include "vxpath_log.h"

/*
 * The back-end's state, logging once when there is none (setup() failed
 * or destroy() ran). Return: the state; NULL when there is none.
 */
static struct vxpath_vu *
vu_get(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;

	if (vu == NULL || vu->ep.fd < 0) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end is not set up",
			   dev->name);
		return NULL;
	}
	return vu;
}

/*
 * The back-end's state when protocol feature @bit is negotiated on its
 * connection. Return: the state; NULL when not set up or not negotiated.
 */
static struct vxpath_vu *
vu_with(struct vxpath_dev *dev, unsigned int bit)
{
	struct vxpath_vu *vu = dev->backend;

	return vu != NULL && vxpath_vu_has_protocol(vu, bit) ? vu : NULL;
}

/* One exchange on the port's connection (vxpath_vu_exchange()). */
static int
vu_request(struct vxpath_dev *dev, struct vxpath_vu_msg *msg,
	   const int *fds, unsigned int nfds, union vxpath_vu_payload *reply,
	   uint32_t *reply_size)
{
	struct vxpath_vu *vu = dev->backend;

	if (vu == NULL) {
		VXPATH_LOG(ERR, "%s: cannot send %s: vhost-user back-end is not set up",
			   dev->name, vxpath_vu_request_name(msg->hdr.request));
		return -ENOTCONN;
	}
	return vxpath_vu_exchange(dev, &vu->ep, msg, fds, nfds, reply,
				  reply_size);
}

/* Send a request with a vring state payload and no reply of its own. */
static int
vu_set_state(struct vxpath_dev *dev, uint32_t request,
	     const struct vhost_vring_state *state)
{
	struct vxpath_vu_msg msg;

	vxpath_vu_msg_state(&msg, request, state);
	return vu_request(dev, &msg, NULL, 0, NULL, NULL);
}

/*
 * Memory table: SET_MEM_TABLE, or ADD_MEM_REG/REM_MEM_REG with
 * CONFIGURE_MEM_SLOTS, at start and on each memory hot-plug event.
 */

/* Whether @r lies inside @d with the same file mapping. */
static bool
region_within(const struct vxpath_mem_region *r,
	      const struct vxpath_mem_region *d)
{
	return r->fd == d->fd && r->addr >= d->addr &&
	       r->addr + r->size <= d->addr + d->size &&
	       r->fd_offset == d->fd_offset + (r->addr - d->addr);
}

static int
region_cmp_addr(const void *a, const void *b)
{
	const struct vxpath_mem_region *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One line telling the user what to do when memory has too many pieces. */
static void
mem_too_many_log(struct vxpath_dev *dev, struct vxpath_vu *vu, unsigned int n)
{
	if (vu->max_mem_slots > 0)
		VXPATH_LOG(ERR, "%s: DPDK memory is in %u pieces but the vhost-user back-end at %s takes at most %u memory slots (VHOST_USER_GET_MAX_MEM_SLOTS): run EAL with --single-file-segments (or use 1 GB hugepages)",
			   dev->name, n, dev->args.path, vu->max_mem_slots);
	else
		VXPATH_LOG(ERR, "%s: DPDK memory is in %u pieces but vhost-user passes at most %u memory regions: run EAL with --single-file-segments (or use larger hugepages, e.g. 1 GB)",
			   dev->name, n, VHOST_USER_MAX_MEM_REGIONS);
}

/* SET_MEM_TABLE with DPDK memory as it is now (but for @skip). */
static int
mem_sync_table(struct vxpath_dev *dev, struct vxpath_vu *vu, bool force,
	       const void *skip, size_t skip_len)
{
	struct vxpath_mem_region regions[VHOST_USER_MAX_MEM_REGIONS];
	int fds[VHOST_USER_MAX_FDS];
	struct vxpath_vu_msg msg;
	unsigned int n = 0, nfds = 0;
	int ret;

	ret = vxpath_memory_regions_locked(regions, VHOST_USER_MAX_MEM_REGIONS,
					   &n, true, skip, skip_len);
	if (ret == -E2BIG)
		mem_too_many_log(dev, vu, n);
	if (ret < 0)
		return ret; /* the others are logged by memory.c */
	if (!force && n == vu->nmem &&
	    memcmp(regions, vu->mem, n * sizeof(regions[0])) == 0)
		return 0;
	ret = vxpath_vu_msg_mem_table(&msg, regions, n, fds, &nfds);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: invalid memory regions for the vhost-user back-end (%u regions): %s",
			   dev->name, n, strerror(-ret));
		return ret;
	}
	ret = vxpath_vu_exchange_locked(dev, &vu->ep, &msg, fds, nfds, NULL,
					 NULL);
	if (ret < 0)
		return ret;
	memcpy(vu->mem, regions, n * sizeof(regions[0]));
	vu->nmem = n;
	VXPATH_LOG(DEBUG, "%s: memory table of %u regions sent", dev->name, n);
	return 0;
}

/* Send one ADD_MEM_REG or REM_MEM_REG. */
static int
mem_reg(struct vxpath_dev *dev, uint32_t request,
	const struct vxpath_mem_region *r)
{
	struct vxpath_vu *vu = dev->backend;
	struct vxpath_vu_msg msg;
	unsigned int nfds = 0;
	int fds[1];

	if (vxpath_vu_msg_mem_reg(&msg, request, r, fds, &nfds) < 0) {
		VXPATH_LOG(ERR, "%s: %s: invalid region of %" PRIu64 " bytes at 0x%" PRIx64,
			   dev->name, vxpath_vu_request_name(request), r->size,
			   r->addr);
		return -EINVAL;
	}
	VXPATH_LOG(DEBUG, "%s: %s 0x%" PRIx64 "+%" PRIu64, dev->name,
		   vxpath_vu_request_name(request), r->addr, r->size);
	return vxpath_vu_exchange_locked(dev, &vu->ep, &msg, fds, nfds, NULL,
					 NULL);
}

/*
 * CONFIGURE_MEM_SLOTS: bring the back-end's regions in line with DPDK
 * memory (but for @skip). A region the back-end has stays as long as all
 * its memory does, so that rings and buffers in it are never unmapped
 * while the port runs; new memory becomes new regions (ADD_MEM_REG); a
 * region part of which was freed is removed (REM_MEM_REG, first: the spec
 * has no overlapping regions) and what is left of it added again.
 */
static int
mem_sync_slots(struct vxpath_dev *dev, struct vxpath_vu *vu,
	       const void *skip, size_t skip_len)
{
	unsigned int max = vu->max_mem_slots, n = 0, nadd = 0, nkeep, i, j;
	struct vxpath_mem_region *want, *add = NULL, *keep = NULL;
	unsigned int nrem = 0, added = 0, removed = 0;
	bool *kept = NULL;
	int ret;

	/* calloc, not rte_malloc: the hot-plug lock may be held. */
	want = calloc(max, sizeof(*want));
	if (want == NULL)
		return -ENOMEM;
	ret = vxpath_memory_regions_locked(want, max, &n, true, skip, skip_len);
	if (ret == -E2BIG)
		mem_too_many_log(dev, vu, n);
	if (ret < 0)
		goto out;
	kept = calloc(vu->nmem + 1, sizeof(*kept));
	keep = calloc(vu->nmem + 1, sizeof(*keep));
	add = calloc(n + vu->nmem + 1, sizeof(*add));
	if (kept == NULL || keep == NULL || add == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	/* Regions of the back-end that DPDK memory still covers whole. */
	nkeep = 0;
	for (i = 0; i < vu->nmem; i++) {
		for (j = 0; j < n && !kept[i]; j++)
			kept[i] = region_within(&vu->mem[i], &want[j]);
		if (kept[i])
			keep[nkeep++] = vu->mem[i];
		else
			nrem++;
	}
	qsort(keep, nkeep, sizeof(*keep), region_cmp_addr);
	/* The rest of each piece of memory: the gaps between kept ones. */
	for (j = 0; j < n; j++) {
		uint64_t at = want[j].addr, end = want[j].addr + want[j].size;

		for (i = 0; i <= nkeep && at < end; i++) {
			uint64_t stop = end;

			if (i < nkeep) {
				if (!region_within(&keep[i], &want[j]))
					continue;
				stop = keep[i].addr;
			}
			if (stop > at) {
				add[nadd] = want[j];
				add[nadd].addr = at;
				add[nadd].size = stop - at;
				add[nadd].fd_offset = want[j].fd_offset +
						      (at - want[j].addr);
				nadd++;
			}
			if (i < nkeep)
				at = keep[i].addr + keep[i].size;
			else
				at = end;
		}
	}
	if (vu->nmem - nrem + nadd > max) {
		mem_too_many_log(dev, vu, vu->nmem - nrem + nadd);
		ret = -E2BIG;
		goto out;
	}
	for (i = 0; i < vu->nmem; ) {
		bool gone = true;

		for (j = 0; j < nkeep && gone; j++)
			gone = memcmp(&vu->mem[i], &keep[j],
				      sizeof(keep[j])) != 0;
		if (!gone) {
			i++;
			continue;
		}
		ret = mem_reg(dev, VHOST_USER_REM_MEM_REG, &vu->mem[i]);
		if (ret < 0)
			goto out;
		vu->mem[i] = vu->mem[--vu->nmem];
		removed++;
	}
	for (i = 0; i < nadd; i++) {
		ret = mem_reg(dev, VHOST_USER_ADD_MEM_REG, &add[i]);
		if (ret < 0)
			goto out;
		vu->mem[vu->nmem++] = add[i];
		added++;
	}
	if (added + removed > 0)
		VXPATH_LOG(INFO, "%s: memory slots: %u regions added, %u removed, %u in use of %u",
			   dev->name, added, removed, vu->nmem, max);
	ret = 0;
out:
	free(want);
	free(kept);
	free(keep);
	free(add);
	return ret;
}

/* The back-end's memory table now, the hot-plug lock and vu->lock held. */
static int
mem_sync_locked(struct vxpath_dev *dev, struct vxpath_vu *vu, bool force,
		const void *skip, size_t skip_len)
{
	int ret;

	if (vu->max_mem_slots > 0)
		ret = mem_sync_slots(dev, vu, skip, skip_len);
	else
		ret = mem_sync_table(dev, vu, force, skip, skip_len);
	if (ret == 0)
		vu->mem_sent = true;
	return ret;
}

/*
 * Memory event callback (rte_mem_event_callback_register): runs in the
 * thread that allocates or frees DPDK memory, with EAL's memory hot-plug
 * lock write-locked (thread-unsafe walks only; no rte_malloc). A free
 * event comes before the memory goes: it is left out of the table before
 * the back-end's mapping of it is withdrawn. Once a table went out, the
 * back-end follows every change; if it cannot (too many regions, refused
 * request), the connection is marked broken and the link goes down: the
 * port never half-works with memory its back-end cannot reach.
 */
static void
mem_event_cb(enum rte_mem_event type, const void *addr, size_t len,
	     void *arg)
{
	struct vxpath_dev *dev = arg;
	struct vxpath_vu *vu = dev->backend;
	int ret;

	if (vu == NULL)
		return;
	pthread_mutex_lock(&vu->ep.lock);
	if (vu->mem_sent && !vu->ep.broken) {
		VXPATH_LOG(DEBUG, "%s: DPDK memory %s: %zu bytes at %p",
			   dev->name,
			   type == RTE_MEM_EVENT_FREE ? "freed" : "allocated",
			   len, addr);
		ret = mem_sync_locked(dev, vu, false,
				      type == RTE_MEM_EVENT_FREE ? addr : NULL,
				      len);
		if (ret < 0) {
			VXPATH_LOG(ERR, "%s: the vhost-user back-end cannot follow a DPDK memory %s of %zu bytes (%s): link down, the connection is closed",
				   dev->name,
				   type == RTE_MEM_EVENT_FREE ? "free" : "allocation",
				   len, strerror(-ret));
			vxpath_vu_endpoint_mark_broken(&vu->ep);
		}
	}
	pthread_mutex_unlock(&vu->ep.lock);
}

/*
 * Operations (struct vxpath_vhost_ops, vhost.h).
 */

static int
vu_set_owner(struct vxpath_dev *dev)
{
	struct vxpath_vu_msg msg;

	vxpath_vu_msg_empty(&msg, VHOST_USER_SET_OWNER);
	return vu_request(dev, &msg, NULL, 0, NULL, NULL);
}

/* The features read by setup(), without the vhost-user-only bit 30. */
static int
vu_get_features(struct vxpath_dev *dev, uint64_t *features)
{
	struct vxpath_vu *vu = vu_get(dev);

	if (vu == NULL)
		return -ENOTCONN;
	*features = vu->features & ~(1ULL << VHOST_USER_F_PROTOCOL_FEATURES);
	return 0;
}

/*
 * SET_FEATURES with the driver's features, plus bit 30 when the back-end
 * offered it (protocol features stay on; rings then start disabled).
 */
static int
vu_set_features(struct vxpath_dev *dev, uint64_t features)
{
	const uint64_t proto = 1ULL << VHOST_USER_F_PROTOCOL_FEATURES;
	struct vxpath_vu *vu = vu_get(dev);
	uint64_t offered;
	int ret;

	if (vu == NULL)
		return -ENOTCONN;
	offered = vu->features & ~proto;
	if (features & ~offered) {
		VXPATH_LOG(ERR, "%s: features 0x%" PRIx64 " were not offered by the vhost-user back-end (offered 0x%" PRIx64 ")",
			   dev->name, features & ~offered, offered);
		return -EINVAL;
	}
	if (vu->features & proto)
		features |= proto;
	ret = vxpath_vu_set_u64(dev, &vu->ep, VHOST_USER_SET_FEATURES,
				features);
	if (ret == 0)
		vu->protocol_acked = (features & proto) != 0;
	return ret;
}

/*
 * At each start: the back-end's memory table (SET_MEM_TABLE, or the
 * ADD_MEM_REG/REM_MEM_REG that bring its slots in line), built with EAL's
 * memory hot-plug lock read-locked so that no allocation slips between
 * the walk and the message; then memory events keep it up to date.
 */
static int
vu_set_mem_table(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = dev->backend;
	int ret;

	if (vu == NULL || vu->ep.fd < 0 || vu->mem == NULL) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end is not set up",
			   dev->name);
		return -ENOTCONN;
	}
	if (!vu->mem_cb) {
		snprintf(vu->mem_cb_name, sizeof(vu->mem_cb_name),
			 "vxpath-%u-%.40s", dev->port_id, dev->name);
		if (rte_mem_event_callback_register(vu->mem_cb_name,
						    mem_event_cb, dev) == 0)
			vu->mem_cb = true;
		else
			/* Legacy memory or --no-huge: memory is fixed. */
			VXPATH_LOG(DEBUG, "%s: no memory event callback: %s",
				   dev->name, rte_strerror(rte_errno));
	}
	rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&vu->ep.lock);
	ret = mem_sync_locked(dev, vu, true, NULL, 0);
	pthread_mutex_unlock(&vu->ep.lock);
	rte_mcfg_mem_read_unlock();
	return ret;
}

static int
vu_set_vring_num(struct vxpath_dev *dev,
		 const struct vhost_vring_state *state)
{
	return vu_set_state(dev, VHOST_USER_SET_VRING_NUM, state);
}

static int
vu_set_vring_base(struct vxpath_dev *dev,
		  const struct vhost_vring_state *state)
{
	return vu_set_state(dev, VHOST_USER_SET_VRING_BASE, state);
}

/* GET_VRING_BASE stops the ring; its reply must name the same ring. */
static int
vu_get_vring_base(struct vxpath_dev *dev, struct vhost_vring_state *state)
{
	struct vhost_vring_state query = { .index = state->index, .num = 0 };
	union vxpath_vu_payload reply;
	struct vxpath_vu_msg msg;
	int ret;

	vxpath_vu_msg_state(&msg, VHOST_USER_GET_VRING_BASE, &query);
	ret = vu_request(dev, &msg, NULL, 0, &reply, NULL);
	if (ret < 0)
		return ret;
	if (reply.state.index != state->index) {
		VXPATH_LOG(ERR, "%s: reply to VHOST_USER_GET_VRING_BASE for vring %u names vring %u",
			   dev->name, state->index, reply.state.index);
		return -EIO;
	}
	state->num = reply.state.num;
	return 0;
}

static int
vu_set_vring_addr(struct vxpath_dev *dev, const struct vhost_vring_addr *addr)
{
	struct vxpath_vu_msg msg;

	vxpath_vu_msg_addr(&msg, addr);
	return vu_request(dev, &msg, NULL, 0, NULL, NULL);
}

static int
vu_set_vring_file(struct vxpath_dev *dev, uint32_t request,
		  const struct vhost_vring_file *file)
{
	struct vxpath_vu_msg msg;
	unsigned int nfds = 0;
	int fds[1];

	if (vxpath_vu_msg_vring_file(&msg, request, file, fds, &nfds) < 0) {
		VXPATH_LOG(ERR, "%s: %s: vring index %u does not fit in 8 bits",
			   dev->name, vxpath_vu_request_name(request),
			   file->index);
		return -EINVAL;
	}
	return vu_request(dev, &msg, fds, nfds, NULL, NULL);
}

static int
vu_set_vring_kick(struct vxpath_dev *dev, const struct vhost_vring_file *file)
{
	return vu_set_vring_file(dev, VHOST_USER_SET_VRING_KICK, file);
}

static int
vu_set_vring_call(struct vxpath_dev *dev, const struct vhost_vring_file *file)
{
	return vu_set_vring_file(dev, VHOST_USER_SET_VRING_CALL, file);
}

/*
 * SET_VRING_ENABLE on the receiveq (2N) and transmitq (2N+1) of pair N.
 * Without protocol features rings start enabled and the message must not be
 * sent (spec, "Ring states"): then this does nothing.
 */
static int
vu_enable_queue_pair(struct vxpath_dev *dev, uint16_t pair, bool enable)
{
	struct vxpath_vu *vu = vu_get(dev);
	unsigned int i;
	int ret;

	if (vu == NULL)
		return -ENOTCONN;
	if (!vu->protocol_acked) {
		VXPATH_LOG(DEBUG, "%s: no protocol features: rings of pair %u are enabled from the start",
			   dev->name, pair);
		return 0;
	}
	for (i = 0; i < 2; i++) {
		struct vhost_vring_state state = {
			.index = 2u * pair + i,
			.num = enable ? 1 : 0,
		};

		ret = vu_set_state(dev, VHOST_USER_SET_VRING_ENABLE, &state);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * NET_SET_MTU (NET_MTU negotiated and VIRTIO_NET_F_MTU accepted by the
 * driver; with REPLY_ACK the back-end's verdict is checked). Otherwise
 * nothing to tell.
 */
static int
vu_set_mtu(struct vxpath_dev *dev, uint16_t mtu)
{
	struct vxpath_vu *vu = vu_with(dev, VHOST_USER_PROTOCOL_F_NET_MTU);
	int ret;

	if (vu == NULL || !(dev->features & (1ULL << VIRTIO_NET_F_MTU)))
		return 0;
	ret = vxpath_vu_set_u64(dev, &vu->ep, VHOST_USER_NET_SET_MTU, mtu);
	if (ret == 0)
		VXPATH_LOG(INFO, "%s: VHOST_USER_NET_SET_MTU %u", dev->name,
			   mtu);
	return ret;
}

/* SET_STATUS when STATUS is negotiated (spec: u64 payload). */
static int
vu_set_status(struct vxpath_dev *dev, uint8_t status)
{
	struct vxpath_vu *vu = vu_with(dev, VHOST_USER_PROTOCOL_F_STATUS);

	if (vu == NULL)
		return 0;
	VXPATH_LOG(DEBUG, "%s: VHOST_USER_SET_STATUS 0x%02x", dev->name,
		   status);
	return vxpath_vu_set_u64(dev, &vu->ep, VHOST_USER_SET_STATUS, status);
}

/* GET_STATUS; the u64 must hold a status byte (virtio 1.2, 2.1). */
static int
vu_get_status(struct vxpath_dev *dev, uint8_t *status)
{
	struct vxpath_vu *vu = vu_with(dev, VHOST_USER_PROTOCOL_F_STATUS);
	uint64_t v = 0;
	int ret;

	if (vu == NULL)
		return -ENOTSUP;
	ret = vxpath_vu_get_u64(dev, &vu->ep, VHOST_USER_GET_STATUS, &v);
	if (ret < 0)
		return ret;
	if (v > UINT8_MAX) {
		VXPATH_LOG(ERR, "%s: VHOST_USER_GET_STATUS answered 0x%" PRIx64 ", not a device status byte",
			   dev->name, v);
		return -EIO;
	}
	*status = (uint8_t)v;
	return 0;
}

/* GET_CONFIG, reply checked against the request (size, offset, flags). */
static int
vu_get_config(struct vxpath_dev *dev, uint32_t offset, void *buf,
	      uint32_t size)
{
	struct vxpath_vu *vu = vu_with(dev, VHOST_USER_PROTOCOL_F_CONFIG);
	union vxpath_vu_payload reply;
	struct vxpath_vu_msg msg;
	uint32_t got = 0;
	int ret;

	if (vu == NULL)
		return -ENOTSUP;
	if (vxpath_vu_msg_get_config(&msg, offset, size) < 0)
		return -EINVAL;
	ret = vu_request(dev, &msg, NULL, 0, &reply, &got);
	if (ret < 0)
		/* Out of step (bad header): the connection is gone. */
		return vu->ep.broken && ret == -EIO ? -ENOTCONN : ret;
	ret = vxpath_vu_config_check(dev->name, &msg.payload.config, got,
				     &reply.config);
	if (ret < 0)
		return ret;
	memcpy(buf, reply.config.region, size);
	return 0;
}

/*
 * RESET_DEVICE where offered; RESET_OWNER is never sent (deprecated). The
 * back-end forgets its memory table: the next start sends it whole.
 */
static int
vu_reset(struct vxpath_dev *dev)
{
	struct vxpath_vu *vu = vu_with(dev, VHOST_USER_PROTOCOL_F_RESET_DEVICE);
	struct vxpath_vu_msg msg;
	int ret;

	if (vu == NULL) {
		VXPATH_LOG(DEBUG, "%s: back-end has no VHOST_USER_RESET_DEVICE; nothing sent",
			   dev->name);
		return 0;
	}
	vxpath_vu_msg_empty(&msg, VHOST_USER_RESET_DEVICE);
	ret = vu_request(dev, &msg, NULL, 0, NULL, NULL);
	pthread_mutex_lock(&vu->ep.lock);
	vu->nmem = 0;
	vu->mem_sent = false;
	pthread_mutex_unlock(&vu->ep.lock);
	if (ret == 0)
		VXPATH_LOG(INFO, "%s: VHOST_USER_RESET_DEVICE sent", dev->name);
	return ret;
}

const struct vxpath_vhost_ops vxpath_vhost_user_ops = {
	.name = "vhost-user",
	.setup = vxpath_vu_conn_setup,
	.destroy = vxpath_vu_conn_destroy,
	.set_owner = vu_set_owner,
	.get_features = vu_get_features,
	.set_features = vu_set_features,
	.set_mem_table = vu_set_mem_table,
	.set_vring_num = vu_set_vring_num,
	.set_vring_base = vu_set_vring_base,
	.get_vring_base = vu_get_vring_base,
	.set_vring_addr = vu_set_vring_addr,
	.set_vring_kick = vu_set_vring_kick,
	.set_vring_call = vu_set_vring_call,
	.enable_queue_pair = vu_enable_queue_pair,
	.event_fd = vxpath_vu_conn_event_fd,
	.set_mtu = vu_set_mtu,
	.set_status = vu_set_status,
	.get_status = vu_get_status,
	.get_config = vu_get_config,
	.reset = vu_reset,
	.detached = vxpath_vu_conn_detached,
};
