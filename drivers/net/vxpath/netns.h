/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The network namespace of a TAP (netns= devarg, vhost-kernel only). A
 * namespace is held as an open file of nsfs (/run/netns/NAME as `ip netns
 * add` makes it, or any path such as /proc/PID/ns/net). The control path
 * enters it on the calling thread (setns(2) with CLONE_NEWNET changes the
 * calling thread only) for the few calls that name the TAP (opening
 * /dev/net/tun, which creates the TAP in the caller's namespace; interface
 * ioctls; rtnetlink sockets, which stay bound to the namespace they were
 * opened in), and goes back at once. An fd of the TAP keeps working from
 * any namespace. Nothing here logs but a failure to go back.
 */
#ifndef VXPATH_NETNS_H
#define VXPATH_NETNS_H

#include <stddef.h>

/** Directory of named namespaces (iproute2's `ip netns add NAME`). */
#define VXPATH_NETNS_RUN_DIR "/run/netns"

/**
 * The path of namespace @spec: @spec itself when it begins with '/', else
 * VXPATH_NETNS_RUN_DIR "/" @spec.
 * @path: out, @size bytes, NUL-terminated.
 * Return: 0; -ENAMETOOLONG if it does not fit @size bytes.
 */
int vxpath_netns_path(const char *spec, char *path, size_t size);

/**
 * Open the network namespace at @path (read-only, close-on-exec) and
 * check that it is one (ioctl NS_GET_NSTYPE, Linux 4.11).
 * Return: the fd, owned by the caller; a negative errno: open()'s
 * (-ENOENT: no such namespace), or -EINVAL: the file is not a network
 * namespace.
 */
int vxpath_netns_open(const char *path);

/**
 * Move the calling thread into the network namespace @nsfd; a no-op for
 * @nsfd < 0 (no namespace asked for). Pair with vxpath_netns_leave().
 * @home: out, an fd of the thread's namespace before the call (-1 when
 *        @nsfd < 0), for vxpath_netns_leave(), which closes it.
 * Return: 0; a negative errno (-EPERM: no CAP_SYS_ADMIN; -EINVAL: @nsfd
 * is not a network namespace; open()'s errno for /proc/thread-self); the
 * thread is then where it was and @home is -1.
 */
int vxpath_netns_enter(int nsfd, int *home);

/**
 * Move the calling thread back into @home (from vxpath_netns_enter())
 * and close it; a no-op for @home < 0. errno is kept as the caller left
 * it. A failure (never seen: the thread left that namespace a moment ago)
 * is logged at CRIT level: the thread stays in the TAP's namespace.
 */
void vxpath_netns_leave(int home);

#endif /* VXPATH_NETNS_H */
