/*
 * Intel Data Streaming Accelerator (DSA) device model: interrupts, errors
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * MSI-X vector 0 reports commands, software errors and halts; completion
 * interrupts go to the MSI-X vector or the IMS entry the descriptor names.
 * Everything here runs with the BQL held.
 */

#include "qemu/osdep.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"
#include "dsa.h"

/*
 * A granted handle is never its table index: MSI-X handles start after
 * the MSI-X table's size, IMS handles after twice that, so the two never
 * coincide and a driver that names an index instead of the handle it was
 * given is caught.  The largest (2 * 2048 + 16128) fits the 16-bit field.
 */
static uint32_t dsa_int_handle_base(DsaState *s, bool ims)
{
    return (ims ? 2 : 1) * s->msix_vectors;
}

uint32_t dsa_int_handle_of(DsaState *s, bool ims, uint32_t index)
{
    return dsa_int_handle_base(s, ims) + index;
}

/* The table index @handle names, if it is granted now. */
bool dsa_int_handle_index(DsaState *s, bool ims, uint32_t handle,
                          uint32_t *index)
{
    uint32_t base = dsa_int_handle_base(s, ims);
    uint32_t size = ims ? s->ims_entries : s->msix_vectors;
    unsigned long *granted = ims ? s->ims_handles : s->msix_handles;

    if (handle < base || handle - base >= size ||
        !test_bit(handle - base, granted)) {
        return false;
    }
    *index = handle - base;
    return true;
}

void dsa_irq_misc(DsaState *s, uint32_t cause)
{
    s->intcause |= cause;
    msix_notify(PCI_DEVICE(s), 0);
}

static void dsa_ims_send(DsaState *s, const union ims_entry *e)
{
    MSIMessage msg = {
        .address = e->addr,
        .data = e->data,
    };

    msi_send_message(PCI_DEVICE(s), msg);
}

void dsa_ims_deliver_pending(DsaState *s, uint32_t index)
{
    s->ims[index].pending = 0;
    dsa_ims_send(s, &s->ims[index]);
}

/* A handle revoked since the descriptor's checks signals nothing. */
void dsa_irq_completion(DsaState *s, const DsaJob *job)
{
    bool ims = job->irq_type == IDXD_IRQ_IMS;
    uint32_t i;

    if (!dsa_int_handle_index(s, ims, job->desc.int_handle, &i)) {
        return;
    }
    if (!ims) {
        if (!s->msix_perm[i].ignore) {
            msix_notify(PCI_DEVICE(s), i);
        }
        return;
    }
    if (s->ims[i].mask) {
        s->ims[i].pending = 1;
        return;
    }
    dsa_ims_send(s, &s->ims[i]);
}

/*
 * An enabled event log takes the error, with the batch identifier and the
 * completion record (@cr, or NULL) that only its entries hold; else SWERR
 * keeps the first error and later ones only mark the overflow.
 */
void dsa_error_log(DsaState *s, const union sw_err_reg *err, uint8_t batch_id,
                   const struct dsa_completion_record *cr)
{
    if (dsa_evl_log(s, err, batch_id, cr)) {
        return;
    }
    if (s->swerr.valid) {
        s->swerr.overflow = 1;
    } else {
        s->swerr = *err;
        s->swerr.valid = 1;
        s->swerr.overflow = 0;
    }
    if (s->genctrl.softerr_int_en) {
        dsa_irq_misc(s, IDXD_INTC_ERR);
    }
}

/* An error that is no descriptor's: nothing but what @err says. */
void dsa_swerr_record(DsaState *s, const union sw_err_reg *err)
{
    dsa_error_log(s, err, 0, NULL);
}

void dsa_halt(DsaState *s)
{
    int wq;

    for (wq = 0; wq < s->num_wqs; wq++) {
        dsa_wq_abort(s, wq);
    }
    s->gensts.state = IDXD_DEVICE_STATE_HALT;
    if (s->genctrl.halt_int_en) {
        dsa_irq_misc(s, IDXD_INTC_HALT_STATE);
    }
}
