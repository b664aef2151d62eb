/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-user wire format, defined once, from the vhost-user protocol
 * specification (QEMU, docs/interop/vhost-user.rst, "Message
 * Specification"), and the message layer (vhost_user_msg.c): one table of
 * the requests vxpath sends, indexed by request code (name, what answers
 * it, payload size, fds), the encoders of each request and the checks of
 * every reply. Pure functions: no socket, no EAL, no state; the unit test
 * and the fuzzer call them directly. The other pieces of the vhost-user
 * back-end are listed in vhost_user.c's file comment.
 *
 * vxpath is the front-end (it owns the virtqueues); the process at the other
 * end of the socket is the back-end. All numbers on the wire are in the
 * machine's native byte order.
 *
 * A message is a 12-byte header followed by hdr.size bytes of payload. In
 * struct vxpath_vu_msg the payload union is 8-byte aligned, so it does not
 * sit right after the header in memory: the header and the payload are sent
 * and received as two separate pieces (two iovecs), never as one struct.
 */
#ifndef VXPATH_VHOST_USER_H
#define VXPATH_VHOST_USER_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vhost_types.h>

#include "memory.h"

/** Front-end request codes used by vxpath (spec, "Front-end message types"). */
enum vhost_user_request {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_NET_SET_MTU = 20,
	VHOST_USER_SET_BACKEND_REQ_FD = 21, /**< SET_SLAVE_REQ_FD in old texts */
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_RESET_DEVICE = 34,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
	VHOST_USER_SET_STATUS = 39,
	VHOST_USER_GET_STATUS = 40,
};

/**
 * Back-end request codes, sent by the back-end on the back-end channel
 * (spec, "Back-end message types"; VHOST_USER_SLAVE_* in old texts).
 * vxpath serves CONFIG_CHANGE_MSG and refuses the others.
 */
enum vhost_user_backend_request {
	VHOST_USER_BACKEND_IOTLB_MSG = 1,
	VHOST_USER_BACKEND_CONFIG_CHANGE_MSG = 2,
	VHOST_USER_BACKEND_VRING_HOST_NOTIFIER_MSG = 3,
	VHOST_USER_BACKEND_VRING_CALL = 4,
	VHOST_USER_BACKEND_VRING_ERR = 5,
};

/* Header flags (spec, "Header"). */
#define VHOST_USER_VERSION_MASK    0x3u       /**< low 2 bits: version */
#define VHOST_USER_VERSION         0x1u       /**< the only version */
#define VHOST_USER_FLAG_REPLY      (1u << 2)  /**< set on every reply */
#define VHOST_USER_FLAG_NEED_REPLY (1u << 3)  /**< REPLY_ACK requested */

/**
 * Virtio feature bit 30 (reserved by virtio, "UNUSED"), reused by vhost-user
 * to say the back-end has GET/SET_PROTOCOL_FEATURES. Internal to the
 * vhost-user back-end: never offered to the virtio-net layer.
 */
#define VHOST_USER_F_PROTOCOL_FEATURES 30

/* Protocol feature bits (spec, "Protocol features"). */
#define VHOST_USER_PROTOCOL_F_MQ                   0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK            3
#define VHOST_USER_PROTOCOL_F_NET_MTU              4
#define VHOST_USER_PROTOCOL_F_BACKEND_REQ          5 /**< SLAVE_REQ */
#define VHOST_USER_PROTOCOL_F_CONFIG               9
#define VHOST_USER_PROTOCOL_F_RESET_DEVICE        13
#define VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS 15
#define VHOST_USER_PROTOCOL_F_STATUS              16

/**
 * Protocol features vxpath negotiates when the back-end offers them (MQ
 * is added when queues > 1). Each has its message: REPLY_ACK need_reply on
 * every request without a reply of its own; NET_MTU NET_SET_MTU; BACKEND_REQ
 * SET_BACKEND_REQ_FD and the back-end channel; CONFIG GET_CONFIG (and
 * CONFIG_CHANGE_MSG on the back-end channel); RESET_DEVICE RESET_DEVICE at
 * close; CONFIGURE_MEM_SLOTS GET_MAX_MEM_SLOTS, ADD_MEM_REG, REM_MEM_REG;
 * STATUS SET_STATUS and GET_STATUS.
 */
#define VXPATH_VU_PROTOCOL_FEATURES \
	((1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_NET_MTU) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_BACKEND_REQ) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_CONFIG) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_RESET_DEVICE) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_STATUS))

/*
 * u64 payload of SET_VRING_KICK/CALL: bits 0-7 the vring index, bit 8 set
 * when no fd is passed (spec, VHOST_USER_SET_VRING_KICK).
 */
#define VHOST_USER_VRING_INDEX_MASK 0xffu
#define VHOST_USER_VRING_INVALID_FD (1ULL << 8)

/** Regions in one SET_MEM_TABLE (spec: region0..region7). */
#define VHOST_USER_MAX_MEM_REGIONS 8
/** Most fds vxpath passes with one message: one per memory region. */
#define VHOST_USER_MAX_FDS VHOST_USER_MAX_MEM_REGIONS
/**
 * Most memory slots vxpath uses with CONFIGURE_MEM_SLOTS, whatever larger
 * number GET_MAX_MEM_SLOTS answers (QEMU's back-ends answer 509).
 */
#define VXPATH_VU_MAX_MEM_SLOTS 509
/** Largest configuration space access of GET_CONFIG, bytes (spec: 256). */
#define VXPATH_VU_CONFIG_MAX 256

/** Message header: 12 bytes on the wire. */
struct vxpath_vu_hdr {
	uint32_t request; /**< enum vhost_user_request */
	uint32_t flags;   /**< VHOST_USER_VERSION | VHOST_USER_FLAG_* */
	uint32_t size;    /**< bytes of payload that follow */
};

/** One region of the memory regions description: 32 bytes. */
struct vxpath_vu_mem_region {
	uint64_t guest_addr;  /**< address used in descriptors (= user_addr) */
	uint64_t size;        /**< bytes */
	uint64_t user_addr;   /**< front-end virtual address */
	uint64_t mmap_offset; /**< bytes from the fd's start to the region */
};

/** Memory regions description (payload of SET_MEM_TABLE). */
struct vxpath_vu_memory {
	uint32_t nregions; /**< regions used, 1..VHOST_USER_MAX_MEM_REGIONS */
	uint32_t padding;  /**< 0 */
	struct vxpath_vu_mem_region regions[VHOST_USER_MAX_MEM_REGIONS];
};

/** Single memory region description (ADD_MEM_REG, REM_MEM_REG): 40 bytes. */
struct vxpath_vu_mem_reg {
	uint64_t padding;                   /**< 0 */
	struct vxpath_vu_mem_region region; /**< as in SET_MEM_TABLE */
};

/**
 * Virtio device config space access (GET_CONFIG): @size bytes of the
 * device's configuration space (virtio 1.2, 4.x / 5.1.4) from @offset.
 */
struct vxpath_vu_config {
	uint32_t offset; /**< bytes into the configuration space */
	uint32_t size;   /**< bytes in @region, <= VXPATH_VU_CONFIG_MAX */
	uint32_t flags;  /**< 0: writable fields; 1: live migration */
	uint8_t region[VXPATH_VU_CONFIG_MAX];
};

/** Bytes of a config space access carrying @n bytes of configuration. */
#define VXPATH_VU_CONFIG_SIZE(n) (3 * sizeof(uint32_t) + (n))

/**
 * Payloads vxpath sends or receives. The vring state and address
 * descriptions have the layout of the Linux UAPI structs, used as they are
 * (index and num are 32-bit; the address description is index, flags, then
 * the descriptor, used, available and log addresses, 64-bit each).
 */
union vxpath_vu_payload {
	uint64_t u64;                   /**< features, vring index, ack */
	struct vhost_vring_state state; /**< vring state description */
	struct vhost_vring_addr addr;   /**< vring address description */
	struct vxpath_vu_memory memory; /**< memory regions description */
	struct vxpath_vu_mem_reg mem_reg; /**< single region description */
	struct vxpath_vu_config config; /**< config space access */
};

/** One message; see the file comment about the gap after the header. */
struct vxpath_vu_msg {
	struct vxpath_vu_hdr hdr;
	union vxpath_vu_payload payload;
};

/** Bytes of a memory regions description with @n regions (header + n). */
#define VXPATH_VU_MEMORY_SIZE(n) \
	(2 * sizeof(uint32_t) + (n) * sizeof(struct vxpath_vu_mem_region))

_Static_assert(sizeof(struct vxpath_vu_hdr) == 12, "vhost-user header");
_Static_assert(sizeof(struct vhost_vring_state) == 8, "vring state");
_Static_assert(sizeof(struct vhost_vring_addr) == 40, "vring address");
_Static_assert(sizeof(struct vxpath_vu_mem_region) == 32, "memory region");
_Static_assert(sizeof(struct vxpath_vu_memory) == VXPATH_VU_MEMORY_SIZE(8),
	       "memory regions description");
_Static_assert(sizeof(struct vxpath_vu_mem_reg) == 40,
	       "single memory region description");
_Static_assert(sizeof(struct vxpath_vu_config) ==
	       VXPATH_VU_CONFIG_SIZE(VXPATH_VU_CONFIG_MAX), "config space");

/*
 * The message layer (vhost_user_msg.c).
 */

/**
 * What answers a front-end request (spec, "Communication" and each
 * request's "reply" line).
 */
enum vxpath_vu_reply_kind {
	/** No reply of its own: with REPLY_ACK negotiated the request goes
	 * with need_reply and the back-end answers one u64, zero for success
	 * (spec, "REPLY_ACK").
	 */
	VXPATH_VU_REPLY_ACK,
	/** A u64 (features, queue count, memory slots, device status). */
	VXPATH_VU_REPLY_U64,
	/** A vring state description (GET_VRING_BASE). */
	VXPATH_VU_REPLY_STATE,
	/** A config space access the size of the request's, or 0 bytes for
	 * a failure (GET_CONFIG).
	 */
	VXPATH_VU_REPLY_CONFIG,
};

/**
 * One row of the request table: a front-end request as vxpath sends it.
 * Adding a request is one row (vhost_user_msg.c) and the operation that
 * sends it (vhost_user.c). The functions below read it; the tests read the
 * rows themselves (test/common/vhost_user_test.h).
 */
struct vxpath_vu_request_info {
	const char *name;                 /**< spec name, for logs */
	enum vxpath_vu_reply_kind reply;  /**< what answers it */
	uint32_t payload_min;             /**< bytes of payload, at least */
	uint32_t payload_max;             /**< bytes of payload, at most */
	uint8_t max_fds;                  /**< fds passed with it, at most */
};

/**
 * Spec name of a request code ("VHOST_USER_GET_FEATURES"), for logs.
 * Return: static string; "unknown request" for a code not in the table.
 */
const char *vxpath_vu_request_name(uint32_t request);

/**
 * Spec name of a back-end request code (spec, "Back-end message types"),
 * for logs. Return: static string; "unknown back-end request" otherwise.
 */
const char *vxpath_vu_backend_request_name(uint32_t request);

/**
 * Whether @request has a reply of its own (spec, "Communication" and each
 * message): GET_FEATURES, GET_PROTOCOL_FEATURES, GET_VRING_BASE,
 * GET_QUEUE_NUM, GET_CONFIG, GET_MAX_MEM_SLOTS, GET_STATUS. Requests
 * without one get need_reply when REPLY_ACK is negotiated. False for a
 * code not in the table.
 */
bool vxpath_vu_has_reply(uint32_t request);

/**
 * Check a message about to be sent against its row of the request table:
 * a request vxpath sends, version 1, no reply flag, a payload size within
 * the row's bounds and at most the row's fds.
 * @nfds: fds that go with it.
 * Return: 0; -EINVAL otherwise (a bug of ours: logged, nothing sent).
 */
int vxpath_vu_msg_check(const struct vxpath_vu_msg *msg, unsigned int nfds);

/** Build a request with no payload (SET_OWNER, GET_FEATURES, ...). */
void vxpath_vu_msg_empty(struct vxpath_vu_msg *msg, uint32_t request);

/** Build a request whose payload is one u64 (SET_FEATURES, ...). */
void vxpath_vu_msg_u64(struct vxpath_vu_msg *msg, uint32_t request,
		       uint64_t value);

/**
 * Build a request whose payload is a vring state description
 * (SET_VRING_NUM, SET_VRING_BASE, GET_VRING_BASE, SET_VRING_ENABLE).
 */
void vxpath_vu_msg_state(struct vxpath_vu_msg *msg, uint32_t request,
			 const struct vhost_vring_state *state);

/** Build SET_VRING_ADDR; addresses are the front-end's virtual ones. */
void vxpath_vu_msg_addr(struct vxpath_vu_msg *msg,
			const struct vhost_vring_addr *addr);

/**
 * Build SET_VRING_KICK or SET_VRING_CALL (spec: u64 payload, bits 0-7 the
 * index, bit 8 when no fd is passed).
 * @file: index and eventfd; fd < 0 means "no fd" (the back-end polls).
 * @fds:  filled with the fd to pass in SCM_RIGHTS (not duplicated: the
 *        caller keeps owning it); room for 1.
 * @nfds: set to 1, or 0 when file->fd < 0.
 * Return: 0; -EINVAL if file->index does not fit in 8 bits.
 */
int vxpath_vu_msg_vring_file(struct vxpath_vu_msg *msg, uint32_t request,
			     const struct vhost_vring_file *file,
			     int *fds, unsigned int *nfds);

/**
 * Build SET_MEM_TABLE from DPDK memory regions: guest address = user
 * address = region->addr, mmap offset = region->fd_offset. The payload size
 * is that of @n regions.
 * @regions: @n regions; their fds stay owned by EAL.
 * @fds:     room for VHOST_USER_MAX_FDS; filled with the regions' fds, in
 *           region order (spec: "the size and ordering of the fds matches
 *           the number and ordering of memory regions").
 * @nfds:    set to @n.
 * Return: 0; -E2BIG if @n > VHOST_USER_MAX_MEM_REGIONS; -EINVAL if @n is 0,
 * or a region has no fd, no size, or wraps around the address space.
 */
int vxpath_vu_msg_mem_table(struct vxpath_vu_msg *msg,
			    const struct vxpath_mem_region *regions,
			    unsigned int n, int *fds, unsigned int *nfds);

/**
 * Build ADD_MEM_REG or REM_MEM_REG for one region (spec: single memory
 * region description; guest address = user address = region->addr).
 * @fds:  ADD_MEM_REG: filled with the region's fd (not duplicated, EAL
 *        keeps owning it); room for 1. REM_MEM_REG passes no fd (spec).
 * @nfds: set to 1 for ADD_MEM_REG, 0 for REM_MEM_REG.
 * Return: 0; -EINVAL for another request, a region without fd (ADD), without
 * size, or wrapping around the address space.
 */
int vxpath_vu_msg_mem_reg(struct vxpath_vu_msg *msg, uint32_t request,
			  const struct vxpath_mem_region *region,
			  int *fds, unsigned int *nfds);

/**
 * Build GET_CONFIG for @size bytes from @offset of the device
 * configuration space (flags 0; the region is zero).
 * Return: 0; -EINVAL if @size is 0 or above VXPATH_VU_CONFIG_MAX, or the
 * access wraps.
 */
int vxpath_vu_msg_get_config(struct vxpath_vu_msg *msg, uint32_t offset,
			     uint32_t size);

/**
 * Check the reply to GET_CONFIG (spec, VHOST_USER_GET_CONFIG): a payload
 * of @reply_size bytes that must be the request's size, with the same
 * offset and size fields; 0 bytes is the back-end's way to say it failed.
 * @name:  device name for the log line.
 * @req:   the config access sent.
 * @reply: the payload received (@reply_size bytes of it are valid).
 * Return: 0; -EIO (one ERR line saying what is wrong).
 */
int vxpath_vu_config_check(const char *name,
			   const struct vxpath_vu_config *req,
			   uint32_t reply_size,
			   const struct vxpath_vu_config *reply);

/**
 * Check the header of a request received on the back-end channel (spec,
 * "Back-end communication"): version 1, no reply flag, and a payload of at
 * most @max bytes (what vxpath can take in). Unknown request codes pass:
 * they are well-formed, and refused by the channel.
 * @name: device name for the log line.
 * Return: 0 if it can be read; -EIO otherwise (logged): the channel is
 * then out of step and must be closed.
 */
int vxpath_vu_backend_hdr_check(const char *name,
				const struct vxpath_vu_hdr *hdr, uint32_t max);

/**
 * Check a reply header against the request it answers: same request code,
 * version 1, reply flag set, the payload size of the request's reply kind
 * (a u64 for an ack or a u64 reply, a vring state, a config space access;
 * for GET_CONFIG at most that: a shorter reply is then judged by
 * vxpath_vu_config_check()).
 * @name: device name for the log line.
 * Return: 0 if valid; -EIO otherwise (one ERR line says what is wrong),
 * also for a request that has no reply in the table.
 */
int vxpath_vu_reply_check(const char *name, uint32_t request,
			  const struct vxpath_vu_hdr *reply);

/**
 * Check the u64 of a REPLY_ACK (spec: zero on success, non-zero on failure).
 * @name: device name for the log line.
 * Return: 0; -EIO if the back-end reported a failure (logged).
 */
int vxpath_vu_ack_check(const char *name, uint32_t request, uint64_t ack);

#endif /* VXPATH_VHOST_USER_H */
