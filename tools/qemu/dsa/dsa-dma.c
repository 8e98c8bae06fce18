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
#include "hw/pci/pci_bus.h"
#include "hw/i386/x86-iommu.h"
#include "dsa.h"

static IntelIOMMUState *dsa_iommu(void)
{
    X86IOMMUState *x86_iommu = x86_iommu_get_default();

    if (!x86_iommu) {
        return NULL;
    }
    return (IntelIOMMUState *)object_dynamic_cast(OBJECT(x86_iommu),
                                                  TYPE_INTEL_IOMMU_DEVICE);
}

/*
 * Called with the BQL held: the vIOMMU's address space table is not
 * thread-safe.
 */
AddressSpace *dsa_dma_as(DsaState *s, bool pasid_en, uint32_t pasid)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    IntelIOMMUState *iommu;
    VTDAddressSpace *vtd_as;

    if (!pasid_en) {
        return pci_get_address_space(pdev);
    }
    /* the vIOMMU's PASID address spaces ignore Bus Master Enable */
    if (!(pci_get_word(pdev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        return NULL;
    }
    iommu = dsa_iommu();
    if (!iommu || !iommu->pasid) {
        return NULL;
    }
    /*
     * The vIOMMU keeps an address space per PASID for good: make one only
     * for a PASID its tables know, not for every value a WQCFG can hold.
     */
    if (iommu->dmar_enabled &&
        !vtd_pasid_entry_valid(iommu, pci_get_bus(pdev), pdev->devfn,
                               pasid)) {
        return NULL;
    }
    vtd_as = vtd_find_add_as(iommu, pci_get_bus(pdev), pdev->devfn, pasid);
    return &vtd_as->as;
}

/*
 * Why an access failed, with the BQL held.  Silicon asks the IOMMU for a
 * translation (ATS) first: a context or PASID entry that is missing or
 * invalid makes the request fail (translation failure); a page absent
 * from a valid domain is a page fault.
 */
static DsaDmaResult dsa_dma_fault_kind(const DsaJob *job)
{
    PCIDevice *pdev = PCI_DEVICE(job->dev);
    IntelIOMMUState *iommu;

    if (!job->as) {
        return DSA_DMA_XLAT;
    }
    iommu = dsa_iommu();
    if (!iommu || !iommu->dmar_enabled) {
        return DSA_DMA_FAULT;
    }
    if (!vtd_pasid_entry_valid(iommu, pci_get_bus(pdev), pdev->devfn,
                               job->pasid_en ? job->pasid : PCI_NO_PASID)) {
        return DSA_DMA_XLAT;
    }
    return DSA_DMA_FAULT;
}

/*
 * Each access takes the BQL: a translation fault makes the vIOMMU raise
 * its fault interrupt, which may only happen with the BQL held.  Callers
 * move at most a page per call, so vCPUs still run between accesses.
 */
DsaDmaResult dsa_dma_rw(const DsaJob *job, uint64_t addr, void *buf,
                        uint64_t len, DMADirection dir)
{
    bool locked = qemu_mutex_iothread_locked();
    DsaDmaResult ret = DSA_DMA_OK;

    if (!locked) {
        qemu_mutex_lock_iothread();
    }
    /* a reset or an abort abandoned the job: it touches memory no more */
    if (dsa_job_abandoned(job)) {
        ret = DSA_DMA_FAULT;
    } else if (!job->as ||
               dma_memory_rw(job->as, addr, buf, len, dir,
                             MEMTXATTRS_UNSPECIFIED) != MEMTX_OK) {
        ret = dsa_dma_fault_kind(job);
    }
    if (!locked) {
        qemu_mutex_unlock_iothread();
    }
    return ret;
}
