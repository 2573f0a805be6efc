package dev.hcsim.arch.arm64;

import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.spi.HypercallHandler;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One small method per SMCCC function KVM/arm64 answers, and the list of their specs: the Arm
 * architecture calls, PSCI 0.1 (KVM's own IDs) to 1.3, TRNG, PV time, the KVM vendor-hypervisor
 * service, the pKVM and VMM-implemented IDs that an ordinary VM sees as -1, and the PV-lock calls of
 * the 2022 RFC. Sources: arch/arm64/kvm/hypercalls.c, psci.c, trng.c, pvtime.c;
 * include/linux/arm-smccc.h; include/uapi/linux/psci.h.
 */
public final class Arm64Hypercalls {
    // Arm Architecture (owner 0)
    public static final long SMCCC_VERSION = 0x8000_0000L;
    public static final long ARCH_FEATURES = 0x8000_0001L;
    public static final long SOC_ID = 0x8000_0002L;
    public static final long ARCH_WORKAROUND_1 = 0x8000_8000L;
    public static final long ARCH_WORKAROUND_2 = 0x8000_7FFFL;
    public static final long ARCH_WORKAROUND_3 = 0x8000_3FFFL;
    /** SMCCC_VERSION's answer: v1.1. */
    public static final long SMCCC_VERSION_1_1 = 0x1_0001L;

    // PSCI (owner 4)
    public static final long PSCI_VERSION = 0x8400_0000L;
    public static final long PSCI_CPU_SUSPEND = 0x8400_0001L;
    public static final long PSCI_CPU_SUSPEND64 = 0xC400_0001L;
    public static final long PSCI_CPU_OFF = 0x8400_0002L;
    public static final long PSCI_CPU_ON = 0x8400_0003L;
    public static final long PSCI_CPU_ON64 = 0xC400_0003L;
    public static final long PSCI_AFFINITY_INFO = 0x8400_0004L;
    public static final long PSCI_AFFINITY_INFO64 = 0xC400_0004L;
    public static final long PSCI_MIGRATE = 0x8400_0005L;
    public static final long PSCI_MIGRATE64 = 0xC400_0005L;
    public static final long PSCI_MIGRATE_INFO_TYPE = 0x8400_0006L;
    public static final long PSCI_MIGRATE_INFO_UP_CPU = 0x8400_0007L;
    public static final long PSCI_MIGRATE_INFO_UP_CPU64 = 0xC400_0007L;
    public static final long PSCI_SYSTEM_OFF = 0x8400_0008L;
    public static final long PSCI_SYSTEM_RESET = 0x8400_0009L;
    public static final long PSCI_FEATURES = 0x8400_000AL;
    public static final long PSCI_CPU_FREEZE = 0x8400_000BL;
    public static final long PSCI_CPU_DEFAULT_SUSPEND = 0x8400_000CL;
    public static final long PSCI_CPU_DEFAULT_SUSPEND64 = 0xC400_000CL;
    public static final long PSCI_NODE_HW_STATE = 0x8400_000DL;
    public static final long PSCI_NODE_HW_STATE64 = 0xC400_000DL;
    public static final long PSCI_SYSTEM_SUSPEND = 0x8400_000EL;
    public static final long PSCI_SYSTEM_SUSPEND64 = 0xC400_000EL;
    public static final long PSCI_SET_SUSPEND_MODE = 0x8400_000FL;
    public static final long PSCI_STAT_RESIDENCY = 0x8400_0010L;
    public static final long PSCI_STAT_RESIDENCY64 = 0xC400_0010L;
    public static final long PSCI_STAT_COUNT = 0x8400_0011L;
    public static final long PSCI_STAT_COUNT64 = 0xC400_0011L;
    public static final long PSCI_SYSTEM_RESET2 = 0x8400_0012L;
    public static final long PSCI_SYSTEM_RESET2_64 = 0xC400_0012L;
    public static final long PSCI_MEM_PROTECT = 0x8400_0013L;
    public static final long PSCI_MEM_PROTECT_CHECK_RANGE = 0x8400_0014L;
    public static final long PSCI_MEM_PROTECT_CHECK_RANGE64 = 0xC400_0014L;
    public static final long PSCI_SYSTEM_OFF2 = 0x8400_0015L;
    public static final long PSCI_SYSTEM_OFF2_64 = 0xC400_0015L;
    /** KVM's PSCI 0.1 IDs (uapi/asm/kvm.h KVM_PSCI_FN_BASE + 0..3: CPU_SUSPEND, CPU_OFF, CPU_ON, MIGRATE). */
    public static final long KVM_PSCI_FN_BASE = 0x95C1_BA5EL;
    public static final long KVM_PSCI_FN_CPU_SUSPEND = KVM_PSCI_FN_BASE;
    public static final long KVM_PSCI_FN_CPU_OFF = KVM_PSCI_FN_BASE + 1;
    public static final long KVM_PSCI_FN_CPU_ON = KVM_PSCI_FN_BASE + 2;
    public static final long KVM_PSCI_FN_MIGRATE = KVM_PSCI_FN_BASE + 3;

    /** KVM_ARM_PSCI_* versions (include/kvm/arm_psci.h). */
    public static final int PSCI_0_1 = 1;
    public static final int PSCI_0_2 = 2;
    public static final int PSCI_1_0 = 0x1_0000;
    public static final int PSCI_1_1 = 0x1_0001;
    public static final int PSCI_1_2 = 0x1_0002;
    public static final int PSCI_1_3 = 0x1_0003;
    /** MPIDR_HWID_BITMASK: Aff3 (39:32) and Aff2..Aff0 (23:0). */
    public static final long MPIDR_HWID_BITMASK = 0xFF_00FF_FFFFL;

    // TRNG (owner 4, DEN0098)
    public static final long TRNG_VERSION = 0x8400_0050L;
    public static final long TRNG_FEATURES = 0x8400_0051L;
    public static final long TRNG_GET_UUID = 0x8400_0052L;
    public static final long TRNG_RND32 = 0x8400_0053L;
    public static final long TRNG_RND64 = 0xC400_0053L;

    // Standard hypervisor (owner 5): PV time (DEN0057A)
    public static final long PV_TIME_FEATURES = 0xC500_0020L;
    public static final long PV_TIME_ST = 0xC500_0021L;

    // Vendor hypervisor (owner 6): KVM
    public static final long KVM_FEATURES = 0x8600_0000L;
    public static final long PTP = 0x8600_0001L;
    public static final long CALL_UID = 0x8600_FF01L;
    public static final long HYP_MEMINFO = 0xC600_0002L;
    public static final long MEM_SHARE = 0xC600_0003L;
    public static final long MEM_UNSHARE = 0xC600_0004L;
    public static final long MMIO_GUARD = 0xC600_0007L;
    public static final long DISCOVER_IMPL_VER = 0xC600_0040L;
    public static final long DISCOVER_IMPL_CPUS = 0xC600_0041L;
    /** The PV-lock RFC's IDs (seed 002: Documentation/virt/kvm/arm/pvlock.rst), vendor functions 32 and 33. */
    public static final long PV_LOCK_FEATURES = 0xC600_0020L;
    public static final long PV_LOCK_PREEMPTED = 0xC600_0021L;

    /** KVM_SYSTEM_EVENT_* (include/uapi/linux/kvm.h). */
    public static final int SYSTEM_EVENT_SHUTDOWN = 1;
    public static final int SYSTEM_EVENT_RESET = 2;
    public static final int SYSTEM_EVENT_SUSPEND = 5;
    /** KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2 and KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2. */
    public static final long FLAG_PSCI_RESET2 = 1;
    public static final long FLAG_PSCI_OFF2 = 1;

    static final String EXIT_HYPERCALL = "KVM_EXIT_HYPERCALL";
    static final String EXIT_SYSTEM_EVENT = "KVM_EXIT_SYSTEM_EVENT";
    static final String SMC_IMMEDIATE = "SMC with a non-zero immediate (handle_smc: x0 = -1)";
    static final String SMC_CONDITION_FAILED = "AArch32 SMC, condition failed (skipped)";
    static final String UNDEF_EL0 = "Undefined Instruction (HVC/SMC at EL0)";
    static final String UNDEF_NOT_A_CALL = "Undefined Instruction (not HVC or SMC)";
    static final String UNDEF_SHORT = "Undefined Instruction (fewer than 4 instruction bytes)";
    static final String SVC = "SVC (a system call, taken by the guest's own EL1 vector)";

    private static final long M32 = 0xFFFF_FFFFL;
    private static final long[] NO_ARGS = new long[0];
    private static final long PSCI_64BIT = 0x4000_0000L;

    /** The EL2 fast path writes x0 = x1 = 0 and keeps x2, x3 (hyp/hyp-entry.S, el1_sync wa_epilogue). */
    static boolean isWorkaround(long id) {
        return id == ARCH_WORKAROUND_1 || id == ARCH_WORKAROUND_2 || id == ARCH_WORKAROUND_3;
    }

    /**
     * Re-entry after SYSTEM_OFF, SYSTEM_RESET or SYSTEM_OFF2: KVM preloaded x0 = INTERNAL_FAILURE through
     * smccc_set_retval, so x1..x3 read 0. (The engine writes results on re-entry, not at the exit.)
     */
    static final Trap.ExitCompletion INTERNAL_FAILURE_ZEROED = (t, hostReturn) -> {
        t.result(0, -6);
        t.result(1, 0);
        t.result(2, 0);
        t.result(3, 0);
    };

    /** Re-entry after SYSTEM_RESET2: only x0 was preloaded (vcpu_set_reg); x1..x3 as narrowed for the SMC32 form. */
    static final Trap.ExitCompletion INTERNAL_FAILURE_X0 = (t, hostReturn) -> {
        t.result(0, -6);
        keepArguments(t, t.number() == PSCI_SYSTEM_RESET2);
    };

    /** Re-entry after SYSTEM_SUSPEND: the VMM's answer lands in x0; x1..x3 as KVM narrowed them for the SMC32 form. */
    static final Trap.ExitCompletion SUSPEND_RESUMED = (t, hostReturn) -> {
        t.result(0, hostReturn);
        keepArguments(t, t.number() == PSCI_SYSTEM_SUSPEND);
    };

    private static void keepArguments(Trap t, boolean narrowed) {
        RegisterAccess r = t.registers();
        for (int i = 1; i < 4; i++) {
            t.result(i, narrowed ? r.get(i) & M32 : r.get(i));
        }
    }

    /** Re-entry after a forwarded call (or SYSTEM_SUSPEND): the VMM's answer lands in x0, x1..x3 as the VMM left them. */
    static final Trap.ExitCompletion HOST_WRITES_X0 = (t, hostReturn) -> {
        RegisterAccess r = t.registers();
        t.result(0, hostReturn);
        for (int i = 1; i < 4; i++) {
            t.result(i, r.get(i));
        }
    };

    private Arm64Hypercalls() {
    }

    private static Arm64Vm state(Trap t) {
        return t.vm().archState(Arm64Vm.class);
    }

    // ---------------------------------------------------------------- Arm Architecture service

    /** SMCCC_VERSION: KVM implements SMCCC v1.1. */
    static void smcccVersion(Trap t) {
        t.ok(SMCCC_VERSION_1_1);
    }

    /** ARCH_FEATURES: the workarounds answer from the host's Spectre state; PV_TIME_FEATURES from STD_HYP_BMAP; else -1. */
    static void archFeatures(Trap t) {
        Arm64Vm s = state(t);
        long feature = t.arg(0) & M32;
        if (feature == ARCH_WORKAROUND_1) {
            spectre(t, s.spectreV2());
        } else if (feature == ARCH_WORKAROUND_3) {
            spectre(t, s.spectreBhb());
        } else if (feature == ARCH_WORKAROUND_2) {
            // SSBS everywhere: no firmware support is reported; otherwise the permanent mitigation is NOT_REQUIRED.
            Arm64Architecture.Spectre v4 = s.spectreV4();
            if (v4 == Arm64Architecture.Spectre.VULNERABLE || (v4 == Arm64Architecture.Spectre.MITIGATED && s.hostSsbs())) {
                t.fail(Status.NOT_SUPPORTED);
            } else {
                t.fail(Status.DISABLED);
            }
        } else if (feature == PV_TIME_FEATURES && (s.stdHypBmap() & 1) != 0) {
            t.ok(0);
        } else if (feature == PV_LOCK_FEATURES && s.pvlockEnabled()) {
            t.ok(0); // the RFC: "probed using the SMCCC 1.1 ARCH_FEATURES mechanism"
        } else {
            t.fail(Status.NOT_SUPPORTED);
        }
    }

    private static void spectre(Trap t, Arm64Architecture.Spectre state) {
        switch (state) {
            case MITIGATED -> t.ok(0);
            case UNAFFECTED -> t.ok(1); // SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED
            default -> t.fail(Status.NOT_SUPPORTED);
        }
    }

    /** ARCH_WORKAROUND_1/2/3: HVC is answered at EL2 (x0 = x1 = 0, x2 and x3 kept); SMC reaches the C handler: -1. */
    static void archWorkaround(Trap t) {
        if (state(t).conduit(t.vcpu()) == Arm64Vm.HVC) {
            RegisterAccess r = t.registers();
            t.result(0, 0);
            t.result(1, 0);
            t.result(2, r.get(2));
            t.result(3, r.get(3));
            t.status(Status.SUCCESS);
        } else {
            t.fail(Status.NOT_IMPLEMENTED);
        }
    }

    /** A number KVM lists but does not implement for an ordinary VM: -1. */
    static void notSupported(Trap t) {
        t.fail(Status.NOT_IMPLEMENTED);
    }

    // ---------------------------------------------------------------- PSCI

    /**
     * kvm_psci_call's prologue: PSCI codes; an AArch32 vCPU calling a 64-bit function gets
     * NOT_SUPPORTED (kvm_psci_check_allowed_function). Returns the VM's PSCI version, or -1 when answered.
     */
    private static int psci(Trap t, Arm64Vm s) {
        t.codec(Arm64Status.PSCI);
        if ((t.number() & PSCI_64BIT) != 0 && s.aarch32(t)) {
            t.fail(Status.NOT_SUPPORTED);
            return -1;
        }
        return s.psciVersion();
    }

    /** The standard (0.2+) call prologue; -1 when answered (a 0.1 VM has none of them). */
    private static int psciStandard(Trap t, Arm64Vm s, int minimum) {
        int v = psci(t, s);
        if (v < 0) {
            return -1;
        }
        if (v == PSCI_0_1 || v < minimum) {
            t.fail(Status.NOT_SUPPORTED);
            return -1;
        }
        return v;
    }

    /** kvm_psci_narrow_to_32bit: zero the upper halves of x1..x3 in place (visible when the call exits). */
    private static void narrowInPlace(Trap t) {
        RegisterAccess r = t.registers();
        for (int i = 1; i < 4; i++) {
            r.set(i, r.get(i) & M32);
        }
    }

    /** PSCI_VERSION: 0.2 or 1.minor. */
    static void psciVersion(Trap t) {
        int v = psciStandard(t, state(t), PSCI_0_2);
        if (v >= 0) {
            t.ok(v);
        }
    }

    /** CPU_SUSPEND: KVM treats every power state as WFI (kvm_psci_vcpu_suspend); 0 once woken. */
    static void cpuSuspend(Trap t) {
        if (psciStandard(t, state(t), PSCI_0_2) >= 0) {
            t.ok(0);
            t.halt();
        }
    }

    /** CPU_OFF (0.2 and KVM's 0.1 ID): the vCPU powers off; x0 = 0 is never observed. */
    static void cpuOff(Trap t) {
        Arm64Vm s = state(t);
        boolean legacy = t.number() == KVM_PSCI_FN_CPU_OFF;
        int v = legacy ? psci(t, s) : psciStandard(t, s, PSCI_0_2);
        if (v < 0) {
            return;
        }
        if (legacy && v != PSCI_0_1) {
            t.fail(Status.NOT_SUPPORTED);
            return;
        }
        t.ok(0);
        t.stop();
    }

    /**
     * CPU_ON (kvm_psci_vcpu_on): affinity bits outside MPIDR_HWID_BITMASK or no such vCPU give
     * INVALID_PARAMS; a target that is not off gives ALREADY_ON (INVALID_PARAMS under PSCI 0.1);
     * otherwise the target is reset and started at x2 with x0 = x3 through the scheduler.
     */
    static void cpuOn(Trap t) {
        Arm64Vm s = state(t);
        boolean legacy = t.number() == KVM_PSCI_FN_CPU_ON;
        int v = legacy ? psci(t, s) : psciStandard(t, s, PSCI_0_2);
        if (v < 0) {
            return;
        }
        if (legacy && v != PSCI_0_1) {
            t.fail(Status.NOT_SUPPORTED);
            return;
        }
        long target = t.arg(0);
        long entry = t.arg(1);
        long context = t.arg(2);
        if (t.number() == PSCI_CPU_ON) {
            narrowInPlace(t);
            target &= M32;
            entry &= M32;
            context &= M32;
        }
        if ((target & ~MPIDR_HWID_BITMASK) != 0) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        int index = vcpuOfAffinity(t.vm(), target);
        if (index < 0) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        Status busy = v == PSCI_0_1 ? Status.INVALID_PARAMETER : Status.ALREADY_ON;
        if (t.control().state(index) != VcpuState.OFF || !t.control().start(index, entry, 0, context)) {
            t.fail(busy);
            return;
        }
        t.ok(0);
    }

    private static int vcpuOfAffinity(Vm vm, long affinity) {
        int n = vm.vcpuCount();
        for (int i = 0; i < n; i++) {
            if ((vm.vcpuId(i) & MPIDR_HWID_BITMASK) == affinity) {
                return i;
            }
        }
        return -1;
    }

    /** AFFINITY_INFO (kvm_psci_vcpu_affinity_info): 0 ON if any matching vCPU is on, 1 OFF, INVALID_PARAMS. */
    static void affinityInfo(Trap t) {
        if (psciStandard(t, state(t), PSCI_0_2) < 0) {
            return;
        }
        long target = t.arg(0);
        long level = t.arg(1);
        if (t.number() == PSCI_AFFINITY_INFO) {
            narrowInPlace(t);
            target &= M32;
            level &= M32;
        }
        if ((target & ~MPIDR_HWID_BITMASK) != 0 || Long.compareUnsigned(level, 3) > 0) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        long mask = MPIDR_HWID_BITMASK & ~((1L << (level * 8)) - 1);
        target &= mask;
        Vm vm = t.vm();
        int matching = 0;
        for (int i = 0; i < vm.vcpuCount(); i++) {
            if ((vm.vcpuId(i) & mask) == target) {
                matching++;
                if (t.control().state(i) != VcpuState.OFF) {
                    t.ok(0); // PSCI_0_2_AFFINITY_LEVEL_ON
                    return;
                }
            }
        }
        if (matching == 0) {
            t.fail(Status.INVALID_PARAMETER);
        } else {
            t.ok(1); // PSCI_0_2_AFFINITY_LEVEL_OFF
        }
    }

    /** MIGRATE_INFO_TYPE: 2, "Trusted OS is MP or not present" (PSCI_0_2_TOS_MP). */
    static void migrateInfoType(Trap t) {
        if (psciStandard(t, state(t), PSCI_0_2) >= 0) {
            t.ok(2);
        }
    }

    /** SYSTEM_OFF: every vCPU off, exit SYSTEM_EVENT SHUTDOWN; on re-entry x0 = INTERNAL_FAILURE, x1..x3 = 0. */
    static void systemOff(Trap t) {
        if (psciStandard(t, state(t), PSCI_0_2) >= 0) {
            systemEvent(t, SYSTEM_EVENT_SHUTDOWN, 0, INTERNAL_FAILURE_ZEROED, "shutdown (PSCI SYSTEM_OFF)");
        }
    }

    /** SYSTEM_RESET: every vCPU off, exit SYSTEM_EVENT RESET; on re-entry x0 = INTERNAL_FAILURE, x1..x3 = 0. */
    static void systemReset(Trap t) {
        if (psciStandard(t, state(t), PSCI_0_2) >= 0) {
            systemEvent(t, SYSTEM_EVENT_RESET, 0, INTERNAL_FAILURE_ZEROED, "reset (PSCI SYSTEM_RESET)");
        }
    }

    /** SYSTEM_RESET2 (1.1+): type 0 (warm reset) or a vendor type (bit 31) resets with the RESET2 flag; on re-entry x0 only. */
    static void systemReset2(Trap t) {
        if (psciStandard(t, state(t), PSCI_1_1) < 0) {
            return;
        }
        long type = t.arg(0) & M32;
        if (type == 0 || type >= 0x8000_0000L) {
            systemEvent(t, SYSTEM_EVENT_RESET, FLAG_PSCI_RESET2, INTERNAL_FAILURE_X0, "reset (PSCI SYSTEM_RESET2)");
        } else {
            t.fail(Status.INVALID_PARAMETER);
        }
    }

    /** SYSTEM_OFF2 (1.3+): type 0 or HIBERNATE_OFF (1) with cookie 0 shuts down with the OFF2 flag; else INVALID_PARAMS. */
    static void systemOff2(Trap t) {
        long cookie = t.arg(1);
        if (t.number() == PSCI_SYSTEM_OFF2) {
            cookie &= M32; // kvm_psci_narrow_to_32bit (x1..x3 are zeroed on every path that returns)
        }
        if (psciStandard(t, state(t), PSCI_1_3) < 0) {
            return;
        }
        long type = t.arg(0) & M32;
        if ((type != 0 && type != 1) || cookie != 0) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        systemEvent(t, SYSTEM_EVENT_SHUTDOWN, FLAG_PSCI_OFF2, INTERNAL_FAILURE_ZEROED, "shutdown (PSCI SYSTEM_OFF2)");
    }

    /**
     * SYSTEM_SUSPEND (1.0+, only with KVM_CAP_ARM_SYSTEM_SUSPEND): exit SYSTEM_EVENT SUSPEND with the
     * registers untouched (KVM narrows x1..x3 of the SMC32 form in place; hcsim applies that on re-entry),
     * so that the VMM reads entry and context itself; the other vCPUs go on.
     */
    static void systemSuspend(Trap t) {
        Arm64Vm s = state(t);
        if (psciStandard(t, s, PSCI_1_0) < 0) {
            return;
        }
        if (!s.systemSuspendEnabled()) {
            t.fail(Status.NOT_SUPPORTED);
            return;
        }
        t.status(Status.SUCCESS);
        t.exitToHost(EXIT_SYSTEM_EVENT, SYSTEM_EVENT_SUSPEND, 0, SUSPEND_RESUMED, NO_ARGS);
        t.resumeAt(t.pc() + 4);
    }

    /**
     * kvm_prepare_system_event: every vCPU powered off, then the exit. KVM preloads x0 with
     * INTERNAL_FAILURE before exiting; in hcsim, as for every exit, the registers are written when the
     * host re-enters the vCPU ({@code completion}), so a VMM that resumes it anyway sees -6.
     */
    private static void systemEvent(Trap t, int type, long flags, Trap.ExitCompletion completion, String kind) {
        t.status(Status.INTERNAL_FAILURE);
        t.control().systemEvent(kind);
        t.exitToHost(EXIT_SYSTEM_EVENT, type, flags, completion, NO_ARGS);
        t.exitArgument(0, flags); // run->system_event.data[0]
        t.resumeAt(t.pc() + 4);
    }

    /** PSCI_FEATURES (1.0+): 0 for the functions KVM implements, 1 (HIBERNATE_OFF) for SYSTEM_OFF2 in 1.3, else -1. */
    static void psciFeatures(Trap t) {
        Arm64Vm s = state(t);
        int v = psciStandard(t, s, PSCI_1_0);
        if (v < 0) {
            return;
        }
        long f = t.arg(0) & M32;
        if ((f & PSCI_64BIT) != 0 && s.aarch32(t)) {
            t.fail(Status.NOT_SUPPORTED);
            return;
        }
        int minor = v & 0xFFFF;
        if (f == PSCI_VERSION || f == PSCI_CPU_SUSPEND || f == PSCI_CPU_SUSPEND64 || f == PSCI_CPU_OFF || f == PSCI_CPU_ON
                || f == PSCI_CPU_ON64 || f == PSCI_AFFINITY_INFO || f == PSCI_AFFINITY_INFO64 || f == PSCI_MIGRATE_INFO_TYPE
                || f == PSCI_SYSTEM_OFF || f == PSCI_SYSTEM_RESET || f == PSCI_FEATURES || f == SMCCC_VERSION) {
            t.ok(0);
        } else if ((f == PSCI_SYSTEM_SUSPEND || f == PSCI_SYSTEM_SUSPEND64) && s.systemSuspendEnabled()) {
            t.ok(0);
        } else if ((f == PSCI_SYSTEM_RESET2 || f == PSCI_SYSTEM_RESET2_64) && minor >= 1) {
            t.ok(0);
        } else if ((f == PSCI_SYSTEM_OFF2 || f == PSCI_SYSTEM_OFF2_64) && minor >= 3) {
            t.ok(1); // PSCI_1_3_OFF_TYPE_HIBERNATE_OFF as a bit mask
        } else {
            t.fail(Status.NOT_SUPPORTED);
        }
    }

    /** PSCI functions KVM does not implement (MIGRATE, CPU_FREEZE, STAT_*, MEM_PROTECT, ... and 0.1's CPU_SUSPEND/MIGRATE): -1. */
    static void psciNotSupported(Trap t) {
        if (psci(t, state(t)) >= 0) {
            t.fail(Status.NOT_SUPPORTED);
        }
    }

    /** The PSCI version a {@code psci} option value stands for. */
    static int psciVersionOf(String option) {
        return switch (option) {
            case "0.1" -> PSCI_0_1;
            case "0.2" -> PSCI_0_2;
            case "1.0" -> PSCI_1_0;
            case "1.1" -> PSCI_1_1;
            case "1.2" -> PSCI_1_2;
            default -> PSCI_1_3;
        };
    }

    // ---------------------------------------------------------------- TRNG

    /** TRNG_VERSION: 1.0. */
    static void trngVersion(Trap t) {
        t.codec(Arm64Status.TRNG);
        t.ok(0x1_0000);
    }

    /** TRNG_FEATURES: 0 for the five TRNG IDs (x1 compared in full, trng.c), else -1. */
    static void trngFeatures(Trap t) {
        t.codec(Arm64Status.TRNG);
        long f = t.arg(0);
        if (f == TRNG_VERSION || f == TRNG_FEATURES || f == TRNG_GET_UUID || f == TRNG_RND32 || f == TRNG_RND64) {
            t.ok(0);
        } else {
            t.fail(Status.NOT_SUPPORTED);
        }
    }

    /** TRNG_GET_UUID: the KVM TRNG's UUID 0d21e000-4384-11eb-8070-5244554e5a4c as four little-endian words. */
    static void trngGetUuid(Trap t) {
        t.codec(Arm64Status.TRNG);
        long[] w = Arm64Discovery.TRNG_UUID_WORDS;
        for (int i = 0; i < 4; i++) {
            t.result(i, w[i]);
        }
    }

    /** TRNG_RND32: up to 96 bits, right-aligned in x1[31:0] (95:64), x2 (63:32), x3 (31:0); more: INVALID_PARAMETER (-2). */
    static void trngRnd32(Trap t) {
        t.codec(Arm64Status.TRNG);
        long n = t.arg(0) & M32;
        if (n > 96) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        long[] bits = state(t).trngBits(t.vcpu(), (int) n);
        t.ok(0);
        t.result(1, bits[1] & M32);
        t.result(2, bits[0] >>> 32);
        t.result(3, bits[0] & M32);
    }

    /** TRNG_RND64: up to 192 bits in x1 (191:128), x2 (127:64), x3 (63:0); more: INVALID_PARAMETER (-2). */
    static void trngRnd64(Trap t) {
        t.codec(Arm64Status.TRNG);
        long n = t.arg(0) & M32;
        if (n > 192) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        long[] bits = state(t).trngBits(t.vcpu(), (int) n);
        t.ok(0);
        t.result(1, bits[2]);
        t.result(2, bits[1]);
        t.result(3, bits[0]);
    }

    // ---------------------------------------------------------------- PV time

    /** PV_TIME_FEATURES (pvtime.c kvm_hypercall_pv_features): 0 for the two PV-time IDs once this vCPU's IPA is set. */
    static void pvTimeFeatures(Trap t) {
        long f = t.arg(0) & M32;
        if ((f == PV_TIME_FEATURES || f == PV_TIME_ST) && state(t).pvtimeBase(t.vcpu()) != -1) {
            t.ok(0);
        } else {
            t.fail(Status.NOT_SUPPORTED);
        }
    }

    /** PV_TIME_ST (kvm_init_stolen_time): zero the 64-byte record, restart the accounting, return its IPA; -1 when unset. */
    static void pvTimeSt(Trap t) {
        long base = state(t).initStolenTime(t.vcpu(), t.memory());
        if (base == -1) {
            t.fail(Status.NOT_SUPPORTED);
        } else {
            t.ok(base);
        }
    }

    // ---------------------------------------------------------------- vendor hypervisor (KVM)

    /** CALL_UID: the KVM UUID 28b46fb6-2ec5-11e9-a9ca-4b564d003a74 (ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_0..3). */
    static void callUid(Trap t) {
        long[] w = Arm64Discovery.KVM_UUID_WORDS;
        for (int i = 0; i < 4; i++) {
            t.result(i, w[i]);
        }
    }

    /** KVM_FEATURES: x0 = VENDOR_HYP_BMAP (functions 0..31), x2 = VENDOR_HYP_BMAP_2 (64..95), x1 = x3 = 0. */
    static void kvmFeatures(Trap t) {
        Arm64Vm s = state(t);
        t.result(0, s.vendorHypBmap());
        t.result(2, s.vendorHypBmap2());
    }

    /**
     * PTP (kvm_ptp_get_time): x1 = 0 virtual or 1 physical counter; x0:x1 = realtime ns, x2:x3 = the
     * counter, each as two 32-bit halves. Another x1, or a host clocksource other than the arch counter: -1.
     */
    static void ptp(Trap t) {
        Arm64Vm s = state(t);
        long which = t.arg(0) & M32;
        if (!s.archCounter() || (which != 0 && which != 1)) {
            t.fail(Status.NOT_SUPPORTED);
            return;
        }
        long now = t.control().nowNanos();
        long real = t.vm().config().realtimeEpochNanos() + now;
        long cycles = s.counter(now); // both offsets are 0: the VMM moved neither counter
        t.result(0, real >>> 32);
        t.result(1, real & M32);
        t.result(2, cycles >>> 32);
        t.result(3, cycles & M32);
    }

    /** PV_LOCK_FEATURES (seed 002): 0 for PV_LOCK_PREEMPTED, "currently the only supported feature"; else -1. */
    static void pvLockFeatures(Trap t) {
        if ((t.arg(0) & M32) == PV_LOCK_PREEMPTED) {
            t.ok(0);
        } else {
            t.fail(Status.NOT_SUPPORTED);
        }
    }

    /** PV_LOCK_PREEMPTED (seed 002): the IPA of this vCPU's 64-byte PV-lock structure, or -1. */
    static void pvLockPreempted(Trap t) {
        long base = state(t).pvlockBase(t.vcpu());
        if (base == -1) {
            t.fail(Status.NOT_SUPPORTED);
        } else {
            t.ok(base);
        }
    }

    // ---------------------------------------------------------------- the table

    private static HypercallSpec call(long nr, String name, HypercallHandler h, String summary, String source, Status... statuses) {
        HypercallSpec spec = HypercallSpec.of(nr, name, h).summary(summary + " [" + FunctionId.decode(nr) + "]").source(source).statuses(statuses);
        // PSCI and TRNG answer in their own code families (psci.h PSCI_RET_*, arm-smccc.h TRNG_*), so explain names them right.
        if (name.contains("PSCI")) {
            spec.codec(Arm64Status.PSCI);
        } else if (name.contains("TRNG")) {
            spec.codec(Arm64Status.TRNG);
        }
        return spec;
    }

    private static final String HYP = "arch/arm64/kvm/hypercalls.c kvm_smccc_call_handler";
    private static final String PSCI_SRC = "arch/arm64/kvm/psci.c ";
    private static final Status[] PSCI_NS = {Status.NOT_SUPPORTED};

    /** Every function, in number order. */
    public static final List<HypercallSpec> ALL = build();

    private static List<HypercallSpec> build() {
        List<HypercallSpec> l = new ArrayList<>();
        l.add(call(SMCCC_VERSION, "ARM_SMCCC_VERSION", Arm64Hypercalls::smcccVersion, "SMCCC version: 0x10001 (v1.1)", HYP,
                Status.SUCCESS));
        l.add(call(ARCH_FEATURES, "ARM_SMCCC_ARCH_FEATURES", Arm64Hypercalls::archFeatures, "x1 = function ID (u32): WORKAROUND_1/3 0 "
                + "mitigated, 1 unaffected, -1 vulnerable; WORKAROUND_2 -2 not required or -1; PV_TIME_FEATURES 0 when STD_HYP_BMAP "
                + "bit 0 is set; every other ID -1", HYP, Status.SUCCESS, Status.NOT_SUPPORTED, Status.DISABLED));
        l.add(call(SOC_ID, "ARM_SMCCC_ARCH_SOC_ID", Arm64Hypercalls::notSupported, "not implemented: -1 (not default-allowed)", HYP,
                Status.NOT_IMPLEMENTED).availability("not implemented: SMCCC_RET_NOT_SUPPORTED"));
        l.add(call(ARCH_WORKAROUND_3, "ARM_SMCCC_ARCH_WORKAROUND_3", Arm64Hypercalls::archWorkaround, "Spectre-BHB: HVC answered in "
                + "the EL2 vectors (x0 = x1 = 0); SMC: -1", "arch/arm64/kvm/hyp/hyp-entry.S el1_sync", Status.SUCCESS,
                Status.NOT_IMPLEMENTED));
        l.add(call(ARCH_WORKAROUND_2, "ARM_SMCCC_ARCH_WORKAROUND_2", Arm64Hypercalls::archWorkaround, "Spectre-v4: HVC answered in "
                + "the EL2 vectors (x0 = x1 = 0); SMC: -1", "arch/arm64/kvm/hyp/hyp-entry.S el1_sync", Status.SUCCESS,
                Status.NOT_IMPLEMENTED));
        l.add(call(ARCH_WORKAROUND_1, "ARM_SMCCC_ARCH_WORKAROUND_1", Arm64Hypercalls::archWorkaround, "Spectre-v2: HVC answered in "
                + "the EL2 vectors (x0 = x1 = 0); SMC: -1", "arch/arm64/kvm/hyp/hyp-entry.S el1_sync", Status.SUCCESS,
                Status.NOT_IMPLEMENTED));

        l.add(call(PSCI_VERSION, "PSCI_0_2_FN_PSCI_VERSION", Arm64Hypercalls::psciVersion, "0x2 (0.2) or 0x1000m (1.m); the VM's "
                + "PSCI version (option psci)", PSCI_SRC + "kvm_psci_0_2_call", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_SUSPEND, "PSCI_0_2_FN_CPU_SUSPEND", Arm64Hypercalls::cpuSuspend, "power_state, entry, context ignored: "
                + "treated as WFI, 0 after the wake-up", PSCI_SRC + "kvm_psci_vcpu_suspend", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_OFF, "PSCI_0_2_FN_CPU_OFF", Arm64Hypercalls::cpuOff, "the calling vCPU powers off",
                PSCI_SRC + "kvm_psci_vcpu_off", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_ON, "PSCI_0_2_FN_CPU_ON", Arm64Hypercalls::cpuOn, "x1 target MPIDR, x2 entry, x3 context (zero-extended "
                + "in place): the target starts at entry with x0 = context", PSCI_SRC + "kvm_psci_vcpu_on", Status.SUCCESS,
                Status.INVALID_PARAMETER, Status.ALREADY_ON, Status.NOT_SUPPORTED));
        l.add(call(PSCI_AFFINITY_INFO, "PSCI_0_2_FN_AFFINITY_INFO", Arm64Hypercalls::affinityInfo, "x1 target affinity, x2 lowest "
                + "level (0..3): 0 ON, 1 OFF, -2", PSCI_SRC + "kvm_psci_vcpu_affinity_info", Status.SUCCESS, Status.INVALID_PARAMETER,
                Status.NOT_SUPPORTED));
        l.add(call(PSCI_MIGRATE, "PSCI_0_2_FN_MIGRATE", Arm64Hypercalls::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_0_2_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_MIGRATE_INFO_TYPE, "PSCI_0_2_FN_MIGRATE_INFO_TYPE", Arm64Hypercalls::migrateInfoType, "2: Trusted OS is MP "
                + "or not present (PSCI_0_2_TOS_MP)", PSCI_SRC + "kvm_psci_0_2_call", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_MIGRATE_INFO_UP_CPU, "PSCI_0_2_FN_MIGRATE_INFO_UP_CPU", Arm64Hypercalls::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_0_2_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_OFF, "PSCI_0_2_FN_SYSTEM_OFF", Arm64Hypercalls::systemOff, "every vCPU off; exit SYSTEM_EVENT "
                + "SHUTDOWN (data[0] = 0); x0 preloaded -6, x1..x3 = 0", PSCI_SRC + "kvm_psci_system_off", Status.INTERNAL_FAILURE,
                Status.NOT_SUPPORTED));
        l.add(call(PSCI_SYSTEM_RESET, "PSCI_0_2_FN_SYSTEM_RESET", Arm64Hypercalls::systemReset, "every vCPU off; exit SYSTEM_EVENT "
                + "RESET (data[0] = 0); x0 preloaded -6, x1..x3 = 0", PSCI_SRC + "kvm_psci_system_reset", Status.INTERNAL_FAILURE,
                Status.NOT_SUPPORTED));
        l.add(call(PSCI_FEATURES, "PSCI_1_0_FN_PSCI_FEATURES", Arm64Hypercalls::psciFeatures, "x1 = function ID (u32): 0 when "
                + "implemented, 1 for SYSTEM_OFF2 (HIBERNATE_OFF) in 1.3, else -1", PSCI_SRC + "kvm_psci_1_x_call", Status.SUCCESS,
                Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_FREEZE, "PSCI_1_0_FN_CPU_FREEZE", Arm64Hypercalls::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_CPU_DEFAULT_SUSPEND, "PSCI_1_0_FN_CPU_DEFAULT_SUSPEND", Arm64Hypercalls::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_NODE_HW_STATE, "PSCI_1_0_FN_NODE_HW_STATE", Arm64Hypercalls::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_SUSPEND, "PSCI_1_0_FN_SYSTEM_SUSPEND", Arm64Hypercalls::systemSuspend, "x1 entry, x2 context: exit "
                + "SYSTEM_EVENT SUSPEND with the registers untouched; -1 without the capability", PSCI_SRC + "kvm_psci_system_suspend",
                Status.SUCCESS, Status.NOT_SUPPORTED).feature(Arm64Architecture.SYSTEM_SUSPEND));
        l.add(call(PSCI_SET_SUSPEND_MODE, "PSCI_1_0_FN_SET_SUSPEND_MODE", Arm64Hypercalls::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_STAT_RESIDENCY, "PSCI_1_0_FN_STAT_RESIDENCY", Arm64Hypercalls::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_STAT_COUNT, "PSCI_1_0_FN_STAT_COUNT", Arm64Hypercalls::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_RESET2, "PSCI_1_1_FN_SYSTEM_RESET2", Arm64Hypercalls::systemReset2, "x1 reset type (u32), x2 cookie: "
                + "type 0 or >= 0x80000000 resets (data[0] = PSCI_RESET2), only x0 = -6 written; other types -2",
                PSCI_SRC + "kvm_psci_system_reset2", Status.INTERNAL_FAILURE, Status.INVALID_PARAMETER, Status.NOT_SUPPORTED));
        l.add(call(PSCI_MEM_PROTECT, "PSCI_1_1_FN_MEM_PROTECT", Arm64Hypercalls::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_MEM_PROTECT_CHECK_RANGE, "PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE", Arm64Hypercalls::psciNotSupported,
                "not implemented", PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_OFF2, "PSCI_1_3_FN_SYSTEM_OFF2", Arm64Hypercalls::systemOff2, "x1 type 0 or 1 (HIBERNATE_OFF), x2 "
                + "cookie 0: shutdown (data[0] = PSCI_OFF2), x0 = -6, x1..x3 = 0; else -2", PSCI_SRC + "kvm_psci_system_off2",
                Status.INTERNAL_FAILURE, Status.INVALID_PARAMETER, Status.NOT_SUPPORTED));
        l.add(call(TRNG_VERSION, "ARM_SMCCC_TRNG_VERSION", Arm64Hypercalls::trngVersion, "0x10000 (TRNG 1.0)", "arch/arm64/kvm/trng.c "
                + "kvm_trng_call", Status.SUCCESS).feature(Arm64Architecture.TRNG));
        l.add(call(TRNG_FEATURES, "ARM_SMCCC_TRNG_FEATURES", Arm64Hypercalls::trngFeatures, "x1 = function ID: 0 for the five TRNG "
                + "IDs, else -1", "arch/arm64/kvm/trng.c kvm_trng_call", Status.SUCCESS, Status.NOT_SUPPORTED)
                .feature(Arm64Architecture.TRNG));
        l.add(call(TRNG_GET_UUID, "ARM_SMCCC_TRNG_GET_UUID", Arm64Hypercalls::trngGetUuid, "x0..x3 = UUID "
                + "0d21e000-4384-11eb-8070-5244554e5a4c as little-endian words", "arch/arm64/kvm/trng.c kvm_trng_call",
                Status.SUCCESS).feature(Arm64Architecture.TRNG));
        l.add(call(TRNG_RND32, "ARM_SMCCC_TRNG_RND32", Arm64Hypercalls::trngRnd32, "x1 = N <= 96 bits: x1..x3 random, right-aligned; "
                + "N > 96: -2 (deterministic from the VM seed)", "arch/arm64/kvm/trng.c kvm_trng_do_rnd", Status.SUCCESS,
                Status.INVALID_PARAMETER).feature(Arm64Architecture.TRNG));
        l.add(call(KVM_PSCI_FN_CPU_SUSPEND, "KVM_PSCI_FN_CPU_SUSPEND", Arm64Hypercalls::psciNotSupported, "PSCI 0.1 (KVM's ID): not "
                + "implemented", PSCI_SRC + "kvm_psci_0_1_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(KVM_PSCI_FN_CPU_OFF, "KVM_PSCI_FN_CPU_OFF", Arm64Hypercalls::cpuOff, "PSCI 0.1 (KVM's ID, psci=0.1 only): the "
                + "calling vCPU powers off", PSCI_SRC + "kvm_psci_0_1_call", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(KVM_PSCI_FN_CPU_ON, "KVM_PSCI_FN_CPU_ON", Arm64Hypercalls::cpuOn, "PSCI 0.1 (KVM's ID, psci=0.1 only): as CPU_ON "
                + "but a running target gives -2", PSCI_SRC + "kvm_psci_0_1_call", Status.SUCCESS, Status.INVALID_PARAMETER,
                Status.NOT_SUPPORTED));
        l.add(call(KVM_PSCI_FN_MIGRATE, "KVM_PSCI_FN_MIGRATE", Arm64Hypercalls::psciNotSupported, "PSCI 0.1 (KVM's ID): not "
                + "implemented", PSCI_SRC + "kvm_psci_0_1_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));

        l.add(call(PSCI_CPU_SUSPEND64, "PSCI_0_2_FN64_CPU_SUSPEND", Arm64Hypercalls::cpuSuspend, "as CPU_SUSPEND",
                PSCI_SRC + "kvm_psci_vcpu_suspend", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_ON64, "PSCI_0_2_FN64_CPU_ON", Arm64Hypercalls::cpuOn, "x1 target MPIDR, x2 entry, x3 context (64-bit)",
                PSCI_SRC + "kvm_psci_vcpu_on", Status.SUCCESS, Status.INVALID_PARAMETER, Status.ALREADY_ON, Status.NOT_SUPPORTED));
        l.add(call(PSCI_AFFINITY_INFO64, "PSCI_0_2_FN64_AFFINITY_INFO", Arm64Hypercalls::affinityInfo, "as AFFINITY_INFO (64-bit)",
                PSCI_SRC + "kvm_psci_vcpu_affinity_info", Status.SUCCESS, Status.INVALID_PARAMETER, Status.NOT_SUPPORTED));
        l.add(call(PSCI_MIGRATE64, "PSCI_0_2_FN64_MIGRATE", Arm64Hypercalls::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_0_2_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_MIGRATE_INFO_UP_CPU64, "PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU", Arm64Hypercalls::psciNotSupported,
                "not implemented", PSCI_SRC + "kvm_psci_0_2_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_CPU_DEFAULT_SUSPEND64, "PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND", Arm64Hypercalls::psciNotSupported,
                "not implemented", PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_NODE_HW_STATE64, "PSCI_1_0_FN64_NODE_HW_STATE", Arm64Hypercalls::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_SUSPEND64, "PSCI_1_0_FN64_SYSTEM_SUSPEND", Arm64Hypercalls::systemSuspend, "as SYSTEM_SUSPEND (64-bit)",
                PSCI_SRC + "kvm_psci_system_suspend", Status.SUCCESS, Status.NOT_SUPPORTED).feature(Arm64Architecture.SYSTEM_SUSPEND));
        l.add(call(PSCI_STAT_RESIDENCY64, "PSCI_1_0_FN64_STAT_RESIDENCY", Arm64Hypercalls::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_STAT_COUNT64, "PSCI_1_0_FN64_STAT_COUNT", Arm64Hypercalls::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_RESET2_64, "PSCI_1_1_FN64_SYSTEM_RESET2", Arm64Hypercalls::systemReset2, "as SYSTEM_RESET2 (64-bit)",
                PSCI_SRC + "kvm_psci_system_reset2", Status.INTERNAL_FAILURE, Status.INVALID_PARAMETER, Status.NOT_SUPPORTED));
        l.add(call(PSCI_MEM_PROTECT_CHECK_RANGE64, "PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE", Arm64Hypercalls::psciNotSupported,
                "not implemented", PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_OFF2_64, "PSCI_1_3_FN64_SYSTEM_OFF2", Arm64Hypercalls::systemOff2, "as SYSTEM_OFF2 (64-bit cookie)",
                PSCI_SRC + "kvm_psci_system_off2", Status.INTERNAL_FAILURE, Status.INVALID_PARAMETER, Status.NOT_SUPPORTED));
        l.add(call(TRNG_RND64, "ARM_SMCCC_TRNG_RND64", Arm64Hypercalls::trngRnd64, "x1 = N <= 192 bits: x1..x3 random, right-aligned; "
                + "N > 192: -2", "arch/arm64/kvm/trng.c kvm_trng_do_rnd", Status.SUCCESS, Status.INVALID_PARAMETER)
                .feature(Arm64Architecture.TRNG));
        l.add(call(PV_TIME_FEATURES, "ARM_SMCCC_HV_PV_TIME_FEATURES", Arm64Hypercalls::pvTimeFeatures, "x1 = function ID (u32): 0 for "
                + "PV_TIME_FEATURES and PV_TIME_ST once this vCPU's IPA is set, else -1", "arch/arm64/kvm/pvtime.c "
                + "kvm_hypercall_pv_features", Status.SUCCESS, Status.NOT_SUPPORTED).feature(Arm64Architecture.PV_TIME));
        l.add(call(PV_TIME_ST, "ARM_SMCCC_HV_PV_TIME_ST", Arm64Hypercalls::pvTimeSt, "zero the 64-byte stolen-time record, restart "
                + "accounting, x0 = its IPA; -1 when unset", "arch/arm64/kvm/pvtime.c kvm_init_stolen_time", Status.SUCCESS,
                Status.NOT_SUPPORTED).feature(Arm64Architecture.PV_TIME));
        l.add(call(KVM_FEATURES, "ARM_SMCCC_VENDOR_HYP_KVM_FEATURES", Arm64Hypercalls::kvmFeatures, "x0 = VENDOR_HYP_BMAP (default "
                + "0x3: FEATURES, PTP), x2 = VENDOR_HYP_BMAP_2", HYP, Status.SUCCESS).feature(Arm64Architecture.VENDOR_HYP_FEATURES));
        l.add(call(PTP, "ARM_SMCCC_VENDOR_HYP_KVM_PTP", Arm64Hypercalls::ptp, "x1 = 0 virtual / 1 physical counter: x0:x1 realtime "
                + "ns, x2:x3 counter (32-bit halves); else -1", "arch/arm64/kvm/hypercalls.c kvm_ptp_get_time", Status.SUCCESS,
                Status.NOT_SUPPORTED).feature(Arm64Architecture.PTP));
        l.add(call(HYP_MEMINFO, "ARM_SMCCC_VENDOR_HYP_KVM_HYP_MEMINFO", Arm64Hypercalls::notSupported, "protected VMs only (pKVM "
                + "hypervisor): -1 for an ordinary VM", HYP, Status.NOT_IMPLEMENTED).availability("pKVM only: SMCCC_RET_NOT_SUPPORTED"));
        l.add(call(MEM_SHARE, "ARM_SMCCC_VENDOR_HYP_KVM_MEM_SHARE", Arm64Hypercalls::notSupported, "protected VMs only: -1", HYP,
                Status.NOT_IMPLEMENTED).availability("pKVM only: SMCCC_RET_NOT_SUPPORTED"));
        l.add(call(MEM_UNSHARE, "ARM_SMCCC_VENDOR_HYP_KVM_MEM_UNSHARE", Arm64Hypercalls::notSupported, "protected VMs only: -1", HYP,
                Status.NOT_IMPLEMENTED).availability("pKVM only: SMCCC_RET_NOT_SUPPORTED"));
        l.add(call(MMIO_GUARD, "ARM_SMCCC_VENDOR_HYP_KVM_MMIO_GUARD", Arm64Hypercalls::notSupported, "protected VMs only: -1", HYP,
                Status.NOT_IMPLEMENTED).availability("pKVM only: SMCCC_RET_NOT_SUPPORTED"));
        l.add(call(PV_LOCK_FEATURES, "ARM_SMCCC_VENDOR_HYP_KVM_PV_LOCK_FEATURES", Arm64Hypercalls::pvLockFeatures, "seed RFC, option "
                + "pvlock=on: x1 = function ID (u32): 0 for PV_LOCK_PREEMPTED, else -1. Mainline: -1 (pKVM-reserved number)",
                "seed 002 Documentation/virt/kvm/arm/pvlock.rst (never merged)", Status.SUCCESS, Status.NOT_SUPPORTED)
                .availability("mainline: SMCCC_RET_NOT_SUPPORTED; option pvlock=on: the RFC"));
        l.add(call(PV_LOCK_PREEMPTED, "ARM_SMCCC_VENDOR_HYP_KVM_PV_LOCK_PREEMPTED", Arm64Hypercalls::pvLockPreempted, "seed RFC, "
                + "option pvlock=on: x0 = IPA of this vCPU's 64-byte PV-lock structure, -1 when unset. Mainline: -1",
                "seed 002 Documentation/virt/kvm/arm/pvlock.rst (never merged)", Status.SUCCESS, Status.NOT_SUPPORTED)
                .availability("mainline: SMCCC_RET_NOT_SUPPORTED; option pvlock=on: the RFC"));
        l.add(call(DISCOVER_IMPL_VER, "ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_VER", Arm64Hypercalls::notSupported, "implemented by "
                + "the VMM through an SMCCC filter FWD_TO_USER (VENDOR_HYP_BMAP_2 bit 0); in-kernel -1", HYP, Status.NOT_IMPLEMENTED, Status.SUCCESS)
                .feature(Arm64Architecture.DISCOVER_IMPL_VER).availability("VMM-implemented (6.16+): -1 unless forwarded"));
        l.add(call(DISCOVER_IMPL_CPUS, "ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_CPUS", Arm64Hypercalls::notSupported, "implemented by "
                + "the VMM through an SMCCC filter FWD_TO_USER (VENDOR_HYP_BMAP_2 bit 1); in-kernel -1", HYP, Status.NOT_IMPLEMENTED, Status.SUCCESS)
                .feature(Arm64Architecture.DISCOVER_IMPL_CPUS).availability("VMM-implemented (6.16+): -1 unless forwarded"));
        l.add(call(CALL_UID, "ARM_SMCCC_VENDOR_HYP_CALL_UID", Arm64Hypercalls::callUid, "x0..x3 = 0xb66fb428 0xe911c52e 0x564bcaa9 "
                + "0x743a004d (KVM UUID 28b46fb6-2ec5-11e9-a9ca-4b564d003a74)", HYP, Status.SUCCESS)
                .feature(Arm64Architecture.VENDOR_HYP_FEATURES));
        l.sort(Comparator.comparingLong(HypercallSpec::number));
        return List.copyOf(l);
    }
}
