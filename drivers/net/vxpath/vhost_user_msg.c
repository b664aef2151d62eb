/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user message layer (declared in vhost_user.h): the table of the
 * requests vxpath sends, indexed by request code, which says for each its
 * spec name, what answers it, its payload size and how many fds go with it;
 * the names of the back-end's requests; the encoders of every request; and
 * the checks of what the back-end writes: a reply's header (request code,
 * version, reply flag, payload size from the table), a REPLY_ACK, a
 * GET_CONFIG reply's fields, the header of a back-end channel request. Pure
 * functions over the wire structs of the vhost-user specification ("Message
 * Specification"): no socket, no EAL, no state. Each check logs one ERR line
 * naming the device and what is wrong.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_common.h>

#include "vhost_user.h"
#include "vxpath_log.h"

/*
 * Also called by the tests only (declared in test/common/vhost_user_test.h,
 * not in the driver's headers).
 */
const struct vxpath_vu_request_info *vxpath_vu_request_info(uint32_t request);
uint32_t vxpath_vu_reply_size(uint32_t request);
void vxpath_vu_msg_init(struct vxpath_vu_msg *msg, uint32_t request,
			uint32_t size, bool need_reply);

/* Payload of a request that carries one u64 or one vring state. */
#define U64_SIZE sizeof(uint64_t)
#define STATE_SIZE sizeof(struct vhost_vring_state)

/* A row whose payload has one size. */
#define FIXED(size) .payload_min = (size), .payload_max = (size)

/*
 * The requests vxpath sends (spec, "Front-end message types"): name, what
 * answers it, its payload (bytes) and its fds. Codes not listed are never
 * sent, and a reply to one is never accepted.
 */
static const struct vxpath_vu_request_info requests[] = {
	[VHOST_USER_GET_FEATURES] = { "VHOST_USER_GET_FEATURES",
		VXPATH_VU_REPLY_U64, FIXED(0), 0 },
	[VHOST_USER_SET_FEATURES] = { "VHOST_USER_SET_FEATURES",
		VXPATH_VU_REPLY_ACK, FIXED(U64_SIZE), 0 },
	[VHOST_USER_SET_OWNER] = { "VHOST_USER_SET_OWNER",
		VXPATH_VU_REPLY_ACK, FIXED(0), 0 },
	[VHOST_USER_SET_MEM_TABLE] = { "VHOST_USER_SET_MEM_TABLE",
		VXPATH_VU_REPLY_ACK,
		.payload_min = VXPATH_VU_MEMORY_SIZE(1),
		.payload_max = sizeof(struct vxpath_vu_memory),
		.max_fds = VHOST_USER_MAX_MEM_REGIONS },
	[VHOST_USER_SET_VRING_NUM] = { "VHOST_USER_SET_VRING_NUM",
		VXPATH_VU_REPLY_ACK, FIXED(STATE_SIZE), 0 },
	[VHOST_USER_SET_VRING_ADDR] = { "VHOST_USER_SET_VRING_ADDR",
		VXPATH_VU_REPLY_ACK,
		FIXED(sizeof(struct vhost_vring_addr)), 0 },
	[VHOST_USER_SET_VRING_BASE] = { "VHOST_USER_SET_VRING_BASE",
		VXPATH_VU_REPLY_ACK, FIXED(STATE_SIZE), 0 },
	[VHOST_USER_GET_VRING_BASE] = { "VHOST_USER_GET_VRING_BASE",
		VXPATH_VU_REPLY_STATE, FIXED(STATE_SIZE), 0 },
	[VHOST_USER_SET_VRING_KICK] = { "VHOST_USER_SET_VRING_KICK",
		VXPATH_VU_REPLY_ACK, FIXED(U64_SIZE), 1 },
	[VHOST_USER_SET_VRING_CALL] = { "VHOST_USER_SET_VRING_CALL",
		VXPATH_VU_REPLY_ACK, FIXED(U64_SIZE), 1 },
	[VHOST_USER_GET_PROTOCOL_FEATURES] = {
		"VHOST_USER_GET_PROTOCOL_FEATURES",
		VXPATH_VU_REPLY_U64, FIXED(0), 0 },
	[VHOST_USER_SET_PROTOCOL_FEATURES] = {
		"VHOST_USER_SET_PROTOCOL_FEATURES",
		VXPATH_VU_REPLY_ACK, FIXED(U64_SIZE), 0 },
	[VHOST_USER_GET_QUEUE_NUM] = { "VHOST_USER_GET_QUEUE_NUM",
		VXPATH_VU_REPLY_U64, FIXED(0), 0 },
	[VHOST_USER_SET_VRING_ENABLE] = { "VHOST_USER_SET_VRING_ENABLE",
		VXPATH_VU_REPLY_ACK, FIXED(STATE_SIZE), 0 },
	[VHOST_USER_NET_SET_MTU] = { "VHOST_USER_NET_SET_MTU",
		VXPATH_VU_REPLY_ACK, FIXED(U64_SIZE), 0 },
	[VHOST_USER_SET_BACKEND_REQ_FD] = { "VHOST_USER_SET_BACKEND_REQ_FD",
		VXPATH_VU_REPLY_ACK, FIXED(0), 1 },
	[VHOST_USER_GET_CONFIG] = { "VHOST_USER_GET_CONFIG",
		VXPATH_VU_REPLY_CONFIG,
		.payload_min = VXPATH_VU_CONFIG_SIZE(1),
		.payload_max = VXPATH_VU_CONFIG_SIZE(VXPATH_VU_CONFIG_MAX),
		.max_fds = 0 },
	[VHOST_USER_RESET_DEVICE] = { "VHOST_USER_RESET_DEVICE",
		VXPATH_VU_REPLY_ACK, FIXED(0), 0 },
	[VHOST_USER_GET_MAX_MEM_SLOTS] = { "VHOST_USER_GET_MAX_MEM_SLOTS",
		VXPATH_VU_REPLY_U64, FIXED(0), 0 },
	[VHOST_USER_ADD_MEM_REG] = { "VHOST_USER_ADD_MEM_REG",
		VXPATH_VU_REPLY_ACK,
		FIXED(sizeof(struct vxpath_vu_mem_reg)), 1 },
	[VHOST_USER_REM_MEM_REG] = { "VHOST_USER_REM_MEM_REG",
		VXPATH_VU_REPLY_ACK,
		FIXED(sizeof(struct vxpath_vu_mem_reg)), 0 },
	[VHOST_USER_SET_STATUS] = { "VHOST_USER_SET_STATUS",
		VXPATH_VU_REPLY_ACK, FIXED(U64_SIZE), 0 },
	[VHOST_USER_GET_STATUS] = { "VHOST_USER_GET_STATUS",
		VXPATH_VU_REPLY_U64, FIXED(0), 0 },
};

/* Names of the back-end's requests (spec, "Back-end message types"). */
static const char *const backend_requests[] = {
	[VHOST_USER_BACKEND_IOTLB_MSG] = "VHOST_USER_BACKEND_IOTLB_MSG",
	[VHOST_USER_BACKEND_CONFIG_CHANGE_MSG] =
		"VHOST_USER_BACKEND_CONFIG_CHANGE_MSG",
	[VHOST_USER_BACKEND_VRING_HOST_NOTIFIER_MSG] =
		"VHOST_USER_BACKEND_VRING_HOST_NOTIFIER_MSG",
	[VHOST_USER_BACKEND_VRING_CALL] = "VHOST_USER_BACKEND_VRING_CALL",
	[VHOST_USER_BACKEND_VRING_ERR] = "VHOST_USER_BACKEND_VRING_ERR",
};

/* Payload bytes of a reply of each kind (the largest for CONFIG). */
static const uint32_t reply_sizes[] = {
	[VXPATH_VU_REPLY_ACK] = sizeof(uint64_t),
	[VXPATH_VU_REPLY_U64] = sizeof(uint64_t),
	[VXPATH_VU_REPLY_STATE] = sizeof(struct vhost_vring_state),
	[VXPATH_VU_REPLY_CONFIG] = sizeof(struct vxpath_vu_config),
};

const struct vxpath_vu_request_info *
vxpath_vu_request_info(uint32_t request)
{
	if (request >= RTE_DIM(requests) || requests[request].name == NULL)
		return NULL;
	return &requests[request];
}

const char *
vxpath_vu_request_name(uint32_t request)
{
	const struct vxpath_vu_request_info *info =
		vxpath_vu_request_info(request);

	return info != NULL ? info->name : "unknown request";
}

const char *
vxpath_vu_backend_request_name(uint32_t request)
{
	if (request >= RTE_DIM(backend_requests) ||
	    backend_requests[request] == NULL)
		return "unknown back-end request";
	return backend_requests[request];
}

bool
vxpath_vu_has_reply(uint32_t request)
{
	const struct vxpath_vu_request_info *info =
		vxpath_vu_request_info(request);

	return info != NULL && info->reply != VXPATH_VU_REPLY_ACK;
}

uint32_t
vxpath_vu_reply_size(uint32_t request)
{
	const struct vxpath_vu_request_info *info =
		vxpath_vu_request_info(request);

	return info != NULL ? reply_sizes[info->reply] : 0;
}

int
vxpath_vu_msg_check(const struct vxpath_vu_msg *msg, unsigned int nfds)
{
	const struct vxpath_vu_request_info *info =
		vxpath_vu_request_info(msg->hdr.request);

	if (info == NULL ||
	    (msg->hdr.flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION ||
	    (msg->hdr.flags & VHOST_USER_FLAG_REPLY) ||
	    msg->hdr.size < info->payload_min ||
	    msg->hdr.size > info->payload_max || nfds > info->max_fds) {
		VXPATH_LOG(ERR, "not sent: request %u (%s), flags 0x%x, %u payload bytes, %u fds does not fit the request table",
			   msg->hdr.request,
			   vxpath_vu_request_name(msg->hdr.request),
			   msg->hdr.flags, msg->hdr.size, nfds);
		return -EINVAL;
	}
	return 0;
}

void
vxpath_vu_msg_init(struct vxpath_vu_msg *msg, uint32_t request,
		   uint32_t size, bool need_reply)
{
	msg->hdr.request = request;
	msg->hdr.flags = VHOST_USER_VERSION;
	if (need_reply)
		msg->hdr.flags |= VHOST_USER_FLAG_NEED_REPLY;
	msg->hdr.size = size;
}

void
vxpath_vu_msg_empty(struct vxpath_vu_msg *msg, uint32_t request)
{
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, request, 0, false);
}

void
vxpath_vu_msg_u64(struct vxpath_vu_msg *msg, uint32_t request,
		  uint64_t value)
{
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, request, sizeof(msg->payload.u64), false);
	msg->payload.u64 = value;
}

void
vxpath_vu_msg_state(struct vxpath_vu_msg *msg, uint32_t request,
		    const struct vhost_vring_state *state)
{
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, request, sizeof(msg->payload.state), false);
	msg->payload.state = *state;
}

void
vxpath_vu_msg_addr(struct vxpath_vu_msg *msg,
		   const struct vhost_vring_addr *addr)
{
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, VHOST_USER_SET_VRING_ADDR,
			   sizeof(msg->payload.addr), false);
	msg->payload.addr = *addr;
}

int
vxpath_vu_msg_vring_file(struct vxpath_vu_msg *msg, uint32_t request,
			 const struct vhost_vring_file *file,
			 int *fds, unsigned int *nfds)
{
	uint64_t value;

	if (file->index > VHOST_USER_VRING_INDEX_MASK)
		return -EINVAL;
	value = file->index;
	if (file->fd < 0) {
		value |= VHOST_USER_VRING_INVALID_FD;
		*nfds = 0;
	} else {
		fds[0] = file->fd;
		*nfds = 1;
	}
	vxpath_vu_msg_u64(msg, request, value);
	return 0;
}

/* Whether @r can be described to a back-end: a size, no wrap-around. */
static bool
region_valid(const struct vxpath_mem_region *r)
{
	return r->size != 0 && r->addr + r->size >= r->addr &&
	       r->fd_offset + r->size >= r->fd_offset;
}

/* The wire form of @r: guest address = user address (our virtual one). */
static void
region_encode(struct vxpath_vu_mem_region *w,
	      const struct vxpath_mem_region *r)
{
	w->guest_addr = r->addr;
	w->size = r->size;
	w->user_addr = r->addr;
	w->mmap_offset = r->fd_offset;
}

int
vxpath_vu_msg_mem_table(struct vxpath_vu_msg *msg,
			const struct vxpath_mem_region *regions,
			unsigned int n, int *fds, unsigned int *nfds)
{
	unsigned int i;

	if (n == 0)
		return -EINVAL;
	if (n > VHOST_USER_MAX_MEM_REGIONS)
		return -E2BIG;
	for (i = 0; i < n; i++)
		if (regions[i].fd < 0 || !region_valid(&regions[i]))
			return -EINVAL;

	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, VHOST_USER_SET_MEM_TABLE,
			   (uint32_t)VXPATH_VU_MEMORY_SIZE(n), false);
	msg->payload.memory.nregions = n;
	for (i = 0; i < n; i++) {
		region_encode(&msg->payload.memory.regions[i], &regions[i]);
		fds[i] = regions[i].fd;
	}
	*nfds = n;
	return 0;
}

int
vxpath_vu_msg_mem_reg(struct vxpath_vu_msg *msg, uint32_t request,
		      const struct vxpath_mem_region *r, int *fds,
		      unsigned int *nfds)
{
	if ((request != VHOST_USER_ADD_MEM_REG &&
	     request != VHOST_USER_REM_MEM_REG) ||
	    (request == VHOST_USER_ADD_MEM_REG && r->fd < 0) ||
	    !region_valid(r))
		return -EINVAL;
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, request, sizeof(msg->payload.mem_reg), false);
	region_encode(&msg->payload.mem_reg.region, r);
	if (request == VHOST_USER_ADD_MEM_REG) {
		fds[0] = r->fd;
		*nfds = 1;
	} else {
		*nfds = 0;
	}
	return 0;
}

int
vxpath_vu_msg_get_config(struct vxpath_vu_msg *msg, uint32_t offset,
			 uint32_t size)
{
	if (size == 0 || size > VXPATH_VU_CONFIG_MAX || offset + size < offset)
		return -EINVAL;
	memset(msg, 0, sizeof(*msg));
	vxpath_vu_msg_init(msg, VHOST_USER_GET_CONFIG,
			   (uint32_t)VXPATH_VU_CONFIG_SIZE(size), false);
	msg->payload.config.offset = offset;
	msg->payload.config.size = size;
	msg->payload.config.flags = 0;
	return 0;
}

int
vxpath_vu_reply_check(const char *name, uint32_t request,
		      const struct vxpath_vu_hdr *reply)
{
	const struct vxpath_vu_request_info *info =
		vxpath_vu_request_info(request);
	uint32_t want;

	if (info == NULL) {
		VXPATH_LOG(ERR, "%s: no reply is defined for request %u",
			   name, request);
		return -EIO;
	}
	want = reply_sizes[info->reply];
	if (reply->request != request) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end answered %s with a reply to request %u (%s)",
			   name, info->name, reply->request,
			   vxpath_vu_request_name(reply->request));
		return -EIO;
	}
	if ((reply->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION) {
		VXPATH_LOG(ERR, "%s: reply to %s has protocol version %u, expected %u",
			   name, info->name,
			   reply->flags & VHOST_USER_VERSION_MASK,
			   VHOST_USER_VERSION);
		return -EIO;
	}
	if (!(reply->flags & VHOST_USER_FLAG_REPLY)) {
		VXPATH_LOG(ERR, "%s: reply to %s lacks the reply flag (flags 0x%x)",
			   name, info->name, reply->flags);
		return -EIO;
	}
	/* GET_CONFIG: the request's size or 0 (vxpath_vu_config_check). */
	if (info->reply == VXPATH_VU_REPLY_CONFIG ? reply->size > want :
	    reply->size != want) {
		VXPATH_LOG(ERR, "%s: reply to %s has %u payload bytes, expected %s%u",
			   name, info->name, reply->size,
			   info->reply == VXPATH_VU_REPLY_CONFIG ?
			   "at most " : "", want);
		return -EIO;
	}
	return 0;
}

int
vxpath_vu_config_check(const char *name, const struct vxpath_vu_config *req,
		       uint32_t reply_size,
		       const struct vxpath_vu_config *reply)
{
	if (reply_size == 0) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end failed VHOST_USER_GET_CONFIG of %u bytes at offset %u (empty reply)",
			   name, req->size, req->offset);
		return -EIO;
	}
	if (reply_size != VXPATH_VU_CONFIG_SIZE(req->size) ||
	    reply->offset != req->offset || reply->size != req->size ||
	    reply->flags != req->flags) {
		VXPATH_LOG(ERR, "%s: reply to VHOST_USER_GET_CONFIG (%u payload bytes, offset %u, size %u, flags 0x%x) does not match the request (%zu bytes, offset %u, size %u, flags 0x%x)",
			   name, reply_size, reply->offset, reply->size,
			   reply->flags, VXPATH_VU_CONFIG_SIZE(req->size),
			   req->offset, req->size, req->flags);
		return -EIO;
	}
	return 0;
}

int
vxpath_vu_backend_hdr_check(const char *name, const struct vxpath_vu_hdr *hdr,
			    uint32_t max)
{
	if ((hdr->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION) {
		VXPATH_LOG(ERR, "%s: back-end channel: request %u has protocol version %u, expected %u; closing the channel",
			   name, hdr->request,
			   hdr->flags & VHOST_USER_VERSION_MASK,
			   VHOST_USER_VERSION);
		return -EIO;
	}
	if (hdr->flags & VHOST_USER_FLAG_REPLY) {
		VXPATH_LOG(ERR, "%s: back-end channel: request %u carries the reply flag (flags 0x%x); closing the channel",
			   name, hdr->request, hdr->flags);
		return -EIO;
	}
	if (hdr->size > max) {
		VXPATH_LOG(ERR, "%s: back-end channel: request %u (%s) announces %u payload bytes, at most %u are defined; closing the channel",
			   name, hdr->request,
			   vxpath_vu_backend_request_name(hdr->request),
			   hdr->size, max);
		return -EIO;
	}
	return 0;
}

int
vxpath_vu_ack_check(const char *name, uint32_t request, uint64_t ack)
{
	if (ack != 0) {
		VXPATH_LOG(ERR, "%s: vhost-user back-end refused %s (REPLY_ACK %" PRIu64 ")",
			   name, vxpath_vu_request_name(request), ack);
		return -EIO;
	}
	return 0;
}
