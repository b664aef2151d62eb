/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Registration of the driver's log type. Kept apart so that the unit tests,
 * which link single files of the driver without an ethdev, have it too.
 */
#include "vxpath_log.h"

RTE_LOG_REGISTER(vxpath_logtype, pmd.net.vxpath, NOTICE);
