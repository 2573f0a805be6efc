package dev.hcsim.core;

/**
 * What the caller's CPU loop does after a trap. The PC to continue at is {@link TrapResult#nextPc()}.
 */
public enum Outcome {
    /** Continue the vCPU at {@code nextPc} (results are written). */
    RESUME,
    /** The vCPU waits for an interrupt or a kick, then continues at {@code nextPc}. */
    HALT,
    /** The vCPU gives up its physical CPU, preferably to {@link TrapResult#yieldTarget()}; then continues at {@code nextPc}. */
    YIELD,
    /**
     * The call is handed to the host (VMM): see the exit fields. Results and PC are written when the
     * host re-enters the vCPU through {@link Vm#completeExit} — except result registers the kernel
     * itself writes before the exit (a firmware call that presets its error code first); only the
     * contract's result registers may change before re-entry.
     */
    EXIT_TO_HOST,
    /** Inject {@link TrapResult#fault()} into the guest; the PC is {@code nextPc} (usually the trap itself). */
    FAULT,
    /**
     * The architecture delivered an interruption to the guest itself (a program interruption
     * through the program new PSW the guest installed): no result register was written; the vCPU
     * continues at {@code nextPc}, its handler; {@link TrapResult#fault()} names the interruption.
     */
    INTERRUPTED,
    /** The vCPU is powered off (PSCI CPU_OFF and the like). */
    STOP,
    /** Not a hypercall: the instruction is the guest's own (a system call); the guest's handler runs. */
    NOT_A_HYPERCALL
}
