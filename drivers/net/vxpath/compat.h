/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * What differs between the DPDK releases vxpath builds for: 22.11 (Debian 12),
 * 24.11 (Debian 13) and 25.11 (Debian forky/sid). Every test of RTE_VERSION
 * in the tree is in this file; the rest of the code uses the names below and
 * reads the same on every release. A plugin is built for one release series
 * (the driver ABI of DPDK's internal API changes between series) and
 * compat.c refuses to run it in a process of another series.
 *
 * Differences handled here:
 *  - rte_is_power_of_2() is in rte_common.h up to 23.11 and in rte_bitops.h
 *    from 24.11 on: both headers are included (rte_bitops.h exists in 22.11
 *    too), so callers include this file and need no test.
 *  - The IPv6 header's addresses are uint8_t[16] up to 24.07 and a
 *    struct rte_ipv6_addr from 24.11 on: VXPATH_IPV6_ADDR_BYTES().
 *  - The stats_get dev_op takes a third argument from 25.11 on, a
 *    struct eth_queue_stats (may be NULL) that holds the per-queue
 *    counters struct rte_eth_stats held before: VXPATH_STATS_GET_PARAMS()
 *    and VXPATH_QUEUE_STATS().
 *  - RTE_PMD_EXPORT_NAME names its marker symbol this_pmd_name<driver>
 *    from 25.11 on, this_pmd_name<counter> before: no code here, read by
 *    buildtools/pmdinfogen.py.
 */
#ifndef VXPATH_COMPAT_H
#define VXPATH_COMPAT_H

#include <rte_bitops.h>
#include <rte_common.h>
#include <rte_version.h>

/** The first DPDK release whose IPv6 header uses struct rte_ipv6_addr. */
#define VXPATH_DPDK_IPV6_ADDR_STRUCT RTE_VERSION_NUM(24, 11, 0, 0)
/** The first DPDK release whose stats_get dev_op has the queue stats. */
#define VXPATH_DPDK_QUEUE_STATS_ARG RTE_VERSION_NUM(25, 11, 0, 0)

/**
 * VXPATH_IPV6_ADDR_BYTES - the 16 bytes of an address of struct rte_ipv6_hdr
 * @addr: the src_addr or dst_addr member (an lvalue)
 *
 * Return: a uint8_t array of 16 bytes, network order, writable if @addr is.
 */
#if RTE_VERSION >= VXPATH_DPDK_IPV6_ADDR_STRUCT
#define VXPATH_IPV6_ADDR_BYTES(addr) ((addr).a)
#else
#define VXPATH_IPV6_ADDR_BYTES(addr) (addr)
#endif

/**
 * VXPATH_STATS_GET_PARAMS - the parameter list of a stats_get dev_op
 * @dev: name of the struct rte_eth_dev * parameter
 * @stats: name of the struct rte_eth_stats * parameter (device totals)
 * @qstats: name of the per-queue counters parameter, which exists from
 *          DPDK 25.11 on only; the body reaches it through
 *          VXPATH_QUEUE_STATS(), never by this name.
 */
#if RTE_VERSION >= VXPATH_DPDK_QUEUE_STATS_ARG
#define VXPATH_STATS_GET_PARAMS(dev, stats, qstats) \
	struct rte_eth_dev *dev, struct rte_eth_stats *stats, \
	struct eth_queue_stats *qstats
/** The structure that holds the q_ipackets[]... arrays. */
typedef struct eth_queue_stats vxpath_queue_stats_out_t;
/**
 * VXPATH_QUEUE_STATS - where a stats_get dev_op writes per-queue counters
 * @stats: the struct rte_eth_stats * parameter
 * @qstats: the per-queue parameter named in VXPATH_STATS_GET_PARAMS()
 *
 * Return: a vxpath_queue_stats_out_t * with the members q_ipackets,
 * q_opackets, q_ibytes, q_obytes and q_errors (RTE_ETHDEV_QUEUE_STAT_CNTRS
 * entries each); NULL when the caller wants no per-queue counters
 * (DPDK 25.11 and later may pass NULL).
 */
#define VXPATH_QUEUE_STATS(stats, qstats) (qstats)
#else
#define VXPATH_STATS_GET_PARAMS(dev, stats, qstats) \
	struct rte_eth_dev *dev, struct rte_eth_stats *stats
typedef struct rte_eth_stats vxpath_queue_stats_out_t;
#define VXPATH_QUEUE_STATS(stats, qstats) (stats)
#endif

/**
 * vxpath_dpdk_built_for - the DPDK version this plugin was compiled against
 *
 * Return: a static string such as "22.11.11", from the headers of the build
 * (RTE_VER_YEAR, RTE_VER_MONTH, RTE_VER_MINOR).
 */
const char *vxpath_dpdk_built_for(void);

/**
 * vxpath_dpdk_running - the DPDK version of the process the plugin is in
 *
 * Looked up once, at load, by name in the process's global symbol scope
 * (the application's own librte_eal), not through the plugin's links,
 * which name the release it was built for.
 *
 * Return: a static string such as "DPDK 24.11.8", or "unknown" where the
 * process exports no rte_version (a statically linked application).
 */
const char *vxpath_dpdk_running(void);

#endif /* VXPATH_COMPAT_H */
