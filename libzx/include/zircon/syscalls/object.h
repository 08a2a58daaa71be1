/* SPDX-License-Identifier: MIT */
/*
 * libzx: zx_object_get_info() topics and records, same names, values and
 * layouts as Fuchsia's <zircon/syscalls/object.h> (the subset that applies to
 * channels, events and eventpairs; only HANDLE_VALID, HANDLE_BASIC and
 * HANDLE_COUNT are implemented on Linux, other topics give
 * ZX_ERR_NOT_SUPPORTED).
 */
#ifndef ZIRCON_SYSCALLS_OBJECT_H_
#define ZIRCON_SYSCALLS_OBJECT_H_

#include <zircon/types.h>

__BEGIN_CDECLS

/* Valid topics for zx_object_get_info. */
typedef uint32_t zx_object_info_topic_t;
#define ZX_INFO_NONE ((zx_object_info_topic_t)0u)
#define ZX_INFO_HANDLE_VALID ((zx_object_info_topic_t)1u)
#define ZX_INFO_HANDLE_BASIC ((zx_object_info_topic_t)2u) /* zx_info_handle_basic_t[1] */
#define ZX_INFO_PROCESS ((zx_object_info_topic_t)3u)
#define ZX_INFO_PROCESS_THREADS ((zx_object_info_topic_t)4u)
#define ZX_INFO_VMAR ((zx_object_info_topic_t)7u)
#define ZX_INFO_JOB_CHILDREN ((zx_object_info_topic_t)8u)
#define ZX_INFO_JOB_PROCESSES ((zx_object_info_topic_t)9u)
#define ZX_INFO_THREAD ((zx_object_info_topic_t)10u)
#define ZX_INFO_THREAD_EXCEPTION_REPORT ((zx_object_info_topic_t)11u)
#define ZX_INFO_TASK_STATS ((zx_object_info_topic_t)12u)
#define ZX_INFO_PROCESS_MAPS ((zx_object_info_topic_t)13u)
#define ZX_INFO_PROCESS_VMOS ((zx_object_info_topic_t)14u)
#define ZX_INFO_THREAD_STATS ((zx_object_info_topic_t)15u)
#define ZX_INFO_CPU_STATS ((zx_object_info_topic_t)16u)
#define ZX_INFO_KMEM_STATS ((zx_object_info_topic_t)17u)
#define ZX_INFO_RESOURCE ((zx_object_info_topic_t)18u)
#define ZX_INFO_HANDLE_COUNT ((zx_object_info_topic_t)19u) /* zx_info_handle_count_t[1] */
#define ZX_INFO_BTI ((zx_object_info_topic_t)20u)
#define ZX_INFO_PROCESS_HANDLE_STATS ((zx_object_info_topic_t)21u)
#define ZX_INFO_SOCKET ((zx_object_info_topic_t)22u)
#define ZX_INFO_VMO ((zx_object_info_topic_t)23u)
#define ZX_INFO_JOB ((zx_object_info_topic_t)24u)
#define ZX_INFO_TIMER ((zx_object_info_topic_t)25u)
#define ZX_INFO_STREAM ((zx_object_info_topic_t)26u)
#define ZX_INFO_HANDLE_TABLE ((zx_object_info_topic_t)27u)
#define ZX_INFO_MSI ((zx_object_info_topic_t)28u)

typedef uint32_t zx_obj_props_t;
#define ZX_OBJ_PROP_NONE ((zx_obj_props_t)0u)
#define ZX_OBJ_PROP_WAITABLE ((zx_obj_props_t)1u)

/* Return codes set when a task is killed. */
#define ZX_TASK_RETCODE_SYSCALL_KILL ((int64_t)-1024)
#define ZX_TASK_RETCODE_OOM_KILL ((int64_t)-1025)
#define ZX_TASK_RETCODE_POLICY_KILL ((int64_t)-1026)
#define ZX_TASK_RETCODE_VDSO_KILL ((int64_t)-1027)
#define ZX_TASK_RETCODE_EXCEPTION_KILL ((int64_t)-1028)
#define ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL ((int64_t)-1029)

typedef struct zx_info_handle_basic {
	/* The unique id assigned by the kernel to the object. */
	zx_koid_t koid;
	/* The immutable rights of this handle. */
	zx_rights_t rights;
	/* The object type: channel, event, ... */
	zx_obj_type_t type;
	/* koid of the related object (the peer of a channel), else 0; never
	 * changes, even after the related object is gone. */
	zx_koid_t related_koid;
	/* ZX_OBJ_PROP_WAITABLE if the object can be waited on (newer Fuchsia
	 * calls this field `reserved` and writes 0). */
	zx_obj_props_t props;
	uint8_t padding1[4];
} zx_info_handle_basic_t;

typedef struct zx_info_handle_count {
	/* The number of outstanding handles to the object. */
	uint32_t handle_count;
} zx_info_handle_count_t;

__END_CDECLS

#endif /* ZIRCON_SYSCALLS_OBJECT_H_ */
