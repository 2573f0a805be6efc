package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * What the caller's CPU loop does after a trap. The PC to continue at is {@link TrapResult#nextPc()}.
 */
@API(status = STABLE, since = "1.0")
public enum Outcome {
    /** Continue the vCPU at {@code nextPc} (results are written). */
    RESUME,
    /** The vCPU waits for an interrupt or a kick, then continues at {@code nextPc}. */
    HALT,
    /** The vCPU gives up its physical CPU, preferably to {@link TrapResult#yieldTarget()}; then continues at {@code nextPc}. */
    YIELD,
    /**
     * {@code KVM_RUN} returns to the host (VMM) with {@link TrapResult#exit()}. The registers show what
     * KVM has done by then (on some architectures the PC is already past the trap, a firmware call's
     * error code already written); {@link Vm#completeExit} does what the next {@code KVM_RUN} does.
     * A {@link Exit.SystemEvent} (shutdown, reset, crash) is VM-wide: the VMM stops every vCPU.
     */
    EXIT_TO_HOST,
    /**
     * Inject {@link TrapResult#fault()} into the guest: it is not yet delivered. The registers show
     * the state KVM has when it injects the exception; the PC is {@code nextPc} (usually the trap itself).
     */
    FAULT,
    /**
     * The architecture already delivered {@link TrapResult#fault()} to the guest's own handler (an
     * interruption through the handler address the guest installed): no result register was
     * written; the vCPU just continues at {@code nextPc}, its handler.
     */
    INTERRUPTED,
    /** The vCPU is powered off (PSCI CPU_OFF and the like). */
    STOP,
    /**
     * Not a hypercall: the instruction is the guest's own (a system call) and nothing was changed; the
     * embedder's CPU executes it as any other instruction ({@link TrapResult#fault()} names the exception
     * it raises, when the architecture defines one).
     */
    NOT_A_HYPERCALL
}
