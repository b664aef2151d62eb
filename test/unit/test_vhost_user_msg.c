/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of the vhost-user back-end (drivers/net/vxpath/vhost_user*.c):
 * the pure encoders and reply checks declared in vhost_user.h, and the
 * socket side through the vxpath_vhost_user_ops table, against a fake
 * vhost-user back-end thread listening on a Unix socket in a private
 * temporary directory. The fake records every request (header, payload,
 * number of fds) and can misbehave on one chosen request: wrong request
 * code, wrong size, no reply flag, bad version, negative ack, fds attached,
 * hang-up or silence.
 *
 * Needs no EAL: links the vhost-user files (vxpath_vhost_user_sources) and
 * log.c; what they call of memory.c and virtio_net.c is stubbed in
 * test/common/vhost_user_stubs.c (the memory table is memory.c's, tested by
 * test_memory.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_common.h>

#include "memory.h"
#include "vhost.h"
#include "vhost_user.h"
#include "vhost_user_socket.h"
#include "vhost_user_test.h"
#include "vxpath.h"

#define BIT(n) (1ULL << (n))
#define F_VERSION_1    BIT(32)
#define F_MRG_RXBUF    BIT(15)
#define F_PROTOCOL     BIT(VHOST_USER_F_PROTOCOL_FEATURES)
#define PF_REPLY_ACK   BIT(VHOST_USER_PROTOCOL_F_REPLY_ACK)
#define PF_MQ          BIT(VHOST_USER_PROTOCOL_F_MQ)

/* ------------------------------------------------------------------ */
/* Pure encoders and checks                                            */

static void
test_mem_reg_encode(void **state)
{
	struct vxpath_mem_region r = { .addr = 0x40000000, .size = 0x200000,
				       .fd = 7, .fd_offset = 0x400000 };
	struct vxpath_vu_msg msg;
	unsigned int nfds = 9;
	int fds[1] = { -1 };

	(void)state;
	assert_int_equal(vxpath_vu_msg_mem_reg(&msg, VHOST_USER_ADD_MEM_REG,
					       &r, fds, &nfds), 0);
	assert_int_equal(msg.hdr.request, VHOST_USER_ADD_MEM_REG);
	assert_int_equal(msg.hdr.size, 40);
	assert_int_equal(msg.payload.mem_reg.padding, 0);
	assert_int_equal(msg.payload.mem_reg.region.guest_addr, r.addr);
	assert_int_equal(msg.payload.mem_reg.region.user_addr, r.addr);
	assert_int_equal(msg.payload.mem_reg.region.size, r.size);
	assert_int_equal(msg.payload.mem_reg.region.mmap_offset, r.fd_offset);
	assert_int_equal(nfds, 1);
	assert_int_equal(fds[0], 7);
	/* REM_MEM_REG passes no fd (spec). */
	assert_int_equal(vxpath_vu_msg_mem_reg(&msg, VHOST_USER_REM_MEM_REG,
					       &r, fds, &nfds), 0);
	assert_int_equal(nfds, 0);
	r.size = 0;
	assert_int_equal(vxpath_vu_msg_mem_reg(&msg, VHOST_USER_ADD_MEM_REG,
					       &r, fds, &nfds), -EINVAL);
	r.size = 4096;
	r.fd = -1;
	assert_int_equal(vxpath_vu_msg_mem_reg(&msg, VHOST_USER_ADD_MEM_REG,
					       &r, fds, &nfds), -EINVAL);
	assert_int_equal(vxpath_vu_msg_mem_reg(&msg, VHOST_USER_SET_MEM_TABLE,
					       &r, fds, &nfds), -EINVAL);
}

static void
test_get_config_check(void **state)
{
	struct vxpath_vu_msg msg;
	struct vxpath_vu_config reply;
	struct vxpath_vu_hdr hdr = {
		.request = VHOST_USER_GET_CONFIG,
		.flags = VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY,
	};

	(void)state;
	assert_int_equal(vxpath_vu_msg_get_config(&msg, 0, 0), -EINVAL);
	assert_int_equal(vxpath_vu_msg_get_config(&msg, 0, 257), -EINVAL);
	assert_int_equal(vxpath_vu_msg_get_config(&msg, 0, 12), 0);
	assert_int_equal(msg.hdr.size, 24);
	assert_true(vxpath_vu_has_reply(VHOST_USER_GET_CONFIG));
	/* The header check takes any size up to the largest... */
	hdr.size = 24;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_CONFIG,
					       &hdr), 0);
	hdr.size = 0;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_CONFIG,
					       &hdr), 0);
	hdr.size = sizeof(struct vxpath_vu_config) + 1;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_CONFIG,
					       &hdr), -EIO);
	/* ...the payload check wants the request's size, offset, flags. */
	reply = msg.payload.config;
	assert_int_equal(vxpath_vu_config_check("t", &msg.payload.config, 24,
						&reply), 0);
	assert_int_equal(vxpath_vu_config_check("t", &msg.payload.config, 0,
						&reply), -EIO);
	assert_int_equal(vxpath_vu_config_check("t", &msg.payload.config, 20,
						&reply), -EIO);
	reply.offset = 4;
	assert_int_equal(vxpath_vu_config_check("t", &msg.payload.config, 24,
						&reply), -EIO);
	reply.offset = 0;
	reply.flags = 1;
	assert_int_equal(vxpath_vu_config_check("t", &msg.payload.config, 24,
						&reply), -EIO);
}

static void
test_backend_hdr_check(void **state)
{
	struct vxpath_vu_hdr h = {
		.request = VHOST_USER_BACKEND_CONFIG_CHANGE_MSG,
		.flags = VHOST_USER_VERSION | VHOST_USER_FLAG_NEED_REPLY,
		.size = 0,
	};

	(void)state;
	assert_int_equal(vxpath_vu_backend_hdr_check("t", &h, 64), 0);
	h.flags = VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY;
	assert_int_equal(vxpath_vu_backend_hdr_check("t", &h, 64), -EIO);
	h.flags = 2;
	assert_int_equal(vxpath_vu_backend_hdr_check("t", &h, 64), -EIO);
	h.flags = VHOST_USER_VERSION;
	h.size = 65;
	assert_int_equal(vxpath_vu_backend_hdr_check("t", &h, 64), -EIO);
	h.request = 99;
	h.size = 8;
	/* Unknown codes are well-formed: refused later, not malformed. */
	assert_int_equal(vxpath_vu_backend_hdr_check("t", &h, 64), 0);
}

static void
test_header_defaults(void **state)
{
	struct vxpath_vu_msg msg;

	(void)state;
	vxpath_vu_msg_empty(&msg, VHOST_USER_SET_OWNER);
	assert_int_equal(msg.hdr.request, 3);
	assert_int_equal(msg.hdr.flags, 0x1);
	assert_int_equal(msg.hdr.size, 0);

	vxpath_vu_msg_init(&msg, VHOST_USER_SET_FEATURES, 8, true);
	assert_int_equal(msg.hdr.flags, 0x1 | 0x8);

	vxpath_vu_msg_u64(&msg, VHOST_USER_SET_FEATURES, 0x1234);
	assert_int_equal(msg.hdr.request, 2);
	assert_int_equal(msg.hdr.size, 8);
	assert_int_equal(msg.payload.u64, 0x1234);
}

static void
test_reply_table(void **state)
{
	(void)state;
	assert_true(vxpath_vu_has_reply(VHOST_USER_GET_FEATURES));
	assert_true(vxpath_vu_has_reply(VHOST_USER_GET_PROTOCOL_FEATURES));
	assert_true(vxpath_vu_has_reply(VHOST_USER_GET_VRING_BASE));
	assert_false(vxpath_vu_has_reply(VHOST_USER_SET_MEM_TABLE));
	assert_false(vxpath_vu_has_reply(VHOST_USER_SET_VRING_ENABLE));
	assert_int_equal(vxpath_vu_reply_size(VHOST_USER_GET_VRING_BASE), 8);
	assert_int_equal(vxpath_vu_reply_size(VHOST_USER_SET_OWNER), 8);
	assert_int_equal(vxpath_vu_reply_size(99), 0);
	assert_string_equal(vxpath_vu_request_name(VHOST_USER_SET_VRING_CALL),
			    "VHOST_USER_SET_VRING_CALL");
}

/* The request table: one row per request vxpath sends, checked on send. */
static void
test_request_table(void **state)
{
	static const uint32_t sent[] = {
		VHOST_USER_GET_FEATURES, VHOST_USER_SET_FEATURES,
		VHOST_USER_SET_OWNER, VHOST_USER_SET_MEM_TABLE,
		VHOST_USER_SET_VRING_NUM, VHOST_USER_SET_VRING_ADDR,
		VHOST_USER_SET_VRING_BASE, VHOST_USER_GET_VRING_BASE,
		VHOST_USER_SET_VRING_KICK, VHOST_USER_SET_VRING_CALL,
		VHOST_USER_GET_PROTOCOL_FEATURES,
		VHOST_USER_SET_PROTOCOL_FEATURES, VHOST_USER_GET_QUEUE_NUM,
		VHOST_USER_SET_VRING_ENABLE, VHOST_USER_NET_SET_MTU,
		VHOST_USER_SET_BACKEND_REQ_FD, VHOST_USER_GET_CONFIG,
		VHOST_USER_RESET_DEVICE, VHOST_USER_GET_MAX_MEM_SLOTS,
		VHOST_USER_ADD_MEM_REG, VHOST_USER_REM_MEM_REG,
		VHOST_USER_SET_STATUS, VHOST_USER_GET_STATUS,
	};
	struct vxpath_mem_region r[VHOST_USER_MAX_MEM_REGIONS];
	const struct vxpath_vu_request_info *info;
	int fds[VHOST_USER_MAX_FDS];
	struct vxpath_vu_msg msg;
	unsigned int i, nfds;
	uint32_t code;

	(void)state;
	for (i = 0; i < RTE_DIM(sent); i++) {
		info = vxpath_vu_request_info(sent[i]);
		assert_non_null(info);
		assert_string_equal(info->name,
				    vxpath_vu_request_name(sent[i]));
		assert_true(info->payload_min <= info->payload_max);
		assert_true(info->payload_max <=
			    sizeof(union vxpath_vu_payload));
		assert_int_equal(vxpath_vu_reply_size(sent[i]) > 0, 1);
	}
	/* Codes vxpath never sends have no row, hence no reply. */
	for (code = 0; code < 64; code++) {
		for (i = 0; i < RTE_DIM(sent) && sent[i] != code; i++)
			;
		if (i < RTE_DIM(sent))
			continue;
		assert_null(vxpath_vu_request_info(code));
		assert_false(vxpath_vu_has_reply(code));
		assert_int_equal(vxpath_vu_reply_size(code), 0);
	}
	assert_string_equal(vxpath_vu_backend_request_name(
				VHOST_USER_BACKEND_CONFIG_CHANGE_MSG),
			    "VHOST_USER_BACKEND_CONFIG_CHANGE_MSG");
	assert_string_equal(vxpath_vu_backend_request_name(0),
			    "unknown back-end request");

	/* What the encoders build fits the table... */
	for (i = 0; i < VHOST_USER_MAX_MEM_REGIONS; i++)
		r[i] = (struct vxpath_mem_region){ .addr = 0x200000ULL * (i + 1),
			.size = 0x200000ULL, .fd = 3, .fd_offset = 0 };
	assert_int_equal(vxpath_vu_msg_mem_table(&msg, r, 8, fds, &nfds), 0);
	assert_int_equal(vxpath_vu_msg_check(&msg, nfds), 0);
	assert_int_equal(vxpath_vu_msg_mem_reg(&msg, VHOST_USER_ADD_MEM_REG,
					       r, fds, &nfds), 0);
	assert_int_equal(vxpath_vu_msg_check(&msg, nfds), 0);
	assert_int_equal(vxpath_vu_msg_get_config(&msg, 0, 256), 0);
	assert_int_equal(vxpath_vu_msg_check(&msg, 0), 0);
	vxpath_vu_msg_empty(&msg, VHOST_USER_SET_BACKEND_REQ_FD);
	assert_int_equal(vxpath_vu_msg_check(&msg, 1), 0);
	/* ...and what does not is never sent. */
	assert_int_equal(vxpath_vu_msg_check(&msg, 2), -EINVAL);
	vxpath_vu_msg_empty(&msg, VHOST_USER_SET_OWNER);
	assert_int_equal(vxpath_vu_msg_check(&msg, 1), -EINVAL);
	msg.hdr.size = 8;
	assert_int_equal(vxpath_vu_msg_check(&msg, 0), -EINVAL);
	vxpath_vu_msg_empty(&msg, 99);
	assert_int_equal(vxpath_vu_msg_check(&msg, 0), -EINVAL);
	vxpath_vu_msg_empty(&msg, VHOST_USER_GET_FEATURES);
	msg.hdr.flags |= VHOST_USER_FLAG_REPLY;
	assert_int_equal(vxpath_vu_msg_check(&msg, 0), -EINVAL);
	vxpath_vu_msg_empty(&msg, VHOST_USER_REM_MEM_REG);
	msg.hdr.size = sizeof(struct vxpath_vu_mem_reg);
	assert_int_equal(vxpath_vu_msg_check(&msg, 1), -EINVAL);
}

static void
test_mem_table(void **state)
{
	struct vxpath_mem_region r[2] = {
		{ .addr = 0x100000000ULL, .size = 0x40000000ULL, .fd = 7,
		  .fd_offset = 0 },
		{ .addr = 0x7f0000200000ULL, .size = 0x200000ULL, .fd = 9,
		  .fd_offset = 0x400000ULL },
	};
	struct vxpath_vu_msg msg;
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds = 99;

	(void)state;
	assert_int_equal(vxpath_vu_msg_mem_table(&msg, r, 2, fds, &nfds), 0);
	assert_int_equal(msg.hdr.request, VHOST_USER_SET_MEM_TABLE);
	assert_int_equal(msg.hdr.flags, VHOST_USER_VERSION);
	assert_int_equal(msg.hdr.size, 8 + 2 * 32);
	assert_int_equal(msg.payload.memory.nregions, 2);
	assert_int_equal(msg.payload.memory.padding, 0);
	assert_int_equal(msg.payload.memory.regions[0].guest_addr,
			 0x100000000ULL);
	assert_int_equal(msg.payload.memory.regions[0].user_addr,
			 0x100000000ULL);
	assert_int_equal(msg.payload.memory.regions[0].size, 0x40000000ULL);
	assert_int_equal(msg.payload.memory.regions[0].mmap_offset, 0);
	assert_int_equal(msg.payload.memory.regions[1].guest_addr,
			 0x7f0000200000ULL);
	assert_int_equal(msg.payload.memory.regions[1].mmap_offset,
			 0x400000ULL);
	assert_int_equal(nfds, 2);
	assert_int_equal(fds[0], 7);
	assert_int_equal(fds[1], 9);
	/* Wire offsets of the memory regions description. */
	assert_int_equal(offsetof(struct vxpath_vu_memory, regions), 8);
	assert_int_equal(offsetof(struct vxpath_vu_mem_region, mmap_offset),
			 24);
}

static void
test_mem_table_limits(void **state)
{
	struct vxpath_mem_region r[9];
	struct vxpath_vu_msg msg;
	int fds[VHOST_USER_MAX_FDS];
	unsigned int i, nfds;

	(void)state;
	for (i = 0; i < 9; i++)
		r[i] = (struct vxpath_mem_region){
			.addr = 0x200000ULL * (i + 1), .size = 0x200000ULL,
			.fd = 3 + (int)i, .fd_offset = 0 };
	assert_int_equal(vxpath_vu_msg_mem_table(&msg, r, 8, fds, &nfds), 0);
	assert_int_equal(nfds, 8);
	assert_int_equal(msg.hdr.size, sizeof(struct vxpath_vu_memory));
	assert_int_equal(vxpath_vu_msg_mem_table(&msg, r, 9, fds, &nfds),
			 -E2BIG);
	assert_int_equal(vxpath_vu_msg_mem_table(&msg, r, 0, fds, &nfds),
			 -EINVAL);
	r[1].fd = -1;
	assert_int_equal(vxpath_vu_msg_mem_table(&msg, r, 2, fds, &nfds),
			 -EINVAL);
	r[1].fd = 4;
	r[1].size = 0;
	assert_int_equal(vxpath_vu_msg_mem_table(&msg, r, 2, fds, &nfds),
			 -EINVAL);
	r[1].size = 0x200000ULL;
	r[1].addr = UINT64_MAX - 0x1000;
	assert_int_equal(vxpath_vu_msg_mem_table(&msg, r, 2, fds, &nfds),
			 -EINVAL);
}

static void
test_vring_messages(void **state)
{
	struct vhost_vring_state st = { .index = 3, .num = 256 };
	struct vhost_vring_addr addr = {
		.index = 1, .flags = 0, .desc_user_addr = 0x1000,
		.used_user_addr = 0x3000, .avail_user_addr = 0x2000,
		.log_guest_addr = 0,
	};
	struct vhost_vring_file file = { .index = 5, .fd = 42 };
	struct vxpath_vu_msg msg;
	unsigned int nfds = 99;
	int fds[1] = { -7 };
	const uint8_t *p;

	(void)state;
	vxpath_vu_msg_state(&msg, VHOST_USER_SET_VRING_NUM, &st);
	assert_int_equal(msg.hdr.request, 8);
	assert_int_equal(msg.hdr.size, 8);
	assert_int_equal(msg.payload.state.index, 3);
	assert_int_equal(msg.payload.state.num, 256);

	vxpath_vu_msg_addr(&msg, &addr);
	assert_int_equal(msg.hdr.request, 9);
	assert_int_equal(msg.hdr.size, 40);
	/* Spec order: index, flags, descriptor, used, available, log. */
	p = (const uint8_t *)&msg.payload;
	assert_int_equal(*(const uint64_t *)(p + 8), 0x1000);
	assert_int_equal(*(const uint64_t *)(p + 16), 0x3000);
	assert_int_equal(*(const uint64_t *)(p + 24), 0x2000);

	assert_int_equal(vxpath_vu_msg_vring_file(&msg,
			 VHOST_USER_SET_VRING_CALL, &file, fds, &nfds), 0);
	assert_int_equal(msg.hdr.request, 13);
	assert_int_equal(msg.hdr.size, 8);
	assert_int_equal(msg.payload.u64, 5);
	assert_int_equal(nfds, 1);
	assert_int_equal(fds[0], 42);

	file.fd = -1;
	fds[0] = -7;
	assert_int_equal(vxpath_vu_msg_vring_file(&msg,
			 VHOST_USER_SET_VRING_KICK, &file, fds, &nfds), 0);
	assert_int_equal(msg.hdr.request, 12);
	assert_int_equal(msg.payload.u64, 5 | 0x100);
	assert_int_equal(nfds, 0);
	assert_int_equal(fds[0], -7);

	file.index = 256;
	assert_int_equal(vxpath_vu_msg_vring_file(&msg,
			 VHOST_USER_SET_VRING_KICK, &file, fds, &nfds),
			 -EINVAL);
}

static void
test_reply_check(void **state)
{
	struct vxpath_vu_hdr ok = {
		.request = VHOST_USER_GET_FEATURES,
		.flags = VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY,
		.size = 8,
	};
	struct vxpath_vu_hdr h;

	(void)state;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_FEATURES,
					       &ok), 0);

	h = ok;
	h.request = VHOST_USER_GET_PROTOCOL_FEATURES;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_FEATURES,
					       &h), -EIO);
	h = ok;
	h.size = 4;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_FEATURES,
					       &h), -EIO);
	h.size = 264;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_FEATURES,
					       &h), -EIO);
	h = ok;
	h.flags = VHOST_USER_VERSION;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_FEATURES,
					       &h), -EIO);
	h.flags = VHOST_USER_FLAG_REPLY;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_FEATURES,
					       &h), -EIO);
	h.flags = 0x2 | VHOST_USER_FLAG_REPLY;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_FEATURES,
					       &h), -EIO);
	/* A need_reply bit left set in a reply is harmless. */
	h.flags = ok.flags | VHOST_USER_FLAG_NEED_REPLY;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_GET_FEATURES,
					       &h), 0);
	/* An ack is one u64. */
	h = ok;
	h.request = VHOST_USER_SET_VRING_NUM;
	assert_int_equal(vxpath_vu_reply_check("t", VHOST_USER_SET_VRING_NUM,
					       &h), 0);
	assert_int_equal(vxpath_vu_ack_check("t", VHOST_USER_SET_VRING_NUM,
					     0), 0);
	assert_int_equal(vxpath_vu_ack_check("t", VHOST_USER_SET_VRING_NUM,
					     1), -EIO);
}

/* ------------------------------------------------------------------ */
/* Fake vhost-user back-end                                            */

enum fault {
	FAULT_NONE,
	FAULT_WRONG_REQUEST, /* reply carries another request code */
	FAULT_WRONG_SIZE,    /* reply payload of 4 bytes */
	FAULT_NO_REPLY_FLAG, /* reply without the reply flag */
	FAULT_BAD_VERSION,   /* reply with version 2 */
	FAULT_NACK,          /* ack with a non-zero u64 */
	FAULT_SEND_FD,       /* valid reply with an eventfd attached */
	FAULT_EOF,           /* close the connection instead of replying */
	FAULT_SILENT,        /* never reply */
};

struct rec {
	struct vxpath_vu_hdr hdr;
	union vxpath_vu_payload payload;
	unsigned int nfds;
};

struct fake {
	char dir[64];
	char path[108];
	int listen_fd;
	pthread_t thread;
	/* behaviour */
	uint64_t features;
	uint64_t protocol_features;
	uint64_t queue_num; /* answer to GET_QUEUE_NUM */
	uint64_t mem_slots; /* answer to GET_MAX_MEM_SLOTS */
	uint32_t bad_on; /* request to misbehave on (first time only) */
	enum fault fault;
	/* what it saw */
	struct rec msgs[64];
	unsigned int nmsgs;
};

/* Read exactly @len bytes (and count fds, closing them). 0 on EOF. */
static ssize_t
fake_read(int fd, void *buf, size_t len, unsigned int *nfds)
{
	size_t got = 0;

	while (got < len) {
		char ctl[CMSG_SPACE(sizeof(int) * 16)];
		struct iovec iov = { (char *)buf + got, len - got };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};
		struct cmsghdr *c;
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		for (c = CMSG_FIRSTHDR(&mh); c != NULL;
		     c = CMSG_NXTHDR(&mh, c)) {
			size_t i, k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (i = 0; i < k; i++) {
				int f;

				memcpy(&f, CMSG_DATA(c) + i * sizeof(int),
				       sizeof(f));
				close(f);
			}
			*nfds += (unsigned int)k;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static void
fake_reply(int fd, uint32_t request, uint32_t flags, const void *payload,
	   uint32_t size, int pass_fd)
{
	struct vxpath_vu_hdr h = { request, flags, size };
	struct iovec iov[2] = {
		{ &h, sizeof(h) }, { (void *)(uintptr_t)payload, size },
	};
	char ctl[CMSG_SPACE(sizeof(int))];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	if (pass_fd >= 0) {
		struct cmsghdr *c;

		memset(ctl, 0, sizeof(ctl));
		mh.msg_control = ctl;
		mh.msg_controllen = sizeof(ctl);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	(void)sendmsg(fd, &mh, MSG_NOSIGNAL);
}

static void *
fake_main(void *arg)
{
	struct fake *f = arg;
	const uint32_t rflags = VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY;
	int c = accept(f->listen_fd, NULL, NULL);

	if (c < 0)
		return NULL;
	for (;;) {
		struct rec r;
		uint64_t u = 0;
		const void *pl = &u;
		uint32_t size = 8, flags = rflags, request;
		int pass_fd = -1;
		bool reply = true;

		memset(&r, 0, sizeof(r));
		if (fake_read(c, &r.hdr, sizeof(r.hdr), &r.nfds) <= 0)
			break;
		if (r.hdr.size > sizeof(r.payload))
			break;
		if (r.hdr.size > 0 &&
		    fake_read(c, &r.payload, r.hdr.size, &r.nfds) <= 0)
			break;
		if (f->nmsgs < 64)
			f->msgs[f->nmsgs++] = r;
		request = r.hdr.request;

		switch (request) {
		case VHOST_USER_GET_FEATURES:
			u = f->features;
			break;
		case VHOST_USER_GET_PROTOCOL_FEATURES:
			u = f->protocol_features;
			break;
		case VHOST_USER_GET_QUEUE_NUM:
			u = f->queue_num;
			break;
		case VHOST_USER_GET_MAX_MEM_SLOTS:
			u = f->mem_slots;
			break;
		case VHOST_USER_GET_VRING_BASE:
			r.payload.state.num = 42;
			pl = &r.payload.state;
			break;
		default:
			reply = (r.hdr.flags & VHOST_USER_FLAG_NEED_REPLY) != 0;
			break;
		}

		if (request == f->bad_on) {
			f->bad_on = 0;
			switch (f->fault) {
			case FAULT_WRONG_REQUEST:
				request++;
				break;
			case FAULT_WRONG_SIZE:
				size = 4;
				break;
			case FAULT_NO_REPLY_FLAG:
				flags = VHOST_USER_VERSION;
				break;
			case FAULT_BAD_VERSION:
				flags = 0x2 | VHOST_USER_FLAG_REPLY;
				break;
			case FAULT_NACK:
				u = 1;
				break;
			case FAULT_SEND_FD:
				pass_fd = eventfd(0, EFD_CLOEXEC);
				break;
			case FAULT_EOF:
				goto out;
			case FAULT_SILENT:
				reply = false;
				break;
			case FAULT_NONE:
				break;
			}
		}
		if (reply)
			fake_reply(c, request, flags, pl, size, pass_fd);
		if (pass_fd >= 0)
			close(pass_fd);
	}
out:
	close(c);
	return NULL;
}

static void
fake_start(struct fake *f, uint64_t features, uint64_t protocol_features)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(f, 0, sizeof(*f));
	strcpy(f->dir, "/tmp/vxpath-vu-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/sock", f->dir);
	f->features = features;
	f->protocol_features = protocol_features;
	f->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(f->listen_fd >= 0);
	strcpy(sa.sun_path, f->path);
	assert_int_equal(bind(f->listen_fd, (struct sockaddr *)&sa,
			      sizeof(sa)), 0);
	assert_int_equal(listen(f->listen_fd, 1), 0);
	assert_int_equal(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

/* Wait for the fake to see EOF (after destroy()) and clean up. */
static void
fake_stop(struct fake *f)
{
	pthread_join(f->thread, NULL);
	close(f->listen_fd);
	unlink(f->path);
	rmdir(f->dir);
}

static void
dev_init(struct vxpath_dev *dev, const char *path)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "net_vxpath_test");
	snprintf(dev->args.path, sizeof(dev->args.path), "%s", path);
	dev->ops = &vxpath_vhost_user_ops;
}

static unsigned int
count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static int
reset_defaults(void **state)
{
	(void)state;
	vxpath_vu_reply_timeout_ms = 5000;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Socket side                                                         */

static void
test_connect_missing(void **state)
{
	struct vxpath_dev dev;

	(void)state;
	dev_init(&dev, "/nonexistent/vxpath/none.sock");
	assert_int_equal(vxpath_vhost_user_ops.setup(&dev), -ENOENT);
	assert_null(dev.backend);
	vxpath_vhost_user_ops.destroy(&dev); /* safe after failure */
}

static void
test_connect_refused(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/vxpath-vu-test-XXXXXX";
	struct vxpath_dev dev;
	int s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
	/* A socket file nobody listens on. */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
	dev_init(&dev, sa.sun_path);
	assert_int_equal(vxpath_vhost_user_ops.setup(&dev), -ECONNREFUSED);
	assert_null(dev.backend);
	unlink(sa.sun_path);
	rmdir(dir);
}

static void
test_path_too_long(void **state)
{
	struct vxpath_dev dev;

	(void)state;
	dev_init(&dev, "/");
	memset(dev.args.path + 1, 'a', 200);
	dev.args.path[201] = '\0';
	assert_int_equal(vxpath_vhost_user_ops.setup(&dev), -ENAMETOOLONG);
	assert_null(dev.backend);
}

/* server=1 does not remove a file already at the path (as upstream). */
static void
test_server_path_taken(void **state)
{
	char dir[] = "/tmp/vxpath-vu-test-XXXXXX";
	char path[sizeof(dir) + 8];
	unsigned int fds;
	struct vxpath_dev dev;
	int f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sock", dir);
	f = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(f >= 0);
	close(f);
	fds = count_open_fds();
	dev_init(&dev, path);
	dev.args.server = 1;
	assert_int_equal(vxpath_vhost_user_ops.setup(&dev), -EADDRINUSE);
	assert_null(dev.backend);
	assert_int_equal(count_open_fds(), fds);
	/* The user's file is left alone. */
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	rmdir(dir);
}

/* The whole start-up sequence with protocol features and REPLY_ACK. */
static void
test_session_reply_ack(void **state)
{
	const struct vxpath_vhost_ops *ops = &vxpath_vhost_user_ops;
	struct vhost_vring_state st = { .index = 1, .num = 256 };
	struct vhost_vring_addr addr = { .index = 1, .desc_user_addr = 0x1000,
		.avail_user_addr = 0x2000, .used_user_addr = 0x3000 };
	struct vhost_vring_file kick = { .index = 1, .fd = -1 };
	struct vhost_vring_file call = { .index = 1 };
	struct vxpath_mem_region regions[2] = {
		{ .addr = 0x10000000, .size = 0x200000, .fd = eventfd(0, 0),
		  .fd_offset = 0 },
		{ .addr = 0x20000000, .size = 0x400000, .fd = eventfd(0, 0),
		  .fd_offset = 0x200000 },
	};
	struct vxpath_mem_limits lim;
	struct vxpath_dev dev;
	struct fake f;
	uint64_t features;
	unsigned int i;

	(void)state;
	fake_start(&f, F_VERSION_1 | F_MRG_RXBUF | F_PROTOCOL,
		   PF_MQ | PF_REPLY_ACK | BIT(1));
	dev_init(&dev, f.path);
	call.fd = eventfd(0, 0);

	assert_int_equal(ops->setup(&dev), 0);
	assert_non_null(dev.backend);
	assert_int_equal(ops->set_owner(&dev), 0);
	assert_int_equal(ops->get_features(&dev, &features), 0);
	assert_int_equal(features, F_VERSION_1 | F_MRG_RXBUF); /* no bit 30 */
	assert_int_equal(ops->set_features(&dev, F_PROTOCOL), -EINVAL);
	assert_int_equal(ops->set_features(&dev, F_VERSION_1), 0);
	/* No CONFIGURE_MEM_SLOTS: whole tables of up to 8 regions. */
	assert_int_equal(ops->mem_limits(&dev, &lim), 0);
	assert_false(lim.by_region);
	assert_true(lim.need_fd);
	assert_int_equal(lim.max_regions, VHOST_USER_MAX_MEM_REGIONS);
	/* A table built for another connection is not sent. */
	assert_int_equal(ops->set_mem_table(&dev, regions, 2,
					    lim.generation + 1), -ESTALE);
	assert_int_equal(ops->set_mem_table(&dev, regions, 2,
					    lim.generation), 0);
	assert_int_equal(ops->set_vring_num(&dev, &st), 0);
	st.num = 0;
	assert_int_equal(ops->set_vring_base(&dev, &st), 0);
	assert_int_equal(ops->set_vring_addr(&dev, &addr), 0);
	assert_int_equal(ops->set_vring_kick(&dev, &kick), 0);
	assert_int_equal(ops->set_vring_call(&dev, &call), 0);
	assert_int_equal(ops->enable_queue_pair(&dev, 1, true), 0);
	st.num = 7;
	assert_int_equal(ops->get_vring_base(&dev, &st), 0);
	assert_int_equal(st.index, 1);
	assert_int_equal(st.num, 42);
	ops->destroy(&dev);
	assert_null(dev.backend);
	ops->destroy(&dev); /* twice is harmless */
	fake_stop(&f);
	close(regions[0].fd);
	close(regions[1].fd);
	close(call.fd);

	assert_int_equal(f.nmsgs, 14);
	assert_int_equal(f.msgs[0].hdr.request, VHOST_USER_GET_FEATURES);
	assert_int_equal(f.msgs[0].hdr.flags, VHOST_USER_VERSION);
	assert_int_equal(f.msgs[0].hdr.size, 0);
	assert_int_equal(f.msgs[1].hdr.request,
			 VHOST_USER_GET_PROTOCOL_FEATURES);
	assert_int_equal(f.msgs[2].hdr.request,
			 VHOST_USER_SET_PROTOCOL_FEATURES);
	/* Only REPLY_ACK taken (not bit 1); need_reply not yet on. */
	assert_int_equal(f.msgs[2].payload.u64, PF_REPLY_ACK);
	assert_int_equal(f.msgs[2].hdr.flags, VHOST_USER_VERSION);
	assert_int_equal(f.msgs[3].hdr.request, VHOST_USER_SET_OWNER);
	assert_int_equal(f.msgs[4].hdr.request, VHOST_USER_SET_FEATURES);
	assert_int_equal(f.msgs[4].payload.u64, F_VERSION_1 | F_PROTOCOL);
	assert_int_equal(f.msgs[5].hdr.request, VHOST_USER_SET_MEM_TABLE);
	assert_int_equal(f.msgs[5].hdr.size, 8 + 2 * 32);
	assert_int_equal(f.msgs[5].nfds, 2);
	assert_int_equal(f.msgs[5].payload.memory.nregions, 2);
	assert_int_equal(f.msgs[5].payload.memory.regions[1].mmap_offset,
			 0x200000);
	assert_int_equal(f.msgs[6].hdr.request, VHOST_USER_SET_VRING_NUM);
	assert_int_equal(f.msgs[6].payload.state.num, 256);
	assert_int_equal(f.msgs[7].hdr.request, VHOST_USER_SET_VRING_BASE);
	assert_int_equal(f.msgs[8].hdr.request, VHOST_USER_SET_VRING_ADDR);
	assert_int_equal(f.msgs[8].hdr.size, 40);
	assert_int_equal(f.msgs[8].payload.addr.used_user_addr, 0x3000);
	assert_int_equal(f.msgs[9].hdr.request, VHOST_USER_SET_VRING_KICK);
	assert_int_equal(f.msgs[9].payload.u64, 1 | 0x100);
	assert_int_equal(f.msgs[9].nfds, 0);
	assert_int_equal(f.msgs[10].hdr.request, VHOST_USER_SET_VRING_CALL);
	assert_int_equal(f.msgs[10].payload.u64, 1);
	assert_int_equal(f.msgs[10].nfds, 1);
	assert_int_equal(f.msgs[11].hdr.request, VHOST_USER_SET_VRING_ENABLE);
	assert_int_equal(f.msgs[11].payload.state.index, 2);
	assert_int_equal(f.msgs[11].payload.state.num, 1);
	assert_int_equal(f.msgs[12].hdr.request, VHOST_USER_SET_VRING_ENABLE);
	assert_int_equal(f.msgs[12].payload.state.index, 3);
	assert_int_equal(f.msgs[13].hdr.request, VHOST_USER_GET_VRING_BASE);
	assert_int_equal(f.msgs[13].payload.state.index, 1);
	/* need_reply on every request without a reply of its own, from
	 * SET_OWNER on; never on GET_*. */
	for (i = 3; i < 13; i++)
		assert_int_equal(f.msgs[i].hdr.flags,
				 VHOST_USER_VERSION |
				 VHOST_USER_FLAG_NEED_REPLY);
	assert_int_equal(f.msgs[13].hdr.flags, VHOST_USER_VERSION);
}

/* A back-end without protocol features: no REPLY_ACK, enable is a no-op. */
static void
test_session_no_protocol_features(void **state)
{
	const struct vxpath_vhost_ops *ops = &vxpath_vhost_user_ops;
	struct vhost_vring_state st = { .index = 0, .num = 256 };
	struct vxpath_dev dev;
	struct fake f;
	uint64_t features;
	unsigned int i;

	(void)state;
	fake_start(&f, F_VERSION_1, 0);
	dev_init(&dev, f.path);
	assert_int_equal(ops->setup(&dev), 0);
	assert_int_equal(ops->set_owner(&dev), 0);
	assert_int_equal(ops->get_features(&dev, &features), 0);
	assert_int_equal(features, F_VERSION_1);
	assert_int_equal(ops->set_features(&dev, F_VERSION_1), 0);
	assert_int_equal(ops->set_vring_num(&dev, &st), 0);
	assert_int_equal(ops->enable_queue_pair(&dev, 0, true), 0);
	assert_int_equal(ops->get_vring_base(&dev, &st), 0);
	assert_int_equal(st.num, 42);
	ops->destroy(&dev);
	fake_stop(&f);

	assert_int_equal(f.nmsgs, 5);
	assert_int_equal(f.msgs[0].hdr.request, VHOST_USER_GET_FEATURES);
	assert_int_equal(f.msgs[1].hdr.request, VHOST_USER_SET_OWNER);
	assert_int_equal(f.msgs[2].hdr.request, VHOST_USER_SET_FEATURES);
	assert_int_equal(f.msgs[2].payload.u64, F_VERSION_1);
	assert_int_equal(f.msgs[3].hdr.request, VHOST_USER_SET_VRING_NUM);
	assert_int_equal(f.msgs[4].hdr.request, VHOST_USER_GET_VRING_BASE);
	for (i = 0; i < f.nmsgs; i++)
		assert_int_equal(f.msgs[i].hdr.flags, VHOST_USER_VERSION);
}

/*
 * queues=2: VHOST_USER_PROTOCOL_F_MQ is negotiated beside REPLY_ACK and
 * GET_QUEUE_NUM asked before SET_OWNER; a back-end that serves fewer
 * pairs, or has no F_MQ, is refused at setup (-ENOTSUP, nothing left).
 */
static void
test_multiqueue_setup(void **state)
{
	const struct vxpath_vhost_ops *ops = &vxpath_vhost_user_ops;
	struct vxpath_dev dev;
	struct fake f;

	(void)state;
	fake_start(&f, F_VERSION_1 | F_PROTOCOL, PF_MQ | PF_REPLY_ACK);
	f.queue_num = 8;
	dev_init(&dev, f.path);
	dev.args.queues = 2;
	assert_int_equal(ops->setup(&dev), 0);
	assert_int_equal(ops->set_owner(&dev), 0);
	ops->destroy(&dev);
	fake_stop(&f);
	assert_int_equal(f.nmsgs, 5);
	assert_int_equal(f.msgs[2].hdr.request,
			 VHOST_USER_SET_PROTOCOL_FEATURES);
	assert_int_equal(f.msgs[2].payload.u64, PF_MQ | PF_REPLY_ACK);
	assert_int_equal(f.msgs[3].hdr.request, VHOST_USER_GET_QUEUE_NUM);
	assert_int_equal(f.msgs[3].hdr.flags, VHOST_USER_VERSION);
	assert_int_equal(f.msgs[4].hdr.request, VHOST_USER_SET_OWNER);

	/* Serves one pair only. */
	fake_start(&f, F_VERSION_1 | F_PROTOCOL, PF_MQ | PF_REPLY_ACK);
	f.queue_num = 1;
	dev_init(&dev, f.path);
	dev.args.queues = 2;
	assert_int_equal(ops->setup(&dev), -ENOTSUP);
	assert_null(dev.backend);
	fake_stop(&f);
	assert_int_equal(f.nmsgs, 4);

	/* No F_MQ: refused without asking GET_QUEUE_NUM. */
	fake_start(&f, F_VERSION_1 | F_PROTOCOL, PF_REPLY_ACK);
	f.queue_num = 8;
	dev_init(&dev, f.path);
	dev.args.queues = 2;
	assert_int_equal(ops->setup(&dev), -ENOTSUP);
	assert_null(dev.backend);
	fake_stop(&f);
	assert_int_equal(f.nmsgs, 3);
	assert_int_equal(f.msgs[2].payload.u64, PF_REPLY_ACK);

	/* No protocol features at all. */
	fake_start(&f, F_VERSION_1, 0);
	dev_init(&dev, f.path);
	dev.args.queues = 2;
	assert_int_equal(ops->setup(&dev), -ENOTSUP);
	fake_stop(&f);
	assert_int_equal(f.nmsgs, 1);
}

/* Too many memory regions, or one without fd: refused, nothing sent. */
static void
test_mem_table_too_many(void **state)
{
	const struct vxpath_vhost_ops *ops = &vxpath_vhost_user_ops;
	struct vxpath_mem_region regions[12];
	struct vxpath_mem_limits lim;
	struct vxpath_dev dev;
	struct fake f;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(regions); i++)
		regions[i] = (struct vxpath_mem_region){
			.addr = 0x200000ULL * (2 * i + 1), .size = 0x200000,
			.fd = 0, .fd_offset = 0 };
	fake_start(&f, F_VERSION_1, 0);
	dev_init(&dev, f.path);
	assert_int_equal(ops->setup(&dev), 0);
	assert_int_equal(ops->mem_limits(&dev, &lim), 0);
	assert_int_equal(ops->set_mem_table(&dev, regions, 12,
					    lim.generation), -E2BIG);
	regions[1].fd = -1;
	assert_int_equal(ops->set_mem_table(&dev, regions, 2,
					    lim.generation), -EINVAL);
	/* Still connected: those failures were ours, not the stream's. */
	assert_int_equal(ops->set_owner(&dev), 0);
	ops->destroy(&dev);
	fake_stop(&f);
	assert_int_equal(f.nmsgs, 2);
	assert_int_equal(f.msgs[1].hdr.request, VHOST_USER_SET_OWNER);
}

/*
 * CONFIGURE_MEM_SLOTS: GET_MAX_MEM_SLOTS at set-up (capped at 509), then
 * regions one at a time: ADD_MEM_REG with the region's fd, REM_MEM_REG
 * without. RESET_DEVICE makes the back-end forget them: a request built
 * before it is not sent. A back-end that could not follow memory
 * (mem_failed) is disconnected; a stale mem_failed changes nothing.
 */
static void
test_mem_slots(void **state)
{
	const struct vxpath_vhost_ops *ops = &vxpath_vhost_user_ops;
	struct vxpath_mem_region r = { .addr = 0x40000000, .size = 0x200000,
				       .fd = eventfd(0, 0), .fd_offset = 0 };
	struct vxpath_mem_limits lim, again;
	struct vxpath_dev dev;
	struct fake f;

	(void)state;
	fake_start(&f, F_VERSION_1 | F_PROTOCOL,
		   PF_REPLY_ACK | BIT(VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) |
		   BIT(VHOST_USER_PROTOCOL_F_RESET_DEVICE));
	f.mem_slots = 1000;
	dev_init(&dev, f.path);
	assert_int_equal(ops->setup(&dev), 0);
	assert_int_equal(ops->mem_limits(&dev, &lim), 0);
	assert_true(lim.by_region);
	assert_int_equal(lim.max_regions, VXPATH_VU_MAX_MEM_SLOTS);
	assert_int_equal(ops->add_mem_region(&dev, &r, lim.generation), 0);
	assert_int_equal(ops->rem_mem_region(&dev, &r, lim.generation), 0);
	assert_int_equal(ops->reset(&dev), 0);
	assert_int_equal(ops->mem_limits(&dev, &again), 0);
	assert_true(again.generation != lim.generation);
	assert_int_equal(ops->add_mem_region(&dev, &r, lim.generation),
			 -ESTALE);
	ops->mem_failed(&dev, lim.generation);
	assert_int_equal(ops->set_owner(&dev), 0);
	ops->mem_failed(&dev, again.generation);
	assert_int_equal(ops->mem_limits(&dev, &again), -ENOTCONN);
	assert_int_equal(ops->set_owner(&dev), -ENOTCONN);
	ops->destroy(&dev);
	fake_stop(&f);
	close(r.fd);

	assert_int_equal(f.nmsgs, 8);
	assert_int_equal(f.msgs[3].hdr.request, VHOST_USER_GET_MAX_MEM_SLOTS);
	assert_int_equal(f.msgs[4].hdr.request, VHOST_USER_ADD_MEM_REG);
	assert_int_equal(f.msgs[4].nfds, 1);
	assert_int_equal(f.msgs[4].hdr.size, 40);
	assert_int_equal(f.msgs[4].payload.mem_reg.region.user_addr, r.addr);
	assert_int_equal(f.msgs[5].hdr.request, VHOST_USER_REM_MEM_REG);
	assert_int_equal(f.msgs[5].nfds, 0);
	assert_int_equal(f.msgs[6].hdr.request, VHOST_USER_RESET_DEVICE);
	assert_int_equal(f.msgs[7].hdr.request, VHOST_USER_SET_OWNER);
}

/*
 * Run a REPLY_ACK session whose back-end misbehaves on @bad_on with @fault;
 * return what the failing operation returned and what the next request
 * returned.
 */
static void
run_fault(uint32_t bad_on, enum fault fault, int *first, int *next)
{
	const struct vxpath_vhost_ops *ops = &vxpath_vhost_user_ops;
	struct vhost_vring_state st = { .index = 0, .num = 256 };
	struct vxpath_dev dev;
	struct fake f;

	fake_start(&f, F_VERSION_1 | F_PROTOCOL, PF_REPLY_ACK);
	f.bad_on = bad_on;
	f.fault = fault;
	dev_init(&dev, f.path);
	assert_int_equal(ops->setup(&dev), 0);
	if (bad_on == VHOST_USER_GET_VRING_BASE)
		*first = ops->get_vring_base(&dev, &st);
	else
		*first = ops->set_vring_num(&dev, &st);
	*next = ops->set_vring_num(&dev, &st);
	ops->destroy(&dev);
	fake_stop(&f);
}

static void
test_fault_wrong_request(void **state)
{
	int first, next;

	(void)state;
	run_fault(VHOST_USER_GET_VRING_BASE, FAULT_WRONG_REQUEST, &first,
		  &next);
	assert_int_equal(first, -EIO);
	assert_int_equal(next, -ENOTCONN); /* stream out of step */
}

static void
test_fault_wrong_size(void **state)
{
	int first, next;

	(void)state;
	run_fault(VHOST_USER_GET_VRING_BASE, FAULT_WRONG_SIZE, &first, &next);
	assert_int_equal(first, -EIO);
	assert_int_equal(next, -ENOTCONN);
	run_fault(VHOST_USER_SET_VRING_NUM, FAULT_WRONG_SIZE, &first, &next);
	assert_int_equal(first, -EIO);
}

static void
test_fault_no_reply_flag(void **state)
{
	int first, next;

	(void)state;
	run_fault(VHOST_USER_SET_VRING_NUM, FAULT_NO_REPLY_FLAG, &first,
		  &next);
	assert_int_equal(first, -EIO);
	assert_int_equal(next, -ENOTCONN);
}

static void
test_fault_bad_version(void **state)
{
	int first, next;

	(void)state;
	run_fault(VHOST_USER_GET_VRING_BASE, FAULT_BAD_VERSION, &first, &next);
	assert_int_equal(first, -EIO);
	assert_int_equal(next, -ENOTCONN);
}

static void
test_fault_nack(void **state)
{
	int first, next;

	(void)state;
	run_fault(VHOST_USER_SET_VRING_NUM, FAULT_NACK, &first, &next);
	assert_int_equal(first, -EIO);
	/* A well-formed refusal leaves the connection usable. */
	assert_int_equal(next, 0);
}

static void
test_fault_eof(void **state)
{
	int first, next;

	(void)state;
	run_fault(VHOST_USER_GET_VRING_BASE, FAULT_EOF, &first, &next);
	assert_int_equal(first, -ENOTCONN);
	assert_int_equal(next, -ENOTCONN);
}

static void
test_fault_timeout(void **state)
{
	int first, next;

	(void)state;
	vxpath_vu_reply_timeout_ms = 200;
	run_fault(VHOST_USER_SET_VRING_NUM, FAULT_SILENT, &first, &next);
	assert_int_equal(first, -ETIMEDOUT);
	assert_int_equal(next, -ENOTCONN);
}

/* fds that come with a reply are closed, not leaked. */
static void
test_fault_fd_closed(void **state)
{
	unsigned int before, after;
	int first, next;

	(void)state;
	before = count_open_fds();
	run_fault(VHOST_USER_GET_VRING_BASE, FAULT_SEND_FD, &first, &next);
	after = count_open_fds();
	assert_int_equal(first, 0);
	assert_int_equal(next, 0);
	assert_int_equal(after, before);
}

/* A reply that never comes during setup(): setup fails and cleans up. */
static void
test_setup_fault(void **state)
{
	const struct vxpath_vhost_ops *ops = &vxpath_vhost_user_ops;
	struct vxpath_dev dev;
	struct fake f;

	(void)state;
	fake_start(&f, F_VERSION_1 | F_PROTOCOL, PF_REPLY_ACK);
	f.bad_on = VHOST_USER_GET_PROTOCOL_FEATURES;
	f.fault = FAULT_EOF;
	dev_init(&dev, f.path);
	assert_int_equal(ops->setup(&dev), -ENOTCONN);
	assert_null(dev.backend);
	ops->destroy(&dev);
	fake_stop(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_defaults),
		cmocka_unit_test(test_reply_table),
		cmocka_unit_test(test_request_table),
		cmocka_unit_test(test_mem_table),
		cmocka_unit_test(test_mem_table_limits),
		cmocka_unit_test(test_mem_reg_encode),
		cmocka_unit_test(test_get_config_check),
		cmocka_unit_test(test_backend_hdr_check),
		cmocka_unit_test(test_vring_messages),
		cmocka_unit_test(test_reply_check),
		cmocka_unit_test_setup(test_connect_missing, reset_defaults),
		cmocka_unit_test_setup(test_connect_refused, reset_defaults),
		cmocka_unit_test_setup(test_path_too_long, reset_defaults),
		cmocka_unit_test_setup(test_server_path_taken,
				       reset_defaults),
		cmocka_unit_test_setup(test_session_reply_ack, reset_defaults),
		cmocka_unit_test_setup(test_session_no_protocol_features,
				       reset_defaults),
		cmocka_unit_test_setup(test_multiqueue_setup, reset_defaults),
		cmocka_unit_test_setup(test_mem_table_too_many,
				       reset_defaults),
		cmocka_unit_test_setup(test_mem_slots, reset_defaults),
		cmocka_unit_test_setup(test_fault_wrong_request,
				       reset_defaults),
		cmocka_unit_test_setup(test_fault_wrong_size, reset_defaults),
		cmocka_unit_test_setup(test_fault_no_reply_flag,
				       reset_defaults),
		cmocka_unit_test_setup(test_fault_bad_version, reset_defaults),
		cmocka_unit_test_setup(test_fault_nack, reset_defaults),
		cmocka_unit_test_setup(test_fault_eof, reset_defaults),
		cmocka_unit_test_setup(test_fault_timeout, reset_defaults),
		cmocka_unit_test_setup(test_fault_fd_closed, reset_defaults),
		cmocka_unit_test_setup(test_setup_fault, reset_defaults),
	};

	return cmocka_run_group_tests_name("vhost_user_msg", tests, NULL,
					   NULL);
}
