// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_idxd_aux: the subfunction's memory.
 *
 * The SF's WQ tags every access of every descriptor with the SF's PASID,
 * which translates through a paging domain of our own: the device reaches
 * exactly the pages mapped there.  The VFIO container (an emulated IOMMU:
 * Debian's 6.12 has no iommufd) tells a driver of unmaps, not of maps, so
 * a page enters the domain when a descriptor needs it: pinned with
 * vfio_pin_pages(), which fails for an IOVA the user never mapped, and
 * mapped at the user's IOVA.  It leaves on the user's unmap and on close.
 */

#include <linux/delay.h>
#include <linux/iommu.h>
#include <linux/vfio.h>
#include "vidxd.h"

static struct device *vidxd_pf(struct vidxd *v)
{
	return v->sfdev->adev.dev.parent;
}

/*
 * The record of our DRAIN descriptors: a page of ours at the top of the
 * domain's aperture, where no user page is mapped.
 */
static int vidxd_drain_page_map(struct vidxd *v, struct iommu_domain *domain)
{
	int ret;

	v->drain_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!v->drain_page)
		return -ENOMEM;
	v->drain_iova = domain->geometry.aperture_end & PAGE_MASK;
	ret = iommu_map(domain, v->drain_iova, page_to_phys(v->drain_page),
			PAGE_SIZE, IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE,
			GFP_KERNEL);
	if (ret) {
		__free_page(v->drain_page);
		v->drain_page = NULL;
	}
	return ret;
}

int vidxd_dma_open(struct vidxd *v)
{
	struct iommu_domain *domain;
	int ret;

	domain = iommu_paging_domain_alloc(vidxd_pf(v));
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	ret = idxd_sf_attach_domain(v->sfdev, domain);
	if (ret) {
		dev_err(&v->vdev.device, "cannot attach the SF's PASID: %d\n",
			ret);
		goto err_free;
	}
	/* after the attach, which may narrow the domain to the IOMMU's width */
	ret = vidxd_drain_page_map(v, domain);
	if (ret) {
		dev_err(&v->vdev.device, "cannot map the drain record at %#llx: %d\n",
			v->drain_iova, ret);
		goto err_detach;
	}
	/* the container may call vidxd_dma_unmap() already */
	mutex_lock(&v->dma_lock);
	v->domain = domain;
	mutex_unlock(&v->dma_lock);
	return 0;

err_detach:
	idxd_sf_detach_domain(v->sfdev);
err_free:
	iommu_domain_free(domain);
	return ret;
}

#define VIDXD_LEAVING		XA_MARK_0	/* out of the domain, to unpin */
#define VIDXD_RELEASE_BATCH	512

/*
 * What was unmapped is out of the IOTLB, and @gather empty again (the
 * sync starts it over); with dma_lock held.
 */
static void vidxd_dma_sync(struct vidxd *v, struct iommu_iotlb_gather *gather)
{
	if (v->domain && gather->pgsize)
		iommu_iotlb_sync(v->domain, gather);
}

/*
 * The user's pages in [@first, @last] leave the domain (the IOTLB flushed
 * per run of pages, and at least every VIDXD_RELEASE_BATCH), then are
 * unpinned.  vfio_unpin_pages() takes the
 * container's lock, which type1 holds while it takes the lock it calls
 * vidxd_dma_unmap() under: dma_lock is not held across it.  Whoever
 * erases an entry unpins its page, so a page is unpinned once.
 */
static void vidxd_dma_release(struct vidxd *v, unsigned long first,
			      unsigned long last)
{
	struct iommu_iotlb_gather gather;
	unsigned long index, n = 0;
	void *entry;

	iommu_iotlb_gather_init(&gather);
	mutex_lock(&v->dma_lock);
	xa_for_each_range(&v->pinned, index, entry, first, last) {
		if (v->domain)
			iommu_unmap_fast(v->domain, index << PAGE_SHIFT,
					 PAGE_SIZE, &gather);
		xa_set_mark(&v->pinned, index, VIDXD_LEAVING);
		/* a marked page is refused: the lock may go for a while */
		if (++n % VIDXD_RELEASE_BATCH == 0) {
			vidxd_dma_sync(v, &gather);
			mutex_unlock(&v->dma_lock);
			cond_resched();
			mutex_lock(&v->dma_lock);
		}
	}
	vidxd_dma_sync(v, &gather);
	mutex_unlock(&v->dma_lock);
	index = first;
	while (xa_find(&v->pinned, &index, last, VIDXD_LEAVING)) {
		if (xa_erase(&v->pinned, index))
			vfio_unpin_pages(&v->vdev, index << PAGE_SHIFT, 1);
		if (index++ == last)
			break;
		cond_resched();
	}
}

/*
 * The device first drops what the WQ holds (idxd_sf_detach_domain()), so
 * no descriptor touches a page after it is unpinned.
 */
void vidxd_dma_close(struct vidxd *v)
{
	idxd_sf_detach_domain(v->sfdev);
	vidxd_dma_release(v, 0, ULONG_MAX);
	mutex_lock(&v->dma_lock);
	iommu_unmap(v->domain, v->drain_iova, PAGE_SIZE);
	__free_page(v->drain_page);
	v->drain_page = NULL;
	iommu_domain_free(v->domain);
	v->domain = NULL;
	mutex_unlock(&v->dma_lock);
}

/*
 * Whether the page at @iova is in the domain (1), may be pinned (0), or
 * may not (-EFAULT: our drain record, a page on its way out, a range
 * type1 is releasing).  With dma_lock held.
 */
static int vidxd_dma_pin_begin(struct vidxd *v, u64 iova)
{
	unsigned long index = iova >> PAGE_SHIFT;

	/*
	 * The mark first: a leaving page is erased without dma_lock, but only
	 * once marked, so an entry seen unmarked under it stays.
	 */
	if (xa_get_mark(&v->pinned, index, VIDXD_LEAVING))
		return -EFAULT;
	if (xa_load(&v->pinned, index))
		return 1;
	if (iova == v->drain_iova)
		return -EFAULT;
	return vidxd_unmap_gate(v, index, -1);
}

/*
 * Whether the user maps anything at @iova, without pinning it: type1
 * says -EINVAL (iommufd -ENOENT) only where nothing is.  It reads a byte
 * of the user's memory (of the user's own device, for a mapping of
 * one).
 */
static bool vidxd_user_maps(struct vidxd *v, u64 iova)
{
	int ret;
	u8 byte;

	ret = vfio_dma_rw(&v->vdev, iova, &byte, 1, false);
	return ret != -EINVAL && ret != -ENOENT;
}

/*
 * May the page at @iova be pinned: 0 (with the round count it was decided
 * at in @seq, and the pin under way from here), 1 if it is in the domain
 * already, or -EFAULT.  A range type1 released is probed without
 * dma_lock (vfio_dma_rw() takes the container's lock).
 */
static int vidxd_dma_may_pin(struct vidxd *v, u64 iova, unsigned long *seq)
{
	unsigned long index = iova >> PAGE_SHIFT;
	bool mapped;
	int ret;

	mutex_lock(&v->dma_lock);
	ret = vidxd_dma_pin_begin(v, iova);
	if (ret == -EAGAIN) {
		mutex_unlock(&v->dma_lock);
		mapped = vidxd_user_maps(v, iova);
		mutex_lock(&v->dma_lock);
		ret = vidxd_unmap_gate(v, index, mapped);
	}
	*seq = v->unmap_seq;
	if (!ret)
		vidxd_transit_set(v, index);
	mutex_unlock(&v->dma_lock);
	return ret;
}

/*
 * Pinned as the user mapped it: writable, or read-only (type1 refuses a
 * write pin of a read-only mapping), so the domain mirrors the user's own
 * mapping and a write to a read-only page faults.
 */
static int vidxd_pin_as_mapped(struct vidxd *v, u64 iova, int *prot,
			       struct page **page)
{
	int ret;

	*prot = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	ret = vfio_pin_pages(&v->vdev, iova, 1, IOMMU_READ | IOMMU_WRITE,
			     page);
	if (ret == -EPERM) {
		*prot = IOMMU_READ | IOMMU_CACHE;
		ret = vfio_pin_pages(&v->vdev, iova, 1, IOMMU_READ, page);
	}
	if (ret != 1)
		return ret < 0 ? ret : -EFAULT;
	return 0;
}

/* One page of the user's, pinned and mapped at its IOVA. */
static int vidxd_dma_pin_page(struct vidxd *v, u64 iova)
{
	unsigned long index = iova >> PAGE_SHIFT, seq;
	struct page *page;
	int ret, prot;

	ret = vidxd_dma_may_pin(v, iova, &seq);
	if (ret)
		return ret < 0 ? ret : 0;
	ret = vidxd_pin_as_mapped(v, iova, &prot, &page);
	if (ret) {
		vidxd_transit_clear(v);
		return ret;
	}
	mutex_lock(&v->dma_lock);
	if (vidxd_unmap_raced(v, index, seq) || !v->domain) {
		ret = -EFAULT;
	} else {
		ret = iommu_map(v->domain, iova, page_to_phys(page), PAGE_SIZE,
				prot, GFP_KERNEL_ACCOUNT);
		if (!ret) {
			ret = xa_err(xa_store(&v->pinned, index, page,
					      GFP_KERNEL_ACCOUNT));
			if (ret)
				iommu_unmap(v->domain, iova, PAGE_SIZE);
		}
	}
	mutex_unlock(&v->dma_lock);
	if (ret)
		vfio_unpin_pages(&v->vdev, iova, 1);
	vidxd_transit_clear(v);
	return ret;
}

/**
 * vidxd_dma_user_fault() - a pin failed for the user's own mapping
 * @err: vidxd_dma_pin()'s error
 *
 * Nothing mapped there (type1 -EINVAL, iommufd -ENOENT), mapped without
 * the access asked (-EPERM), or not pinnable (-EFAULT): what the IOMMU
 * faults on the device too.
 *
 * Return: true for those.
 */
bool vidxd_dma_user_fault(int err)
{
	return err == -EINVAL || err == -ENOENT || err == -EPERM ||
	       err == -EFAULT;
}

/* Pages looked up under one hold of dma_lock, between reschedules. */
#define VIDXD_PIN_SCAN	512

/*
 * Moves @page past the pages from it that are in the domain already, at
 * most VIDXD_PIN_SCAN of them: 1 if it stopped at one that is not (or is
 * leaving), 0 if every page to @last is in (@page is then @last),
 * -EAGAIN to go on from @page.
 * A descriptor reusing its buffers, the common case, costs one lock for
 * its range instead of one a page.
 */
static int vidxd_dma_find_unpinned(struct vidxd *v, u64 *page, u64 last)
{
	unsigned long index;
	int n, ret = -EAGAIN;

	mutex_lock(&v->dma_lock);
	for (n = 0; n < VIDXD_PIN_SCAN; n++) {
		index = *page >> PAGE_SHIFT;
		/* the mark first, as in vidxd_dma_pin_begin() */
		if (xa_get_mark(&v->pinned, index, VIDXD_LEAVING) ||
		    !xa_load(&v->pinned, index)) {
			ret = 1;
			break;
		}
		if (*page == last) {
			ret = 0;
			break;
		}
		*page += PAGE_SIZE;
	}
	mutex_unlock(&v->dma_lock);
	return ret;
}

/*
 * Make [@iova, @iova + @len) reachable by the SF: every page the user
 * mapped in it is pinned and in the domain, as the user mapped it.
 * Returns 0; for the first page the user does not map as asked, an
 * error vidxd_dma_user_fault() accepts (the page stays out: a
 * descriptor naming it faults in the IOMMU); any other error is the
 * host's (-ENOMEM), and the caller must not submit.  With v->lock held,
 * which serializes pinning.
 */
int vidxd_dma_pin(struct vidxd *v, u64 iova, u64 len)
{
	u64 page, end, last;
	int ret;

	if (!len || check_add_overflow(iova, len - 1, &end))
		return -EINVAL;
	page = iova & PAGE_MASK;
	last = end & PAGE_MASK;
	for (;;) {
		ret = vidxd_dma_find_unpinned(v, &page, last);
		if (!ret)
			return 0;
		if (ret == 1) {
			ret = vidxd_dma_pin_page(v, page);
			if (ret || page == last)
				return ret;
			page += PAGE_SIZE;
		}
		cond_resched();
	}
}

/*
 * The user unmaps [@iova, @iova + @length): the SF loses it at once, and
 * it stays closed to pins while type1 may look again (unmap.c).  Called
 * by type1 under its device list lock: the one pin under way in the
 * range is waited for, a second at most.
 */
void vidxd_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	struct vidxd *v = to_vidxd(vdev);
	unsigned long first = iova >> PAGE_SHIFT;
	unsigned long last = (iova + length - 1) >> PAGE_SHIFT;
	struct vidxd_dying *d;

	if (!length)
		return;
	mutex_lock(&v->dma_lock);
	d = vidxd_unmap_begin(v, first, last);
	mutex_unlock(&v->dma_lock);
	vidxd_dma_release(v, first, last);
	vidxd_transit_wait(v, first, last);
	mutex_lock(&v->dma_lock);
	vidxd_unmap_end(v, d);
	mutex_unlock(&v->dma_lock);
}

#define VIDXD_DRAIN_MS		5000

/*
 * What the SF's WQ holds runs to its end: a DRAIN descriptor completes
 * after every earlier one, its record in our page.  No device command is
 * involved, so a guest's slow work holds up nothing but its own drain; a
 * drain that does not end within VIDXD_DRAIN_MS drops the work instead.
 * With v->lock held.
 */
void vidxd_wq_drain(struct vidxd *v)
{
	struct dsa_completion_record *cr = page_address(v->drain_page);
	struct dsa_hw_desc d = {
		.opcode = DSA_OPCODE_DRAIN,
		.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR,
		.completion_addr = v->drain_iova,
	};
	unsigned long end = jiffies + msecs_to_jiffies(VIDXD_DRAIN_MS);
	int stops = atomic_read(&v->stops);

	/* a WQ the core took down holds nothing: the device dropped it */
	WRITE_ONCE(cr->status, 0);
	if (!vidxd_portal_submit(v, &d))
		return;
	while (!READ_ONCE(cr->status) && atomic_read(&v->stops) == stops) {
		if (time_after(jiffies, end)) {
			dev_warn(&v->vdev.device,
				 "the WQ did not drain within %u ms: its work dropped\n",
				 VIDXD_DRAIN_MS);
			idxd_sf_drop_work(v->sfdev);
			return;
		}
		usleep_range(50, 200);
	}
}

/*
 * A user may have the PF reset the SF's WQ 20 times a second, counting
 * opens; past that its aborts drain and its opens fail.
 */
#define VIDXD_ABORT_INTERVAL	HZ
#define VIDXD_ABORT_BURST	20

void vidxd_abort_init(struct vidxd *v)
{
	ratelimit_state_init(&v->abort_rs, VIDXD_ABORT_INTERVAL,
			     VIDXD_ABORT_BURST);
	ratelimit_set_flags(&v->abort_rs, RATELIMIT_MSG_ON_RELEASE);
}

bool vidxd_abort_allowed(struct vidxd *v)
{
	return __ratelimit(&v->abort_rs);
}

/*
 * The guest's abort or reset: the device drops what the WQ holds, which
 * is a RESET_WQ on the PF's command unit, shared by every SF.  A guest
 * aborting faster than VIDXD_ABORT_BURST a second gets a drain instead
 * (its own descriptors, no device command): what it queued completes
 * rather than being dropped.  With v->lock held.
 */
void vidxd_wq_abort(struct vidxd *v)
{
	if (vidxd_abort_allowed(v))
		idxd_sf_drop_work(v->sfdev);
	else
		vidxd_wq_drain(v);
}
