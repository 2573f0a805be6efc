package dev.hcsim.arch.arm64;

import static dev.hcsim.arch.arm64.Arm64Hypercalls.*;

import dev.hcsim.core.Exit;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;

/**
 * The PSCI functions KVM/arm64 implements, one small method each (arch/arm64/kvm/psci.c): versions 0.1
 * (KVM's own IDs) to 1.3, CPU_ON/OFF/SUSPEND, AFFINITY_INFO, MIGRATE_INFO_TYPE, the system events and
 * PSCI_FEATURES. Their specs are listed with the others in {@link Arm64Hypercalls}.
 */
final class Arm64Psci {
    private Arm64Psci() {
    }

    // ---------------------------------------------------------------- PSCI

    /** What the prologues return when they answered the call themselves (no PSCI version is negative). */
    static final int ANSWERED = -1;

    /**
     * kvm_psci_call's prologue: PSCI codes; an AArch32 vCPU calling a 64-bit function gets
     * NOT_SUPPORTED (kvm_psci_check_allowed_function). Returns the VM's PSCI version, or ANSWERED.
     */
    static int psci(Trap t, Arm64Vm s) {
        t.codec(Arm64Status.PSCI);
        if ((t.number() & PSCI_64BIT) != 0 && s.aarch32(t)) {
            t.fail(Status.NOT_SUPPORTED);
            return ANSWERED;
        }
        return s.psciVersion();
    }

    /**
     * The standard (0.2+) call prologue; ANSWERED when answered. A 0.1 VM has none of them: PSCI_0_1 (1) is below every
     * minimum (kvm_psci_0_1_call answers PSCI_RET_NOT_SUPPORTED for every other ID).
     */
    static int psciStandard(Trap t, Arm64Vm s, int minimum) {
        int v = psci(t, s);
        if (v < minimum) { // ANSWERED is below every minimum too: psci's answer was the same NOT_SUPPORTED
            t.fail(Status.NOT_SUPPORTED);
            return ANSWERED;
        }
        return v;
    }

    /** PSCI_VERSION: 0.2 or 1.minor. */
    static void psciVersion(Trap t) {
        int v = psciStandard(t, state(t), PSCI_0_2);
        if (v != ANSWERED) {
            t.ok(v);
        }
    }

    /** CPU_SUSPEND: KVM treats every power state as WFI (kvm_psci_vcpu_suspend); 0 once woken. */
    static void cpuSuspend(Trap t) {
        if (psciStandard(t, state(t), PSCI_0_2) != ANSWERED) {
            t.ok(0);
            t.halt();
        }
    }

    /** CPU_OFF (0.2 and KVM's 0.1 ID): the vCPU powers off; x0 = 0 is never observed. */
    static void cpuOff(Trap t) {
        Arm64Vm s = state(t);
        boolean legacy = t.number() == KVM_PSCI_FN_CPU_OFF;
        int v = legacy ? psci(t, s) : psciStandard(t, s, PSCI_0_2);
        if (v == ANSWERED) {
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
     * otherwise the target is reset and started at x2 with x0 = x3 through the scheduler, in Thumb at
     * x2 & ~1 when it is AArch32 and x2 is odd, with the caller's endianness (kvm_reset_vcpu_psci).
     */
    static void cpuOn(Trap t) {
        Arm64Vm s = state(t);
        boolean legacy = t.number() == KVM_PSCI_FN_CPU_ON;
        int v = legacy ? psci(t, s) : psciStandard(t, s, PSCI_0_2);
        if (v == ANSWERED) {
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
            // kvm_psci_narrow_to_32bit cuts x1..x3 in place; x1..x3 are zeroed with the result, so only the values count.
            target &= M32;
            entry &= M32;
            context &= M32;
        }
        // kvm_psci_valid_affinity and kvm_mpidr_to_vcpu: an affinity with bits outside MPIDR_HWID_BITMASK matches no vCPU
        // (vcpuOfAffinity compares the masked MPIDRs with all of it), so the one test answers both with INVALID_PARAMS.
        int index = vcpuOfAffinity(t.vm(), target);
        if (index < 0) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        // kvm_reset_vcpu_psci: an AArch32 target at an odd entry starts in Thumb at entry & ~1; the target takes
        // the caller's endianness (reset_state->be = kvm_vcpu_is_be(source_vcpu)). The reset state stays pending until
        // the target's reset consumes it (the scheduler resets it inside start; an embedder when it resets the vCPU).
        boolean thumb = s.resetsAArch32() && (entry & 1) != 0;
        boolean be = t.registers().get(Arm64Registers.BE) != 0;
        s.psciResetState(index, thumb, be, true);
        if (!t.control().start(index, thumb ? entry & ~1L : entry, 0, context)) {
            // !vcpu->arch.power_off (start refuses a vCPU that is not off): ALREADY_ON, or INVALID_PARAMS under 0.1
            s.psciResetState(index, false, false, false);
            t.fail(v == PSCI_0_1 ? Status.INVALID_PARAMETER : Status.ALREADY_ON);
            return;
        }
        t.ok(0);
    }

    static int vcpuOfAffinity(VmContext vm, long affinity) {
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
        if (psciStandard(t, state(t), PSCI_0_2) == ANSWERED) {
            return;
        }
        long target = t.arg(0);
        long level = t.arg(1);
        if (t.number() == PSCI_AFFINITY_INFO) {
            // kvm_psci_narrow_to_32bit cuts x1..x3 in place; x1..x3 are zeroed with the result, so only the values count.
            target &= M32;
            level &= M32;
        }
        if ((target & ~MPIDR_HWID_BITMASK) != 0 || Long.compareUnsigned(level, 3) > 0) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        long mask = MPIDR_HWID_BITMASK & ~((1L << (level * 8)) - 1);
        target &= mask;
        VmContext vm = t.vm();
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
        if (psciStandard(t, state(t), PSCI_0_2) != ANSWERED) {
            t.ok(2);
        }
    }

    /** SYSTEM_OFF: every vCPU off, exit SYSTEM_EVENT SHUTDOWN; on re-entry x0 = INTERNAL_FAILURE, x1..x3 = 0. */
    static void systemOff(Trap t) {
        if (psciStandard(t, state(t), PSCI_0_2) != ANSWERED) {
            systemEvent(t, SystemEventType.SHUTDOWN, 0, true);
        }
    }

    /** SYSTEM_RESET: every vCPU off, exit SYSTEM_EVENT RESET; on re-entry x0 = INTERNAL_FAILURE, x1..x3 = 0. */
    static void systemReset(Trap t) {
        if (psciStandard(t, state(t), PSCI_0_2) != ANSWERED) {
            systemEvent(t, SystemEventType.RESET, 0, true);
        }
    }

    /** SYSTEM_RESET2 (1.1+): type 0 (warm reset) or a vendor type (bit 31) resets with the RESET2 flag; on re-entry x0 only. */
    static void systemReset2(Trap t) {
        if (psciStandard(t, state(t), PSCI_1_1) == ANSWERED) {
            return;
        }
        long type = t.arg(0) & M32;
        if (type == 0 || type >= 0x8000_0000L) {
            systemEvent(t, SystemEventType.RESET, Exit.SystemEvent.RESET_FLAG_PSCI_RESET2, false);
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
        if (psciStandard(t, state(t), PSCI_1_3) == ANSWERED) {
            return;
        }
        long type = t.arg(0) & M32;
        if ((type != 0 && type != 1) || cookie != 0) {
            t.fail(Status.INVALID_PARAMETER);
            return;
        }
        systemEvent(t, SystemEventType.SHUTDOWN, Exit.SystemEvent.SHUTDOWN_FLAG_PSCI_OFF2, true);
    }

    /**
     * SYSTEM_SUSPEND (1.0+, only with KVM_CAP_ARM_SYSTEM_SUSPEND): exit SYSTEM_EVENT SUSPEND with x0..x3
     * as the guest passed them (kvm_psci_narrow_to_32bit has cut x1..x3 of the SMC32 form in place) and
     * the PC past the call, so that the VMM reads entry and context itself; the other vCPUs go on.
     */
    static void systemSuspend(Trap t) {
        // Without KVM_CAP_ARM_SYSTEM_SUSPEND the call never gets here: Arm64Vm.offers refuses it first (-1).
        if (psciStandard(t, state(t), PSCI_1_0) == ANSWERED) {
            return;
        }
        // SUCCESS: Trap.invoke sets it for a call that exits without a status
        if (t.number() == PSCI_SYSTEM_SUSPEND) {
            narrowArguments(t);
        }
        // kvm_prepare_system_event(vcpu, KVM_SYSTEM_EVENT_SUSPEND, 0): ndata = 1, data[0] = 0.
        t.exitToHost(new Exit.SystemEvent(SystemEventType.SUSPEND, 0L), SUSPEND_RESUMED);
        Arm64Vm.pastTheCall(t);
    }

    /**
     * kvm_prepare_system_event: every vCPU, the caller too, stopped (KVM_MP_STATE_STOPPED), then
     * KVM_EXIT_SYSTEM_EVENT with ndata = 1, data[0] = flags. The registers show KVM's state at the exit:
     * the PC past the HVC/SMC, and x0 = PSCI_RET_INTERNAL_FAILURE with x1..x3 = 0 (SYSTEM_OFF, SYSTEM_RESET,
     * SYSTEM_OFF2: kvm_psci_call's smccc_set_retval(vcpu, val, 0, 0, 0)) or x0 alone (SYSTEM_RESET2:
     * vcpu_set_reg(vcpu, 0, PSCI_RET_INTERNAL_FAILURE), x1..x3 as kvm_psci_narrow_to_32bit left them). The
     * next KVM_RUN writes nothing more.
     * @param zeroed true when x1..x3 are zeroed with x0
     */
    static void systemEvent(Trap t, SystemEventType type, long flags, boolean zeroed) {
        t.status(Status.INTERNAL_FAILURE);
        // "let's make sure that VCPUs are not run after this call is handled": mp_state = STOPPED for each.
        for (int i = 0; i < t.vm().vcpuCount(); i++) {
            t.control().stop(i);
        }
        RegisterAccess r = t.registers();
        boolean cut = t.narrow(); // the arm64 contract cuts an AArch32 vCPU's results to 32 bits (Arm64Contract)
        r.set(0, cut ? PSCI_RET_INTERNAL_FAILURE & M32 : PSCI_RET_INTERNAL_FAILURE);
        if (zeroed) {
            r.set(1, 0);
            r.set(2, 0);
            r.set(3, 0);
        } else if (t.number() == PSCI_SYSTEM_RESET2) {
            narrowArguments(t);
        }
        t.exitToHost(new Exit.SystemEvent(type, flags), KEEP_X0_X3);
        Arm64Vm.pastTheCall(t);
    }

    /** PSCI_RET_INTERNAL_FAILURE (include/uapi/linux/psci.h). */
    private static final long PSCI_RET_INTERNAL_FAILURE = -6;

    /** PSCI_FEATURES (1.0+): 0 for the functions KVM implements, 1 (HIBERNATE_OFF) for SYSTEM_OFF2 in 1.3, else -1. */
    static void psciFeatures(Trap t) {
        Arm64Vm s = state(t);
        int v = psciStandard(t, s, PSCI_1_0);
        if (v == ANSWERED) {
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
        psci(t, state(t)); // an AArch32 caller of a 64-bit ID is answered there, with the same NOT_SUPPORTED
        t.fail(Status.NOT_SUPPORTED);
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
}
