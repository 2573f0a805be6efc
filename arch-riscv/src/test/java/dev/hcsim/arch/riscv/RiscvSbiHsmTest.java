package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** HSM (arch/riscv/kvm/vcpu_sbi_hsm.c) and SUSP (vcpu_sbi_system.c). */
class RiscvSbiHsmTest {
    @Test
    @DisplayName("kvm_sbi_hsm_vcpu_start + kvm_riscv_vcpu_sbi_load_reset_state: hart 1 starts at a1 with a0 = hartid, a1 = opaque, other registers 0")
    void hartStart() {
        Harness h = Harness.of(4).state(1, VcpuState.OFF).state(2, VcpuState.OFF).state(3, VcpuState.OFF);
        h.regs(1).set(5, 0x99); // stale t0 from before the hart was stopped
        TrapResult r = h.ecall(EXT_HSM, 0, 1, 0x8020_0000L, 0x1234);
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(0, h.a(0));
        assertEquals(0, h.a(1));
        RegisterFile t = h.regs(1);
        assertEquals(VcpuState.RUNNABLE, h.m.state(1));
        assertEquals(0x8020_0000L, t.pc());
        assertEquals(1, t.get(RiscvRegisters.A0));
        assertEquals(0x1234, t.get(RiscvRegisters.A1));
        assertEquals(0, t.get(5), "kvm_riscv_vcpu_context_reset zeroes the GPRs");
        assertEquals(1, t.get(RiscvRegisters.PRIV));
        assertEquals(0, t.get(RiscvRegisters.SSTATUS) & RiscvRegisters.SR_SIE, "SIE cleared");
    }

    @Test
    @DisplayName("kvm_sbi_hsm_vcpu_start: a hart that is not stopped -> SBI_ERR_ALREADY_AVAILABLE (-6); no such hart -> SBI_ERR_INVALID_PARAM (-3)")
    void hartStartErrors() {
        Harness h = Harness.of(2);
        h.ecall(EXT_HSM, 0, 1, 0x2000, 0);
        assertEquals(-6, h.a(0));
        h.ecall(EXT_HSM, 0, 0, 0x2000, 0);
        assertEquals(-6, h.a(0), "the caller itself is started");
        h.ecall(EXT_HSM, 0, 7, 0x2000, 0);
        assertEquals(-3, h.a(0));
        Harness halted = Harness.of(2).state(1, VcpuState.HALTED);
        halted.ecall(EXT_HSM, 0, 1, 0x2000, 0);
        assertEquals(-6, halted.a(0), "a suspended (blocked) hart is not stopped");
    }

    @Test
    @DisplayName("kvm_sbi_hsm_vcpu_get_status: STOPPED 1, SUSPENDED 4 when blocked, STARTED 0; an unknown hartid answers a0 = 0, a1 = 0")
    void hartStatus() {
        Harness h = Harness.of(4).state(1, VcpuState.OFF).state(2, VcpuState.HALTED);
        long[][] expect = {{0, 0}, {1, 1}, {2, 4}, {3, 0}};
        for (long[] e : expect) {
            h.ecall(EXT_HSM, 2, e[0]);
            assertEquals(0, h.a(0));
            assertEquals(e[1], h.a(1), "hart " + e[0]);
        }
        h.regs(0).set(RiscvRegisters.A1, 77);
        h.ecall(EXT_HSM, 2, 9);
        assertEquals(0, h.a(0), "err_val stays 0: the handler copies only a non-negative status");
        assertEquals(0, h.a(1));
    }

    @Test
    @DisplayName("kvm_sbi_hsm_vcpu_stop powers the caller off; HART_SUSPEND: 0 blocks (WFI), 0x80000000 -> -2, others -3 (type read as u32)")
    void stopAndSuspend() {
        Harness h = Harness.of(1);
        assertEquals(Outcome.STOP, h.ecall(EXT_HSM, 1).outcome());
        Harness s = Harness.of(1);
        TrapResult r = s.ecall(EXT_HSM, 3, 0x1_0000_0000L);
        assertEquals(Outcome.HALT, r.outcome(), "lower_32_bits(a0) == SBI_HSM_SUSPEND_RET_DEFAULT");
        assertEquals(0, s.a(0));
        s.ecall(EXT_HSM, 3, 0x8000_0000L);
        assertEquals(-2, s.a(0));
        s.ecall(EXT_HSM, 3, 1);
        assertEquals(-3, s.a(0));
    }

    @Test
    @DisplayName("kvm_sbi_ext_susp_handler: checks in order (type -3, address -5, other harts -4), then KVM_EXIT_RISCV_SBI; re-entry resumes at resume_addr")
    void systemSuspend() {
        Harness off = Harness.of(1);
        off.ecall(EXT_SUSP, 0, 0, 0x2000, 0);
        assertEquals(-2, off.a(0), "SUSP is default_disabled");
        Harness h = Harness.of(2, "sbi-susp=on");
        h.ecall(EXT_SUSP, 0, 1, 0x2000, 0);
        assertEquals(-3, h.a(0));
        h.ecall(EXT_SUSP, 0, 0, 0x7000_0000L, 0);
        assertEquals(-5, h.a(0));
        h.ecall(EXT_SUSP, 0, 0, 0x2000, 0);
        assertEquals(-4, h.a(0), "hart 1 is running");
        Harness ok = Harness.of(2, "sbi-susp=on").state(1, VcpuState.OFF);
        ok.regs(0).set(7, 0x42); // t2
        TrapResult r = ok.ecall(EXT_SUSP, 0, 0x1_0000_0000L, 0x3000, 0xabc);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals("KVM_EXIT_RISCV_SBI", r.exit().reason().kernelName());
        assertEquals(EXT_SUSP, ExitFields.nr(r));
        assertEquals(0x3000, ExitFields.arg(r, 1));
        assertEquals(Harness.AT, ok.regs(0).pc());
        ok.vm.completeExit(0, ok.regs(0), ok.m.memory(), 0);
        RegisterFile t = ok.regs(0);
        assertEquals(0x3000, t.pc(), "the reset KVM requested before exiting wins over sepc + 4");
        assertEquals(0, t.get(RiscvRegisters.A0), "a0 = hart ID");
        assertEquals(0xabc, t.get(RiscvRegisters.A1), "a1 = opaque");
        assertEquals(0, t.get(7));
    }
}
