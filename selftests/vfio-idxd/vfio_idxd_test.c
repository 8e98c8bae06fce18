// SPDX-License-Identifier: GPL-2.0
/*
 * A VFIO user of vfio_idxd_aux acting as a guest's DSA driver would: the
 * container, the group and the device fd; the virtual function's config
 * space and BAR0; its commands with their status codes; its interrupts;
 * reset and reopen.  The subfunction is VIDXD_DEV (idxd.sf.<n>), made by
 * vfio.sh.
 */
#include "vfio_client.h"

FIXTURE(vidxd) {
	struct vfio_ctx c;
};

FIXTURE_SETUP(vidxd)
{
	ctx_open(_metadata, &self->c);
}

FIXTURE_TEARDOWN(vidxd)
{
	ctx_close(&self->c);
}

TEST_F(vidxd, device_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->c.device, VFIO_DEVICE_GET_INFO, &info));
	ASSERT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	ASSERT_TRUE(info.flags & VFIO_DEVICE_FLAGS_RESET);
	ASSERT_EQ(V(VFIO_PCI_NUM_REGIONS), V(info.num_regions));
	ASSERT_EQ(V(VFIO_PCI_NUM_IRQS), V(info.num_irqs));
}

TEST_F(vidxd, regions)
{
	unsigned int i;

	ASSERT_EQ(V(4096), V(CFG->size));
	ASSERT_EQ(V(16384), V(BAR0->size));
	ASSERT_EQ(V(4 * IDXD_PORTAL_SIZE), V(BAR2->size));
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		bool present = i == VFIO_PCI_CONFIG_REGION_INDEX ||
			       i == VFIO_PCI_BAR0_REGION_INDEX ||
			       i == VFIO_PCI_BAR2_REGION_INDEX;

		ASSERT_EQ(present, !!(self->c.region[i].flags &
				      VFIO_REGION_INFO_FLAG_WRITE))
			TH_LOG("region %u", i);
		ASSERT_EQ(present, !!self->c.region[i].size)
			TH_LOG("region %u", i);
	}
}

TEST_F(vidxd, irq_info)
{
	static const struct { unsigned int index, count; } want[] = {
		{ VFIO_PCI_INTX_IRQ_INDEX, 0 },
		{ VFIO_PCI_MSI_IRQ_INDEX, 0 },
		{ VFIO_PCI_MSIX_IRQ_INDEX, 2 },
		{ VFIO_PCI_ERR_IRQ_INDEX, 0 },
		{ VFIO_PCI_REQ_IRQ_INDEX, 1 },
	};
	struct vfio_irq_info info;
	unsigned int i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		info = (struct vfio_irq_info){ .argsz = sizeof(info),
					       .index = want[i].index };
		ASSERT_EQ(0, ioctl(self->c.device, VFIO_DEVICE_GET_IRQ_INFO,
				   &info));
		ASSERT_EQ(V(want[i].count), V(info.count)) TH_LOG("irq %u", i);
		ASSERT_EQ(!!want[i].count, !!(info.flags & VFIO_IRQ_INFO_EVENTFD));
	}
	info.index = VFIO_PCI_NUM_IRQS;
	ASSERT_NE(0, ioctl(self->c.device, VFIO_DEVICE_GET_IRQ_INFO, &info));
}

/* As the stock driver finds it: 8086:0b25, class 0x088000, the caps. */
TEST_F(vidxd, config_identity)
{
	uint32_t pcie, msix;

	ASSERT_EQ(V(0x0b258086), V(CFG_RD(PCI_VENDOR_ID, 4)));
	ASSERT_EQ(V(0x088000), V(CFG_RD(PCI_CLASS_REVISION, 4) >> 8));
	ASSERT_EQ(V(0), V(CFG_RD(PCI_HEADER_TYPE, 1)));
	ASSERT_TRUE(CFG_RD(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	ASSERT_EQ(V(PCI_BASE_ADDRESS_MEM_TYPE_64),
		  V(CFG_RD(PCI_BASE_ADDRESS_0, 4) & 0xf));
	ASSERT_EQ(V(PCI_BASE_ADDRESS_MEM_TYPE_64),
		  V(CFG_RD(PCI_BASE_ADDRESS_2, 4) & 0xf));
	ASSERT_EQ(V(0), V(CFG_RD(PCI_BASE_ADDRESS_4, 4)));
	pcie = CFG_RD(PCI_CAPABILITY_LIST, 1);
	ASSERT_EQ(V(PCI_CAP_ID_EXP), V(CFG_RD(pcie, 1)));
	ASSERT_EQ(V(PCI_EXP_TYPE_RC_END),
		  V((CFG_RD(pcie + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_TYPE) >> 4));
	ASSERT_TRUE(CFG_RD(pcie + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);
	msix = CFG_RD(pcie + PCI_CAP_LIST_NEXT, 1);
	ASSERT_EQ(V(PCI_CAP_ID_MSIX), V(CFG_RD(msix, 1)));
	ASSERT_EQ(V(1), V(CFG_RD(msix + PCI_MSIX_FLAGS, 2) &
			  PCI_MSIX_FLAGS_QSIZE));
	ASSERT_EQ(V(0), V(CFG_RD(msix + PCI_MSIX_TABLE, 4) & PCI_MSIX_TABLE_BIR));
	ASSERT_GT(BAR0->size, CFG_RD(msix + PCI_MSIX_PBA, 4) & ~7ULL);
	ASSERT_EQ(V(0), V(CFG_RD(msix + PCI_CAP_LIST_NEXT, 1)));
	/* no extended capability: no PASID, so no SVA in the guest */
	ASSERT_EQ(V(0), V(CFG_RD(PCI_CFG_SPACE_SIZE, 4)));
}

/* BAR sizing and read-only fields, as firmware and QEMU probe them. */
TEST_F(vidxd, config_writes)
{
	CFG_WR(PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	CFG_WR(PCI_BASE_ADDRESS_1, 0xffffffff, 4);
	ASSERT_EQ(V(~(uint32_t)(BAR0->size - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64),
		  V(CFG_RD(PCI_BASE_ADDRESS_0, 4)));
	ASSERT_EQ(V(0xffffffff), V(CFG_RD(PCI_BASE_ADDRESS_1, 4)));
	CFG_WR(PCI_BASE_ADDRESS_2, 0xffffffff, 4);
	ASSERT_EQ(V(~(uint32_t)(BAR2->size - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64),
		  V(CFG_RD(PCI_BASE_ADDRESS_2, 4)));
	CFG_WR(PCI_BASE_ADDRESS_0, 0xfe000000, 4);
	ASSERT_EQ(V(0xfe000000 | PCI_BASE_ADDRESS_MEM_TYPE_64),
		  V(CFG_RD(PCI_BASE_ADDRESS_0, 4)));
	/* read-only: identity, class, capabilities */
	CFG_WR(PCI_VENDOR_ID, 0x12345678, 4);
	CFG_WR(PCI_CLASS_REVISION, 0, 4);
	ASSERT_EQ(V(0x0b258086), V(CFG_RD(PCI_VENDOR_ID, 4)));
	ASSERT_EQ(V(0x088000), V(CFG_RD(PCI_CLASS_REVISION, 4) >> 8));
	/* beyond config space */
	ASSERT_EQ(V(~0ULL), V(CFG_RD(CFG->size, 4)));
}

/* One group, one engine, one dedicated WQ: read-only configuration. */
TEST_F(vidxd, bar0_configuration)
{
	union gen_cap_reg gencap = { .bits = REG_RD(IDXD_GENCAP_OFFSET, 8) };
	union wq_cap_reg wqcap = { .bits = REG_RD(IDXD_WQCAP_OFFSET, 8) };
	union group_cap_reg grpcap = { .bits = REG_RD(IDXD_GRPCAP_OFFSET, 8) };
	union offsets_reg off;
	union wqcfg wq;
	uint64_t opcap0;
	unsigned int i;

	ASSERT_EQ(V(0x100), V(REG_RD(IDXD_VER_OFFSET, 4)));
	ASSERT_EQ(V(0), V(gencap.config_en));
	ASSERT_EQ(V(1), V(gencap.cmd_cap));
	ASSERT_EQ(V(1), V(gencap.evl_support));
	ASSERT_EQ(V(1), V(wqcap.num_wqs));
	ASSERT_EQ(V(1), V(wqcap.dedicated_mode));
	ASSERT_EQ(V(0), V(wqcap.shared_mode));
	ASSERT_EQ(V(1), V(grpcap.num_groups));
	ASSERT_EQ(V(1), V(REG_RD(IDXD_ENGCAP_OFFSET, 8) & 0xff));
	opcap0 = REG_RD(IDXD_OPCAP_OFFSET, 8);
	ASSERT_TRUE(opcap0 & (1ULL << DSA_OPCODE_MEMMOVE));
	ASSERT_FALSE(opcap0 & (1ULL << DSA_OPCODE_BATCH))
		TH_LOG("BATCH offered while the filter refuses it");
	off.bits[0] = REG_RD(IDXD_TABLE_OFFSET, 8);
	off.bits[1] = REG_RD(IDXD_TABLE_OFFSET + 8, 8);
	for (i = 0; i < IDXD_WQCFG_DWORDS; i++)
		wq.bits[i] = REG_RD(off.wqcfg * IDXD_TABLE_MULT + 4 * i, 4);
	ASSERT_EQ(V(wqcap.total_wq_size), V(wq.wq_size));
	ASSERT_NE(NULL, getenv("VIDXD_SF_WQ_SIZE"));
	ASSERT_EQ(V(strtoul(getenv("VIDXD_SF_WQ_SIZE"), NULL, 0) - 1),
		  V(wq.wq_size)) TH_LOG("one entry of the SF's WQ is the driver's");
	ASSERT_EQ(V(IDXD_WQ_MODE_DEDICATED), V(wq.mode));
	ASSERT_EQ(V(0), V(wq.pasid_en)) TH_LOG("the guest sees no PASID");
	ASSERT_EQ(V(gencap.max_xfer_shift), V(wq.max_xfer_shift));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq.wq_state));
	ASSERT_EQ(V(1), V(REG_RD(off.grpcfg * IDXD_TABLE_MULT, 8)));
	ASSERT_EQ(V(1), V(REG_RD(off.grpcfg * IDXD_TABLE_MULT +
				 IDXD_GRPENGCFG_OFS, 8)));
	/* read-only: a write to WQCFG changes nothing */
	REG_WR(off.wqcfg * IDXD_TABLE_MULT, 1, 4);
	ASSERT_EQ(V(wq.bits[0]), V(REG_RD(off.wqcfg * IDXD_TABLE_MULT, 4)));
	/* accesses the architecture does not allow */
	ASSERT_EQ(V(~0ULL), V(REG_RD(IDXD_GENCAP_OFFSET, 2)));
	ASSERT_EQ(V(~0ULL), V(REG_RD(IDXD_GENCAP_OFFSET + 2, 4)));
	ASSERT_EQ(V(~0ULL), V(REG_RD(BAR0->size, 4)));
}

static unsigned int wq_state(int fd, const struct vfio_region_info *bar0)
{
	union offsets_reg off = { .bits = { rd(fd, bar0, IDXD_TABLE_OFFSET, 8) } };
	union wqcfg wq;

	wq.bits[6] = rd(fd, bar0, off.wqcfg * IDXD_TABLE_MULT + 24, 4);
	return wq.wq_state;
}

TEST_F(vidxd, commands)
{
	union gensts_reg sts;

	bus_master(_metadata, &self->c, false);
	CMD_EXPECT(IDXD_CMDSTS_ERR_BUSMASTER_EN, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_NOTEN, IDXD_CMD_ENABLE_WQ, 0);
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_NOT_EN, IDXD_CMD_DISABLE_WQ, 1);
	CMD_EXPECT(IDXD_CMDSTS_ERR_DIS_DEV_EN, IDXD_CMD_DISABLE_DEVICE, 0);
	bus_master(_metadata, &self->c, true);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_DEVICE, 0);
	sts.bits = REG_RD(IDXD_GENSTATS_OFFSET, 4);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_ENABLED), V(sts.state));
	CMD_EXPECT(IDXD_CMDSTS_ERR_DEV_ENABLED, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_INVAL_WQIDX, IDXD_CMD_ENABLE_WQ, 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_WQ, 0);
	ASSERT_EQ(V(IDXD_WQ_DEV_ENABLED), V(wq_state(self->c.device, BAR0)));
	CMD_EXPECT(IDXD_CMDSTS_ERR_WQ_ENABLED, IDXD_CMD_ENABLE_WQ, 0);
	CMD_EXPECT(IDXD_CMDSTS_INVAL_WQIDX, IDXD_CMD_DISABLE_WQ, 2);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_DRAIN_WQ, 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_DISABLE_WQ, 1);
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(self->c.device, BAR0)));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_DISABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_INVAL_CMD, 0x3f, 0);
}

/* The only handle is the SF's IMS entry, for a completion vector. */
TEST_F(vidxd, int_handles)
{
	uint32_t st, h;

	st = CMD(IDXD_CMD_REQUEST_INT_HANDLE, 1);
	ASSERT_EQ(V(0), V(st & IDXD_CMDSTS_ERR_MASK));
	h = (st >> IDXD_CMDSTS_RES_SHIFT) & 0xffff;
	ASSERT_EQ(V(h), V((CMD(IDXD_CMD_REQUEST_INT_HANDLE, 1) >>
			   IDXD_CMDSTS_RES_SHIFT) & 0xffff));
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, IDXD_CMD_REQUEST_INT_HANDLE,
		   0);
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, IDXD_CMD_REQUEST_INT_HANDLE,
		   2);
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, IDXD_CMD_REQUEST_INT_HANDLE,
		   IDXD_CMD_INT_HANDLE_IMS | 0);
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, IDXD_CMD_RELEASE_INT_HANDLE,
		   h + 1);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_RELEASE_INT_HANDLE, h);
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, IDXD_CMD_RELEASE_INT_HANDLE, h);
}

/* A command with int_req: INTCAUSE.CMD and MSI-X vector 0, once enabled. */
TEST_F(vidxd, command_interrupt)
{
	uint32_t msix = CFG_RD(CFG_RD(PCI_CAPABILITY_LIST, 1) +
			       PCI_CAP_LIST_NEXT, 1);

	self->c.efd[0] = eventfd(0, EFD_NONBLOCK);
	self->c.efd[1] = eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(0, set_eventfds(self->c.device, VFIO_PCI_MSIX_IRQ_INDEX,
				  self->c.efd, 2));
	/* MSI-X off: the cause is set, nothing is signalled */
	cmd(self->c.device, BAR0, IDXD_CMD_REQUEST_INT_HANDLE, 1, true);
	ASSERT_TRUE(REG_RD(IDXD_INTCAUSE_OFFSET, 4) & IDXD_INTC_CMD);
	ASSERT_FALSE(eventfd_fired(self->c.efd[0], 100));
	REG_WR(IDXD_INTCAUSE_OFFSET, IDXD_INTC_CMD, 4);
	ASSERT_EQ(V(0), V(REG_RD(IDXD_INTCAUSE_OFFSET, 4) & IDXD_INTC_CMD));
	CFG_WR(msix + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
	cmd(self->c.device, BAR0, IDXD_CMD_REQUEST_INT_HANDLE, 1, true);
	ASSERT_TRUE(eventfd_fired(self->c.efd[0], IRQ_WAIT_MS));
	ASSERT_FALSE(eventfd_fired(self->c.efd[1], 0));
	/* a vector beyond the table is refused */
	{
		int three[3] = { self->c.efd[0], self->c.efd[1], self->c.efd[0] };

		ASSERT_NE(0, set_eventfds(self->c.device,
					  VFIO_PCI_MSIX_IRQ_INDEX, three, 3));
	}
}

/* VFIO_DEVICE_RESET: the function as after FLR, the handle revoked. */
TEST_F(vidxd, reset)
{
	uint32_t h;

	bus_master(_metadata, &self->c, true);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_WQ, 0);
	h = (CMD(IDXD_CMD_REQUEST_INT_HANDLE, 1) >> IDXD_CMDSTS_RES_SHIFT) &
	    0xffff;
	ASSERT_EQ(0, ioctl(self->c.device, VFIO_DEVICE_RESET));
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED),
		  V(REG_RD(IDXD_GENSTATS_OFFSET, 4) & 3));
	ASSERT_EQ(V(IDXD_WQ_DEV_DISABLED), V(wq_state(self->c.device, BAR0)));
	ASSERT_EQ(V(0), V(CFG_RD(PCI_COMMAND, 2)));
	CMD_EXPECT(IDXD_CMDSTS_ERR_INVAL_INT_IDX, IDXD_CMD_RELEASE_INT_HANDLE, h);
	/* and it works again */
	bus_master(_metadata, &self->c, true);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_WQ, 0);
}

/* Close and open again: the device starts over. */
TEST_F(vidxd, reopen)
{
	bus_master(_metadata, &self->c, true);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_DEVICE, 0);
	close(self->c.device);
	self->c.device = open_device(_metadata, &self->c);
	ASSERT_EQ(V(IDXD_DEVICE_STATE_DISABLED),
		  V(REG_RD(IDXD_GENSTATS_OFFSET, 4) & 3));
	bus_master(_metadata, &self->c, true);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_DEVICE, 0);
}

/*
 * Each close costs the PF's command unit: a user may open 20 times a
 * second; the 21st open waits for the next second, and succeeds.
 */
TEST_F(vidxd, open_throttled)
{
	struct timespec t0, t1;
	int i, fd;
	long ms;

	close(self->c.device);
	self->c.device = -1;
	sleep(1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 21; i++) {
		fd = ioctl(self->c.group, VFIO_GROUP_GET_DEVICE_FD, self->c.name);
		ASSERT_LE(0, fd) TH_LOG("open %d: %s", i + 1, strerror(errno));
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	TH_LOG("21 opens took %ld ms", ms);
	ASSERT_LE(900, ms) TH_LOG("21 opens within a second");
	sleep(1);
	self->c.device = open_device(_metadata, &self->c);
}

/*
 * The "wq" fixture: an SF enabled with its WQ, MSI-X on, buffers mapped
 * and an interrupt handle.
 */
FIXTURE(wq) {
	struct vfio_ctx c;
	struct bufs b;
	uint16_t handle;
};

/* The device opened, enabled, its WQ enabled, MSI-X on, buffers mapped. */
FIXTURE_SETUP(wq)
{
	ctx_open(_metadata, &self->c);
	self->handle = wq_up(_metadata, &self->c, &self->b);
}

FIXTURE_TEARDOWN(wq)
{
	ctx_close(&self->c);
	unmap_bufs(&self->b);
}

/* MEMMOVE through both write paths, its interrupt on vector 1. */
TEST_F(wq, memmove)
{
	struct dsa_hw_desc d;

	COPY_PAGE(0);
	ASSERT_TRUE(eventfd_fired(self->c.efd[1], IRQ_WAIT_MS));
	ASSERT_FALSE(eventfd_fired(self->c.efd[0], 0));

	memset(buf_va(&self->b, B_DST), 0, PAGE);
	fill_random(buf_va(&self->b, B_SRC), 1000);
	desc_init(&d, DSA_OPCODE_MEMMOVE, 1, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST) + 100;
	d.xfer_size = 1000;
	SUBMIT(submit8, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 1);
	ASSERT_EQ(0, memcmp(buf_va(&self->b, B_DST) + 100,
			    buf_va(&self->b, B_SRC), 1000));
	ASSERT_TRUE(eventfd_fired(self->c.efd[1], IRQ_WAIT_MS));
	ASSERT_TRUE(guards_intact(&self->b));
}

/* FILL, COMPARE, CRC and DUALCAST, data checked. */
TEST_F(wq, operations)
{
	uint8_t *src = buf_va(&self->b, B_SRC), *src2 = buf_va(&self->b, B_SRC2);
	uint8_t *dst = buf_va(&self->b, B_DST), *dst2 = buf_va(&self->b, B_DST2);
	struct dsa_hw_desc d;
	int i;

	desc_init(&d, DSA_OPCODE_MEMFILL, 0, self->handle);
	d.pattern = 0x0123456789abcdefULL;
	d.dst_addr = buf_iova(B_DST);
	d.xfer_size = 256;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 0);
	for (i = 0; i < 256; i++)
		ASSERT_EQ(V((d.pattern >> (8 * (i % 8))) & 0xff), V(dst[i]));

	fill_random(src, PAGE);
	memcpy(src2, src, PAGE);
	src2[300] ^= 1;
	desc_init(&d, DSA_OPCODE_COMPARE, 1, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.src2_addr = buf_iova(B_SRC2);
	d.xfer_size = PAGE;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 1);
	ASSERT_EQ(V(1), V(cr_va(&self->b, 1)->result));
	ASSERT_EQ(V(300), V(cr_va(&self->b, 1)->bytes_completed));

	memcpy(src, "123456789", 9);
	desc_init(&d, DSA_OPCODE_CRCGEN, 2, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.xfer_size = 9;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 2);
	/* CRC-32C check value of "123456789" */
	ASSERT_EQ(V(0xe3069283), V(cr_va(&self->b, 2)->crc_val));

	fill_random(src, 512);
	desc_init(&d, DSA_OPCODE_DUALCAST, 3, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST);
	d.dest2 = buf_iova(B_DST2);
	d.xfer_size = 512;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 3);
	ASSERT_EQ(0, memcmp(dst, src, 512));
	ASSERT_EQ(0, memcmp(dst2, src, 512));
	ASSERT_TRUE(guards_intact(&self->b));
}

static union sw_err_reg swerr_take(struct vfio_ctx *self)
{
	union sw_err_reg e;
	int i;

	for (i = 0; i < 4; i++)
		e.bits[i] = rd(self->device, &self->region[VFIO_PCI_BAR0_REGION_INDEX],
			       IDXD_SWERR_OFFSET + 8 * i, 8);
	wr(self->device, &self->region[VFIO_PCI_BAR0_REGION_INDEX],
	   IDXD_SWERR_OFFSET, IDXD_SWERR_ACK, 8);
	return e;
}

/* What the filter refuses becomes the guest's SWERR; nothing runs. */
TEST_F(wq, refused)
{
	struct dsa_hw_desc d;
	union sw_err_reg e;

	desc_init(&d, DSA_OPCODE_BATCH, 0, self->handle);
	d.desc_list_addr = buf_iova(B_SRC);
	d.desc_count = 2;
	SUBMIT(submit64, &d);
	e = swerr_take(&self->c);
	ASSERT_EQ(V(1), V(e.valid));
	ASSERT_EQ(V(DSA_COMP_BAD_OPCODE), V(e.error));
	ASSERT_EQ(V(DSA_OPCODE_BATCH), V(e.operation));

	desc_init(&d, DSA_OPCODE_NOOP, 0, self->handle);
	d.completion_addr += 16;
	SUBMIT(submit64, &d);
	e = swerr_take(&self->c);
	ASSERT_EQ(V(DSA_COMP_CRA_ALIGN), V(e.error));

	/* beyond the WQ's transfer limit, refused before anything is pinned */
	desc_init(&d, DSA_OPCODE_MEMMOVE, 0, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST);
	d.xfer_size = (1U << ((union gen_cap_reg)
		{ .bits = rd(self->c.device, BAR0, IDXD_GENCAP_OFFSET, 8) }
		).max_xfer_shift) + 1;
	SUBMIT(submit64, &d);
	e = swerr_take(&self->c);
	ASSERT_EQ(V(DSA_COMP_XFER_ERANGE), V(e.error));

	/* a CRC whose seed is read from an address the filter never saw */
	desc_init(&d, DSA_OPCODE_CRCGEN, 0, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.xfer_size = 64;
	d.flags |= 0x10000;
	d.seed_addr = buf_iova(B_SRC2);
	SUBMIT(submit64, &d);
	e = swerr_take(&self->c);
	ASSERT_EQ(V(DSA_COMP_INVALID_FLAGS), V(e.error));

	/* half a descriptor, then another start: SWERR 0x33 */
	desc_init(&d, DSA_OPCODE_NOOP, 1, self->handle);
	ASSERT_EQ(8, pwrite(self->c.device, &d, 8, BAR2->offset + PORTAL_OFF + 8));
	e = swerr_take(&self->c);
	ASSERT_EQ(V(IDXD_SWERR_PORTAL_PARTIAL), V(e.error));

	usleep(200000);
	ASSERT_EQ(V(0), V(cr_va(&self->b, 0)->status)) TH_LOG("a refused descriptor ran");
	ASSERT_EQ(V(0), V(cr_va(&self->b, 1)->status));
	/* the WQ works on */
	desc_init(&d, DSA_OPCODE_NOOP, 2, self->handle);
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 2);
}

/*
 * Addresses the user never mapped fault in the IOMMU: the record says
 * page fault and nothing is written; a handle the guest does not hold
 * completes with 0x19 and no interrupt.
 */
TEST_F(wq, isolation)
{
	struct dsa_hw_desc d;

	fill_random(buf_va(&self->b, B_SRC), PAGE);
	desc_init(&d, DSA_OPCODE_MEMMOVE, 0, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST) + PAGE;	/* the guard page's IOVA */
	d.xfer_size = 64;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_PAGE_FAULT_NOBOF, 0);
	ASSERT_EQ(V(buf_iova(B_DST) + PAGE), V(cr_va(&self->b, 0)->fault_addr));

	d.src_addr = IOVA_BASE - PAGE;		/* below everything mapped */
	d.dst_addr = buf_iova(B_DST);
	d.completion_addr = cr_iova(1);
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_PAGE_FAULT_NOBOF, 1);
	ASSERT_EQ(V(0), V(buf_va(&self->b, B_DST)[0]));
	ASSERT_TRUE(guards_intact(&self->b));
	/* the faults' completions signalled: let them all arrive */
	while (eventfd_fired(self->c.efd[1], 300))
		;
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_RELEASE_INT_HANDLE,
		   self->handle);
	desc_init(&d, DSA_OPCODE_NOOP, 2, self->handle);
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_INT_HANDLE_INVAL, 2);
	ASSERT_FALSE(eventfd_fired(self->c.efd[1], 300));
}


/* The model's test window (BAR4 of the PF), to slow its engines down. */
static volatile uint64_t *test_window(void)
{
	int fd = open("/sys/bus/pci/devices/0000:00:0a.0/resource4", O_RDWR);
	void *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, DSA_TEST_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

static void memmove_desc(struct dsa_hw_desc *d, int slot, uint16_t handle)
{
	desc_init(d, DSA_OPCODE_MEMMOVE, slot, handle);
	d->src_addr = buf_iova(B_SRC);
	d->dst_addr = buf_iova(B_DST) + 64 * slot;
	d->xfer_size = 64;
}

/*
 * DISABLE_WQ returns once what the WQ held has run; the disabled WQ
 * takes nothing (SWERR 0x30); enabled again, it works.
 */
TEST_F(wq, disable_drains)
{
	struct dsa_hw_desc d;
	union sw_err_reg e;
	int i;

	fill_random(buf_va(&self->b, B_SRC), 64);
	for (i = 0; i < 4; i++) {
		memmove_desc(&d, i, self->handle);
		SUBMIT(submit64, &d);
	}
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_DISABLE_WQ, 1);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(V(DSA_COMP_SUCCESS), V(cr_va(&self->b, i)->status))
			TH_LOG("descriptor %d had not run when DISABLE_WQ returned", i);
	memmove_desc(&d, 4, self->handle);
	SUBMIT(submit64, &d);
	e = swerr_take(&self->c);
	ASSERT_EQ(V(IDXD_SWERR_WQ_NOT_ENABLED), V(e.error));
	usleep(200000);
	ASSERT_EQ(V(0), V(cr_va(&self->b, 4)->status));
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_WQ, 0);
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 4);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_DRAIN_WQ, 1);
}

/*
 * ABORT_WQ and VFIO_DEVICE_RESET with a descriptor in flight (the
 * model's engines slowed to 1 s a descriptor): it never completes, and
 * the WQ works after.
 */
TEST_F(wq, abort_and_reset_in_flight)
{
	volatile uint64_t *win = test_window();
	struct dsa_hw_desc d;

	ASSERT_NE(NULL, win) TH_LOG("no test window on the model");
	win[DSA_TEST_DELAY_US / 8] = 1000000;
	memmove_desc(&d, 0, self->handle);
	SUBMIT(submit64, &d);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ABORT_WQ, 1);
	memmove_desc(&d, 1, self->handle);
	SUBMIT(submit64, &d);
	ASSERT_EQ(0, ioctl(self->c.device, VFIO_DEVICE_RESET));
	win[DSA_TEST_DELAY_US / 8] = 0;
	usleep(1500000);
	ASSERT_EQ(V(0), V(cr_va(&self->b, 0)->status)) TH_LOG("aborted, yet completed");
	ASSERT_EQ(V(0), V(cr_va(&self->b, 1)->status)) TH_LOG("reset, yet completed");
	munmap((void *)win, DSA_TEST_BAR_SIZE);
	/* after the reset the guest enables again, and the WQ works */
	bus_master(_metadata, &self->c, true);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_DEVICE, 0);
	CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ENABLE_WQ, 0);
	desc_init(&d, DSA_OPCODE_NOOP, 2, 0);
	d.flags &= ~IDXD_OP_FLAG_RCI;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 2);
}

/*
 * Each guest abort is a RESET_WQ on the PF's command unit, which every
 * SF shares: past a burst of 20 a second the guest's abort drains
 * instead.  The first abort drops the slowed descriptor; within a burst
 * of aborts one comes that lets it complete.
 */
TEST_F(wq, abort_storm_drains)
{
	volatile uint64_t *win = test_window();
	struct dsa_hw_desc d;
	int i, drained = -1;

	ASSERT_NE(NULL, win) TH_LOG("no test window on the model");
	/* a second of its own: the opens and aborts before are counted */
	sleep(1);
	win[DSA_TEST_DELAY_US / 8] = 50000;
	for (i = 0; i < 200 && drained < 0; i++) {
		cr_va(&self->b, 0)->status = 0;
		memmove_desc(&d, 0, self->handle);
		SUBMIT(submit64, &d);
		CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ABORT_WQ, 1);
		if (cr_va(&self->b, 0)->status == DSA_COMP_SUCCESS)
			drained = i;
		else if (!i)
			ASSERT_EQ(V(0), V(cr_va(&self->b, 0)->status))
				TH_LOG("the first abort left a record behind");
	}
	win[DSA_TEST_DELAY_US / 8] = 0;
	munmap((void *)win, DSA_TEST_BAR_SIZE);
	ASSERT_LE(0, drained) TH_LOG("200 aborts, and none drained");
	TH_LOG("abort %d drained", drained + 1);
	ASSERT_LE(20, drained) TH_LOG("an abort within the burst drained");
	COPY_PAGE(1);
	/* the next test's open gets a second of its own too */
	sleep(1);
}



/*
 * The user's unmap takes its pages out of the SF's domain at once: a copy
 * from an unmapped buffer faults; mapped again, it copies.
 */
TEST_F(wq, unmap)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct dsa_hw_desc d;

	fill_random(buf_va(&self->b, B_SRC), PAGE);
	desc_init(&d, DSA_OPCODE_MEMMOVE, 0, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST);
	d.xfer_size = PAGE;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 0);
	unmap.iova = buf_iova(B_SRC);
	unmap.size = PAGE;
	ASSERT_EQ(0, ioctl(self->c.container, VFIO_IOMMU_UNMAP_DMA, &unmap));
	ASSERT_EQ(V(PAGE), V(unmap.size));
	d.completion_addr = cr_iova(1);
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_PAGE_FAULT_NOBOF, 1);
	ASSERT_EQ(V(buf_iova(B_SRC)), V(cr_va(&self->b, 1)->fault_addr));
	/* mapped again (after the unmap settled), the page is reachable */
	usleep(300000);
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)buf_va(&self->b, B_SRC);
	map.iova = buf_iova(B_SRC);
	map.size = PAGE;
	ASSERT_EQ(0, ioctl(self->c.container, VFIO_IOMMU_MAP_DMA, &map));
	d.completion_addr = cr_iova(2);
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 2);
	ASSERT_TRUE(guards_intact(&self->b));
}


/* The PF's WQ that serves the SF (its sysfs "wq"), or -1. */
static int sf_wq(const char *sf)
{
	char path[128];
	int wq = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/auxiliary/devices/%s/wq", sf);
	f = fopen(path, "r");
	if (f && fscanf(f, "%d", &wq) != 1)
		wq = -1;
	if (f)
		fclose(f);
	return wq;
}

static void raise_wq_error(volatile uint64_t *win, int wq, uint8_t code)
{
	win[DSA_TEST_RAISE_SWERR / 8] = code | DSA_TEST_SWERR_WQ_VALID |
					 ((uint64_t)wq << DSA_TEST_SWERR_WQ_SHIFT);
}

/*
 * An error on the SF's WQ (raised through the model's test window): the
 * guest sees it in SWERR; the core takes the WQ down and recovers it,
 * which revokes the guest's interrupt handle (INTCAUSE, vector 0); asked
 * again, the handle works.
 */
TEST_F(wq, wq_error_revokes_handle)
{
	volatile uint64_t *win = test_window();
	int wq = sf_wq(self->c.name), i;
	union sw_err_reg e;

	ASSERT_NE(NULL, win) TH_LOG("no test window on the model");
	ASSERT_LE(0, wq);
	while (eventfd_fired(self->c.efd[0], 0))
		;
	raise_wq_error(win, wq, 0x42);
	for (i = 0; i < 50; i++) {
		e = swerr_take(&self->c);
		if (e.valid)
			break;
		usleep(100000);
	}
	ASSERT_EQ(V(1), V(e.valid)) TH_LOG("the guest never saw the error");
	ASSERT_EQ(V(0x42), V(e.error));
	ASSERT_EQ(V(0), V(e.wq_idx)) TH_LOG("the host's WQ index leaked");
	HANDLE_AGAIN();
	ASSERT_TRUE(eventfd_fired(self->c.efd[0], IRQ_WAIT_MS));
	while (eventfd_fired(self->c.efd[1], 0))
		;
	COPY_PAGE(0);
	ASSERT_TRUE(eventfd_fired(self->c.efd[1], IRQ_WAIT_MS));
	munmap((void *)win, DSA_TEST_BAR_SIZE);
}

/*
 * A full WQ: the device drops what does not fit and logs it (SWERR 0x31
 * for a dedicated WQ), which the guest sees; the core takes the SF's WQ
 * down and back, which revokes the guest's handle; asked again, it
 * works.  The model's engines are slowed so the WQ fills.
 */
TEST_F(wq, full_wq)
{
	volatile uint64_t *win = test_window();
	union wq_cap_reg wqcap = { .bits = REG_RD(IDXD_WQCAP_OFFSET, 8) };
	struct dsa_hw_desc d;
	union sw_err_reg e;
	unsigned int i, n = wqcap.total_wq_size + 4;

	ASSERT_NE(NULL, win) TH_LOG("no test window on the model");
	ASSERT_GE(16, n - 4);
	win[DSA_TEST_DELAY_US / 8] = 200000;
	desc_init(&d, DSA_OPCODE_NOOP, 0, self->handle);
	d.flags &= ~(IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_RCI);
	for (i = 0; i < n; i++)
		SUBMIT(submit64, &d);
	for (i = 0; i < 50; i++) {
		e = swerr_take(&self->c);
		if (e.valid)
			break;
		usleep(100000);
	}
	win[DSA_TEST_DELAY_US / 8] = 0;
	ASSERT_EQ(V(1), V(e.valid)) TH_LOG("no error for a full WQ");
	ASSERT_EQ(V(IDXD_SWERR_DWQ_FULL), V(e.error));
	HANDLE_AGAIN();
	swerr_take(&self->c);
	COPY_PAGE(1);
	munmap((void *)win, DSA_TEST_BAR_SIZE);
}

/*
 * A page the user mapped read-only serves as a source; as a destination
 * it faults (a write fault, 0x83) and stays as it was.
 */
TEST_F(wq, read_only_mapping)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	uint64_t ro = IOVA_BASE + 0x200000;
	struct dsa_hw_desc d;
	uint8_t *ro_va;

	ro_va = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro_va);
	fill_random(ro_va, PAGE);
	map.flags = VFIO_DMA_MAP_FLAG_READ;
	map.vaddr = (uintptr_t)ro_va;
	map.iova = ro;
	map.size = PAGE;
	ASSERT_EQ(0, ioctl(self->c.container, VFIO_IOMMU_MAP_DMA, &map));
	desc_init(&d, DSA_OPCODE_MEMMOVE, 0, self->handle);
	d.src_addr = ro;
	d.dst_addr = buf_iova(B_DST);
	d.xfer_size = PAGE;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 0);
	ASSERT_EQ(0, memcmp(buf_va(&self->b, B_DST), ro_va, PAGE));

	memset(buf_va(&self->b, B_SRC), 0x3c, PAGE);
	desc_init(&d, DSA_OPCODE_MEMMOVE, 1, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = ro;
	d.xfer_size = 64;
	SUBMIT(submit64, &d);
	ASSERT_EQ(V(DSA_COMP_PAGE_FAULT_NOBOF | DSA_COMP_STATUS_WRITE),
		  V(cr_wait(cr_va(&self->b, 1))));
	ASSERT_EQ(V(ro), V(cr_va(&self->b, 1)->fault_addr));
	ASSERT_NE(V(0x3c3c3c3c3c3c3c3cULL), V(*(uint64_t *)ro_va));
	munmap(ro_va, PAGE);
}

/*
 * Two SFs, two containers, the same IOVAs: each tenant's descriptors
 * reach only its own pages; an IOVA only the other mapped faults; the
 * other's interrupt handle is refused (0x19).
 */
TEST_F(wq, two_tenants)
{
	struct vfio_ctx other;
	struct bufs ob = { };
	struct dsa_hw_desc d;
	uint16_t other_handle;
	uint64_t lone = IOVA_BASE + 0x100000;
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	uint8_t *lone_va;
	int i;

	ctx_open_dev(_metadata, &other, getenv("VIDXD_DEV2"));
	other_handle = wq_up(_metadata, &other, &ob);
	lone_va = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, lone_va);
	memset(lone_va, 0x77, PAGE);
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)lone_va;
	map.iova = lone;
	map.size = PAGE;
	ASSERT_EQ(0, ioctl(other.container, VFIO_IOMMU_MAP_DMA, &map));

	/* the other tenant copies at the same IOVAs: its pages are in its domain */
	memset(buf_va(&ob, B_SRC), 0x22, PAGE);
	desc_init(&d, DSA_OPCODE_MEMMOVE, 0, other_handle);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST);
	d.xfer_size = PAGE;
	ASSERT_TRUE(submit64(&other, &d));
	ASSERT_EQ(V(DSA_COMP_SUCCESS), V(cr_wait(cr_va(&ob, 0)) & 0x7f));
	d.src_addr = lone;
	d.completion_addr = cr_iova(1);
	ASSERT_TRUE(submit64(&other, &d));
	ASSERT_EQ(V(DSA_COMP_SUCCESS), V(cr_wait(cr_va(&ob, 1)) & 0x7f));

	/* ours, at the same IOVAs, move our bytes and touch none of theirs */
	memset(buf_va(&self->b, B_SRC), 0x11, PAGE);
	desc_init(&d, DSA_OPCODE_MEMMOVE, 0, self->handle);
	d.src_addr = buf_iova(B_SRC);
	d.dst_addr = buf_iova(B_DST);
	d.xfer_size = PAGE;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_SUCCESS, 0);
	for (i = 0; i < PAGE; i++) {
		ASSERT_EQ(V(0x11), V(buf_va(&self->b, B_DST)[i]));
		ASSERT_EQ(V(0x77), V(buf_va(&ob, B_DST)[i]));
	}
	/* an IOVA only the other tenant mapped */
	desc_init(&d, DSA_OPCODE_MEMMOVE, 1, self->handle);
	d.src_addr = lone;
	d.dst_addr = buf_iova(B_DST2);
	d.xfer_size = 64;
	SUBMIT(submit64, &d);
	EXPECT_CR(DSA_COMP_PAGE_FAULT_NOBOF, 1);
	ASSERT_EQ(V(lone), V(cr_va(&self->b, 1)->fault_addr));
	ASSERT_EQ(V(0), V(buf_va(&self->b, B_DST2)[0]));
	/* the other tenant's handle; its own completions have all arrived */
	while (eventfd_fired(other.efd[1], 300))
		;
	desc_init(&d, DSA_OPCODE_NOOP, 2, other_handle);
	SUBMIT(submit64, &d);
	EXPECT_CR(other_handle == self->handle ? DSA_COMP_SUCCESS :
		  DSA_COMP_INT_HANDLE_INVAL, 2);
	ASSERT_NE(V(other_handle), V(self->handle));
	ASSERT_FALSE(eventfd_fired(other.efd[1], 300))
		TH_LOG("our descriptor raised the other tenant's interrupt");
	ASSERT_TRUE(guards_intact(&self->b));
	ASSERT_TRUE(guards_intact(&ob));
	ctx_close(&other);
	unmap_bufs(&ob);
	munmap(lone_va, PAGE);
}

/*
 * Pins against unmaps: one thread maps and unmaps pages over and over
 * while descriptors name them, on one CPU, the submitter at SCHED_IDLE
 * so the unmapper preempts it mid-pin.  Type1 must never find a page
 * still pinned round after round (it BUG()s after ten): the host lives,
 * each descriptor either copies or faults, and the WQ works after.
 */
#define RACE_PAGES	16
#define RACE_IOVA	(IOVA_BASE + 0x400000)
#define RACE_SECONDS	3

struct race {
	int container;
	uint8_t *mem;
	volatile bool stop;
	unsigned long maps;
};

static void *race_unmapper(void *arg)
{
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	struct race *r = arg;
	unsigned int i = 0;

	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	map.size = unmap.size = PAGE;
	while (!r->stop) {
		i = (i + 7) % RACE_PAGES;
		map.vaddr = (uintptr_t)r->mem + i * PAGE;
		map.iova = unmap.iova = RACE_IOVA + i * PAGE;
		if (!ioctl(r->container, VFIO_IOMMU_MAP_DMA, &map)) {
			usleep(rand() % 200);
			ioctl(r->container, VFIO_IOMMU_UNMAP_DMA, &unmap);
			r->maps++;
		}
	}
	return NULL;
}

TEST_F(wq, pin_unmap_race)
{
	struct sched_param idle = { 0 };
	struct race r = { .container = self->c.container };
	volatile struct dsa_completion_record *cr = cr_va(&self->b, 0);
	unsigned long copied = 0, faulted = 0, other = 0;
	struct dsa_hw_desc d;
	cpu_set_t cpu0;
	pthread_t t;
	time_t end;
	uint8_t st;

	r.mem = mmap(NULL, RACE_PAGES * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, r.mem);
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu0), &cpu0));
	ASSERT_EQ(0, pthread_create(&t, NULL, race_unmapper, &r));
	ASSERT_EQ(0, sched_setscheduler(0, SCHED_IDLE, &idle));
	for (end = time(NULL) + RACE_SECONDS; time(NULL) < end;) {
		cr->status = 0;
		desc_init(&d, DSA_OPCODE_MEMMOVE, 0, self->handle);
		d.src_addr = RACE_IOVA + (rand() % RACE_PAGES) * PAGE;
		d.dst_addr = buf_iova(B_DST);
		d.xfer_size = 64;
		if (!submit64(&self->c, &d))
			break;
		st = cr_wait(cr) & 0x7f;
		if (st == DSA_COMP_SUCCESS)
			copied++;
		else if (st == DSA_COMP_PAGE_FAULT_NOBOF)
			faulted++;
		else
			other++;
	}
	r.stop = true;
	pthread_join(t, NULL);
	ASSERT_EQ(0, sched_setscheduler(0, SCHED_OTHER, &idle));
	TH_LOG("%lu maps; %lu copied, %lu faulted, %lu other", r.maps, copied,
	       faulted, other);
	ASSERT_EQ(0, other) TH_LOG("a descriptor neither copied nor faulted");
	ASSERT_LT(0, copied + faulted);
	ASSERT_LT(0, r.maps);
	munmap(r.mem, RACE_PAGES * PAGE);
	COPY_PAGE(1);
}

/*
 * The "reset" fixture: the wq fixture's set-up on the second SF
 * (VIDXD_DEV2), whose WQ errors do not count against the first's budget
 * (three in a minute, see idxd's recover.c) that the wq tests use up.
 */
FIXTURE(reset) {
	struct vfio_ctx c;
	struct bufs b;
	uint16_t handle;
};

FIXTURE_SETUP(reset)
{
	ctx_open_dev(_metadata, &self->c, getenv("VIDXD_DEV2"));
	self->handle = wq_up(_metadata, &self->c, &self->b);
}

FIXTURE_TEARDOWN(reset)
{
	ctx_close(&self->c);
	unmap_bufs(&self->b);
}

/* /dev/kmsg from its end: what the kernel logs from now on. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Whether a record with @needle is logged within @ms. */
static bool kmsg_wait(int fd, const char *needle, int ms)
{
	char rec[8192];
	ssize_t n;

	while (ms > 0) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n > 0) {
			rec[n] = 0;
			if (strstr(rec, needle))
				return true;
		} else if (n < 0 && errno == EPIPE) {
			continue;	/* records overwritten: read on */
		} else {
			usleep(10000);
			ms -= 10;
		}
	}
	return false;
}

struct reset_call {
	int device, ret;
	long ms;
};

static void *reset_thread(void *arg)
{
	struct reset_call *r = arg;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	r->ret = ioctl(r->device, VFIO_DEVICE_RESET) ? -errno : 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		(t1.tv_nsec - t0.tv_nsec) / 1000000;
	return NULL;
}

/* Polls @win's register @reg until (value & @mask) is @want, 2 s at most. */
static bool window_wait(volatile uint64_t *win, unsigned int reg,
			uint64_t mask, uint64_t want)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if ((win[reg / 8] & mask) == want)
			return true;
		usleep(1000);
	}
	return false;
}

/*
 * Found by review: an error the device reports while the guest's reset
 * has the PF reset the SF's WQ is of the work the reset drops; it must
 * not take the fresh WQ down, nor reach the guest after its reset.  The
 * model holds that RESET_WQ while the error comes; the core's error work
 * then runs once the reset is over, and must call the error stale.
 */
TEST_F(reset, error_during_reset_is_dropped)
{
	volatile uint64_t *win = test_window();
	struct reset_call r = { .device = self->c.device };
	int wq = sf_wq(self->c.name), kmsg = kmsg_open();
	char stale[96];
	union sw_err_reg e;
	pthread_t t;
	bool held;
	int ret;

	ASSERT_NE(NULL, win) TH_LOG("no test window on the model");
	ASSERT_LE(0, wq);
	ASSERT_LE(0, kmsg);
	/* a second of its own: the reset's abort is a RESET_WQ, not a drain */
	sleep(1);
	win[DSA_TEST_FAIL_CMD / 8] = DSA_TEST_FAIL_CMD_HOLD |
		IDXD_CMD_RESET_WQ << DSA_TEST_FAIL_CMD_CODE_SHIFT;
	ret = pthread_create(&t, NULL, reset_thread, &r);
	/* the core's command timeout is 1 s: the hold ends well before */
	held = !ret && window_wait(win, DSA_TEST_HOLD, DSA_TEST_HOLD_CMDS,
				   DSA_TEST_HOLD_CMDS);
	if (held) {
		raise_wq_error(win, wq, 0x42);
		usleep(200000);
	}
	win[DSA_TEST_FAIL_CMD / 8] = 0;
	win[DSA_TEST_HOLD / 8] = 0;
	ASSERT_EQ(0, ret);
	pthread_join(t, NULL);
	ASSERT_EQ(0, r.ret);
	ASSERT_TRUE(held) TH_LOG("the reset sent no RESET_WQ to hold");
	snprintf(stale, sizeof(stale),
		 "error 0x42 for an earlier use of WQ %d: ignored", wq);
	ASSERT_TRUE(kmsg_wait(kmsg, stale, 5000))
		TH_LOG("no \"%s\" in the kernel's log", stale);
	close(kmsg);
	munmap((void *)win, DSA_TEST_BAR_SIZE);
	/* the guest's device after its reset: no error, its handle kept */
	self->handle = wq_enable(_metadata, &self->c);
	e = swerr_take(&self->c);
	ASSERT_EQ(V(0), V(e.valid)) TH_LOG("error %#x after the reset",
					   e.error);
	ASSERT_EQ(V(0), V(REG_RD(IDXD_INTCAUSE_OFFSET, 4) &
			  (IDXD_INTC_ERR | IDXD_INTC_INT_HANDLE_REVOKED)));
	COPY_PAGE(0);
}

/*
 * Found by review: errors the core passed on, still queued for the
 * guest when it resets its device, are of the life before; the reset
 * drops them.  Past its burst of WQ resets, the guest's reset drains the
 * WQ under the device's lock, which the engines, held, make wait; the
 * error on the SF's WQ comes meanwhile.  The core passes it on (queued:
 * the lock is the reset's) and takes the WQ down, which ends the drain.
 * The guest's next refusal delivers what is queued first: its own error
 * must be the first.
 */
TEST_F(reset, errors_queued_before_reset_are_dropped)
{
	volatile uint64_t *win = test_window();
	struct reset_call r = { .device = self->c.device };
	int wq = sf_wq(self->c.name), i;
	struct dsa_hw_desc d;
	union sw_err_reg e;
	bool draining;
	pthread_t t;
	int ret;

	ASSERT_NE(NULL, win) TH_LOG("no test window on the model");
	ASSERT_LE(0, wq);
	sleep(1);
	for (i = 0; i < 20; i++)
		CMD_EXPECT(IDXD_CMDSTS_SUCCESS, IDXD_CMD_ABORT_WQ, 1);
	win[DSA_TEST_HOLD / 8] = DSA_TEST_HOLD_ENGINES;
	memmove_desc(&d, 0, self->handle);
	ret = submit64(&self->c, &d) ? 0 : -EIO;
	if (!ret)
		ret = pthread_create(&t, NULL, reset_thread, &r);
	/* the copy and the reset's DRAIN wait in the WQ */
	draining = !ret && window_wait(win, DSA_TEST_QUEUED, ~0ULL, 2);
	if (draining)
		raise_wq_error(win, wq, 0x42);
	if (!ret)
		pthread_join(t, NULL);
	win[DSA_TEST_HOLD / 8] = 0;
	munmap((void *)win, DSA_TEST_BAR_SIZE);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, r.ret);
	ASSERT_TRUE(draining) TH_LOG("the reset did not drain");
	/* VIDXD_DRAIN_MS is 5 s: the WQ taken down ended it */
	ASSERT_GT(4000, r.ms) TH_LOG("the reset drained for %ld ms", r.ms);
	self->handle = wq_enable(_metadata, &self->c);
	desc_init(&d, DSA_OPCODE_BATCH, 0, self->handle);
	SUBMIT(submit64, &d);
	e = swerr_take(&self->c);
	ASSERT_EQ(V(1), V(e.valid));
	ASSERT_NE(V(0x42), V(e.error)) TH_LOG("the error of before the reset");
	ASSERT_EQ(V(0), V(e.overflow));
}

/*
 * Last: deactivating the SF while we hold it signals the request
 * eventfd; once we close, the deactivation completes and the auxiliary
 * device goes.
 */
TEST_F(wq, zz_request_on_deactivate)
{
	const char *port = getenv("VIDXD_PORT");
	char path[128];
	int req, status, i;
	pid_t child;

	ASSERT_NE(NULL, port);
	req = eventfd(0, EFD_NONBLOCK);
	ASSERT_EQ(0, set_eventfds(self->c.device, VFIO_PCI_REQ_IRQ_INDEX,
				  &req, 1));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		execlp("devlink", "devlink", "port", "function", "set", port,
		       "state", "inactive", (char *)NULL);
		_exit(127);
	}
	ASSERT_TRUE(eventfd_fired(req, 5000)) TH_LOG("no request interrupt");
	snprintf(path, sizeof(path), "/sys/bus/auxiliary/devices/%s",
		 self->c.name);
	/* still ours: the device answers */
	ASSERT_EQ(V(0x0b258086), V(CFG_RD(PCI_VENDOR_ID, 4)));
	ctx_close(&self->c);
	close(req);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	for (i = 0; i < 50 && !access(path, F_OK); i++)
		usleep(100000);
	ASSERT_NE(0, access(path, F_OK)) TH_LOG("%s still there", path);
}

TEST_HARNESS_MAIN
