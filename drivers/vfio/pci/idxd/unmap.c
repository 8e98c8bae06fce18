// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_idxd_aux: the user's unmaps, and which pins may enter a range
 * being unmapped.
 *
 * Type1 calls vidxd_dma_unmap() while any page of a mapping is pinned,
 * with its own lock dropped; when we return it looks again and calls
 * again if a pin got in meanwhile, BUG()ing after ten rounds in a row.
 * Once no page is pinned it removes the mapping, and vfio_pin_pages()
 * fails there until the user maps again.  We cannot wait for type1 (it
 * calls us under a lock its own paths take after the one a pin needs), so
 * pins are kept out instead:
 *
 *  - while the range is released and for VIDXD_DYING_MS after: no pin;
 *  - then a pin first probes its address with vfio_dma_rw(), which pins
 *    nothing.  Nothing mapped there: the old mapping is gone, and what the
 *    user maps there later is new, so the pin goes ahead and the range is
 *    forgotten;
 *  - something mapped there is taken to be a new mapping, unless type1
 *    asked twice within VIDXD_STICKY_MS: then the range stays closed while
 *    anything maps there, for VIDXD_STICKY_MS after the last round.
 *
 * Pins are serialized by v->lock, so a round adds at most one more (the
 * pin under way); a third round needs type1 kept from its lock for
 * VIDXD_STICKY_MS, and every two more as long again.  Everything here is
 * under dma_lock.
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
 * else the one that ended first takes it in too (a merged range is
 * closed as long as a range asked for twice).
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
	oldest->merged = true;
	return oldest;
}

/* Type1 asks us to release [@first, @last]: it is closed to pins. */
struct vidxd_dying *vidxd_unmap_begin(struct vidxd *v, unsigned long first,
				      unsigned long last)
{
	struct vidxd_dying *d;

	vidxd_dying_expire(v);
	d = vidxd_dying_slot(v, first, last);
	if (d->rounds) {
		d->first = min(d->first, first);
		d->last = max(d->last, last);
	} else {
		d->first = first;
		d->last = last;
		d->merged = false;
	}
	d->rounds++;
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

void vidxd_unmap_reset(struct vidxd *v)
{
	memset(v->dying, 0, sizeof(v->dying));
}
