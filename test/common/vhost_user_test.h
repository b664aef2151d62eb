/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * What the tests of the vhost-user back-end (test/unit/test_vhost_user_msg.c,
 * test/fuzz/fuzz_vhost_user.c) reach inside it beyond the driver's headers:
 * functions of the message layer (drivers/net/vxpath/vhost_user_msg.c) that
 * only the tests call, and the stubs of what the back-end's files call
 * outside themselves (vhost_user_stubs.c, linked into both). Never included
 * by the driver.
 */
#ifndef VXPATH_TEST_VHOST_USER_TEST_H
#define VXPATH_TEST_VHOST_USER_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "vhost_user.h"

/**
 * The request table's row for @request (vhost_user.h, struct
 * vxpath_vu_request_info).
 * Return: the row (static storage); NULL for a code vxpath never sends.
 */
const struct vxpath_vu_request_info *vxpath_vu_request_info(uint32_t request);

/**
 * Payload size, in bytes, of a valid reply to @request: its own reply, or
 * the u64 of a REPLY_ACK. 0 for a request vxpath does not send. GET_CONFIG's
 * reply has the size of its request (vxpath_vu_config_check()): this gives
 * the largest.
 */
uint32_t vxpath_vu_reply_size(uint32_t request);

/**
 * Fill @msg's header for @request with @size bytes of payload, version 1,
 * need_reply when @need_reply. The payload is left as it is.
 */
void vxpath_vu_msg_init(struct vxpath_vu_msg *msg, uint32_t request,
			uint32_t size, bool need_reply);

#endif /* VXPATH_TEST_VHOST_USER_TEST_H */
