/*
 * Intel Data Streaming Accelerator (DSA) device model: DMA
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every access the engines make to memory goes through here, so that the
 * vIOMMU translates it: untagged DMA through the function's bus master
 * address space, PASID-tagged DMA through the intel-iommu address space
 * of that PASID.
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "hw/i386/intel_iommu.h"
#include "hw/i386/x86-iommu.h"
#include "dsa.h"

/*
 * Called with the BQL held: the vIOMMU's address space table is not
 * thread-safe.
 */
AddressSpace *dsa_dma_as(DsaState *s, bool pasid_en, uint32_t pasid)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    X86IOMMUState *x86_iommu;
    IntelIOMMUState *iommu;
    VTDAddressSpace *vtd_as;

    if (!pasid_en) {
        return pci_get_address_space(pdev);
    }
    /* the vIOMMU's PASID address spaces ignore Bus Master Enable */
    if (!(pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        return NULL;
    }
    x86_iommu = x86_iommu_get_default();
    if (!x86_iommu) {
        return NULL;
    }
    iommu = (IntelIOMMUState *)object_dynamic_cast(OBJECT(x86_iommu),
                                                   TYPE_INTEL_IOMMU_DEVICE);
    if (!iommu || !iommu->pasid) {
        return NULL;
    }
    vtd_as = vtd_find_add_as(iommu, pci_get_bus(pdev), pdev->devfn, pasid);
    return &vtd_as->as;
}

/*
 * Each access takes the BQL: a translation fault makes the vIOMMU raise
 * its fault interrupt, which may only happen with the BQL held.  Callers
 * move at most a page per call, so vCPUs still run between accesses.
 */
MemTxResult dsa_dma_rw(const DsaJob *job, uint64_t addr, void *buf,
                       uint64_t len, DMADirection dir)
{
    bool locked = qemu_mutex_iothread_locked();
    MemTxResult ret;

    /* no vIOMMU with PASID support: a PASID-tagged request faults */
    if (!job->as) {
        return MEMTX_DECODE_ERROR;
    }
    if (!locked) {
        qemu_mutex_lock_iothread();
    }
    /* a reset or an abort abandoned the job: it touches memory no more */
    if (job->gen != job->dev->reset_gen ||
        job->abort_gen != job->dev->wqs[job->wq].abort_gen) {
        ret = MEMTX_ERROR;
    } else {
        ret = dma_memory_rw(job->as, addr, buf, len, dir,
                            MEMTXATTRS_UNSPECIFIED);
    }
    if (!locked) {
        qemu_mutex_unlock_iothread();
    }
    return ret;
}
