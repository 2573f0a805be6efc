package dev.hcsim.arch.arm64;

import com.google.common.collect.ImmutableList;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
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
    /** SMCCC_VERSION (Arm Architecture service, owner 0). */
    public static final long SMCCC_VERSION = 0x8000_0000L;
    /** SMCCC_ARCH_FEATURES: whether an Arm Architecture function is implemented. */
    public static final long ARCH_FEATURES = 0x8000_0001L;
    /** SMCCC_ARCH_SOC_ID: the SoC identification (not implemented by KVM). */
    public static final long SOC_ID = 0x8000_0002L;
    /** SMCCC_ARCH_WORKAROUND_1: the Spectre-v2 (branch predictor) mitigation. */
    public static final long ARCH_WORKAROUND_1 = 0x8000_8000L;
    /** SMCCC_ARCH_WORKAROUND_2: the Spectre-v4 (speculative store bypass) mitigation. */
    public static final long ARCH_WORKAROUND_2 = 0x8000_7FFFL;
    /** SMCCC_ARCH_WORKAROUND_3: the Spectre-BHB mitigation. */
    public static final long ARCH_WORKAROUND_3 = 0x8000_3FFFL;
    /** SMCCC_VERSION's answer: v1.1. */
    public static final long SMCCC_VERSION_1_1 = 0x1_0001L;

    // PSCI (owner 4)
    /** PSCI_VERSION (PSCI 0.2 and later, owner 4). */
    public static final long PSCI_VERSION = 0x8400_0000L;
    /** PSCI CPU_SUSPEND, SMC32. */
    public static final long PSCI_CPU_SUSPEND = 0x8400_0001L;
    /** PSCI CPU_SUSPEND, SMC64. */
    public static final long PSCI_CPU_SUSPEND64 = 0xC400_0001L;
    /** PSCI CPU_OFF. */
    public static final long PSCI_CPU_OFF = 0x8400_0002L;
    /** PSCI CPU_ON, SMC32. */
    public static final long PSCI_CPU_ON = 0x8400_0003L;
    /** PSCI CPU_ON, SMC64. */
    public static final long PSCI_CPU_ON64 = 0xC400_0003L;
    /** PSCI AFFINITY_INFO, SMC32. */
    public static final long PSCI_AFFINITY_INFO = 0x8400_0004L;
    /** PSCI AFFINITY_INFO, SMC64. */
    public static final long PSCI_AFFINITY_INFO64 = 0xC400_0004L;
    /** PSCI MIGRATE, SMC32. */
    public static final long PSCI_MIGRATE = 0x8400_0005L;
    /** PSCI MIGRATE, SMC64. */
    public static final long PSCI_MIGRATE64 = 0xC400_0005L;
    /** PSCI MIGRATE_INFO_TYPE. */
    public static final long PSCI_MIGRATE_INFO_TYPE = 0x8400_0006L;
    /** PSCI MIGRATE_INFO_UP_CPU, SMC32. */
    public static final long PSCI_MIGRATE_INFO_UP_CPU = 0x8400_0007L;
    /** PSCI MIGRATE_INFO_UP_CPU, SMC64. */
    public static final long PSCI_MIGRATE_INFO_UP_CPU64 = 0xC400_0007L;
    /** PSCI SYSTEM_OFF. */
    public static final long PSCI_SYSTEM_OFF = 0x8400_0008L;
    /** PSCI SYSTEM_RESET. */
    public static final long PSCI_SYSTEM_RESET = 0x8400_0009L;
    /** PSCI_FEATURES (PSCI 1.0 and later). */
    public static final long PSCI_FEATURES = 0x8400_000AL;
    /** PSCI CPU_FREEZE. */
    public static final long PSCI_CPU_FREEZE = 0x8400_000BL;
    /** PSCI CPU_DEFAULT_SUSPEND, SMC32. */
    public static final long PSCI_CPU_DEFAULT_SUSPEND = 0x8400_000CL;
    /** PSCI CPU_DEFAULT_SUSPEND, SMC64. */
    public static final long PSCI_CPU_DEFAULT_SUSPEND64 = 0xC400_000CL;
    /** PSCI NODE_HW_STATE, SMC32. */
    public static final long PSCI_NODE_HW_STATE = 0x8400_000DL;
    /** PSCI NODE_HW_STATE, SMC64. */
    public static final long PSCI_NODE_HW_STATE64 = 0xC400_000DL;
    /** PSCI SYSTEM_SUSPEND, SMC32. */
    public static final long PSCI_SYSTEM_SUSPEND = 0x8400_000EL;
    /** PSCI SYSTEM_SUSPEND, SMC64. */
    public static final long PSCI_SYSTEM_SUSPEND64 = 0xC400_000EL;
    /** PSCI SET_SUSPEND_MODE. */
    public static final long PSCI_SET_SUSPEND_MODE = 0x8400_000FL;
    /** PSCI STAT_RESIDENCY, SMC32. */
    public static final long PSCI_STAT_RESIDENCY = 0x8400_0010L;
    /** PSCI STAT_RESIDENCY, SMC64. */
    public static final long PSCI_STAT_RESIDENCY64 = 0xC400_0010L;
    /** PSCI STAT_COUNT, SMC32. */
    public static final long PSCI_STAT_COUNT = 0x8400_0011L;
    /** PSCI STAT_COUNT, SMC64. */
    public static final long PSCI_STAT_COUNT64 = 0xC400_0011L;
    /** PSCI SYSTEM_RESET2, SMC32 (PSCI 1.1). */
    public static final long PSCI_SYSTEM_RESET2 = 0x8400_0012L;
    /** PSCI SYSTEM_RESET2, SMC64 (PSCI 1.1). */
    public static final long PSCI_SYSTEM_RESET2_64 = 0xC400_0012L;
    /** PSCI MEM_PROTECT. */
    public static final long PSCI_MEM_PROTECT = 0x8400_0013L;
    /** PSCI MEM_PROTECT_CHECK_RANGE, SMC32. */
    public static final long PSCI_MEM_PROTECT_CHECK_RANGE = 0x8400_0014L;
    /** PSCI MEM_PROTECT_CHECK_RANGE, SMC64. */
    public static final long PSCI_MEM_PROTECT_CHECK_RANGE64 = 0xC400_0014L;
    /** PSCI SYSTEM_OFF2, SMC32 (PSCI 1.3). */
    public static final long PSCI_SYSTEM_OFF2 = 0x8400_0015L;
    /** PSCI SYSTEM_OFF2, SMC64 (PSCI 1.3). */
    public static final long PSCI_SYSTEM_OFF2_64 = 0xC400_0015L;
    /** KVM's PSCI 0.1 IDs (uapi/asm/kvm.h KVM_PSCI_FN_BASE + 0..3: CPU_SUSPEND, CPU_OFF, CPU_ON, MIGRATE). */
    public static final long KVM_PSCI_FN_BASE = 0x95C1_BA5EL;
    /** KVM_PSCI_FN_CPU_SUSPEND, PSCI 0.1's CPU_SUSPEND. */
    public static final long KVM_PSCI_FN_CPU_SUSPEND = KVM_PSCI_FN_BASE;
    /** KVM_PSCI_FN_CPU_OFF, PSCI 0.1's CPU_OFF. */
    public static final long KVM_PSCI_FN_CPU_OFF = KVM_PSCI_FN_BASE + 1;
    /** KVM_PSCI_FN_CPU_ON, PSCI 0.1's CPU_ON. */
    public static final long KVM_PSCI_FN_CPU_ON = KVM_PSCI_FN_BASE + 2;
    /** KVM_PSCI_FN_MIGRATE, PSCI 0.1's MIGRATE. */
    public static final long KVM_PSCI_FN_MIGRATE = KVM_PSCI_FN_BASE + 3;

    /** KVM_ARM_PSCI_* versions (include/kvm/arm_psci.h). */
    public static final int PSCI_0_1 = 1;
    /** KVM_ARM_PSCI_0_2. */
    public static final int PSCI_0_2 = 2;
    /** KVM_ARM_PSCI_1_0 (major 1 in bits 31:16, minor 0). */
    public static final int PSCI_1_0 = 0x1_0000;
    /** KVM_ARM_PSCI_1_1. */
    public static final int PSCI_1_1 = 0x1_0001;
    /** KVM_ARM_PSCI_1_2. */
    public static final int PSCI_1_2 = 0x1_0002;
    /** KVM_ARM_PSCI_1_3, the latest KVM implements. */
    public static final int PSCI_1_3 = 0x1_0003;
    /** MPIDR_HWID_BITMASK: Aff3 (39:32) and Aff2..Aff0 (23:0). */
    public static final long MPIDR_HWID_BITMASK = 0xFF_00FF_FFFFL;

    // TRNG (owner 4, DEN0098)
    /** ARM_SMCCC_TRNG_VERSION. */
    public static final long TRNG_VERSION = 0x8400_0050L;
    /** ARM_SMCCC_TRNG_FEATURES. */
    public static final long TRNG_FEATURES = 0x8400_0051L;
    /** ARM_SMCCC_TRNG_GET_UUID: the UUID of the entropy source. */
    public static final long TRNG_GET_UUID = 0x8400_0052L;
    /** ARM_SMCCC_TRNG_RND32: up to 96 bits of entropy in w1..w3. */
    public static final long TRNG_RND32 = 0x8400_0053L;
    /** ARM_SMCCC_TRNG_RND64: up to 192 bits of entropy in x1..x3. */
    public static final long TRNG_RND64 = 0xC400_0053L;

    // Standard hypervisor (owner 5): PV time (DEN0057A)
    /** ARM_SMCCC_HV_PV_TIME_FEATURES. */
    public static final long PV_TIME_FEATURES = 0xC500_0020L;
    /** ARM_SMCCC_HV_PV_TIME_ST: the IPA of the calling vCPU's stolen-time structure. */
    public static final long PV_TIME_ST = 0xC500_0021L;

    // Vendor hypervisor (owner 6): KVM
    /** ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID: the bitmap of KVM vendor services. */
    public static final long KVM_FEATURES = 0x8600_0000L;
    /** ARM_SMCCC_VENDOR_HYP_KVM_PTP_FUNC_ID: a host-clock / counter pair for PTP. */
    public static final long PTP = 0x8600_0001L;
    /** ARM_SMCCC_VENDOR_HYP_CALL_UID_FUNC_ID: the vendor UUID (KVM's). */
    public static final long CALL_UID = 0x8600_FF01L;
    /** ARM_SMCCC_VENDOR_HYP_KVM_HYP_MEMINFO_FUNC_ID (protected KVM guests). */
    public static final long HYP_MEMINFO = 0xC600_0002L;
    /** ARM_SMCCC_VENDOR_HYP_KVM_MEM_SHARE_FUNC_ID (protected KVM guests). */
    public static final long MEM_SHARE = 0xC600_0003L;
    /** ARM_SMCCC_VENDOR_HYP_KVM_MEM_UNSHARE_FUNC_ID (protected KVM guests). */
    public static final long MEM_UNSHARE = 0xC600_0004L;
    /** ARM_SMCCC_VENDOR_HYP_KVM_MMIO_GUARD_FUNC_ID (protected KVM guests). */
    public static final long MMIO_GUARD = 0xC600_0007L;
    /** ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_VER_FUNC_ID: the implementation list's version (migration targets). */
    public static final long DISCOVER_IMPL_VER = 0xC600_0040L;
    /** ARM_SMCCC_VENDOR_HYP_KVM_DISCOVER_IMPL_CPUS_FUNC_ID: one target CPU implementation per call. */
    public static final long DISCOVER_IMPL_CPUS = 0xC600_0041L;
    /** The PV-lock RFC's IDs (seed 002: Documentation/virt/kvm/arm/pvlock.rst), vendor functions 32 and 33. */
    public static final long PV_LOCK_FEATURES = 0xC600_0020L;
    /** PV_LOCK_PREEMPTED (vendor function 33): whether a vCPU is preempted. */
    public static final long PV_LOCK_PREEMPTED = 0xC600_0021L;

    static final String SMC_IMMEDIATE = "SMC with a non-zero immediate (handle_smc: x0 = -1)";
    static final String SMC_CONDITION_FAILED = "AArch32 SMC, condition failed (skipped)";
    static final String UNDEF_EL0 = "HVC/SMC at EL0";
    static final String UNDEF_NOT_A_CALL = "not HVC or SMC";
    static final String FETCH_ABORT = "instruction fetch outside guest memory";
    static final String SVC = "SVC: a system call, taken by the guest's own EL1 vector";

    static final long M32 = 0xFFFF_FFFFL;
    static final long[] NO_ARGS = new long[0];
    static final long PSCI_64BIT = 0x4000_0000L;

    /** The EL2 fast path writes x0 = x1 = 0 and keeps x2, x3 (hyp/hyp-entry.S, el1_sync wa_epilogue). */
    static boolean isWorkaround(long id) {
        return id == ARCH_WORKAROUND_1 || id == ARCH_WORKAROUND_2 || id == ARCH_WORKAROUND_3;
    }

    /**
     * Re-entry after a system event: KVM wrote x0..x3 before the exit (kvm_psci_call's smccc_set_retval, or
     * vcpu_set_reg for x0 alone) and the next KVM_RUN writes nothing: x0..x3 stay as the exit left them.
     */
    static final Trap.ExitCompletion KEEP_X0_X3 = (t, hostReturn) -> {
        RegisterAccess r = t.registers();
        for (int i = 0; i < 4; i++) {
            t.result(i, r.get(i));
        }
    };

    /**
     * Re-entry after SYSTEM_SUSPEND: hcsim's host return is what the VMM sets x0 to before it resumes the
     * vCPU (KVM_SET_ONE_REG); x1..x3 stay as KVM left them at the exit (narrowed for the SMC32 form).
     */
    static final Trap.ExitCompletion SUSPEND_RESUMED = (t, hostReturn) -> {
        RegisterAccess r = t.registers();
        t.result(0, hostReturn);
        for (int i = 1; i < 4; i++) {
            t.result(i, r.get(i));
        }
    };

    /** kvm_psci_narrow_to_32bit: the SMC32 form's x1..x3 are cut to 32 bits in place, before the call is handled. */
    static void narrowArguments(Trap t) {
        RegisterAccess r = t.registers();
        for (int i = 1; i < 4; i++) {
            r.set(i, r.get(i) & M32);
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

    static Arm64Vm state(Trap t) {
        return (Arm64Vm) t.vm().archVm();
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
            spectre(t, s.firmware().spectreV2());
        } else if (feature == ARCH_WORKAROUND_3) {
            spectre(t, s.firmware().spectreBhb());
        } else if (feature == ARCH_WORKAROUND_2) {
            // SSBS shown to the guest (kvm_has_feat(kvm, ID_AA64PFR1_EL1, SSBS, IMP), 6.12+; cpus_have_final_cap(ARM64_SSBS)
            // before): no firmware support is reported; otherwise the permanent mitigation is NOT_REQUIRED.
            Arm64Architecture.Spectre v4 = s.firmware().spectreV4();
            if (v4 == Arm64Architecture.Spectre.VULNERABLE || (v4 == Arm64Architecture.Spectre.MITIGATED && s.firmware().guestSsbs())) {
                t.fail(Status.NOT_SUPPORTED);
            } else {
                t.fail(Status.DISABLED);
            }
        } else if (feature == PV_TIME_FEATURES && (s.firmware().stdHypBmap() & 1) != 0) {
            t.ok(0);
        } else if (feature == PV_LOCK_FEATURES && s.firmware().pvlockEnabled()) {
            t.ok(0); // the RFC: "probed using the SMCCC 1.1 ARCH_FEATURES mechanism"
        } else {
            t.fail(Status.NOT_SUPPORTED);
        }
    }

    static void spectre(Trap t, Arm64Architecture.Spectre state) {
        switch (state) {
            case MITIGATED -> t.ok(0);
            case UNAFFECTED -> t.ok(1); // SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED
            default -> t.fail(Status.NOT_SUPPORTED);
        }
    }

    /**
     * ARCH_WORKAROUND_1/2/3 over HVC, answered at EL2 (x0 = x1 = 0, x2 and x3 kept). Only HVC gets here: over SMC the
     * gate denies them first (kvm_smccc_get_action: not in kvm_smccc_default_allowed, so -1 unless a filter forwards
     * them), so no SMC branch is needed.
     */
    static void archWorkaround(Trap t) {
        RegisterAccess r = t.registers();
        t.result(0, 0); // SUCCESS; x1 = 0 is written by the contract, which zeroes the results a call does not set
        t.result(2, r.get(2));
        t.result(3, r.get(3));
    }

    /** A number KVM lists but does not implement for an ordinary VM: -1. */
    static void notSupported(Trap t) {
        t.fail(Status.NOT_IMPLEMENTED);
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
        if ((f == PV_TIME_FEATURES || f == PV_TIME_ST) && state(t).pvTime().pvtimeBase(t.vcpu()) != -1) {
            t.ok(0);
        } else {
            t.fail(Status.NOT_SUPPORTED);
        }
    }

    /** PV_TIME_ST (kvm_init_stolen_time): zero the 64-byte record, restart the accounting, return its IPA; -1 when unset. */
    static void pvTimeSt(Trap t) {
        long base = state(t).pvTime().initStolenTime(t.vcpu(), t.memory());
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
        t.result(0, s.firmware().vendorHypBmap());
        t.result(2, s.firmware().vendorHypBmap2());
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
        long base = state(t).pvTime().pvlockBase(t.vcpu());
        if (base == -1) {
            t.fail(Status.NOT_SUPPORTED);
        } else {
            t.ok(base);
        }
    }

    // ---------------------------------------------------------------- the table

    static HypercallSpec.Builder call(long nr, String name, HypercallHandler h, String summary, String source, Status... statuses) {
        HypercallSpec.Builder spec = HypercallSpec.builder(nr, name, h).summary(summary + " [" + FunctionId.decode(nr) + "]").source(source)
                .statuses(statuses);
        // PSCI and TRNG answer in their own code families (psci.h PSCI_RET_*, arm-smccc.h TRNG_*), so explain names them right.
        if (name.contains("PSCI")) {
            spec.codec(Arm64Status.PSCI);
        } else if (name.contains("TRNG")) {
            spec.codec(Arm64Status.TRNG);
        }
        return spec;
    }

    static final String HYP = "arch/arm64/kvm/hypercalls.c kvm_smccc_call_handler";
    static final String PSCI_SRC = "arch/arm64/kvm/psci.c ";
    static final Status[] PSCI_NS = {Status.NOT_SUPPORTED};

    /** Every function, in number order. */
    public static final List<HypercallSpec> ALL = build();

    static List<HypercallSpec> build() {
        List<HypercallSpec.Builder> l = new ArrayList<>();
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

        l.add(call(PSCI_VERSION, "PSCI_0_2_FN_PSCI_VERSION", Arm64Psci::psciVersion, "0x2 (0.2) or 0x1000m (1.m); the VM's "
                + "PSCI version (option psci)", PSCI_SRC + "kvm_psci_0_2_call", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_SUSPEND, "PSCI_0_2_FN_CPU_SUSPEND", Arm64Psci::cpuSuspend, "power_state, entry, context ignored: "
                + "treated as WFI, 0 after the wake-up", PSCI_SRC + "kvm_psci_vcpu_suspend", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_OFF, "PSCI_0_2_FN_CPU_OFF", Arm64Psci::cpuOff, "the calling vCPU powers off",
                PSCI_SRC + "kvm_psci_vcpu_off", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_ON, "PSCI_0_2_FN_CPU_ON", Arm64Psci::cpuOn, "x1 target MPIDR, x2 entry, x3 context (zero-extended "
                + "in place): the target starts at entry with x0 = context", PSCI_SRC + "kvm_psci_vcpu_on", Status.SUCCESS,
                Status.INVALID_PARAMETER, Status.ALREADY_ON, Status.NOT_SUPPORTED));
        l.add(call(PSCI_AFFINITY_INFO, "PSCI_0_2_FN_AFFINITY_INFO", Arm64Psci::affinityInfo, "x1 target affinity, x2 lowest "
                + "level (0..3): 0 ON, 1 OFF, -2", PSCI_SRC + "kvm_psci_vcpu_affinity_info", Status.SUCCESS, Status.INVALID_PARAMETER,
                Status.NOT_SUPPORTED));
        l.add(call(PSCI_MIGRATE, "PSCI_0_2_FN_MIGRATE", Arm64Psci::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_0_2_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_MIGRATE_INFO_TYPE, "PSCI_0_2_FN_MIGRATE_INFO_TYPE", Arm64Psci::migrateInfoType, "2: Trusted OS is MP "
                + "or not present (PSCI_0_2_TOS_MP)", PSCI_SRC + "kvm_psci_0_2_call", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_MIGRATE_INFO_UP_CPU, "PSCI_0_2_FN_MIGRATE_INFO_UP_CPU", Arm64Psci::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_0_2_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_OFF, "PSCI_0_2_FN_SYSTEM_OFF", Arm64Psci::systemOff, "every vCPU off; exit SYSTEM_EVENT "
                + "SHUTDOWN (data[0] = 0); x0 preloaded -6, x1..x3 = 0", PSCI_SRC + "kvm_psci_system_off", Status.INTERNAL_FAILURE,
                Status.NOT_SUPPORTED));
        l.add(call(PSCI_SYSTEM_RESET, "PSCI_0_2_FN_SYSTEM_RESET", Arm64Psci::systemReset, "every vCPU off; exit SYSTEM_EVENT "
                + "RESET (data[0] = 0); x0 preloaded -6, x1..x3 = 0", PSCI_SRC + "kvm_psci_system_reset", Status.INTERNAL_FAILURE,
                Status.NOT_SUPPORTED));
        l.add(call(PSCI_FEATURES, "PSCI_1_0_FN_PSCI_FEATURES", Arm64Psci::psciFeatures, "x1 = function ID (u32): 0 when "
                + "implemented, 1 for SYSTEM_OFF2 (HIBERNATE_OFF) in 1.3, else -1", PSCI_SRC + "kvm_psci_1_x_call", Status.SUCCESS,
                Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_FREEZE, "PSCI_1_0_FN_CPU_FREEZE", Arm64Psci::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_CPU_DEFAULT_SUSPEND, "PSCI_1_0_FN_CPU_DEFAULT_SUSPEND", Arm64Psci::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_NODE_HW_STATE, "PSCI_1_0_FN_NODE_HW_STATE", Arm64Psci::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_SUSPEND, "PSCI_1_0_FN_SYSTEM_SUSPEND", Arm64Psci::systemSuspend, "x1 entry, x2 context: exit "
                + "SYSTEM_EVENT SUSPEND with the registers untouched; -1 without the capability", PSCI_SRC + "kvm_psci_system_suspend",
                Status.SUCCESS, Status.NOT_SUPPORTED).feature(Arm64Architecture.SYSTEM_SUSPEND));
        l.add(call(PSCI_SET_SUSPEND_MODE, "PSCI_1_0_FN_SET_SUSPEND_MODE", Arm64Psci::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_STAT_RESIDENCY, "PSCI_1_0_FN_STAT_RESIDENCY", Arm64Psci::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_STAT_COUNT, "PSCI_1_0_FN_STAT_COUNT", Arm64Psci::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_RESET2, "PSCI_1_1_FN_SYSTEM_RESET2", Arm64Psci::systemReset2, "x1 reset type (u32), x2 cookie: "
                + "type 0 or >= 0x80000000 resets (data[0] = PSCI_RESET2), only x0 = -6 written; other types -2",
                PSCI_SRC + "kvm_psci_system_reset2", Status.INTERNAL_FAILURE, Status.INVALID_PARAMETER, Status.NOT_SUPPORTED));
        l.add(call(PSCI_MEM_PROTECT, "PSCI_1_1_FN_MEM_PROTECT", Arm64Psci::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_MEM_PROTECT_CHECK_RANGE, "PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE", Arm64Psci::psciNotSupported,
                "not implemented", PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_OFF2, "PSCI_1_3_FN_SYSTEM_OFF2", Arm64Psci::systemOff2, "x1 type 0 or 1 (HIBERNATE_OFF), x2 "
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
        l.add(call(KVM_PSCI_FN_CPU_SUSPEND, "KVM_PSCI_FN_CPU_SUSPEND", Arm64Psci::psciNotSupported, "PSCI 0.1 (KVM's ID): not "
                + "implemented", PSCI_SRC + "kvm_psci_0_1_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(KVM_PSCI_FN_CPU_OFF, "KVM_PSCI_FN_CPU_OFF", Arm64Psci::cpuOff, "PSCI 0.1 (KVM's ID, psci=0.1 only): the "
                + "calling vCPU powers off", PSCI_SRC + "kvm_psci_0_1_call", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(KVM_PSCI_FN_CPU_ON, "KVM_PSCI_FN_CPU_ON", Arm64Psci::cpuOn, "PSCI 0.1 (KVM's ID, psci=0.1 only): as CPU_ON "
                + "but a running target gives -2", PSCI_SRC + "kvm_psci_0_1_call", Status.SUCCESS, Status.INVALID_PARAMETER,
                Status.NOT_SUPPORTED));
        l.add(call(KVM_PSCI_FN_MIGRATE, "KVM_PSCI_FN_MIGRATE", Arm64Psci::psciNotSupported, "PSCI 0.1 (KVM's ID): not "
                + "implemented", PSCI_SRC + "kvm_psci_0_1_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));

        l.add(call(PSCI_CPU_SUSPEND64, "PSCI_0_2_FN64_CPU_SUSPEND", Arm64Psci::cpuSuspend, "as CPU_SUSPEND",
                PSCI_SRC + "kvm_psci_vcpu_suspend", Status.SUCCESS, Status.NOT_SUPPORTED));
        l.add(call(PSCI_CPU_ON64, "PSCI_0_2_FN64_CPU_ON", Arm64Psci::cpuOn, "x1 target MPIDR, x2 entry, x3 context (64-bit)",
                PSCI_SRC + "kvm_psci_vcpu_on", Status.SUCCESS, Status.INVALID_PARAMETER, Status.ALREADY_ON, Status.NOT_SUPPORTED));
        l.add(call(PSCI_AFFINITY_INFO64, "PSCI_0_2_FN64_AFFINITY_INFO", Arm64Psci::affinityInfo, "as AFFINITY_INFO (64-bit)",
                PSCI_SRC + "kvm_psci_vcpu_affinity_info", Status.SUCCESS, Status.INVALID_PARAMETER, Status.NOT_SUPPORTED));
        l.add(call(PSCI_MIGRATE64, "PSCI_0_2_FN64_MIGRATE", Arm64Psci::psciNotSupported, "not implemented", PSCI_SRC
                + "kvm_psci_0_2_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_MIGRATE_INFO_UP_CPU64, "PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU", Arm64Psci::psciNotSupported,
                "not implemented", PSCI_SRC + "kvm_psci_0_2_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_CPU_DEFAULT_SUSPEND64, "PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND", Arm64Psci::psciNotSupported,
                "not implemented", PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_NODE_HW_STATE64, "PSCI_1_0_FN64_NODE_HW_STATE", Arm64Psci::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_SUSPEND64, "PSCI_1_0_FN64_SYSTEM_SUSPEND", Arm64Psci::systemSuspend, "as SYSTEM_SUSPEND (64-bit)",
                PSCI_SRC + "kvm_psci_system_suspend", Status.SUCCESS, Status.NOT_SUPPORTED).feature(Arm64Architecture.SYSTEM_SUSPEND));
        l.add(call(PSCI_STAT_RESIDENCY64, "PSCI_1_0_FN64_STAT_RESIDENCY", Arm64Psci::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_STAT_COUNT64, "PSCI_1_0_FN64_STAT_COUNT", Arm64Psci::psciNotSupported, "not implemented",
                PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_RESET2_64, "PSCI_1_1_FN64_SYSTEM_RESET2", Arm64Psci::systemReset2, "as SYSTEM_RESET2 (64-bit)",
                PSCI_SRC + "kvm_psci_system_reset2", Status.INTERNAL_FAILURE, Status.INVALID_PARAMETER, Status.NOT_SUPPORTED));
        l.add(call(PSCI_MEM_PROTECT_CHECK_RANGE64, "PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE", Arm64Psci::psciNotSupported,
                "not implemented", PSCI_SRC + "kvm_psci_1_x_call", PSCI_NS).availability("not implemented: PSCI_RET_NOT_SUPPORTED"));
        l.add(call(PSCI_SYSTEM_OFF2_64, "PSCI_1_3_FN64_SYSTEM_OFF2", Arm64Psci::systemOff2, "as SYSTEM_OFF2 (64-bit cookie)",
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
        return l.stream().map(HypercallSpec.Builder::build).sorted(Comparator.comparingLong(HypercallSpec::number))
                .collect(ImmutableList.toImmutableList());
    }
}
