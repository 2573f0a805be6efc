package dev.hcsim.core.sched;

import dev.hcsim.core.TrapResult;

/**
 * The host (VMM) side of exits in a standalone run: given an exit, the value the host returns when
 * it re-enters the vCPU, or {@link #STAY_EXITED} when the host does not re-enter (the vCPU stops).
 */
@FunctionalInterface
public interface HostHandler {
    /** Returned by {@link #answer} when the host does not re-enter the vCPU. */
    long STAY_EXITED = Long.MIN_VALUE + 0x5eed;

    long answer(int vcpu, TrapResult exit);

    /**
     * The default host: answers {@code KVM_EXIT_HYPERCALL} with 0 (as QEMU does for MAP_GPA_RANGE)
     * and does not re-enter after any other exit.
     */
    HostHandler DEFAULT = (vcpu, exit) -> "KVM_EXIT_HYPERCALL".equals(exit.exitReason()) ? 0 : STAY_EXITED;
}
