package dev.hcsim.core.sched;

/**
 * The scheduler's loop for block interleaving ({@link dev.hcsim.core.Interleave#BLOCK}) on more than one physical CPU:
 * a discrete-event simulation in which each physical CPU runs a block of its vCPU's instructions per step, and what the
 * block's last instruction does to the scheduler takes effect when virtual time reaches that instruction, in time order
 * with every other physical CPU's (docs/performance.md, "Scheduler: block interleaving").
 *
 * <p>At a tick, in an order rotated by the seeded generator as in the per-instruction loop, each physical CPU either is
 * inside a block (its last instruction is later: nothing to do), or reaches its block's last instruction (its trap,
 * halt or fault is acted on now, then the quantum check), or starts a block here: it runs its vCPU (picking one from
 * the run queue if it has none) for up to a quantum of instructions at once, each instruction at its own virtual time
 * (this tick, the next, ...). The block stops early after a trap, a wait, a fault, an instruction that asked the
 * scheduler something, before a timer is due, and at the end of the quantum when another
 * vCPU waits. Then time jumps to the next tick at which some physical CPU has something to do. A run that ends the
 * loop (a budget, a system event) never leaves an instruction run ahead of it unaccounted: blocks end before the step,
 * time and instruction budgets do.
 *
 * <p>An instruction in the middle of a block that sends a kick or an interrupt itself (a write to an interrupt controller's IPI register) ends the block, and
 * what it sends is held until the block's end is acted on ({@link Scheduler#sendDeferred}). Scheduler events therefore
 * happen in virtual-time order, and each vCPU's instructions run in their order at
 * their times; what a block does not see is another physical CPU's memory stores made at virtual times inside its
 * run, when that CPU's block came later in the tick's order: a data race resolves at block granularity. All state
 * lives in the machine; one thread runs it.
 */
final class BlockInterleaving {
    private final Scheduler s;
    private final int m;
    /** The tick of the last instruction of the block running on each physical CPU. */
    private final long[] blockEnd;
    /** The vCPU whose block's end is still to be acted on, per physical CPU, or -1. */
    private final int[] blockVcpu;
    private long loops;

    BlockInterleaving(Scheduler s) {
        this.s = s;
        this.m = s.pcpuCurrent.length;
        this.blockEnd = new long[m];
        this.blockVcpu = new int[m];
        java.util.Arrays.fill(blockVcpu, -1);
    }

    RunResult run(Stepper stepper, long stepLimit, long maxTimeNanos, long instructionLimit, long deadlineNanoTime) {
        long ns = s.nsPerTick;
        while (true) {
            if (s.systemEvent != null) {
                return s.end(RunResult.Reason.SYSTEM_EVENT);
            }
            if (s.steps >= stepLimit) {
                return s.end(RunResult.Reason.STEP_BUDGET);
            }
            if (s.time >= maxTimeNanos) {
                return s.end(RunResult.Reason.TIME_BUDGET);
            }
            if (s.instructions >= instructionLimit && !anyBlockRunning()) {
                return s.end(RunResult.Reason.INSTRUCTION_BUDGET);
            }
            if ((loops++ & 255) == 0 && deadlineNanoTime != Long.MAX_VALUE && System.nanoTime() - deadlineNanoTime > 0) {
                return s.end(RunResult.Reason.WALL_CLOCK);
            }
            if (s.time >= s.nextTimer) {
                s.fireTimers();
            }
            boolean any = false;
            boolean ready = false; // some physical CPU may start a block at the next tick
            int start = s.nobodyToRun() ? 0 : s.rng.nextInt(m); // no draw for an idle round (Scheduler.run)
            for (int k = 0; k < m && s.systemEvent == null; k++) {
                int p = start + k < m ? start + k : start + k - m;
                int v = s.pcpuCurrent[p];
                if (v >= 0 && blockVcpu[p] == v) {
                    any = true;
                    if (blockEnd[p] > s.time) {
                        continue; // inside its block
                    }
                    endBlock(stepper, v, p);
                    ready = true;
                    continue;
                }
                if (blockVcpu[p] >= 0) {
                    // Another physical CPU's event took the vCPU off this one (stopped it, a system event) at a time
                    // before its block's end: what the block would still have sent at its end is not sent.
                    s.slots[blockVcpu[p]].deferredCount = 0;
                    blockVcpu[p] = -1;
                }
                if (s.instructions >= instructionLimit) {
                    continue;
                }
                if (v < 0) {
                    v = s.pickNext(p);
                    if (v < 0) {
                        continue;
                    }
                }
                any = true;
                ready = true;
                long executed = s.runAhead(stepper, v, p, budget(p, stepLimit, maxTimeNanos, instructionLimit));
                blockVcpu[p] = v;
                blockEnd[p] = s.time + Math.max(executed - 1, 0) * ns;
                if (blockEnd[p] == s.time) {
                    endBlock(stepper, v, p);
                }
            }
            if (!any) {
                if (s.nextTimer == Long.MAX_VALUE) {
                    return s.end(RunResult.Reason.IDLE);
                }
                // Every vCPU waits: virtual time jumps to the next timer (or to the time budget, which then ends the run).
                s.time = Math.max(s.time, Math.min(s.nextTimer, maxTimeNanos));
                continue;
            }
            long ticks = ready || !s.runqueue.isEmpty() ? 1 : nextBlockEnd();
            ticks = Math.min(Math.min(ticks, Math.max(s.ticksBefore(s.nextTimer), 1)), Math.max(stepLimit - s.steps, 1));
            s.steps += ticks;
            s.time += ticks * ns;
        }
    }

    /** The last instruction of vCPU {@code v}'s block on physical CPU {@code p} takes effect now. */
    private void endBlock(Stepper stepper, int v, int p) {
        blockVcpu[p] = -1;
        s.sendDeferred(v);
        stepper.finishPending(v);
        s.preemptIfQuantumUsed(v, p);
    }

    private boolean anyBlockRunning() {
        for (int p = 0; p < m; p++) {
            if (blockVcpu[p] >= 0 && s.pcpuCurrent[p] == blockVcpu[p]) {
                return true;
            }
        }
        return false;
    }

    /** Ticks from now to the nearest end of a running block (at least 1). */
    private long nextBlockEnd() {
        long next = Long.MAX_VALUE;
        for (int p = 0; p < m; p++) {
            if (blockVcpu[p] >= 0 && s.pcpuCurrent[p] == blockVcpu[p]) {
                next = Math.min(next, blockEnd[p]);
            }
        }
        return next == Long.MAX_VALUE ? 1 : Math.max((next - s.time) / s.nsPerTick, 1);
    }

    /**
     * The most instructions a block starting now on {@code p} may run: one quantum at most (the furthest one physical
     * CPU runs ahead of another), no further than the quantum's end when another vCPU waits, and ending before the
     * next timer is due and within the step, time and instruction budgets.
     */
    private long budget(int p, long stepLimit, long maxTimeNanos, long instructionLimit) {
        long budget = Math.min(stepLimit - s.steps, instructionLimit - s.instructions);
        budget = Math.min(budget, s.ticksBefore(maxTimeNanos));
        budget = Math.min(budget, s.ticksBefore(s.nextTimer));
        budget = Math.min(budget, s.runqueue.isEmpty() ? s.quantum : s.quantum - s.pcpuSlice[p]);
        return Math.max(budget, 1);
    }
}
