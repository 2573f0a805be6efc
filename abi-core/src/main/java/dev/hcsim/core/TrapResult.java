package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The answer to one trap, valid until the next trap on the same vCPU (the object is reused, so the
 * trap path allocates nothing). It says what the caller's CPU loop does next.
 */
@API(status = STABLE, since = "1.0")
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
     * The call's name as the kernel spells it ({@code KVM_HC_KICK_CPU}, {@code PSCI_0_2_FN64_CPU_ON},
     * {@code H_CEDE}), or the emulated instruction's mnemonic where KVM emulates an instruction
     * ({@code STSI}, {@code CPUCFG}); null when the number is not documented or nothing was called.
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
     * For {@link Outcome#EXIT_TO_HOST}: what the host (the VMM) gets, as {@code struct kvm_run} carries it
     * ({@link Exit#reason()} is its {@code KVM_EXIT_*} reason). The registers already show the state KVM
     * leaves them in before it returns to user space; {@link Vm#completeExit} does what the next
     * {@code KVM_RUN} does.
     * @return the exit, or null for another outcome
     */
    Exit exit();

    /**
     * The exception of this trap, in the architecture's terms:
     * for {@link Outcome#FAULT} the one to inject (not yet delivered; the registers show the state KVM
     * has when it injects it); for {@link Outcome#INTERRUPTED} the one already delivered to the guest's
     * own handler; for {@link Outcome#NOT_A_HYPERCALL} the one the guest's own instruction raises (a
     * system call), which the embedder's CPU delivers as it does for any instruction (nothing was
     * changed), or null.
     * @return the fault, or null for another outcome
     */
    Fault fault();

    /**
     * Length of the trap instruction in bytes.
     * @return the length, as decoded
     */
    int instructionLength();
}
