/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel type names for userspace code that includes the driver's
 * register layout (drivers/dma/idxd/registers.h): the QEMU model and the
 * test clients.  Include this before registers.h.
 */
#ifndef _TOOLS_KERNEL_TYPES_H
#define _TOOLS_KERNEL_TYPES_H

#include <assert.h>	/* static_assert, as the kernel's build_bug.h */
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#ifndef __packed
#define __packed __attribute__((packed))
#endif

#endif /* _TOOLS_KERNEL_TYPES_H */
