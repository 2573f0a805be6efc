package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;

import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.util.List;

/**
 * The System Suspend extension (arch/riscv/kvm/vcpu_sbi_system.c kvm_sbi_ext_susp_handler, default
 * disabled): the checks are KVM's, the suspend itself is the VMM's, reached as KVM_EXIT_RISCV_SBI (not a
 * system event). KVM requests the vCPU's reset before it exits, so whatever the VMM answers, the next
 * KVM_RUN resumes the hart at resume_addr with a0 = hart ID and a1 = opaque.
 */
final class RiscvSbiSystem {
    /** SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM. */
    static final long SUSPEND_TO_RAM = 0;

    private RiscvSbiSystem() {
    }

    /**
     * SYSTEM_SUSPEND(a0 = sleep_type u32, a1 = resume_addr, a2 = opaque): a type other than SUSPEND_TO_RAM:
     * SBI_ERR_INVALID_PARAM; sstatus.SPP clear: SBI_ERR_FAILURE; a resume address outside guest memory:
     * SBI_ERR_INVALID_ADDRESS; any other vCPU not stopped: SBI_ERR_DENIED; else reset requested and the
     * call forwarded.
     */
    static void systemSuspend(Trap t) {
        RegisterAccess r = t.registers();
        if ((t.arg(0) & M32) != SUSPEND_TO_RAM) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        if ((r.get(RiscvRegisters.SSTATUS) & RiscvRegisters.SR_SPP) == 0) {
            error(t, Status.INTERNAL_FAILURE);
            return;
        }
        long resume = t.arg(1);
        if (!t.memory().readable(resume & ~0xFFFL, 1)) {
            error(t, Status.INVALID_ADDRESS); // kvm_vcpu_gfn_to_hva_prot of resume_addr >> PAGE_SHIFT
            return;
        }
        int n = t.vm().vcpuCount();
        for (int i = 0; i < n; i++) {
            if (i != t.vcpu() && t.control().state(i) != VcpuState.OFF) {
                error(t, Status.DENIED);
                return;
            }
        }
        RiscvVm s = state(t);
        s.requestReset(t.vcpu(), resume, t.arg(2));
        RiscvSbiForward.forward(t, s, SbiExtension.SUSP, RESUMED);
    }

    /**
     * Re-entry: kvm_riscv_vcpu_sbi_return writes ret[0..1] and sepc + 4, then the pending
     * KVM_REQ_VCPU_RESET runs kvm_riscv_reset_vcpu: registers zeroed, a0 = hart ID, a1 = opaque,
     * sepc = resume_addr, VS-mode with interrupts off.
     */
    static final Trap.ExitCompletion RESUMED = (t, hostReturn) -> {
        RiscvVm s = state(t);
        RegisterAccess r = t.registers();
        int v = t.vcpu();
        long pc = s.resetPc(v);
        long a1 = s.resetA1(v);
        s.resetVcpu(v, r);
        t.result(0, r.get(RiscvRegisters.A0));
        t.result(1, a1);
        t.status(RiscvStatus.SBI.decode(hostReturn));
        t.resumeAt(pc);
    };

    static void specs(List<HypercallSpec.Builder> l) {
        l.add(call(EXT_SUSP, 0, "SBI_EXT_SUSP_SYSTEM_SUSPEND", RiscvSbiSystem::systemSuspend, "a0 = sleep type (0), a1 = "
                + "resume_addr, a2 = opaque: every other hart must be stopped; KVM_EXIT_RISCV_SBI, then the hart resumes at "
                + "resume_addr with a0 = hartid, a1 = opaque; -3 bad type, -5 bad address, -4 harts running",
                "arch/riscv/kvm/vcpu_sbi_system.c kvm_sbi_ext_susp_handler", Status.SUCCESS, Status.INVALID_PARAMETER,
                Status.INVALID_ADDRESS, Status.DENIED, Status.INTERNAL_FAILURE).feature(SbiExtension.SUSP.feature()));
    }
}
