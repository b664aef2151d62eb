/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost-vdpa back-end: a virtio-net device of the kernel's vDPA bus
 * (hardware, vdpa_sim, or VDUSE served by a user-space daemon) reached
 * through its character device /dev/vhost-vdpa-N (linux/vhost.h). One fd
 * carries everything: ownership, features, the device status of virtio
 * 1.2 2.1 (VHOST_VDPA_SET_STATUS, driven as 3.1.1 says), the
 * configuration space (VHOST_VDPA_GET_CONFIG), the rings (the ordinary
 * VHOST_SET_VRING_* ioctls, every ring on the same fd), ring enable, and
 * the device's IOTLB (struct vhost_msg_v2 written to the fd).
 *
 * Addresses: the IOVA of every byte the device reaches is our virtual
 * address (an identity mapping). The memory table (memory.c, by_region)
 * becomes one VHOST_IOTLB_UPDATE per region, iova = uaddr = the region's
 * address, read-write, and one VHOST_IOTLB_INVALIDATE when it goes;
 * where VHOST_BACKEND_F_IOTLB_BATCH is negotiated, the messages of one
 * change of DPDK memory go between one VHOST_IOTLB_BATCH_BEGIN and END
 * (ops->mem_batch), so that the device's mapping is rebuilt once. Ring addresses
 * (struct vhost_vring_addr) and descriptor addresses are then the same
 * virtual addresses the other back-ends get. Every region must lie in the
 * device's IOVA range (VHOST_VDPA_GET_IOVA_RANGE).
 *
 * The device status is the kernel's, and vhost-vdpa lets the driver clear
 * a bit only by a reset (status 0). A withdrawal of DRIVER_OK (port stop)
 * is therefore a reset followed by ACKNOWLEDGE, DRIVER, the same features
 * and FEATURES_OK again (3.1.1); a change of features after FEATURES_OK
 * (new offloads at the next start) the same. Each reset loses the IOTLB:
 * the memory generation moves on and memory.c maps all memory again at
 * the next start.
 *
 * The control virtqueue stays vxpath's (ctrl.c serves it in the driver,
 * as for vhost-kernel): VIRTIO_NET_F_CTRL_VQ and the bits that need it are
 * never negotiated with the device, so the device serves one queue pair
 * and takes its MAC address from its own configuration (mac= must match
 * it for the device to deliver unicast frames). queues= above 1 is
 * refused.
 *
 * Configuration changes: an eventfd given with VHOST_VDPA_SET_CONFIG_CALL,
 * watched in the EAL interrupt thread, makes the device layer read the
 * configuration again (link status) and raise an LSC event. A device that
 * fails an exchange with ENODEV, EIO, ETIMEDOUT or ESHUTDOWN is marked
 * broken: its link is down from then on, a start is refused, and stop and
 * close send it one thing more, a reset (virtio 1.2 2.4): a device may
 * hang rather than vanish, and only a reset it took says that it no
 * longer reads or writes the rings. Stop then returns the rings' buffers
 * to their pools; without it, they are left to the device (the device
 * layer abandons them: ethdev_queue.c). A VDUSE device whose daemon died
 * is seen broken at the first request that needs the daemon, after the
 * vduse module's message timeout (/sys/class/vduse/NAME/msg_timeout,
 * seconds): the device asks nothing of it before.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <rte_common.h>

#include "vhost.h"
#include "vhost_vdpa_proto.h"
#include "memory.h"
#include "vxpath.h"
#include "vxpath_log.h"
#include "watch.h"

#define VV_BIT(b) (1ULL << (b))

/**
 * Device features the device layer never sees: VIRTIO_F_ACCESS_PLATFORM
 * is this back-end's (the device reaches memory through the IOTLB it
 * feeds): accepted whenever offered (6.1: a device may refuse to work
 * without it), added in set_features().
 */
#define VV_FEATURES_TRANSPORT VV_BIT(VIRTIO_F_ACCESS_PLATFORM)

/**
 * Features the device layer serves itself and never passes on (its
 * LOCAL_FEATURES, virtio_net.c) that the device is nevertheless asked
 * for where it offers them: VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS,
 * so that the MAC address and the link status the device layer reads
 * from the configuration space (5.1.4) are valid, and the device reports
 * link changes. The control virtqueue's bits stay the driver's.
 */
#define VV_FEATURES_CONFIG (VV_BIT(VIRTIO_NET_F_MAC) | \
			    VV_BIT(VIRTIO_NET_F_STATUS))

/** Regions of the IOTLB this back-end maps at most (memory.c's arrays). */
#define VV_MAX_REGIONS 1024

/** The three status bits a restart after a reset goes through. */
#define VV_STATUS_NEGOTIATED (VIRTIO_CONFIG_S_ACKNOWLEDGE | \
			      VIRTIO_CONFIG_S_DRIVER | \
			      VIRTIO_CONFIG_S_FEATURES_OK)

/** Private state of the vhost-vdpa back-end, in dev->backend. */
struct vv_backend {
	int fd;                       /**< /dev/vhost-vdpa-N */
	int config_fd;                /**< eventfd of config changes, or -1 */
	struct vxpath_watch config_watch; /**< @config_fd in the intr thread */
	uint64_t backend_features;    /**< VHOST_BACKEND_F_* negotiated */
	uint64_t offered;             /**< VHOST_GET_FEATURES, whole */
	uint64_t features;            /**< last VHOST_SET_FEATURES */
	bool features_set;            /**< @features went to this reset */
	uint8_t status;               /**< last status the device took */
	uint16_t vring_max;           /**< VHOST_VDPA_GET_VRING_NUM */
	uint32_t vqs_count;           /**< VHOST_VDPA_GET_VQS_COUNT */
	uint32_t config_size;         /**< VHOST_VDPA_GET_CONFIG_SIZE */
	struct vhost_vdpa_iova_range range; /**< usable IOVAs, inclusive */
	/**
	 * Serialises IOTLB writes (memory event threads) against resets
	 * (ctrl_lock holders) and guards @generation. Taken after ctrl_lock
	 * and EAL's memory hot-plug lock (vxpath.h).
	 */
	pthread_mutex_t lock;
	uint64_t generation;          /**< moves on at each reset */
	bool mapped;                  /**< an UPDATE went out since reset */
	bool batch_open;              /**< a BATCH_BEGIN without its END */
	/** An exchange failed as a device that went away fails. */
	bool broken;
	/**
	 * A reset was tried since the device broke (vv_release()), and
	 * whether it succeeded: the device then holds none of the port's
	 * rings. Written under the caller's ctrl_lock.
	 */
	bool release_tried;
	bool released;
};

/**
 * The back-end state of @dev, logging when setup() has not run.
 * Return: the state; NULL if there is none.
 */
static struct vv_backend *
vv_get(const struct vxpath_dev *dev)
{
	if (dev->backend == NULL)
		VXPATH_LOG(ERR, "%s: vhost-vdpa back-end is not set up",
			   dev->name);
	return dev->backend;
}

/** Whether @err (positive errno) says the device is gone or dead. */
static bool
vv_err_fatal(int err)
{
	return err == ENODEV || err == EIO || err == ETIMEDOUT ||
	       err == ESHUTDOWN || err == ENXIO;
}

/**
 * Mark the device broken (its link then reads down; vhost.h, link_up),
 * log @why once and tell the device layer once, from the EAL interrupt
 * thread (the config eventfd's watch).
 */
static void
vv_mark_broken(struct vxpath_dev *dev, struct vv_backend *vv, const char *why)
{
	uint64_t one = 1;

	if (__atomic_exchange_n(&vv->broken, true, __ATOMIC_ACQ_REL))
		return;
	VXPATH_LOG(ERR, "%s: the vDPA device %s %s: link down",
		   dev->name, dev->args.path, why);
	/* Through the config watch: the caller may hold locks that the
	 * device layer's callback must not be called under (vxpath.h).
	 */
	if (vv->config_fd >= 0 &&
	    write(vv->config_fd, &one, sizeof(one)) != sizeof(one))
		VXPATH_LOG(DEBUG, "%s: config eventfd: %s", dev->name,
			   strerror(errno));
}

/** Note a failed exchange: a fatal one marks the device broken. */
static void
vv_failed(struct vxpath_dev *dev, struct vv_backend *vv, int err)
{
	char why[64];

	if (!vv_err_fatal(err) ||
	    __atomic_load_n(&vv->broken, __ATOMIC_ACQUIRE))
		return;
	snprintf(why, sizeof(why), "stopped answering (%s)", strerror(err));
	vv_mark_broken(dev, vv, why);
}

/**
 * Issue one ioctl on the vhost-vdpa fd, logging a refusal once.
 * @what: the request's name, for the log line.
 * Return: 0; the ioctl's negative errno.
 */
static int
vv_ioctl(struct vxpath_dev *dev, struct vv_backend *vv, unsigned long req,
	 const char *what, void *arg)
{
	if (ioctl(vv->fd, req, arg) < 0) {
		int err = errno;

		VXPATH_LOG(ERR, "%s: %s on %s: %s", dev->name, what,
			   dev->args.path, strerror(err));
		vv_failed(dev, vv, err);
		return -err;
	}
	return 0;
}

/** vv_ioctl() named after @req. */
#define VV_IOCTL(dev, vv, req, arg) vv_ioctl((dev), (vv), (req), #req, (arg))

/**
 * Write one IOTLB message built by vxpath_vdpa_iotlb_msg() (@lock held).
 * Return: 0; -EINVAL for a region the device cannot map (logged); the
 * write's negative errno, -EIO for a short write (logged).
 */
static int
vv_iotlb_write(struct vxpath_dev *dev, struct vv_backend *vv, uint32_t type,
	       uint64_t iova, uint64_t size)
{
	struct vhost_msg_v2 msg;
	ssize_t n;
	int ret;

	ret = vxpath_vdpa_iotlb_msg(&msg, type, iova, size, iova, &vv->range);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: memory at 0x%" PRIx64 ", %" PRIu64 " bytes, is outside the IOVA range 0x%" PRIx64 "-0x%" PRIx64 " of %s",
			   dev->name, iova, size, (uint64_t)vv->range.first,
			   (uint64_t)vv->range.last, dev->args.path);
		return ret;
	}
	n = write(vv->fd, &msg, sizeof(msg));
	if (n == (ssize_t)sizeof(msg))
		return 0;
	ret = n < 0 ? errno : EIO;
	VXPATH_LOG(ERR, "%s: IOTLB message %u (0x%" PRIx64 ", %" PRIu64 " bytes) to %s: %s",
		   dev->name, type, iova, size, dev->args.path,
		   n < 0 ? strerror(ret) : "short write");
	vv_failed(dev, vv, ret);
	return -ret;
}

/** Whether VHOST_BACKEND_F_IOTLB_BATCH is negotiated. */
static bool
vv_batching(const struct vv_backend *vv)
{
	return vv->backend_features & VV_BIT(VHOST_BACKEND_F_IOTLB_BATCH);
}

/**
 * One IOTLB update or invalidation, in the open batch (@batch_open) or,
 * where batches are negotiated, bracketed by a BATCH_BEGIN/END of its
 * own (@lock held).
 * Return: as vv_iotlb_write().
 */
static int
vv_iotlb(struct vxpath_dev *dev, struct vv_backend *vv, uint32_t type,
	 uint64_t iova, uint64_t size)
{
	bool batch = vv_batching(vv) && !vv->batch_open;
	int ret;

	if (batch) {
		ret = vv_iotlb_write(dev, vv, VHOST_IOTLB_BATCH_BEGIN, 0, 0);
		if (ret < 0)
			return ret;
	}
	ret = vv_iotlb_write(dev, vv, type, iova, size);
	if (batch) {
		int end = vv_iotlb_write(dev, vv, VHOST_IOTLB_BATCH_END, 0, 0);

		if (ret == 0)
			ret = end;
	}
	return ret;
}

/** The config eventfd fired (EAL interrupt thread): tell the device. */
static void
vv_config_cb(void *arg)
{
	struct vxpath_dev *dev = arg;
	struct vv_backend *vv = dev->backend;
	uint64_t count;

	if (vv == NULL)
		return;
	/* Level-triggered watch: consume the count. */
	if (read(vv->config_fd, &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		VXPATH_LOG(DEBUG, "%s: config eventfd: %s", dev->name,
			   strerror(errno));
	VXPATH_LOG(INFO, "%s: the vDPA device says its configuration changed",
		       dev->name);
	if (dev->events != NULL && dev->events->config_changed != NULL)
		dev->events->config_changed(dev);
}

static void vv_destroy(struct vxpath_dev *dev);

/**
 * The queue pairs the device has (max_virtqueue_pairs with
 * VIRTIO_NET_F_MQ, 5.1.4; 1 otherwise), read and checked at setup, for
 * the log: multi-queue is not used (file comment).
 * Return: 0; -EIO for a field the device cannot give or a value out of
 * 1..0x8000 (logged); an ioctl's errno.
 */
static int
vv_max_pairs(struct vxpath_dev *dev, struct vv_backend *vv, uint16_t *pairs)
{
	uint8_t raw[offsetof(struct virtio_net_config, max_virtqueue_pairs) +
		    sizeof(uint16_t)];
	/* struct vhost_vdpa_config and its buffer, aligned. */
	uint64_t store[(sizeof(struct vhost_vdpa_config) + sizeof(raw) + 7) / 8];
	struct vhost_vdpa_config *c = (struct vhost_vdpa_config *)store;
	uint64_t f = 0;
	int ret;

	ret = VV_IOCTL(dev, vv, VHOST_GET_FEATURES, &f);
	if (ret < 0)
		return ret;
	if (!(f & VV_BIT(VIRTIO_NET_F_MQ))) {
		*pairs = 1;
		return 0;
	}
	if (vv->config_size < sizeof(raw)) {
		VXPATH_LOG(ERR, "%s: devarg path=%s: the vDPA device offers VIRTIO_NET_F_MQ but its configuration space has %u bytes",
			   dev->name, dev->args.path, vv->config_size);
		return -EIO;
	}
	memset(store, 0, sizeof(store));
	c->off = 0;
	c->len = sizeof(raw);
	ret = VV_IOCTL(dev, vv, VHOST_VDPA_GET_CONFIG, c);
	if (ret < 0)
		return ret;
	memcpy(raw, c->buf, sizeof(raw));
	if (vxpath_vdpa_net_max_pairs(raw, sizeof(raw), f, pairs) < 0) {
		VXPATH_LOG(ERR, "%s: devarg path=%s: the vDPA device's max_virtqueue_pairs is %u, not 1..%u",
			   dev->name, dev->args.path,
			   (unsigned int)(raw[sizeof(raw) - 2] |
					  raw[sizeof(raw) - 1] << 8),
			   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX);
		return -EIO;
	}
	return 0;
}

/**
 * Read what the device tells before any negotiation: its type (must be
 * a network device), the back-end features, ring size, virtqueue count,
 * configuration space size and IOVA range. Checks queues= and
 * queue_size= against them, one log line naming the devarg.
 * Return: 0; -ENOTSUP for another device type or no IOTLB_MSG_V2;
 * -EINVAL for a devarg the device cannot serve; an ioctl's errno.
 */
static int
vv_probe_device(struct vxpath_dev *dev, struct vv_backend *vv)
{
	uint64_t bf = 0, chosen = 0;
	uint32_t id = 0, count = 0, size = 0;
	uint16_t num = 0, pairs = 0;
	int ret;

	ret = VV_IOCTL(dev, vv, VHOST_VDPA_GET_DEVICE_ID, &id);
	if (ret < 0)
		return ret;
	if (id != VIRTIO_ID_NET) {
		VXPATH_LOG(ERR, "%s: devarg path=%s: a vDPA device of virtio type %u, not a network device (%u)",
			   dev->name, dev->args.path, id, VIRTIO_ID_NET);
		return -ENOTSUP;
	}
	ret = VV_IOCTL(dev, vv, VHOST_GET_BACKEND_FEATURES, &bf);
	if (ret < 0)
		return ret;
	if (vxpath_vdpa_backend_features(bf, &chosen) < 0) {
		VXPATH_LOG(ERR, "%s: devarg path=%s: the kernel's vhost-vdpa lacks VHOST_BACKEND_F_IOTLB_MSG_V2 (back-end features %#" PRIx64 ")",
			   dev->name, dev->args.path, bf);
		return -ENOTSUP;
	}
	ret = VV_IOCTL(dev, vv, VHOST_SET_BACKEND_FEATURES, &chosen);
	if (ret < 0)
		return ret;
	vv->backend_features = chosen;

	ret = VV_IOCTL(dev, vv, VHOST_VDPA_GET_VRING_NUM, &num);
	if (ret < 0)
		return ret;
	if (num == 0) {
		VXPATH_LOG(ERR, "%s: devarg path=%s: the vDPA device reports rings of 0 descriptors",
			   dev->name, dev->args.path);
		return -EIO;
	}
	vv->vring_max = num;
	if (dev->args.queue_size > num) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u: the vDPA device %s takes rings of %u descriptors at most",
			   dev->name, VXPATH_ARG_QUEUE_SIZE,
			   dev->args.queue_size, dev->args.path, num);
		return -EINVAL;
	}
	/* Linux 5.18 on; before it, a network device has at least its
	 * first queue pair, all this back-end drives.
	 */
	if (ioctl(vv->fd, VHOST_VDPA_GET_VQS_COUNT, &count) < 0) {
		int err = errno;

		if (err != ENOTTY && err != EINVAL) {
			VXPATH_LOG(ERR, "%s: VHOST_VDPA_GET_VQS_COUNT on %s: %s",
				   dev->name, dev->args.path, strerror(err));
			vv_failed(dev, vv, err);
			return -err;
		}
		VXPATH_LOG(INFO, "%s: the kernel's vhost-vdpa cannot tell the virtqueue count (%s): counting on one queue pair",
			   dev->name, strerror(err));
		count = 2;
	}
	vv->vqs_count = count;
	if (count < 2) {
		VXPATH_LOG(ERR, "%s: devarg path=%s: the vDPA device has %u virtqueues, a network device at least 2",
			   dev->name, dev->args.path, count);
		return -EIO;
	}
	if (dev->args.queues > 1) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u: the vhost-vdpa back-end serves 1 queue pair (the device has %u virtqueues; multi-queue needs its control virtqueue, which vxpath serves itself)",
			   dev->name, VXPATH_ARG_QUEUES, dev->args.queues,
			   count);
		return -EINVAL;
	}
	/* Optional ioctls (older kernels): fall back to what is sure. */
	if (ioctl(vv->fd, VHOST_VDPA_GET_CONFIG_SIZE, &size) < 0 || size == 0)
		size = sizeof(struct virtio_net_config);
	vv->config_size = size;
	if (ioctl(vv->fd, VHOST_VDPA_GET_IOVA_RANGE, &vv->range) < 0) {
		vv->range.first = 0;
		vv->range.last = UINT64_MAX;
	} else if (vv->range.last < vv->range.first) {
		VXPATH_LOG(ERR, "%s: devarg path=%s: the vDPA device reports an empty IOVA range 0x%" PRIx64 "-0x%" PRIx64,
			   dev->name, dev->args.path,
			   (uint64_t)vv->range.first, (uint64_t)vv->range.last);
		return -EIO;
	}
	ret = vv_max_pairs(dev, vv, &pairs);
	if (ret < 0)
		return ret;
	VXPATH_LOG(INFO, "%s: vDPA network device %s: %u virtqueues of %u descriptors at most, %u queue pair(s), configuration space %u bytes, IOVA 0x%" PRIx64 "-0x%" PRIx64 ", back-end features %#" PRIx64,
		   dev->name, dev->args.path, count, num, pairs, size,
		   (uint64_t)vv->range.first, (uint64_t)vv->range.last,
		   chosen);
	return 0;
}

/*
 * Open the device, take ownership (the ring and IOTLB requests need it),
 * reset it (3.1.1 step 1), read what it is and can (vv_probe_device()),
 * and watch its configuration changes. See vhost.h.
 * Return: also -EBUSY if already set up, -ENOMEM, open()'s errno
 * (logged naming the path devarg), the errors of vv_probe_device().
 */
static int
vv_setup(struct vxpath_dev *dev)
{
	struct vv_backend *vv;
	uint8_t zero = 0;
	int fd, ret;

	if (dev->backend != NULL) {
		VXPATH_LOG(ERR, "%s: vhost-vdpa back-end already set up",
			   dev->name);
		return -EBUSY;
	}
	fd = open(dev->args.path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: devarg path=%s: %s%s", dev->name,
			   dev->args.path, strerror(-ret),
			   (ret == -EACCES || ret == -EPERM) ?
			   " (needs root or access to the device node)" :
			   ret == -EBUSY ? " (another process holds it)" : "");
		return ret;
	}
	vv = calloc(1, sizeof(*vv));
	if (vv == NULL) {
		close(fd);
		return -ENOMEM;
	}
	vv->fd = fd;
	vv->config_fd = -1;
	pthread_mutex_init(&vv->lock, NULL);
	dev->backend = vv;

	ret = VV_IOCTL(dev, vv, VHOST_SET_OWNER, NULL);
	if (ret == 0)
		ret = VV_IOCTL(dev, vv, VHOST_VDPA_SET_STATUS, &zero);
	if (ret == 0)
		ret = vv_probe_device(dev, vv);
	if (ret < 0)
		goto fail;

	vv->config_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vv->config_fd < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: eventfd: %s", dev->name, strerror(-ret));
		goto fail;
	}
	ret = VV_IOCTL(dev, vv, VHOST_VDPA_SET_CONFIG_CALL, &vv->config_fd);
	if (ret == 0)
		ret = vxpath_watch_start(&vv->config_watch, vv->config_fd,
					 vv_config_cb, dev, dev->name,
					 "vDPA config eventfd");
	if (ret < 0)
		goto fail;
	return 0;
fail:
	vv_destroy(dev);
	return ret;
}

/*
 * Stop the config watch (waits for a callback in progress: never with
 * ctrl_lock held, vhost.h), close the fd: the kernel then resets the
 * device and drops its IOTLB. See vhost.h.
 */
static void
vv_destroy(struct vxpath_dev *dev)
{
	struct vv_backend *vv = dev->backend;

	if (vv == NULL)
		return;
	vxpath_watch_stop(&vv->config_watch);
	if (vv->fd >= 0)
		close(vv->fd);
	if (vv->config_fd >= 0)
		close(vv->config_fd);
	pthread_mutex_destroy(&vv->lock);
	free(vv);
	dev->backend = NULL;
}

/* Ownership was taken at setup(): nothing more (vhost.h). */
static int
vv_set_owner(struct vxpath_dev *dev)
{
	return vv_get(dev) != NULL ? 0 : -ENOTCONN;
}

/*
 * VHOST_GET_FEATURES: the device's bits, without those of the transport
 * (VV_FEATURES_TRANSPORT). See vhost.h.
 */
static int
vv_get_features(struct vxpath_dev *dev, uint64_t *features)
{
	struct vv_backend *vv = vv_get(dev);
	uint64_t f = 0;
	int ret;

	if (vv == NULL)
		return -ENOTCONN;
	ret = VV_IOCTL(dev, vv, VHOST_GET_FEATURES, &f);
	if (ret < 0)
		return ret;
	vv->offered = f;
	*features = f & ~VV_FEATURES_TRANSPORT;
	return 0;
}

/**
 * Set one device status on the device (@status as the kernel takes it:
 * only a reset clears bits). A reset also drops the IOTLB: the memory
 * generation moves on, and an invalidation of the whole IOVA space
 * makes sure none of an old mapping stays for the new table; and it
 * arms the configuration interrupt again (a parent may drop its config
 * callback at reset, as VDUSE does). A non-zero status is read back with
 * VHOST_VDPA_GET_STATUS: the parent's set_status returns nothing, so a
 * SET_STATUS that succeeds says only that the kernel passed it on
 * (virtio 1.2 3.1.1: FEATURES_OK is the caller's to check); the status
 * it reads is then the one kept (@vv->status), FEATURES_OK included.
 * Return: 0; -EIO when the device reports a bit written as missing, or
 * NEEDS_RESET or FAILED (logged); the ioctl's negative errno (logged).
 */
static int
vv_status_write(struct vxpath_dev *dev, struct vv_backend *vv, uint8_t status)
{
	uint8_t got = 0, want;
	int ret;

	ret = VV_IOCTL(dev, vv, VHOST_VDPA_SET_STATUS, &status);
	if (ret < 0)
		return ret;
	vv->status = status;
	if (status == 0) {
		vv->features_set = false;
		pthread_mutex_lock(&vv->lock);
		/* A memory sync's batch ends here: what it sends after this
		 * is stale (-ESTALE), the next start maps memory anew.
		 */
		if (vv->batch_open) {
			vv->batch_open = false;
			(void)vv_iotlb_write(dev, vv, VHOST_IOTLB_BATCH_END,
					     0, 0);
		}
		vv->generation++;
		/* The kernel refuses an INVALIDATE before any UPDATE; one
		 * that fails leaves the mapping to the next reset.
		 */
		if (vv->mapped &&
		    vv_iotlb(dev, vv, VHOST_IOTLB_INVALIDATE, 0,
			     UINT64_MAX) == 0)
			vv->mapped = false;
		pthread_mutex_unlock(&vv->lock);
		if (vv->config_fd >= 0)
			(void)VV_IOCTL(dev, vv, VHOST_VDPA_SET_CONFIG_CALL,
				       &vv->config_fd);
		return 0;
	}
	ret = VV_IOCTL(dev, vv, VHOST_VDPA_GET_STATUS, &got);
	if (ret < 0)
		return ret;
	vv->status = got;
	want = status & ~VIRTIO_CONFIG_S_FEATURES_OK;
	if ((got & want) != want ||
	    (got & (VIRTIO_CONFIG_S_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED))) {
		VXPATH_LOG(ERR, "%s: the vDPA device did not take status 0x%02x: it reports 0x%02x",
			   dev->name, status, got);
		return -EIO;
	}
	return 0;
}

/**
 * After a reset: 3.1.1 steps 2-6 again with the features last set, up to
 * @status (ACKNOWLEDGE, DRIVER, features, FEATURES_OK checked with
 * GET_STATUS, then any bit above). On failure @vv->status is what the
 * device last reported, so that the next status change starts over from
 * a reset (vv_set_status()).
 * Return: 0; -ENOTSUP when the device drops FEATURES_OK; an ioctl's
 * negative errno (logged).
 */
static int
vv_renegotiate(struct vxpath_dev *dev, struct vv_backend *vv, uint8_t status,
	       uint64_t features)
{
	uint8_t st = status & (VIRTIO_CONFIG_S_ACKNOWLEDGE |
			       VIRTIO_CONFIG_S_DRIVER);
	int ret;

	ret = vv_status_write(dev, vv, 0);
	if (ret == 0 && st != 0)
		ret = vv_status_write(dev, vv, st);
	if (ret < 0 || !(status & VIRTIO_CONFIG_S_FEATURES_OK))
		return ret;
	ret = VV_IOCTL(dev, vv, VHOST_SET_FEATURES, &features);
	if (ret < 0)
		return ret;
	vv->features = features;
	vv->features_set = true;
	ret = vv_status_write(dev, vv, st | VIRTIO_CONFIG_S_FEATURES_OK);
	if (ret < 0)
		return ret;
	if (!(vv->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		VXPATH_LOG(ERR, "%s: the vDPA device refuses features %#" PRIx64 " (status 0x%02x)",
			   dev->name, features, vv->status);
		return -ENOTSUP;
	}
	if (status & ~VV_STATUS_NEGOTIATED)
		ret = vv_status_write(dev, vv, status);
	return ret;
}

/**
 * Reset a broken device, once (status 0: virtio 1.2 2.4), so that it
 * lets go of the rings; the kernel's vhost-vdpa resets its parent and
 * returns the parent's error. Called from the ops that stop the rings
 * and the device (ctrl_lock held).
 * Return: 0 when the device took the reset; -ENODEV when it refused it
 * (logged the first time): the rings may still be its.
 */
static int
vv_release(struct vxpath_dev *dev, struct vv_backend *vv)
{
	if (vv->release_tried)
		return vv->released ? 0 : -ENODEV;
	vv->release_tried = true;
	if (vv_status_write(dev, vv, 0) < 0) {
		VXPATH_LOG(ERR, "%s: the vDPA device %s refused a reset after it broke: its rings stay its own",
			   dev->name, dev->args.path);
		return -ENODEV;
	}
	vv->released = true;
	VXPATH_LOG(INFO, "%s: the broken vDPA device %s took a reset: it holds no rings now",
		   dev->name, dev->args.path);
	return 0;
}

/*
 * VHOST_SET_FEATURES, with VIRTIO_F_ACCESS_PLATFORM, VIRTIO_NET_F_MAC
 * and VIRTIO_NET_F_STATUS where offered. The
 * kernel takes features only before FEATURES_OK: the same features again
 * then need nothing; others a reset and a new negotiation
 * (vv_renegotiate()). See vhost.h.
 * Return: also -EINVAL for bits the device did not offer (logged).
 */
static int
vv_set_features(struct vxpath_dev *dev, uint64_t features)
{
	struct vv_backend *vv = vv_get(dev);
	uint64_t f;
	int ret;

	if (vv == NULL)
		return -ENOTSUP;
	f = features | (vv->offered & (VV_FEATURES_TRANSPORT |
				       VV_FEATURES_CONFIG));
	if (f & ~vv->offered) {
		VXPATH_LOG(ERR, "%s: features %#" PRIx64 " were not offered by the vDPA device",
			   dev->name, f & ~vv->offered);
		return -EINVAL;
	}
	if (vv->status & VIRTIO_CONFIG_S_FEATURES_OK) {
		if (vv->features_set && vv->features == f)
			return 0;
		VXPATH_LOG(INFO, "%s: features %#" PRIx64 " -> %#" PRIx64 ": resetting the vDPA device to negotiate them",
			   dev->name, vv->features, f);
		return vv_renegotiate(dev, vv, vv->status, f);
	}
	ret = VV_IOCTL(dev, vv, VHOST_SET_FEATURES, &f);
	if (ret == 0) {
		vv->features = f;
		vv->features_set = true;
	}
	return ret;
}

/*
 * VHOST_VDPA_SET_STATUS (virtio 1.2 2.1, 3.1.1). Status 0 resets the
 * device (and its IOTLB); a status that withdraws a bit (DRIVER_OK at
 * port stop), or that goes past FEATURES_OK the device does not hold
 * (a negotiation that failed half-way), is a reset and a new negotiation
 * up to it. A broken device takes only a reset (vv_release()). See
 * vhost.h.
 * Return: also -ENODEV for a broken device (a non-zero status logged;
 * a reset as vv_release()).
 */
static int
vv_set_status(struct vxpath_dev *dev, uint8_t status)
{
	struct vv_backend *vv = vv_get(dev);
	uint8_t fok = VIRTIO_CONFIG_S_FEATURES_OK;

	if (vv == NULL)
		return -ENOTCONN;
	if (__atomic_load_n(&vv->broken, __ATOMIC_ACQUIRE)) {
		if (status == 0)
			return vv_release(dev, vv);
		if (status & VIRTIO_CONFIG_S_DRIVER_OK)
			VXPATH_LOG(ERR, "%s: the vDPA device %s is broken (see above): the port cannot start on it; close it",
				   dev->name, dev->args.path);
		return -ENODEV;
	}
	if (status != 0 && ((vv->status & ~status) != 0 ||
			    ((status & fok) && !(vv->status & fok) &&
			     (status & ~VV_STATUS_NEGOTIATED) != 0)))
		return vv_renegotiate(dev, vv, status, vv->features);
	return vv_status_write(dev, vv, status);
}

/* VHOST_VDPA_GET_STATUS. See vhost.h. */
static int
vv_get_status(struct vxpath_dev *dev, uint8_t *status)
{
	struct vv_backend *vv = vv_get(dev);

	if (vv == NULL)
		return -ENOTCONN;
	return VV_IOCTL(dev, vv, VHOST_VDPA_GET_STATUS, status);
}

/*
 * VHOST_VDPA_GET_CONFIG of @size bytes at @offset, the window checked
 * against the device's configuration size first. Bytes past the end of
 * the device's space (a device without VIRTIO_NET_F_MTU may end before
 * mtu, 5.1.4) read as 0. See vhost.h.
 * Return: also -ENOMEM; -EIO for a window that starts past the device's
 * space, a broken device or a refused read (the device layer then serves
 * its own configuration).
 */
static int
vv_get_config(struct vxpath_dev *dev, uint32_t offset, void *buf,
	      uint32_t size)
{
	struct vv_backend *vv = vv_get(dev);
	struct vhost_vdpa_config *c;
	uint32_t len = 0;
	int ret;

	if (vv == NULL)
		return -ENOTCONN;
	ret = vxpath_vdpa_config_window(offset, size, vv->config_size, &len);
	if (ret == -EINVAL)
		return ret;
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: configuration window %u+%u is outside the vDPA device's %u bytes",
			   dev->name, offset, size, vv->config_size);
		return -EIO;
	}
	if (__atomic_load_n(&vv->broken, __ATOMIC_ACQUIRE))
		return -EIO;
	c = calloc(1, sizeof(*c) + len);
	if (c == NULL)
		return -ENOMEM;
	c->off = offset;
	c->len = len;
	ret = VV_IOCTL(dev, vv, VHOST_VDPA_GET_CONFIG, c);
	if (ret == 0) {
		memset(buf, 0, size);
		memcpy(buf, c->buf, len);
	}
	free(c);
	return ret < 0 ? -EIO : 0;
}

/* See vhost.h: the IOTLB takes regions one at a time, no fds. */
static int
vv_mem_limits(struct vxpath_dev *dev, struct vxpath_mem_limits *lim)
{
	struct vv_backend *vv = dev->backend;

	if (vv == NULL || __atomic_load_n(&vv->broken, __ATOMIC_ACQUIRE))
		return -ENOTCONN;
	pthread_mutex_lock(&vv->lock);
	lim->max_regions = VV_MAX_REGIONS;
	lim->limit_name = "the vhost-vdpa back-end's IOTLB bound";
	lim->need_fd = false;
	lim->by_region = true;
	lim->generation = vv->generation;
	pthread_mutex_unlock(&vv->lock);
	return 0;
}

/**
 * Map (VHOST_IOTLB_UPDATE) or unmap (VHOST_IOTLB_INVALIDATE) one region,
 * IOVA = our virtual address, in @generation only.
 * Return: as add_mem_region() in vhost.h.
 */
static int
vv_mem_region(struct vxpath_dev *dev, const struct vxpath_mem_region *region,
	      uint64_t generation, uint32_t type)
{
	struct vv_backend *vv = dev->backend;
	int ret;

	if (vv == NULL)
		return -ENOTCONN;
	pthread_mutex_lock(&vv->lock);
	if (generation != vv->generation)
		ret = -ESTALE;
	else
		ret = vv_iotlb(dev, vv, type, region->addr, region->size);
	if (ret == 0 && type == VHOST_IOTLB_UPDATE)
		vv->mapped = true;
	pthread_mutex_unlock(&vv->lock);
	if (ret == 0)
		VXPATH_LOG(DEBUG, "%s: IOTLB %s 0x%" PRIx64 ", %" PRIu64 " bytes",
			   dev->name, type == VHOST_IOTLB_UPDATE ? "map" :
			   "unmap", region->addr, region->size);
	return ret;
}

/*
 * VHOST_IOTLB_BATCH_BEGIN (@begin) or END around one memory sync, where
 * batches are negotiated; only the generation is checked otherwise. See
 * vhost.h.
 */
static int
vv_mem_batch(struct vxpath_dev *dev, bool begin, uint64_t generation)
{
	struct vv_backend *vv = dev->backend;
	int ret = 0;

	if (vv == NULL)
		return -ENOTCONN;
	pthread_mutex_lock(&vv->lock);
	if (generation != vv->generation) {
		/* A reset since the BEGIN closed the batch (vv_status_write). */
		ret = begin ? -ESTALE : 0;
	} else if (begin && vv_batching(vv) && !vv->batch_open) {
		ret = vv_iotlb_write(dev, vv, VHOST_IOTLB_BATCH_BEGIN, 0, 0);
		vv->batch_open = ret == 0;
	} else if (!begin && vv->batch_open) {
		vv->batch_open = false;
		ret = vv_iotlb_write(dev, vv, VHOST_IOTLB_BATCH_END, 0, 0);
	}
	pthread_mutex_unlock(&vv->lock);
	return ret;
}

/* VHOST_IOTLB_UPDATE of one region. See vhost.h. */
static int
vv_add_mem_region(struct vxpath_dev *dev,
		  const struct vxpath_mem_region *region, uint64_t generation)
{
	return vv_mem_region(dev, region, generation, VHOST_IOTLB_UPDATE);
}

/* VHOST_IOTLB_INVALIDATE of one region. See vhost.h. */
static int
vv_rem_mem_region(struct vxpath_dev *dev,
		  const struct vxpath_mem_region *region, uint64_t generation)
{
	return vv_mem_region(dev, region, generation, VHOST_IOTLB_INVALIDATE);
}

/**
 * Check a vring index against the device's virtqueues.
 * Return: the state; NULL (logged) for no set-up or an index beyond them.
 */
static struct vv_backend *
vv_ring(struct vxpath_dev *dev, unsigned int index)
{
	struct vv_backend *vv = vv_get(dev);

	if (vv != NULL && index >= vv->vqs_count) {
		VXPATH_LOG(ERR, "%s: vring %u out of range (the vDPA device has %u)",
			   dev->name, index, vv->vqs_count);
		return NULL;
	}
	return vv;
}

/* VHOST_SET_VRING_NUM, at most what the device takes. See vhost.h. */
static int
vv_set_vring_num(struct vxpath_dev *dev, const struct vhost_vring_state *state)
{
	struct vv_backend *vv = vv_ring(dev, state->index);
	struct vhost_vring_state s = *state;

	if (vv == NULL)
		return -EINVAL;
	if (s.num > vv->vring_max) {
		VXPATH_LOG(ERR, "%s: virtqueue %u: %u descriptors, the vDPA device takes %u at most (devarg %s=, or the queue's nb_desc)",
			   dev->name, s.index, s.num, vv->vring_max,
			   VXPATH_ARG_QUEUE_SIZE);
		return -EINVAL;
	}
	return VV_IOCTL(dev, vv, VHOST_SET_VRING_NUM, &s);
}

/* VHOST_SET_VRING_BASE. See vhost.h. */
static int
vv_set_vring_base(struct vxpath_dev *dev,
		  const struct vhost_vring_state *state)
{
	struct vv_backend *vv = vv_ring(dev, state->index);
	struct vhost_vring_state s = *state;

	return vv == NULL ? -EINVAL : VV_IOCTL(dev, vv, VHOST_SET_VRING_BASE, &s);
}

/*
 * VHOST_GET_VRING_BASE. A broken device's rings are stopped by a reset
 * instead (vv_release(), once for all of them): a reset device keeps no
 * ring state (virtio 1.2 2.4), state->num is then 0. See vhost.h.
 * Return: also -ENODEV for a broken device that refused the reset.
 */
static int
vv_get_vring_base(struct vxpath_dev *dev, struct vhost_vring_state *state)
{
	struct vv_backend *vv = vv_ring(dev, state->index);
	int ret;

	if (vv == NULL)
		return -EINVAL;
	if (__atomic_load_n(&vv->broken, __ATOMIC_ACQUIRE)) {
		ret = vv_release(dev, vv);
		if (ret == 0)
			state->num = 0;
		return ret;
	}
	return VV_IOCTL(dev, vv, VHOST_GET_VRING_BASE, state);
}

/*
 * VHOST_SET_VRING_ADDR: the addresses are IOVAs, equal to our virtual
 * addresses by the identity mapping (file comment). See vhost.h.
 */
static int
vv_set_vring_addr(struct vxpath_dev *dev, const struct vhost_vring_addr *addr)
{
	struct vv_backend *vv = vv_ring(dev, addr->index);
	struct vhost_vring_addr a = *addr;

	a.flags = 0;
	a.log_guest_addr = 0;
	return vv == NULL ? -EINVAL : VV_IOCTL(dev, vv, VHOST_SET_VRING_ADDR, &a);
}

/* VHOST_SET_VRING_KICK. See vhost.h. */
static int
vv_set_vring_kick(struct vxpath_dev *dev, const struct vhost_vring_file *file)
{
	struct vv_backend *vv = vv_ring(dev, file->index);
	struct vhost_vring_file f = *file;

	return vv == NULL ? -EINVAL : VV_IOCTL(dev, vv, VHOST_SET_VRING_KICK, &f);
}

/* VHOST_SET_VRING_CALL. See vhost.h. */
static int
vv_set_vring_call(struct vxpath_dev *dev, const struct vhost_vring_file *file)
{
	struct vv_backend *vv = vv_ring(dev, file->index);
	struct vhost_vring_file f = *file;

	return vv == NULL ? -EINVAL : VV_IOCTL(dev, vv, VHOST_SET_VRING_CALL, &f);
}

/*
 * VHOST_VDPA_SET_VRING_ENABLE on the pair's receiveq and transmitq.
 * Disabling a broken device sends nothing. See vhost.h.
 */
static int
vv_enable_queue_pair(struct vxpath_dev *dev, uint16_t pair, bool enable)
{
	struct vv_backend *vv = vv_ring(dev, 2u * pair + 1);
	unsigned int i;
	int ret;

	if (vv == NULL)
		return -EINVAL;
	if (!enable && __atomic_load_n(&vv->broken, __ATOMIC_ACQUIRE))
		return 0;
	for (i = 0; i < 2; i++) {
		struct vhost_vring_state s = {
			.index = 2u * pair + i, .num = enable ? 1 : 0,
		};

		ret = VV_IOCTL(dev, vv, VHOST_VDPA_SET_VRING_ENABLE, &s);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * The device answers (vhost.h, link_up). Its own link status, from the
 * configuration space, is the device layer's (backend_link_down).
 */
static bool
vv_link_up(struct vxpath_dev *dev)
{
	struct vv_backend *vv = dev->backend; /* quiet: may be before setup */

	return vv != NULL && !__atomic_load_n(&vv->broken, __ATOMIC_ACQUIRE);
}

/*
 * The device's IOTLB could not follow a change of DPDK memory (memory.c
 * logged why): buffers may now lie where it cannot reach, so it serves
 * the port no more (vhost.h, mem_failed). Nothing when @generation is no
 * longer the device's (a reset since, which maps the whole table again).
 */
static void
vv_mem_failed(struct vxpath_dev *dev, uint64_t generation)
{
	struct vv_backend *vv = dev->backend;
	bool current;

	if (vv == NULL)
		return;
	pthread_mutex_lock(&vv->lock);
	current = generation == vv->generation;
	pthread_mutex_unlock(&vv->lock);
	if (current)
		vv_mark_broken(dev, vv,
			       "cannot map memory DPDK added (its IOTLB refused it)");
}

/** The vhost-vdpa back-end: /dev/vhost-vdpa-N, a vDPA network device. */
const struct vxpath_vhost_ops vxpath_vhost_vdpa_ops = {
	.name = "vhost-vdpa",
	.setup = vv_setup,
	.destroy = vv_destroy,
	.set_owner = vv_set_owner,
	.get_features = vv_get_features,
	.set_features = vv_set_features,
	.mem_limits = vv_mem_limits,
	.add_mem_region = vv_add_mem_region,
	.rem_mem_region = vv_rem_mem_region,
	.mem_batch = vv_mem_batch,
	.mem_failed = vv_mem_failed,
	.set_vring_num = vv_set_vring_num,
	.set_vring_base = vv_set_vring_base,
	.get_vring_base = vv_get_vring_base,
	.set_vring_addr = vv_set_vring_addr,
	.set_vring_kick = vv_set_vring_kick,
	.set_vring_call = vv_set_vring_call,
	.enable_queue_pair = vv_enable_queue_pair,
	.link_up = vv_link_up,
	.set_status = vv_set_status,
	.get_status = vv_get_status,
	.get_config = vv_get_config,
};
