package dev.hcsim.core.sched;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

/**
 * How a standalone run ended.
 *
 * @param reason       why it ended
 * @param steps        scheduler ticks executed
 * @param timeNanos    virtual time at the end
 * @param instructions guest instructions executed on all vCPUs
 */
@API(status = MAINTAINED, since = "1.0")
public record RunResult(Reason reason, long steps, long timeNanos, long instructions) {
    /** Why a run ended. */
    public enum Reason {
        /** No vCPU can run: every one is halted, off, exited or stopped. */
        IDLE,
        /** A VM-wide system event (shutdown, reset) ended it. */
        SYSTEM_EVENT,
        /** The step budget ran out. */
        STEP_BUDGET,
        /** The virtual-time budget ran out. */
        TIME_BUDGET,
        /** The guest-instruction budget ran out (all vCPUs together; checked between ticks, so up to pcpus - 1 past it). */
        INSTRUCTION_BUDGET,
        /** The wall-clock deadline passed. */
        WALL_CLOCK
    }
}
