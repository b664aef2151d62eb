/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The gateway's log: one rte_log type, "app.vxpath_gw" (EAL's
 * --log-level=app.vxpath_gw:debug), each line prefixed "gateway: ".
 */
#ifndef VXPATH_GW_LOG_H
#define VXPATH_GW_LOG_H

#include <rte_log.h>

extern int gw_logtype;

#define GW_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, gw_logtype, "gateway: " fmt "\n", \
		##__VA_ARGS__)

#endif /* VXPATH_GW_LOG_H */
