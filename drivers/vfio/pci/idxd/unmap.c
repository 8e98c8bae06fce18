// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_idxd_aux: the user's unmaps, and which pins may enter a range
 * being unmapped.
 *
 * Type1 calls vidxd_dma_unmap() while any page of a mapping is pinned,
 * with its own lock dropped; when we return it looks again and calls
 * again at once if a page is still pinned, BUG()ing after ten rounds in a
 * row.  Once no page is pinned it removes the mapping, and
 * vfio_pin_pages() fails there until the user maps again.  So:
 *
 *  - the one pin under way (pins are serialized by v->lock) is recorded
 *    before vfio_pin_pages() and cleared once it is in the table or
 *    unpinned again; the callback waits for it if it is in the range (a
 *    second at most: the pin may be stuck behind a third thread that
 *    holds the container's lock and waits for the callback's);
 *  - a range is closed to new pins while it is released and for
 *    VIDXD_DYING_MS after (type1 looks again at once);
 *  - then a pin first probes its address with vfio_dma_rw(), which pins
 *    nothing.  Nothing mapped there: the old mapping is gone, and what the
 *    user maps there later is new, so the pin goes ahead and the range is
 *    forgotten;
 *  - something mapped there is taken to be a new mapping, unless type1
 *    came back for the range within VIDXD_DYING_MS of a round, a retry:
 *    then it stays closed while anything maps there, for VIDXD_STICKY_MS.
 *
 * A retry needs a pin to get in between two of type1's looks, which the
 * above leaves to type1 being kept from its own lock past VIDXD_DYING_MS
 * (a user can hold it, with a huge MAP_DMA); a third round, to that
 * happening again VIDXD_STICKY_MS later.  That is a matter of time, not a
 * guarantee.  Everything here is under dma_lock but the transit record.
 */

#include <linux/jiffies.h>
#include "vidxd.h"

#define VIDXD_DYING_MS		100
#define VIDXD_STICKY_MS		10000

static bool vidxd_dying_has(const struct vidxd_dying *d, unsigned long index)
{
	return d->rounds && index >= d->first && index <= d->last;
}

/* In a round, or ended within @ms. */
static bool vidxd_dying_within(const struct vidxd_dying *d, unsigned int ms)
{
	return !d->ended || time_before(jiffies, d->ended + msecs_to_jiffies(ms));
}

/* A range type1 asked for long enough ago is forgotten. */
static void vidxd_dying_expire(struct vidxd *v)
{
	unsigned int i;

	for (i = 0; i < VIDXD_DYING; i++)
		if (!vidxd_dying_within(&v->dying[i], VIDXD_STICKY_MS))
			v->dying[i].rounds = 0;
}

/*
 * The slot for [@first, @last]: the one it overlaps, else a free one,
 * else the one whose last round ended first (its range forgotten:
 * unless it is recent, then the two merge).
 */
static struct vidxd_dying *vidxd_dying_slot(struct vidxd *v,
					    unsigned long first,
					    unsigned long last)
{
	struct vidxd_dying *d, *free = NULL, *oldest = &v->dying[0];
	unsigned int i;

	for (i = 0; i < VIDXD_DYING; i++) {
		d = &v->dying[i];
		if (d->rounds && first <= d->last && last >= d->first)
			return d;
		if (!d->rounds)
			free = d;
		else if (d->ended && time_before(d->ended, oldest->ended))
			oldest = d;
	}
	if (free)
		return free;
	if (!vidxd_dying_within(oldest, VIDXD_DYING_MS)) {
		oldest->rounds = 0;
		return oldest;
	}
	oldest->merged = true;
	return oldest;
}

/*
 * Type1 asks us to release [@first, @last]: it is closed to pins.  It
 * counts as a retry only if type1 comes back at once (a merged range
 * never counts one).
 */
struct vidxd_dying *vidxd_unmap_begin(struct vidxd *v, unsigned long first,
				      unsigned long last)
{
	struct vidxd_dying *d;

	vidxd_dying_expire(v);
	d = vidxd_dying_slot(v, first, last);
	if (!d->rounds) {
		d->first = first;
		d->last = last;
		d->merged = false;
		d->rounds = 1;
	} else {
		if (!d->merged && d->first == first && d->last == last &&
		    vidxd_dying_within(d, VIDXD_DYING_MS))
			d->rounds++;
		d->first = min(d->first, first);
		d->last = max(d->last, last);
	}
	d->ended = 0;
	v->unmap_seq++;
	return d;
}

void vidxd_unmap_end(struct vidxd *v, struct vidxd_dying *d)
{
	d->ended = jiffies ?: 1;
}

/* One range's say on a pin in it: see vidxd_unmap_gate(). */
static int vidxd_dying_gate(struct vidxd_dying *d, int probed)
{
	if (vidxd_dying_within(d, VIDXD_DYING_MS))
		return -EFAULT;
	if (probed < 0)
		return -EAGAIN;
	if (probed)
		return d->rounds > 1 ? -EFAULT : 0;
	/* nothing maps it: a mapping goes as a whole, so this one is gone */
	if (!d->merged)
		d->rounds = 0;
	return 0;
}

/*
 * May the page at @index be pinned?  @probed: -1 before a probe, else
 * whether vfio_dma_rw() found it mapped.  0: yes; -EFAULT: no; -EAGAIN:
 * probe the address, then ask again.
 */
int vidxd_unmap_gate(struct vidxd *v, unsigned long index, int probed)
{
	unsigned int i;
	int ret;

	vidxd_dying_expire(v);
	for (i = 0; i < VIDXD_DYING; i++) {
		if (!vidxd_dying_has(&v->dying[i], index))
			continue;
		ret = vidxd_dying_gate(&v->dying[i], probed);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A pin taken at @seq, before type1 began another round that covers
 * @index: it must go, or type1 asks once more.
 */
bool vidxd_unmap_raced(struct vidxd *v, unsigned long index,
		       unsigned long seq)
{
	unsigned int i;

	if (seq == v->unmap_seq)
		return false;
	for (i = 0; i < VIDXD_DYING; i++)
		if (vidxd_dying_has(&v->dying[i], index))
			return true;
	return false;
}

/*
 * The pin under way: from the gate's yes until it is in the table or
 * unpinned again.  Lock-free, for the callback's wait condition.
 */
void vidxd_transit_set(struct vidxd *v, unsigned long index)
{
	atomic_long_set(&v->transit, index + 1);
}

void vidxd_transit_clear(struct vidxd *v)
{
	atomic_long_set(&v->transit, 0);
	wake_up_all(&v->transit_wq);
}

static bool vidxd_transit_out(struct vidxd *v, unsigned long first,
			      unsigned long last)
{
	unsigned long t = atomic_long_read(&v->transit);

	return !t || t - 1 < first || t - 1 > last;
}

/* No pin under way in [@first, @last], or a second has passed. */
void vidxd_transit_wait(struct vidxd *v, unsigned long first,
			unsigned long last)
{
	if (!wait_event_timeout(v->transit_wq,
				vidxd_transit_out(v, first, last), HZ))
		dev_warn_ratelimited(&v->vdev.device,
				     "a pin stayed under way through an unmap\n");
}
