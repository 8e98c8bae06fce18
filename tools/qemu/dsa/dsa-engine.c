/*
 * Intel Data Streaming Accelerator (DSA) device model: engines
 *
 * Copyright (c) 2026 The DSA-SF authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One thread per group stands in for the group's engines, so completions
 * are asynchronous to the vCPU that submitted the work, one group's work
 * never waits for another's, and commands (dsa-cmd.c, a thread of their
 * own) never wait for descriptors they do not drain.  An engine takes
 * its group's WQs round robin, one bounded step at a time (a descriptor's
 * checks, at most DSA_STEP_BYTES of its data, a batch member's step), so
 * a huge transfer or a long batch on one WQ delays the group's other WQs
 * by a step per turn at most.  A WQ has one descriptor in progress at a
 * time; its descriptors complete in order.
 *
 * An engine holds the BQL while it looks at device state and drops it
 * while a step runs.
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "dsa.h"

void dsa_engine_kick(DsaState *s)
{
    qemu_cond_broadcast(&s->engine_wakeup);
    qemu_cond_broadcast(&s->cmd_wakeup);
}

/*
 * Count one descriptor of @w as over: drains waiting for it may end, and
 * an engine that skipped @w while another was in a step of it may take
 * it now.
 */
static void dsa_engine_count_done(DsaState *s, DsaWq *w)
{
    w->seq_done++;
    dsa_engine_kick(s);
}

/* @w's job is over: it completed, or an abort or reset abandoned it. */
void dsa_engine_retire(DsaState *s, DsaWq *w)
{
    dsa_job_free_member(&w->job);
    w->active = false;
    dsa_engine_count_done(s, w);
}

/* A reset, halt or abort abandons the job set aside (@wq -1: any). */
void dsa_engine_drop_deferred(DsaState *s, int wq)
{
    if (s->deferred && (wq < 0 || s->defer_job.wq == wq)) {
        s->deferred = false;
        dsa_engine_count_done(s, &s->wqs[s->defer_job.wq]);
    }
}

/* The job set aside runs next (DSA_TEST_DEFER 0). */
void dsa_engine_release_deferred(DsaState *s)
{
    s->defer_arm = 0;
    s->defer_left = 0;
    dsa_engine_kick(s);
}

/*
 * A drain waits for the descriptors @wq accepted before it began, and
 * ends early if the function is reset (or the device unrealized)
 * meanwhile.  While drains wait, the WQ runs even if the test window
 * holds the engines.
 */
void dsa_engine_drain_wq(DsaState *s, int wq)
{
    DsaWq *w = &s->wqs[wq];
    uint32_t gen = s->reset_gen, target = w->seq_in;

    w->drain_req++;
    dsa_engine_kick(s);
    while (!s->stopping && gen == s->reset_gen &&
           (int32_t)(w->seq_done - target) < 0) {
        qemu_cond_wait_iothread(&s->cmd_wakeup);
    }
    w->drain_req--;
}

static bool dsa_engine_may_run(DsaState *s, const DsaWq *w)
{
    return !s->hold || w->drain_req;
}

/*
 * Take @wq's oldest descriptor as its job, unless DSA_TEST_DEFER sets it
 * aside for later (out-of-order completion, as several engines give).
 */
static bool dsa_engine_take(DsaState *s, int wq)
{
    DsaWq *w = &s->wqs[wq];

    if (!dsa_enabled(s) || w->cfg.wq_state != IDXD_WQ_DEV_ENABLED ||
        !dsa_wq_pop(s, wq, &w->job)) {
        return false;
    }
    if (s->defer_arm && !s->deferred) {
        s->defer_job = w->job;
        s->deferred = true;
        s->defer_left = s->defer_arm;
        s->defer_arm = 0;
        if (!dsa_wq_pop(s, wq, &w->job)) {
            return false;
        }
    }
    if (s->deferred && s->defer_left && !--s->defer_left) {
        /* the job set aside may belong to another group's engine */
        dsa_engine_kick(s);
    }
    w->active = true;
    return true;
}

/* The next of the group's WQs with work, round robin. */
static DsaWq *dsa_engine_pick(DsaEngine *e)
{
    DsaState *s = e->dev;
    uint32_t i, wq;
    DsaWq *w;

    for (i = 0; i < s->num_wqs; i++) {
        wq = (e->next_wq + i) % s->num_wqs;
        w = &s->wqs[wq];
        /*
         * A WQ another engine is in a step of (its group changed since)
         * is that engine's until the step ends.
         */
        if (w->group != e->group || w->stepping ||
            !dsa_engine_may_run(s, w)) {
            continue;
        }
        if (w->active || dsa_engine_take(s, wq)) {
            e->next_wq = wq + 1;
            return w;
        }
    }
    return NULL;
}

/*
 * The job set aside runs, whole, once its turn came or a drain waits
 * for its WQ.
 */
static bool dsa_engine_run_deferred(DsaEngine *e)
{
    DsaState *s = e->dev;
    DsaWq *w;
    DsaJob job;

    if (!s->deferred || s->wqs[s->defer_job.wq].group != e->group) {
        return false;
    }
    w = &s->wqs[s->defer_job.wq];
    if ((s->defer_left && !w->drain_req) || !dsa_engine_may_run(s, w)) {
        return false;
    }
    job = s->defer_job;
    s->deferred = false;
    qemu_mutex_unlock_iothread();
    while (!dsa_job_step(s, &job) && !qatomic_read(&s->stopping)) {
        continue;
    }
    qemu_mutex_lock_iothread();
    dsa_job_free_member(&job);
    dsa_engine_count_done(s, w);
    return true;
}

static void *dsa_engine_thread(void *opaque)
{
    DsaEngine *e = opaque;
    DsaState *s = e->dev;
    DsaWq *w;
    bool over;

    qemu_mutex_lock_iothread();
    while (!s->stopping) {
        if (dsa_engine_run_deferred(e)) {
            continue;
        }
        w = dsa_engine_pick(e);
        if (!w) {
            qemu_cond_wait_iothread(&s->engine_wakeup);
            continue;
        }
        w->stepping = true;
        qemu_mutex_unlock_iothread();
        over = dsa_job_step(s, &w->job);
        /* the BQL is not fair: let vCPUs and the main loop have it */
        g_thread_yield();
        qemu_mutex_lock_iothread();
        w->stepping = false;
        if (over || dsa_job_abandoned(&w->job)) {
            dsa_engine_retire(s, w);
        }
    }
    qemu_mutex_unlock_iothread();
    return NULL;
}

void dsa_engine_start(DsaState *s)
{
    int g;

    qemu_cond_init(&s->engine_wakeup);
    qemu_cond_init(&s->cmd_wakeup);
    s->stopping = false;
    s->engines = g_new0(DsaEngine, s->num_groups);
    for (g = 0; g < s->num_groups; g++) {
        s->engines[g].dev = s;
        s->engines[g].group = g;
        qemu_thread_create(&s->engines[g].thread, "dsa-engine",
                           dsa_engine_thread, &s->engines[g],
                           QEMU_THREAD_JOINABLE);
    }
    dsa_cmd_start(s);
}

/* Called with the BQL, which the threads need to see that they must stop. */
void dsa_engine_stop(DsaState *s)
{
    int g;

    s->stopping = true;
    dsa_engine_kick(s);
    qemu_mutex_unlock_iothread();
    for (g = 0; g < s->num_groups; g++) {
        qemu_thread_join(&s->engines[g].thread);
    }
    qemu_thread_join(&s->cmd_thread);
    qemu_mutex_lock_iothread();
    for (g = 0; g < s->num_wqs; g++) {
        dsa_job_free_member(&s->wqs[g].job);
    }
    g_free(s->engines);
    s->engines = NULL;
    qemu_cond_destroy(&s->engine_wakeup);
    qemu_cond_destroy(&s->cmd_wakeup);
}
