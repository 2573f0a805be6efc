package dev.hcsim.core.sched;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.spi.Cpu;

/** What the scheduler keeps per vCPU: its registers, interpreter state, scheduling state and counters. */
final class VcpuSlot {
    private static final VcpuState[] STATES = VcpuState.values();

    RegisterFile regs;
    Cpu cpu;
    // The state as its ordinal: the scheduler changes it at almost every event, and a primitive store
    // needs no garbage-collector write barrier. Once the slots are in the old generation, an enum
    // store into each of thousands of slots dirties a card per vCPU (with a fence), which made a
    // 4096-vCPU run several times slower per event than a 2-vCPU one.
    private byte state = (byte) VcpuState.RUNNABLE.ordinal();
    boolean wakePending;
    int pendingInterrupts;
    final VectorCounts interrupts = new VectorCounts();
    long enqueuedAt;
    long stealNanos;
    long instructions;
    int pcpu = -1;
    /** When the architecture's timer for this vCPU fires (VcpuControl.armTimer), Long.MAX_VALUE for none. */
    long timerAt = Long.MAX_VALUE;
    String stopReason;
    // Block interleaving with more than one physical CPU (BlockInterleaving): what the last instruction of the block
    // that ran ahead signalled, acted on when virtual time reaches it.
    int pendingSignal;
    long pendingPc;
    int pendingLength;
    /**
     * Kicks and interrupts an instruction of that block sent before its last instruction's time came (a write to an
     * interrupt controller's IPI register in the middle of a block): {@code kind << 62 | target << 32 | vector}, sent when virtual
     * time reaches the block's end, in time order with every other physical CPU's events. Null until first needed.
     */
    long[] deferred;
    int deferredCount;

    void defer(long effect) {
        if (deferred == null || deferredCount == deferred.length) {
            deferred = java.util.Arrays.copyOf(deferred == null ? new long[0] : deferred, Math.max(4, deferredCount * 2));
        }
        deferred[deferredCount++] = effect;
    }

    VcpuState state() {
        return STATES[state];
    }

    void state(VcpuState s) {
        state = (byte) s.ordinal();
    }

    /** {@code state() == s} without the array load (the check after every instruction). */
    boolean is(VcpuState s) {
        return state == s.ordinal();
    }

    /** A trace event's physical CPU: the one the vCPU is on, or none (left out of the trace) when it is on none. */
    Integer pcpuOrNull() {
        return pcpu >= 0 ? pcpu : null;
    }
}
