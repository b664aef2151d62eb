/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The memory table of a vxpath device: the process's DPDK memory described
 * to its vhost back-end as regions, built from DPDK's memory segments and
 * kept in line with memory hot-plug (DPDK allocating or freeing hugepages
 * while the port runs) for every back-end alike. Addresses in descriptors
 * are the process's virtual addresses, so each region's guest address
 * equals its user address.
 *
 * memory.c owns the memory event callback (rte_mem_event_callback_register)
 * of each device and the record of the regions its back-end holds; it
 * reaches the back-end only through the vhost ops (vhost.h: mem_limits,
 * set_mem_table, add_mem_region, rem_mem_region, mem_failed).
 */
#ifndef VXPATH_MEMORY_H
#define VXPATH_MEMORY_H

#include <stdbool.h>
#include <stdint.h>

struct vxpath_dev;

/** One contiguous range of DPDK memory. */
struct vxpath_mem_region {
	uint64_t addr;       /**< start, our virtual address */
	uint64_t size;       /**< bytes */
	int fd;              /**< backing file, -1 if none; not owned (EAL's) */
	uint64_t fd_offset;  /**< bytes from the file's start to @addr */
};

/**
 * What a back-end takes of a memory table (vhost.h, ops->mem_limits),
 * on its current connection.
 */
struct vxpath_mem_limits {
	/** Regions the back-end maps at once, at most (at least 1). */
	unsigned int max_regions;
	/** What sets @max_regions, for the log line when memory has more
	 * pieces ("VHOST_USER_GET_MAX_MEM_SLOTS", ...).
	 */
	const char *limit_name;
	/** Every region needs its file (vhost-user maps the memory through
	 * fds): segments merge only within a file, and memory without one
	 * cannot be shared.
	 */
	bool need_fd;
	/** Regions are added and removed one at a time (ops->add_mem_region
	 * and rem_mem_region: vhost-user CONFIGURE_MEM_SLOTS); otherwise the
	 * whole table is replaced (ops->set_mem_table).
	 */
	bool by_region;
	/** Changes each time the back-end loses the memory table it was
	 * given (vhost-user: a new or dropped connection, RESET_DEVICE):
	 * memory.c then describes the memory whole again at the next start.
	 */
	uint64_t generation;
};

/**
 * At each start of the device (vxpath_virtio_net_start(), also when a
 * new connection takes a started port over), before the rings: give the
 * back-end the memory table, whole (set_mem_table) or, for a back-end
 * that takes regions one at a time, the ADD/REM that bring what it holds
 * in line with DPDK memory; built with EAL's memory hot-plug lock
 * read-locked so that no allocation slips between the walk of the memory
 * segments and the back-end. The first call registers the device's memory
 * event callback: from then on every allocation or free of DPDK memory
 * reaches the back-end the same way, before the freed memory goes (a back-end
 * that cannot follow is told with ops->mem_failed).
 * Lock order: dev->ctrl_lock (held by the caller), EAL's memory hot-plug
 * lock, this device's memory lock, the back-end's exchange lock.
 * Return: 0; -E2BIG when DPDK memory is in more pieces than the back-end
 * maps (one log line says what to run EAL with); -ENOTSUP when the
 * back-end needs fds and some memory has none (--no-huge); -ENOENT with no
 * DPDK memory at all; -ENOMEM; the back-end's error (-ENOTCONN, -EIO,
 * -ETIMEDOUT, the errno of a refused ioctl). Logged.
 */
int vxpath_memory_start(struct vxpath_dev *dev);

/**
 * At close, before the back-end is destroyed: stop following memory
 * hot-plug (a callback running in another thread is waited for: not to
 * be called with dev->ctrl_lock held) and free the record. Safe when
 * vxpath_memory_start() never ran.
 */
void vxpath_memory_release(struct vxpath_dev *dev);

/**
 * Whether EAL keeps one file per hugepage smaller than 1 GB (hugepages,
 * no --single-file-segments, a memory segment list of such pages): then
 * each page of DPDK memory is a region of its own for a back-end that
 * maps memory through fds, and memory soon outgrows 8 regions.
 */
bool vxpath_memory_fd_per_small_page(void);

#endif /* VXPATH_MEMORY_H */
