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
 * The memory table is the device's (memory.c): it asks mem_limits() what
 * the connection takes (SET_MEM_TABLE's 8 regions, or the memory slots of
 * CONFIGURE_MEM_SLOTS) and sends the table through set_mem_table() or
 * add/rem_mem_region(), at each start and on each memory hot-plug event.
 * The connection's memory generation (struct vxpath_vu) changes whenever
 * the back-end loses its table: a table built for a connection that is
 * gone is never sent to the next one.
 *
 * Threads: requests come from the application's threads, the EAL
 * interrupt thread (GET_CONFIG after CONFIG_CHANGE_MSG, the replay on a
 * new connection) and any thread that allocates or frees DPDK memory
 * (memory.c's memory events): the endpoint's lock makes each exchange
 * whole (vhost_user_socket.h gives the lock order).
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
 * set_features(): -EINVAL for bits not offered; set_mem_table(),
 * add_mem_region(), rem_mem_region(): -ESTALE (built for a connection
 * that is gone: nothing sent, not logged), -E2BIG (more than 8 regions),
 * -EINVAL (a region without fd or size); set_vring_kick/call(): -EINVAL
 * for a vring index above 255. Each is logged once, naming the device.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_net.h>
#include <rte_common.h>

#include "memory.h"
#include "vhost.h"
#include "vhost_user.h"
#include "vhost_user_conn.h"
#include "vhost_user_socket.h"
#include "vxpath.h"
#include "vxpath_log.h"

/*
 * The back-end's state, with an error line when there is none (setup()
 * failed or destroy() ran). Return: the state; NULL when there is none.
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
 * The memory table (memory.c drives it: at each start and on each memory
 * hot-plug event). Without CONFIGURE_MEM_SLOTS, SET_MEM_TABLE with up to
 * VHOST_USER_MAX_MEM_REGIONS regions; with it, ADD_MEM_REG/REM_MEM_REG
 * into the back-end's slots.
 */
static int
vu_mem_limits(struct vxpath_dev *dev, struct vxpath_mem_limits *lim)
{
	struct vxpath_vu *vu = dev->backend;
	int ret = 0;

	if (vu == NULL)
		return -ENOTCONN;
	pthread_mutex_lock(&vu->ep.lock);
	if (vu->ep.fd < 0 || vu->ep.broken) {
		ret = -ENOTCONN;
	} else {
		lim->by_region = vu->max_mem_slots > 0;
		lim->max_regions = lim->by_region ? vu->max_mem_slots :
				   VHOST_USER_MAX_MEM_REGIONS;
		lim->limit_name = lim->by_region ?
				  "VHOST_USER_GET_MAX_MEM_SLOTS" :
				  "regions of VHOST_USER_SET_MEM_TABLE";
		lim->need_fd = true;
		lim->generation = vu->mem_generation;
	}
	pthread_mutex_unlock(&vu->ep.lock);
	return ret;
}

/*
 * One memory table request on the connection of @generation, in the same
 * hold of the exchange lock as the check of the generation.
 */
static int
vu_mem_request(struct vxpath_dev *dev, uint64_t generation,
	       struct vxpath_vu_msg *msg, const int *fds, unsigned int nfds)
{
	struct vxpath_vu *vu = dev->backend;
	int ret;

	if (vu == NULL)
		return -ENOTCONN;
	pthread_mutex_lock(&vu->ep.lock);
	if (vu->ep.fd < 0 || generation != vu->mem_generation)
		ret = -ESTALE;
	else
		ret = vxpath_vu_exchange_locked(dev, &vu->ep, msg, fds, nfds,
						NULL, NULL);
	pthread_mutex_unlock(&vu->ep.lock);
	return ret;
}

/* SET_MEM_TABLE (no CONFIGURE_MEM_SLOTS): the whole table. */
static int
vu_set_mem_table(struct vxpath_dev *dev,
		 const struct vxpath_mem_region *regions, unsigned int n,
		 uint64_t generation)
{
	int fds[VHOST_USER_MAX_FDS];
	struct vxpath_vu_msg msg;
	unsigned int nfds = 0;
	int ret;

	ret = vxpath_vu_msg_mem_table(&msg, regions, n, fds, &nfds);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: invalid memory regions for the vhost-user back-end (%u regions): %s",
			   dev->name, n, strerror(-ret));
		return ret;
	}
	ret = vu_mem_request(dev, generation, &msg, fds, nfds);
	if (ret == 0)
		VXPATH_LOG(DEBUG, "%s: memory table of %u regions sent",
			   dev->name, n);
	return ret;
}

/* ADD_MEM_REG or REM_MEM_REG (CONFIGURE_MEM_SLOTS): one region. */
static int
vu_mem_reg(struct vxpath_dev *dev, uint32_t request,
	   const struct vxpath_mem_region *r, uint64_t generation)
{
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
	return vu_mem_request(dev, generation, &msg, fds, nfds);
}

static int
vu_add_mem_region(struct vxpath_dev *dev, const struct vxpath_mem_region *r,
		  uint64_t generation)
{
	return vu_mem_reg(dev, VHOST_USER_ADD_MEM_REG, r, generation);
}

static int
vu_rem_mem_region(struct vxpath_dev *dev, const struct vxpath_mem_region *r,
		  uint64_t generation)
{
	return vu_mem_reg(dev, VHOST_USER_REM_MEM_REG, r, generation);
}

/*
 * The back-end could not follow DPDK memory (vhost.h): the connection is
 * marked broken (shut down), so that it stops using our rings; with
 * server=1 or reconnect= a new connection replaces it.
 */
static void
vu_mem_failed(struct vxpath_dev *dev, uint64_t generation)
{
	struct vxpath_vu *vu = dev->backend;

	if (vu == NULL)
		return;
	pthread_mutex_lock(&vu->ep.lock);
	if (vu->ep.fd >= 0 && !vu->ep.broken &&
	    generation == vu->mem_generation) {
		VXPATH_LOG(ERR, "%s: link down: the connection to the vhost-user back-end at %s is closed",
			   dev->name, dev->args.path);
		vxpath_vu_endpoint_mark_broken(&vu->ep);
	}
	pthread_mutex_unlock(&vu->ep.lock);
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
	vu->mem_generation++;
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
	.mem_limits = vu_mem_limits,
	.set_mem_table = vu_set_mem_table,
	.add_mem_region = vu_add_mem_region,
	.rem_mem_region = vu_rem_mem_region,
	.mem_failed = vu_mem_failed,
	.set_vring_num = vu_set_vring_num,
	.set_vring_base = vu_set_vring_base,
	.get_vring_base = vu_get_vring_base,
	.set_vring_addr = vu_set_vring_addr,
	.set_vring_kick = vu_set_vring_kick,
	.set_vring_call = vu_set_vring_call,
	.enable_queue_pair = vu_enable_queue_pair,
	.link_up = vxpath_vu_conn_link_up,
	.set_mtu = vu_set_mtu,
	.set_status = vu_set_status,
	.get_status = vu_get_status,
	.get_config = vu_get_config,
	.reset = vu_reset,
	.detached = vxpath_vu_conn_detached,
};
