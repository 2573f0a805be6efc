package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The kind of a VM-wide event, {@code struct kvm_run}'s {@code system_event.type}: the
 * {@code KVM_SYSTEM_EVENT_*} numbers of {@code include/uapi/linux/kvm.h}. A trap that ends in one
 * answers {@link Outcome#EXIT_TO_HOST} with an {@link Exit.SystemEvent}.
 */
@API(status = STABLE, since = "1.0")
public enum SystemEventType {
    /** {@code KVM_SYSTEM_EVENT_SHUTDOWN} (1): the guest asked to power the VM off. */
    SHUTDOWN(1),
    /** {@code KVM_SYSTEM_EVENT_RESET} (2): the guest asked to reset the VM. */
    RESET(2),
    /** {@code KVM_SYSTEM_EVENT_CRASH} (3): the guest crashed (a panic notification). */
    CRASH(3),
    /** {@code KVM_SYSTEM_EVENT_WAKEUP} (4): a suspended vCPU was woken (arm64 PSCI SYSTEM_SUSPEND). */
    WAKEUP(4),
    /** {@code KVM_SYSTEM_EVENT_SUSPEND} (5): the guest asked to suspend the VM (arm64 PSCI SYSTEM_SUSPEND). */
    SUSPEND(5),
    /** {@code KVM_SYSTEM_EVENT_SEV_TERM} (6): an SEV-ES guest asked to terminate (x86). */
    SEV_TERM(6),
    /** {@code KVM_SYSTEM_EVENT_TDX_FATAL} (7): a TDX guest reported a fatal error (x86). */
    TDX_FATAL(7);

    private static final SystemEventType[] VALUES = values();

    private final int number;

    SystemEventType(int number) {
        this.number = number;
    }

    /**
     * The kernel's number ({@code KVM_SYSTEM_EVENT_SHUTDOWN} is 1).
     * @return the value of {@code kvm_run.system_event.type}
     */
    public int number() {
        return number;
    }

    /**
     * The kernel's name of the constant.
     * @return {@code KVM_SYSTEM_EVENT_} followed by the constant's name
     */
    public String kernelName() {
        return "KVM_SYSTEM_EVENT_" + name();
    }

    /**
     * The type with the kernel's number {@code number}.
     * @param number a {@code KVM_SYSTEM_EVENT_*} number
     * @return the type
     * @throws IllegalArgumentException when no {@code KVM_SYSTEM_EVENT_*} constant has that number
     */
    public static SystemEventType of(int number) {
        if (number < 1 || number > VALUES.length) {
            throw new IllegalArgumentException("no KVM_SYSTEM_EVENT_* type has the number " + number + " (1 to " + VALUES.length + ")");
        }
        return VALUES[number - 1];
    }

    /** The kernel's name, {@code KVM_SYSTEM_EVENT_SHUTDOWN}. */
    @Override
    public String toString() {
        return kernelName();
    }
}
