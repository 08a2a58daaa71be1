/* SPDX-License-Identifier: MIT */
/* libzx: zx_status_get_string(), as in Fuchsia's <zircon/status.h>. */
#ifndef ZIRCON_STATUS_H_
#define ZIRCON_STATUS_H_

#include <zircon/types.h>

__BEGIN_CDECLS

/*
 * The symbolic name of a status ("ZX_OK", "ZX_ERR_PEER_CLOSED", ...), or
 * "(UNKNOWN)" for a value without a name.  The string is static.
 */
const char *zx_status_get_string(zx_status_t status);

__END_CDECLS

#endif /* ZIRCON_STATUS_H_ */
