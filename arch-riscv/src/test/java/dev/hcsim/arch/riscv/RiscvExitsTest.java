package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hcsim.core.Exit;
import dev.hcsim.core.ExitReason;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every exit and fault kind the RISC-V module produces, as the typed records of the user API, with the
 * vCPU state KVM leaves at the exit and what the next KVM_RUN does (arch/riscv/kvm/vcpu_sbi.c
 * kvm_riscv_vcpu_sbi_forward, kvm_riscv_vcpu_sbi_return, kvm_riscv_vcpu_sbi_system_reset).
 */
class RiscvExitsTest {
    @Test
    @DisplayName("kvm_riscv_vcpu_sbi_forward: Exit.RiscvSbi(a7, a6, a0..a5, ret = [SBI_ERR_NOT_SUPPORTED, 0]), no register written, sepc at the ecall")
    void sbiExitState() {
        Harness h = Harness.of(1, "sbi-dbcn=on");
        TrapResult r = h.ecall(EXT_DBCN, 0, 3, 0x2000, 0, 0xA3, 0xA4, 0x55);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(ExitReason.RISCV_SBI, r.exit().reason());
        assertEquals(35, r.exit().reason().number());
        Exit.RiscvSbi e = assertInstanceOf(Exit.RiscvSbi.class, r.exit());
        assertEquals(new Exit.RiscvSbi(EXT_DBCN, 0, List.of(3L, 0x2000L, 0L, 0xA3L, 0xA4L, 0x55L), List.of(-2L, 0L)), e);
        assertNull(r.fault());
        assertEquals(3, h.a(0), "a0 not written before the exit");
        assertEquals(0x2000, h.a(1), "a1 not written before the exit");
        assertEquals(Harness.AT, h.regs(0).pc(), "sepc stays at the ecall until re-entry");
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_sbi_return: re-entry copies ret[0] to a0 and ret[1] to a1, sepc + 4, a2..a7 kept")
    void sbiReentryWritesBothReturnValues() {
        Harness h = Harness.of(1, "sbi-dbcn=on");
        TrapResult r = h.ecall(EXT_DBCN, 0, 3, 0x2000, 0, 0xA3);
        h.vm.completeExit(0, h.regs(0), h.m.memory(), ExitFields.answer(r, 0, 3));
        assertEquals(0, h.a(0));
        assertEquals(3, h.a(1), "ret[1] (bytes written) reaches a1");
        assertEquals(0xA3, h.a(3));
        assertEquals(EXT_DBCN, h.regs(0).get(RiscvRegisters.A7));
        assertEquals(Harness.AT + 4, h.regs(0).pc());
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_sbi_return with the preset answer: a0 = SBI_ERR_NOT_SUPPORTED, a1 = 0")
    void sbiReentryUnanswered() {
        Harness h = Harness.of(1, "sbi-dbcn=on");
        TrapResult r = h.ecall(EXT_DBCN, 2, 'x', 0x77);
        h.vm.completeExit(0, h.regs(0), h.m.memory(), r.exit());
        assertEquals(RiscvStatus.SBI_ERR_NOT_SUPPORTED, h.a(0));
        assertEquals(0, h.a(1));
        assertEquals(Harness.AT + 4, h.regs(0).pc());
    }

    @Test
    @DisplayName("kvm_sbi_ext_susp_handler: SYSTEM_SUSPEND is an Exit.RiscvSbi (not a SUSPEND system event) with extension SUSP")
    void suspendIsAnSbiExit() {
        Harness h = Harness.of(1, "sbi-susp=on");
        h.regs(0).set(RiscvRegisters.SSTATUS, RiscvRegisters.SR_SPP);
        TrapResult r = h.ecall(EXT_SUSP, 0, 0, 0x8000, 0x1234);
        Exit.RiscvSbi e = assertInstanceOf(Exit.RiscvSbi.class, r.exit());
        assertEquals(EXT_SUSP, e.extensionId());
        assertEquals(List.of(0L, 0x8000L, 0x1234L, 0L, 0L, 0L), e.args());
        assertEquals(List.of(-2L, 0L), e.ret());
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_sbi_system_reset: SRST shutdown is Exit.SystemEvent(SHUTDOWN, [reason]), ndata 1, a0/a1/sepc unchanged")
    void systemEventShutdown() {
        Harness h = Harness.of(2);
        TrapResult r = h.ecall(EXT_SRST, 0, 0, 7);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(ExitReason.SYSTEM_EVENT, r.exit().reason());
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN, List.of(7L)), r.exit());
        assertEquals(0, h.a(0));
        assertEquals(7, h.a(1));
        assertEquals(Harness.AT, h.regs(0).pc());
        assertEquals(VcpuState.OFF, h.m.state(1), "every hart is stopped");
    }

    @Test
    @DisplayName("kvm_sbi_ext_srst_handler: cold and warm reboot are Exit.SystemEvent(RESET, [reason])")
    void systemEventReset() {
        assertEquals(new Exit.SystemEvent(SystemEventType.RESET, List.of(9L)), Harness.of(1).ecall(EXT_SRST, 0, 1, 9).exit());
        assertEquals(new Exit.SystemEvent(SystemEventType.RESET, List.of(0L)), Harness.of(1).ecall(EXT_SRST, 0, 2, 0).exit());
    }

    @Test
    @DisplayName("kvm_arch_vcpu_ioctl_run: kvm_riscv_vcpu_sbi_return runs only after KVM_EXIT_RISCV_SBI; re-entry after a system event writes nothing")
    void systemEventReentryWritesNothing() {
        Harness h = Harness.of(1);
        TrapResult r = h.ecall(EXT_0_1_SHUTDOWN, 0, 0x44, 0x55);
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN, List.of(0L)), r.exit(), "vcpu_sbi_v01.c: reason 0");
        h.vm.completeExit(0, h.regs(0), h.m.memory(), 5);
        assertEquals(0x44, h.a(0));
        assertEquals(0x55, h.a(1));
        assertEquals(Harness.AT, h.regs(0).pc());
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_unpriv_read of an unreadable v0.1 hart mask: Fault.RiscV(load access fault 5, stval = a0, pc), nothing written")
    void loadAccessFault() {
        Harness h = Harness.of(1);
        TrapResult r = h.ecall(EXT_0_1_SEND_IPI, 0, 0x7000_0000L);
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(new Fault.RiscV(EXC_LOAD_ACCESS, 0x7000_0000L, Harness.AT), r.fault());
        assertNull(r.exit());
        assertEquals(0x7000_0000L, h.a(0));
        assertEquals(Harness.AT, h.regs(0).pc(), "kvm_riscv_vcpu_sbi_ecall: no sepc advance when utrap.scause is set");
    }

    @Test
    @DisplayName("trap gate: a word that is not ecall is Fault.RiscV(illegal instruction 2, stval = the word, pc)")
    void illegalInstruction() {
        Harness h = Harness.of(1);
        h.m.load(Harness.AT, new byte[] {0x13, 0, 0, 0}); // nop (addi x0, x0, 0)
        h.regs(0).pc(Harness.AT);
        TrapResult r = h.vm.trap(0, h.regs(0), h.m.memory(), h.m);
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(new Fault.RiscV(Fault.RiscV.ILLEGAL_INSTRUCTION, 0x13, Harness.AT), r.fault());
    }

    @Test
    @DisplayName("trap gate: nothing readable at the PC is Fault.RiscV(instruction access fault 1, stval = pc, pc)")
    void instructionAccessFault() {
        Harness h = Harness.of(1);
        h.regs(0).pc(0x7000_0000L);
        TrapResult r = h.vm.trap(0, h.regs(0), h.m.memory(), h.m);
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(new Fault.RiscV(EXC_INST_ACCESS, 0x7000_0000L, 0x7000_0000L), r.fault());
    }

    @Test
    @DisplayName("KVM_HEDELEG_DEFAULT delegates EXC_SYSCALL: an ecall from VU-mode is NOT_A_HYPERCALL with Fault.RiscV(8, 0, pc), registers untouched")
    void ecallFromVu() {
        Harness h = Harness.of(1, "mode=vu");
        TrapResult r = h.ecall(EXT_BASE, 0, 0x66);
        assertEquals(Outcome.NOT_A_HYPERCALL, r.outcome());
        assertEquals(new Fault.RiscV(Fault.RiscV.ECALL_U, 0, Harness.AT), r.fault());
        assertEquals(0x66, h.a(0));
        assertEquals(Harness.AT, h.regs(0).pc());
    }
}
