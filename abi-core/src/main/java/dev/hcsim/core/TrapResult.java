package dev.hcsim.core;

/**
 * The answer to one trap, valid until the next trap on the same vCPU (the object is reused, so the
 * trap path allocates nothing). It says what the caller's CPU loop does next.
 */
public interface TrapResult {
    /** What to do next. */
    Outcome outcome();

    /** The PC to continue at (already written through {@link RegisterAccess#pc(long)} unless the outcome is an exit). */
    long nextPc();

    /** The neutral status of the hypercall, or null when nothing was dispatched (a fault, a non-hypercall). */
    Status status();

    /** The symbolic status as this architecture names it ({@code -KVM_ENOSYS}), or null. */
    String statusName();

    /** The hypercall's kernel name ({@code KVM_HC_KICK_CPU}), or null when the number is not documented. */
    String callName();

    /** The hypercall number or function ID as read from the number register. */
    long number();

    /** True when the trap was taken in the architecture's 32-bit (narrow) mode. */
    boolean narrow();

    /** For {@link Outcome#YIELD}: the vCPU index to yield to, or -1 for any. */
    int yieldTarget();

    /** For {@link Outcome#EXIT_TO_HOST}: the exit reason ({@code KVM_EXIT_HYPERCALL}). */
    String exitReason();

    /** For {@link Outcome#EXIT_TO_HOST}: the exit's hypercall number. */
    long exitNr();

    /** For {@link Outcome#EXIT_TO_HOST}: exit argument {@code i} (0..5). */
    long exitArg(int i);

    /** For {@link Outcome#EXIT_TO_HOST}: the exit flags. */
    long exitFlags();

    /** For {@link Outcome#EXIT_TO_HOST}: the return value preset before the exit (what a host that does not answer returns). */
    long exitPresetReturn();

    /** For {@link Outcome#FAULT}: what to inject ({@code #UD}, {@code specification exception}). */
    String fault();

    /** Length of the trap instruction in bytes. */
    int instructionLength();
}
