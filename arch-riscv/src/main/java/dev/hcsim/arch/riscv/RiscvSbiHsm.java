package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;

import dev.hcsim.core.Status;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.util.List;

/**
 * The Hart State Management extension (arch/riscv/kvm/vcpu_sbi_hsm.c): HART_START, HART_STOP,
 * HART_GET_STATUS and HART_SUSPEND over KVM's two-state model (a vCPU is stopped or not; a started
 * vCPU blocked in WFI reads as SUSPENDED). START_PENDING, STOP_PENDING and the other pending states never
 * appear: KVM changes state at once, under mp_state_lock.
 */
final class RiscvSbiHsm {
    /** SBI_HSM_STATE_STARTED (enum sbi_hsm_hart_state). */
    static final long STARTED = 0;
    /** SBI_HSM_STATE_STOPPED. */
    static final long STOPPED = 1;
    /** SBI_HSM_STATE_SUSPENDED. */
    static final long SUSPENDED = 4;
    /** SBI_HSM_SUSPEND_RET_DEFAULT. */
    static final long SUSPEND_RET_DEFAULT = 0;
    /** SBI_HSM_SUSPEND_NON_RET_DEFAULT. */
    static final long SUSPEND_NON_RET_DEFAULT = 0x8000_0000L;

    private static final String SRC = "arch/riscv/kvm/vcpu_sbi_hsm.c ";

    private RiscvSbiHsm() {
    }

    /**
     * HART_START(a0 = hartid, a1 = start_addr, a2 = opaque), kvm_sbi_hsm_vcpu_start: no vCPU with that id:
     * SBI_ERR_INVALID_PARAM; not stopped: SBI_ERR_ALREADY_AVAILABLE; else kvm_riscv_vcpu_sbi_request_reset
     * (pc = a1, a1 = a2) and power on. The target's reset (kvm_riscv_vcpu_sbi_load_reset_state) zeroes its
     * registers and gives it a0 = its hart ID, a1 = opaque, sepc = start_addr, S-mode with SIE clear.
     */
    static void hartStart(Trap t) {
        int target = t.vm().vcpuIndex(t.arg(0));
        if (target < 0) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        // kvm_sbi_hsm_vcpu_start, under the target's mp_state_lock: a hart that is not stopped is
        // SBI_ERR_ALREADY_AVAILABLE; start() is that check and the power-on in one step (it refuses a vCPU that is not off)
        if (!t.control().start(target, t.arg(1), RiscvRegisters.A1, t.arg(2))) {
            error(t, Status.ALREADY_ON);
            return;
        }
        state(t).requestReset(target, t.arg(1), t.arg(2)); // reset_state->pc = a1, reset_state->a1 = a2
        success(t);
    }

    /** HART_STOP, kvm_sbi_hsm_vcpu_stop: the caller powers off (a0 = 0 is written but never seen until a restart resets it). */
    static void hartStop(Trap t) {
        success(t);
        t.stop();
    }

    /**
     * HART_GET_STATUS(a0 = hartid): STOPPED when powered off, SUSPENDED when blocked (WFI or HART_SUSPEND),
     * else STARTED. For an id no vCPU has, kvm_sbi_hsm_vcpu_get_status returns SBI_ERR_INVALID_PARAM but the
     * handler only copies a non-negative answer and returns with err_val untouched: a0 = 0, a1 = 0.
     */
    static void hartStatus(Trap t) {
        int target = t.vm().vcpuIndex(t.arg(0));
        if (target < 0) {
            success(t); // sbi_ret stays {0, 0}: see the method comment and docs/arch/riscv.md
            return;
        }
        VcpuState s = t.control().state(target);
        value(t, s == VcpuState.OFF ? STOPPED : s == VcpuState.HALTED ? SUSPENDED : STARTED);
    }

    /**
     * HART_SUSPEND(a0 = suspend_type, u32): RET_DEFAULT is kvm_riscv_vcpu_wfi (the vCPU blocks until an
     * interrupt, then returns 0); NON_RET_DEFAULT: SBI_ERR_NOT_SUPPORTED; any other type: SBI_ERR_INVALID_PARAM.
     */
    static void hartSuspend(Trap t) {
        long type = t.arg(0) & M32;
        if (type == SUSPEND_RET_DEFAULT) {
            success(t);
            t.halt();
        } else if (type == SUSPEND_NON_RET_DEFAULT) {
            error(t, Status.NOT_SUPPORTED);
        } else {
            error(t, Status.INVALID_PARAMETER);
        }
    }

    static void specs(List<HypercallSpec.Builder> l) {
        String f = SbiExtension.HSM.feature();
        l.add(call(EXT_HSM, 0, "SBI_EXT_HSM_HART_START", RiscvSbiHsm::hartStart, "a0 = hartid, a1 = start_addr, a2 = opaque: the "
                + "hart starts at start_addr with a0 = hartid, a1 = opaque; -3 no such hart, -6 not stopped", SRC
                + "kvm_sbi_hsm_vcpu_start", Status.SUCCESS, Status.INVALID_PARAMETER, Status.ALREADY_ON).feature(f));
        l.add(call(EXT_HSM, 1, "SBI_EXT_HSM_HART_STOP", RiscvSbiHsm::hartStop, "the calling hart powers off", SRC
                + "kvm_sbi_hsm_vcpu_stop", Status.SUCCESS).feature(f));
        l.add(call(EXT_HSM, 2, "SBI_EXT_HSM_HART_STATUS", RiscvSbiHsm::hartStatus, "a0 = hartid: a1 = 0 STARTED, 1 STOPPED, "
                + "4 SUSPENDED (blocked); an unknown hartid answers a0 = 0, a1 = 0", SRC + "kvm_sbi_hsm_vcpu_get_status",
                Status.SUCCESS).feature(f));
        l.add(call(EXT_HSM, 3, "SBI_EXT_HSM_HART_SUSPEND", RiscvSbiHsm::hartSuspend, "a0 = suspend_type (u32): 0 = WFI until an "
                + "interrupt; 0x80000000: -2; others -3", SRC + "kvm_sbi_ext_hsm_handler", Status.SUCCESS, Status.NOT_SUPPORTED,
                Status.INVALID_PARAMETER).feature(f));
    }
}
