/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * libFuzzer target: vxpath's vhost-user front-end (vhost_user*.c) reading
 * whatever a back-end sends. A fake back-end thread accepts the
 * connection, sends the input as its byte stream (fds attached at a point
 * the input chooses), then reads until the front-end hangs up. The
 * front-end meanwhile runs a whole session through vxpath_vhost_user_ops:
 * set-up (features, protocol features, queue count), owner, features,
 * memory table (whole, or one region added and removed with memory
 * slots), one vring's set-up, enable and GET_VRING_BASE. Each reply it
 * reads goes through the decoder (vxpath_vu_reply_check() and the receive
 * path); the first bytes also go to the pure checks directly.
 *
 * What must hold for every input: no crash and no access out of bounds
 * (AddressSanitizer, UndefinedBehaviorSanitizer), every operation returns 0
 * or a negative errno, and the process holds exactly the fds it held
 * before (fds the back-end sent are closed, the socket is closed by
 * destroy()).
 *
 * Input: byte 0: bits 0-3 fds to send (0-15), bit 4 queues=2 (the MQ
 * path), bit 5 the memory table has two regions; byte 1: offset in the
 * stream where the fds go; byte 2: request code for the pure decoder;
 * then the stream.
 *
 * Needs no EAL: links the vhost-user files (vxpath_vhost_user_sources) and
 * log.c; what they call of memory.c and virtio_net.c is stubbed in
 * test/common/vhost_user_stubs.c, EAL's interrupt thread here.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_interrupts.h>
#include <rte_log.h>

#include "memory.h"
#include "vhost.h"
#include "vhost_user.h"
#include "vhost_user_socket.h"
#include "vhost_user_test.h"
#include "vxpath.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)
#define MAX_SEND_FDS 15

/* The memory table: one or two regions backed by an eventfd. */
static int region_fd = -1;
static unsigned int region_count = 1;

/*
 * No EAL interrupt thread either: the back-end channel (BACKEND_REQ) is
 * "watched" by these, which only count what is registered; a callback
 * still registered when the session ends is a leak.
 */
static int intr_registered;

int
rte_intr_callback_register(const struct rte_intr_handle *h,
			   rte_intr_callback_fn cb, void *arg)
{
	(void)h;
	(void)cb;
	(void)arg;
	intr_registered++;
	return 0;
}

int
rte_intr_callback_unregister(const struct rte_intr_handle *h,
			     rte_intr_callback_fn cb, void *arg)
{
	(void)h;
	(void)cb;
	(void)arg;
	intr_registered--;
	return 1;
}

int
rte_intr_callback_unregister_sync(const struct rte_intr_handle *h,
				  rte_intr_callback_fn cb, void *arg)
{
	return rte_intr_callback_unregister(h, cb, arg);
}

int
rte_intr_callback_unregister_pending(const struct rte_intr_handle *h,
				     rte_intr_callback_fn cb, void *arg,
				     rte_intr_unregister_callback_fn ucb)
{
	(void)ucb;
	return rte_intr_callback_unregister(h, cb, arg);
}

static char sock_dir[64];
static char sock_path[128];
static int listen_fd = -1;

struct fake {
	const uint8_t *stream;
	size_t len;
	size_t fd_at;          /* bytes sent before the fds */
	unsigned int nfds;
};

static void
send_part(int c, const uint8_t *p, size_t len, unsigned int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * MAX_SEND_FDS)];
		struct cmsghdr align;
	} ctl;
	int fds[MAX_SEND_FDS];
	struct iovec iov = { (void *)(uintptr_t)p, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	unsigned int i;
	uint8_t zero = 0;

	if (len == 0 && nfds == 0)
		return;
	if (len == 0) {
		/* Fds need at least one byte to travel with. */
		iov.iov_base = &zero;
		iov.iov_len = 1;
	}
	for (i = 0; i < nfds; i++)
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (nfds > 0) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	while (iov.iov_len > 0) {
		ssize_t n = sendmsg(c, &mh, MSG_NOSIGNAL);

		if (n <= 0)
			break;
		iov.iov_base = (char *)iov.iov_base + n;
		iov.iov_len -= (size_t)n;
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
	}
	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

static void *
fake_main(void *arg)
{
	struct fake *f = arg;
	char sink[4096];
	int c = accept(listen_fd, NULL, NULL);

	if (c < 0)
		return NULL;
	send_part(c, f->stream, f->fd_at, 0);
	send_part(c, f->stream + f->fd_at, f->len - f->fd_at, f->nfds);
	/* Nothing more: the front-end reads EOF instead of waiting. */
	shutdown(c, SHUT_WR);
	while (read(c, sink, sizeof(sink)) > 0)
		;
	close(c);
	return NULL;
}

static unsigned int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	CHECK(d != NULL);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static void
init_once(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	/* Quiet: every rejected reply logs an error line (set
	 * VXPATH_FUZZ_LOG=1 to see them, and the DEBUG ones).
	 */
	if (getenv("VXPATH_FUZZ_LOG") == NULL)
		rte_log_set_global_level(RTE_LOG_EMERG);
	else
		rte_log_set_level_pattern("pmd.net.vxpath", RTE_LOG_DEBUG);
	vxpath_vu_reply_timeout_ms = 1000;
	region_fd = eventfd(0, EFD_CLOEXEC);
	CHECK(region_fd >= 0);
	snprintf(sock_dir, sizeof(sock_dir), "/tmp/vxpath-fuzz-vu-XXXXXX");
	CHECK(mkdtemp(sock_dir) != NULL);
	snprintf(sock_path, sizeof(sock_path), "%s/sock", sock_dir);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(listen_fd >= 0);
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	CHECK(bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(listen(listen_fd, 4) == 0);
}

static void
cleanup(void)
{
	unlink(sock_path);
	rmdir(sock_dir);
}

#define OK(expr) do { int r_ = (expr); CHECK(r_ <= 0); } while (0)

static void
session(struct vxpath_dev *dev)
{
	const struct vxpath_vhost_ops *ops = &vxpath_vhost_user_ops;
	struct vhost_vring_state st = { .index = 1, .num = 256 };
	struct vhost_vring_addr addr = { .index = 1, .desc_user_addr = 0x1000,
		.avail_user_addr = 0x2000, .used_user_addr = 0x3000 };
	struct vhost_vring_file kick = { .index = 1, .fd = -1 };
	struct vhost_vring_file call = { .index = 1, .fd = region_fd };
	struct vxpath_mem_region regions[2];
	struct vxpath_mem_limits lim;
	uint64_t features = 0;
	unsigned int i;

	for (i = 0; i < 2; i++)
		regions[i] = (struct vxpath_mem_region){
			.addr = 0x10000000ULL * (i + 1), .size = 0x200000,
			.fd = region_fd, .fd_offset = 0x200000ULL * i };
	if (ops->setup(dev) < 0) {
		CHECK(dev->backend == NULL);
		return;
	}
	OK(ops->set_owner(dev));
	if (ops->get_features(dev, &features) == 0)
		OK(ops->set_features(dev, features));
	/* As memory.c drives it: whole tables, or regions one at a time. */
	if (ops->mem_limits(dev, &lim) == 0) {
		CHECK(lim.max_regions > 0 && lim.need_fd);
		if (lim.by_region) {
			OK(ops->add_mem_region(dev, &regions[0],
					       lim.generation));
			OK(ops->rem_mem_region(dev, &regions[0],
					       lim.generation));
		} else {
			OK(ops->set_mem_table(dev, regions, region_count,
					      lim.generation));
		}
	}
	OK(ops->set_vring_num(dev, &st));
	OK(ops->set_vring_base(dev, &st));
	OK(ops->set_vring_addr(dev, &addr));
	OK(ops->set_vring_kick(dev, &kick));
	OK(ops->set_vring_call(dev, &call));
	OK(ops->enable_queue_pair(dev, 0, true));
	OK(ops->get_vring_base(dev, &st));
	ops->destroy(dev);
	CHECK(dev->backend == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool initialized;
	struct vxpath_dev dev;
	struct fake f;
	pthread_t th;
	unsigned int fds_before;

	if (!initialized) {
		init_once();
		atexit(cleanup);
		initialized = true;
	}
	if (size < 3)
		return 0;

	/* The pure decoder on the first header-sized bytes. */
	if (size >= 3 + sizeof(struct vxpath_vu_hdr)) {
		struct vxpath_vu_hdr hdr;
		uint64_t ack;
		uint32_t request = data[2] % 48;

		memcpy(&hdr, data + 3, sizeof(hdr));
		/* An accepted reply's payload fits what is read into (its
		 * size is exact, or at most it for GET_CONFIG).
		 */
		if (vxpath_vu_reply_check("fuzz", request, &hdr) == 0) {
			CHECK(hdr.size <= vxpath_vu_reply_size(request));
			CHECK(hdr.size <= sizeof(union vxpath_vu_payload));
		}
		memcpy(&ack, data + 3, sizeof(ack));
		CHECK(vxpath_vu_ack_check("fuzz", request, ack) ==
		      (ack == 0 ? 0 : -EIO));
		CHECK(vxpath_vu_request_name(request) != NULL);
	}

	memset(&f, 0, sizeof(f));
	f.nfds = data[0] & 0x0f;
	f.stream = data + 3;
	f.len = size - 3;
	f.fd_at = f.len == 0 ? 0 : data[1] % (f.len + 1);
	region_count = (data[0] & 0x20) ? 2 : 1;

	memset(&dev, 0, sizeof(dev));
	snprintf(dev.name, sizeof(dev.name), "fuzz");
	snprintf(dev.args.path, sizeof(dev.args.path), "%s", sock_path);
	dev.args.queues = (data[0] & 0x10) ? 2 : 1;
	dev.ops = &vxpath_vhost_user_ops;

	fds_before = count_fds();
	CHECK(pthread_create(&th, NULL, fake_main, &f) == 0);
	session(&dev);
	if (dev.backend != NULL)
		dev.ops->destroy(&dev);
	pthread_join(th, NULL);
	CHECK(count_fds() == fds_before);
	CHECK(intr_registered == 0);
	return 0;
}
