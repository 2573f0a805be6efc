package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Why {@code KVM_RUN} returned to user space: the {@code KVM_EXIT_*} numbers of
 * {@code include/uapi/linux/kvm.h} ({@code struct kvm_run}'s {@code exit_reason}). Every constant
 * carries the kernel's number; the exits hcsim produces are the {@link Exit} records.
 */
@API(status = STABLE, since = "1.0")
public enum ExitReason {
    /** {@code KVM_EXIT_UNKNOWN} (0): no specific reason; {@code hw.hardware_exit_reason} holds the hardware's own. */
    UNKNOWN(0),
    /** {@code KVM_EXIT_EXCEPTION} (1): a guest exception KVM did not handle ({@code ex.exception}, {@code ex.error_code}). */
    EXCEPTION(1),
    /** {@code KVM_EXIT_IO} (2): a port I/O access (x86). */
    IO(2),
    /** {@code KVM_EXIT_HYPERCALL} (3): a hypercall handed to user space ({@code hypercall.nr}, {@code args[6]}, {@code ret}, {@code flags}). */
    HYPERCALL(3),
    /** {@code KVM_EXIT_DEBUG} (4): a debug event the VMM asked for ({@code debug.arch}). */
    DEBUG(4),
    /** {@code KVM_EXIT_HLT} (5): the guest halted and user space runs the halt. */
    HLT(5),
    /** {@code KVM_EXIT_MMIO} (6): a memory-mapped I/O access KVM did not handle. */
    MMIO(6),
    /** {@code KVM_EXIT_IRQ_WINDOW_OPEN} (7): the guest can take an interrupt now (x86). */
    IRQ_WINDOW_OPEN(7),
    /** {@code KVM_EXIT_SHUTDOWN} (8): the guest shut down (an x86 triple fault). */
    SHUTDOWN(8),
    /** {@code KVM_EXIT_FAIL_ENTRY} (9): the hardware refused to enter the guest. */
    FAIL_ENTRY(9),
    /** {@code KVM_EXIT_INTR} (10): a signal interrupted {@code KVM_RUN}. */
    INTR(10),
    /** {@code KVM_EXIT_SET_TPR} (11): the guest set its TPR (x86). */
    SET_TPR(11),
    /** {@code KVM_EXIT_TPR_ACCESS} (12): the guest accessed its TPR (x86). */
    TPR_ACCESS(12),
    /** {@code KVM_EXIT_S390_SIEIC} (13): an s390 SIE intercept handed to user space ({@code icptcode}, {@code ipa}, {@code ipb}). */
    S390_SIEIC(13),
    /** {@code KVM_EXIT_S390_RESET} (14): an s390 reset request ({@code s390_reset_flags}). */
    S390_RESET(14),
    /** {@code KVM_EXIT_DCR} (15): a PowerPC 4xx DCR access (deprecated). */
    DCR(15),
    /** {@code KVM_EXIT_NMI} (16): a non-maskable interrupt. */
    NMI(16),
    /** {@code KVM_EXIT_INTERNAL_ERROR} (17): KVM could not go on ({@code internal.suberror}, {@code ndata}, {@code data[16]}). */
    INTERNAL_ERROR(17),
    /** {@code KVM_EXIT_OSI} (18): a PowerPC OSI call ({@code osi.gprs[32]}). */
    OSI(18),
    /** {@code KVM_EXIT_PAPR_HCALL} (19): a PAPR hypercall for user space ({@code papr_hcall.nr}, {@code ret}, {@code args[9]}). */
    PAPR_HCALL(19),
    /** {@code KVM_EXIT_S390_UCONTROL} (20): an s390 user-controlled VM's translation exception. */
    S390_UCONTROL(20),
    /** {@code KVM_EXIT_WATCHDOG} (21): the PowerPC BookE watchdog expired. */
    WATCHDOG(21),
    /** {@code KVM_EXIT_S390_TSCH} (22): an s390 TEST SUBCHANNEL for user space. */
    S390_TSCH(22),
    /** {@code KVM_EXIT_EPR} (23): a PowerPC BookE external proxy read. */
    EPR(23),
    /** {@code KVM_EXIT_SYSTEM_EVENT} (24): a VM-wide event ({@code system_event.type}, {@code ndata}, {@code data[16]}). */
    SYSTEM_EVENT(24),
    /** {@code KVM_EXIT_S390_STSI} (25): an s390 STORE SYSTEM INFORMATION for user space. */
    S390_STSI(25),
    /** {@code KVM_EXIT_IOAPIC_EOI} (26): an end of interrupt for a user-space IOAPIC (x86). */
    IOAPIC_EOI(26),
    /** {@code KVM_EXIT_HYPERV} (27): a Hyper-V exit ({@code hyperv.type}: SynIC, hypercall, synthetic debugger). */
    HYPERV(27),
    /** {@code KVM_EXIT_ARM_NISV} (28): an arm64 data abort without valid syndrome. */
    ARM_NISV(28),
    /** {@code KVM_EXIT_X86_RDMSR} (29): an x86 RDMSR for user space. */
    X86_RDMSR(29),
    /** {@code KVM_EXIT_X86_WRMSR} (30): an x86 WRMSR for user space. */
    X86_WRMSR(30),
    /** {@code KVM_EXIT_DIRTY_RING_FULL} (31): the dirty ring is full. */
    DIRTY_RING_FULL(31),
    /** {@code KVM_EXIT_AP_RESET_HOLD} (32): an SEV-ES AP reset hold (x86). */
    AP_RESET_HOLD(32),
    /** {@code KVM_EXIT_X86_BUS_LOCK} (33): the guest took a bus lock (x86). */
    X86_BUS_LOCK(33),
    /** {@code KVM_EXIT_XEN} (34): a Xen exit ({@code xen.type}: hypercall). */
    XEN(34),
    /** {@code KVM_EXIT_RISCV_SBI} (35): a RISC-V SBI call for user space ({@code extension_id}, {@code function_id}, {@code args[6]}, {@code ret[2]}). */
    RISCV_SBI(35),
    /** {@code KVM_EXIT_RISCV_CSR} (36): a RISC-V CSR access for user space. */
    RISCV_CSR(36),
    /** {@code KVM_EXIT_NOTIFY} (37): the notify VM exit fired (x86). */
    NOTIFY(37),
    /** {@code KVM_EXIT_LOONGARCH_IOCSR} (38): a LoongArch IOCSR access for user space. */
    LOONGARCH_IOCSR(38),
    /** {@code KVM_EXIT_MEMORY_FAULT} (39): a guest memory access KVM could not resolve ({@code memory_fault.gpa}, {@code size}). */
    MEMORY_FAULT(39),
    /** {@code KVM_EXIT_TDX} (40): a TDX TDVMCALL for user space (x86). */
    TDX(40);

    private static final ExitReason[] BY_NUMBER = values();

    private final int number;

    ExitReason(int number) {
        this.number = number;
    }

    /**
     * The kernel's number ({@code KVM_EXIT_HYPERCALL} is 3).
     * @return the value of {@code kvm_run.exit_reason}
     */
    public int number() {
        return number;
    }

    /**
     * The kernel's name of the constant.
     * @return {@code KVM_EXIT_} followed by the constant's name
     */
    public String kernelName() {
        return "KVM_EXIT_" + name();
    }

    /**
     * The reason with the kernel's number {@code number}.
     * @param number a {@code KVM_EXIT_*} number
     * @return the reason
     * @throws IllegalArgumentException when no {@code KVM_EXIT_*} constant has that number
     */
    public static ExitReason of(int number) {
        if (number < 0 || number >= BY_NUMBER.length) {
            throw new IllegalArgumentException("no KVM_EXIT_* reason has the number " + number + " (0 to " + (BY_NUMBER.length - 1) + ")");
        }
        return BY_NUMBER[number];
    }

    /** The kernel's name, {@code KVM_EXIT_HYPERCALL}. */
    @Override
    public String toString() {
        return kernelName();
    }
}
