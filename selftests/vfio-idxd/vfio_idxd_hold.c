// SPDX-License-Identifier: GPL-2.0
/*
 * A VFIO user that holds an SF and copies through it until told to stop,
 * for endurance.sh: it opens VIDXD_DEV, brings its WQ up, creates the
 * file HOLD_READY, then copies a page of random bytes at a time (each
 * checked) until the file HOLD_STOP exists, and says how many it copied.
 */
#include "vfio_client.h"

FIXTURE(hold) {
	struct vfio_ctx c;
	struct bufs b;
	uint16_t handle;
};

FIXTURE_SETUP(hold)
{
	ctx_open(_metadata, &self->c);
	self->handle = wq_up(_metadata, &self->c, &self->b);
}

FIXTURE_TEARDOWN(hold)
{
	ctx_close(&self->c);
	unmap_bufs(&self->b);
}

TEST_F_TIMEOUT(hold, copies, 3600)
{
	const char *ready = getenv("HOLD_READY"), *stop = getenv("HOLD_STOP");
	unsigned long n = 0;
	int fd;

	ASSERT_NE(NULL, ready);
	ASSERT_NE(NULL, stop);
	fd = open(ready, O_CREAT | O_WRONLY, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	while (access(stop, F_OK)) {
		/* a record's status stays until cleared: the wait reads it */
		cr_va(&self->b, 0)->status = 0;
		COPY_PAGE(0);
		n++;
	}
	printf("hold: %lu copies, every one matched\n", n);
	ASSERT_LT(0, n);
}

TEST_HARNESS_MAIN
