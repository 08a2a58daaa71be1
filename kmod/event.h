/* SPDX-License-Identifier: GPL-2.0 */
/* zx: events and eventpairs (event.c). */
#ifndef _ZX_EVENT_H
#define _ZX_EVENT_H

struct zx_object;

int zx_event_new(struct zx_object **objs);
int zx_eventpair_new(struct zx_object **objs);

#endif /* _ZX_EVENT_H */
