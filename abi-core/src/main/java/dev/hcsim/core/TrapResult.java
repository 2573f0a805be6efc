package dev.hcsim.core;

/**
 * The answer to one trap, valid until the next trap on the same vCPU (the object is reused, so the
 * trap path allocates nothing). It says what the caller's CPU loop does next.
 */
public interface TrapResult {
    /**
     * What to do next.
     * @return the outcome: continue, halt, yield, exit to the host, fault and so on
     */
    Outcome outcome();

    /**
     * The PC to continue at (already written through {@link RegisterAccess#pc(long)} unless the outcome is an exit).
     * @return a guest virtual address
     */
    long nextPc();

    /**
     * The neutral status of the hypercall, or null when nothing was dispatched (a fault, a non-hypercall).
     * @return the status, or null
     */
    Status status();

    /**
     * The symbolic status as this architecture names it ({@code -KVM_ENOSYS}), or null.
     * @return the name, or null when there is no status
     */
    String statusName();

    /**
     * The hypercall's kernel name ({@code KVM_HC_KICK_CPU}), or null when the number is not documented.
     * @return the name, or null
     */
    String callName();

    /**
     * The hypercall number or function ID as read from the number register.
     * @return the number or function ID, as the guest put it
     */
    long number();

    /**
     * True when the trap was taken in the architecture's 32-bit (narrow) mode.
     * @return whether the call was narrow
     */
    boolean narrow();

    /**
     * For {@link Outcome#YIELD}: the vCPU index to yield to, or -1 for any.
     * @return a vCPU index, or -1
     */
    int yieldTarget();

    /**
     * For {@link Outcome#EXIT_TO_HOST}: the exit reason ({@code KVM_EXIT_HYPERCALL}).
     * @return the reason, or null for another outcome
     */
    String exitReason();

    /**
     * For {@link Outcome#EXIT_TO_HOST}: the exit's hypercall number.
     * @return the number the host sees in the exit
     */
    long exitNr();

    /**
     * For {@link Outcome#EXIT_TO_HOST}: exit argument {@code i} (0..5).
     * @param i the argument's position, 0 to 5
     * @return its value
     */
    long exitArg(int i);

    /**
     * For {@link Outcome#EXIT_TO_HOST}: the exit flags.
     * @return the flags, as the kernel fills the exit's flags field
     */
    long exitFlags();

    /**
     * For {@link Outcome#EXIT_TO_HOST}: the return value preset before the exit (what a host that does not answer
     * returns).
     * @return the preset value of result register 0
     */
    long exitPresetReturn();

    /**
     * For {@link Outcome#FAULT}: what to inject ({@code #UD}, {@code specification exception}).
     * @return the fault in the architecture's words, or null for another outcome
     */
    String fault();

    /**
     * Length of the trap instruction in bytes.
     * @return the length, as decoded
     */
    int instructionLength();
}
