package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** BASE, TIME, IPI, RFENCE, SRST, the legacy v0.1 calls and the dispatcher's answers, each against the kernel function named. */
class RiscvSbiBaseTest {
    @Test
    @DisplayName("vcpu_sbi_base.c kvm_sbi_ext_base_handler: spec version 3.0 (KVM_SBI_VERSION_MAJOR 3), impid 3, imp version = LINUX_VERSION_CODE")
    void base() {
        Harness h = Harness.of(1, "linux-version=6.18");
        h.ecall(EXT_BASE, 0);
        assertEquals(0, h.a(0));
        assertEquals(0x0300_0000L, h.a(1));
        h.ecall(EXT_BASE, 1);
        assertEquals(3, h.a(1));
        h.ecall(EXT_BASE, 2);
        assertEquals(6L << 16 | 18L << 8, h.a(1));
        Harness old = Harness.of(1, "sbi-version=2.0");
        old.ecall(EXT_BASE, 0);
        assertEquals(0x0200_0000L, old.a(1));
    }

    @Test
    @DisplayName("kvm_sbi_ext_base_handler PROBE_EXT: 1 for enabled extensions, 0 for default-disabled DBCN/SUSP/MPXY and for PMU without a host PMU")
    void probe() {
        Harness h = Harness.of(1);
        long[][] expect = {{EXT_TIME, 1}, {EXT_IPI, 1}, {EXT_RFENCE, 1}, {EXT_HSM, 1}, {EXT_SRST, 1}, {EXT_STA, 1}, {EXT_FWFT, 1},
            {EXT_BASE, 1}, {EXT_0_1_SET_TIMER, 1}, {EXT_DBCN, 0}, {EXT_SUSP, 0}, {EXT_MPXY, 0}, {EXT_PMU, 0}, {0x12345678L, 0}};
        for (long[] e : expect) {
            h.ecall(EXT_BASE, 3, e[0]);
            assertEquals(0, h.a(0));
            assertEquals(e[1], h.a(1), "probe of 0x" + Long.toHexString(e[0]));
        }
        Harness on = Harness.of(1, "sbi-dbcn=on", "host-pmu=sscofpmf");
        on.ecall(EXT_BASE, 3, EXT_DBCN);
        assertEquals(1, on.a(1));
        on.ecall(EXT_BASE, 3, EXT_PMU);
        assertEquals(1, on.a(1));
    }

    @Test
    @DisplayName("PROBE_EXT of an experimental or vendor ID is forwarded: KVM_EXIT_RISCV_SBI, nothing written, sepc at the ecall")
    void probeForwarded() {
        Harness h = Harness.of(1);
        TrapResult r = h.ecall(EXT_BASE, 3, 0x0900_0001L);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals("KVM_EXIT_RISCV_SBI", r.exit().reason().kernelName());
        assertEquals(EXT_BASE, ExitFields.nr(r));
        assertEquals(3, ExitFields.functionId(r));
        assertEquals(0x0900_0001L, ExitFields.arg(r, 0));
        assertEquals(RiscvStatus.SBI_ERR_NOT_SUPPORTED, ExitFields.preset(r));
        assertEquals(Harness.AT, h.regs(0).pc());
        h.vm.completeExit(0, h.regs(0), h.m.memory(), ExitFields.answer(r, 0, 1));
        assertEquals(0, h.a(0));
        assertEquals(1, h.a(1));
        assertEquals(Harness.AT + 4, h.regs(0).pc(), "kvm_riscv_vcpu_sbi_return: sepc += 4 on re-entry");
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_sbi_ecall: an unknown extension answers SBI_ERR_NOT_SUPPORTED, a1 = 0, sepc + 4, other registers kept")
    void unknownExtension() {
        Harness h = Harness.of(1);
        h.regs(0).set(RiscvRegisters.A0 + 2, 0x55);
        h.regs(0).set(5, 0x77); // t0
        TrapResult r = h.ecall(0x4142_4344L, 7, 1, 2);
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(-2, h.a(0));
        assertEquals(0, h.a(1));
        assertEquals(0x55, h.a(2));
        assertEquals(0x77, h.regs(0).get(5));
        assertEquals(Harness.AT + 4, h.regs(0).pc());
        assertEquals("SBI_ERR_NOT_SUPPORTED", r.statusName());
    }

    @Test
    @DisplayName("an unknown function of a known extension: -2 and a1 = 0 (vcpu_sbi_replace.c default: err_val = SBI_ERR_NOT_SUPPORTED)")
    void unknownFunction() {
        Harness h = Harness.of(1);
        for (long[] c : new long[][] {{EXT_BASE, 7}, {EXT_TIME, 1}, {EXT_IPI, 1}, {EXT_RFENCE, 7}, {EXT_SRST, 1}, {EXT_HSM, 4},
            {EXT_STA, 1}, {EXT_FWFT, 2}, {EXT_BASE, 1L << 32}}) {
            h.regs(0).set(RiscvRegisters.A1, 99);
            h.ecall(c[0], c[1]);
            assertEquals(-2, h.a(0), Long.toHexString(c[0]) + "/" + c[1]);
            assertEquals(0, h.a(1));
        }
    }

    @Test
    @DisplayName("a disabled extension is unknown to the guest (kvm_vcpu_sbi_find_ext returns NULL unless ENABLED): DBCN by default")
    void disabledExtension() {
        Harness h = Harness.of(1, "sbi-hsm=off");
        h.ecall(EXT_HSM, 2, 0);
        assertEquals(-2, h.a(0));
        TrapResult r = Harness.of(1).ecall(EXT_DBCN, 0, 1, 0x100, 0);
        assertEquals(Outcome.RESUME, r.outcome());
    }

    @Test
    @DisplayName("kvm_sbi_ext_ipi_handler: mask 0b101 at base 1 interrupts harts 1 and 3; base -1 all harts; a bit naming no hart: -3 after sending the rest")
    void ipi() {
        Harness h = Harness.of(4).state(1, VcpuState.HALTED).state(2, VcpuState.HALTED).state(3, VcpuState.HALTED);
        h.ecall(EXT_IPI, 0, 0b101, 1);
        assertEquals(0, h.a(0));
        assertEquals(1, h.m.interrupts(1).getOrDefault(IRQ_S_SOFT, 0));
        assertEquals(0, h.m.interrupts(2).getOrDefault(IRQ_S_SOFT, 0));
        assertEquals(1, h.m.interrupts(3).getOrDefault(IRQ_S_SOFT, 0));
        h.ecall(EXT_IPI, 0, 0, -1);
        assertEquals(0, h.a(0));
        for (int i = 0; i < 4; i++) {
            assertTrue(h.m.interrupts(i).getOrDefault(IRQ_S_SOFT, 0) >= 1, "hart " + i);
        }
        int before = h.m.interrupts(2).getOrDefault(IRQ_S_SOFT, 0);
        h.ecall(EXT_IPI, 0, 0b1001, 2); // hart 2 and hart 5: hart 5 does not exist
        assertEquals(-3, h.a(0));
        assertEquals(before + 1, h.m.interrupts(2).getOrDefault(IRQ_S_SOFT, 0), "hart 2 was still interrupted");
        h.ecall(EXT_IPI, 0, 1, 64); // base past every hart: nothing sent, mask not met
        assertEquals(-3, h.a(0));
    }

    @Test
    @DisplayName("kvm_sbi_ext_rfence_handler: FENCE_I and SFENCE_VMA(_ASID) succeed; the four HFENCE calls answer -2 since 6.16")
    void rfence() {
        Harness h = Harness.of(2);
        for (int fid = 0; fid < 3; fid++) {
            h.ecall(EXT_RFENCE, fid, 3, 0);
            assertEquals(0, h.a(0));
        }
        for (int fid = 3; fid < 7; fid++) {
            h.ecall(EXT_RFENCE, fid, 3, 0);
            assertEquals(-2, h.a(0));
        }
    }

    @Test
    @DisplayName("kvm_sbi_ext_time_handler: SET_TIMER clears STIP and programs the deadline; a deadline already past sets STIP")
    void timer() {
        Harness h = Harness.of(1);
        h.regs(0).set(RiscvRegisters.SIP, 1L << IRQ_S_TIMER);
        h.ecall(EXT_TIME, 0, 1_000_000);
        assertEquals(0, h.a(0));
        assertEquals(1_000_000, h.riscv().timerDeadline(0));
        assertEquals(0, h.regs(0).get(RiscvRegisters.SIP) & (1L << IRQ_S_TIMER));
        h.ecall(EXT_TIME, 0, 0);
        assertEquals(1L << IRQ_S_TIMER, h.regs(0).get(RiscvRegisters.SIP) & (1L << IRQ_S_TIMER));
    }

    @Test
    @DisplayName("kvm_sbi_ext_srst_handler: shutdown -> KVM_SYSTEM_EVENT_SHUTDOWN with data[0] = reason, every hart stopped, nothing written")
    void srst() {
        Harness h = Harness.of(2);
        h.regs(0).set(RiscvRegisters.A1, 0);
        TrapResult r = h.ecall(EXT_SRST, 0, 0, 1);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals("KVM_EXIT_SYSTEM_EVENT", r.exit().reason().kernelName());
        assertEquals(SYSTEM_EVENT_SHUTDOWN, ExitFields.nr(r));
        assertEquals(1, ExitFields.arg(r, 0));
        assertEquals(0, h.a(0), "a0 untouched");
        assertEquals(Harness.AT, h.regs(0).pc(), "next_sepc = false");
        assertEquals(VcpuState.OFF, h.m.state(1));
        TrapResult reset = Harness.of(1).ecall(EXT_SRST, 0, 0x1_0000_0002L, 0);
        assertEquals(SYSTEM_EVENT_RESET, ExitFields.nr(reset), "type is read as u32: 0x1_00000002 is WARM_REBOOT");
        Harness bad = Harness.of(1);
        bad.ecall(EXT_SRST, 0, 3, 0);
        assertEquals(-2, bad.a(0));
    }

    @Test
    @DisplayName("vcpu_sbi_v01.c: legacy calls write a0 only (a1 kept); SHUTDOWN is a system event; CONSOLE_PUTCHAR is forwarded")
    void legacy() {
        Harness h = Harness.of(2).state(1, VcpuState.HALTED);
        h.regs(0).set(RiscvRegisters.A1, 0x1234);
        h.ecall(EXT_0_1_SET_TIMER, 99, 5);
        assertEquals(0, h.a(0));
        assertEquals(0x1234, h.a(1));
        h.m.memory().write(0x2000, new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, 0, 8);
        h.ecall(EXT_0_1_SEND_IPI, 0, 0x2000);
        assertEquals(1, h.m.interrupts(1).getOrDefault(IRQ_S_SOFT, 0));
        TrapResult fault = h.ecall(EXT_0_1_SEND_IPI, 0, 0x7000_0000L);
        assertEquals(Outcome.FAULT, fault.outcome(), "kvm_riscv_vcpu_unpriv_read of an unmapped mask: the trap is redirected to the guest");
        TrapResult put = h.ecall(EXT_0_1_CONSOLE_PUTCHAR, 0, 'x');
        assertEquals("KVM_EXIT_RISCV_SBI", put.exit().reason().kernelName());
        assertEquals(EXT_0_1_CONSOLE_PUTCHAR, ExitFields.nr(put));
        assertEquals('x', ExitFields.arg(put, 0));
        TrapResult off = h.ecall(EXT_0_1_SHUTDOWN, 0);
        assertEquals("KVM_EXIT_SYSTEM_EVENT", off.exit().reason().kernelName());
        assertEquals(SYSTEM_EVENT_SHUTDOWN, ExitFields.nr(off));
        assertEquals(0, ExitFields.arg(off, 0));
    }

    @Test
    @DisplayName("kvm_vm_ioctl_create_vcpu: at most KVM_MAX_VCPUS = 1024 harts, ids below KVM_MAX_VCPU_IDS = 1024")
    void vcpuLimits() {
        Harness.of(1024);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Harness.of(1025));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.hcsim.core.Vm.create(dev.hcsim.core.VmConfig.builder("riscv").vcpus(2).vcpuIds(0, 1024).build()));
    }

    @Test
    @DisplayName("ecall from VU-mode is the guest's own system call (hedeleg EXC_SYSCALL); a non-ecall word is an illegal instruction")
    void gate() {
        Harness h = Harness.of(1, "mode=vu");
        TrapResult r = h.ecall(EXT_BASE, 0);
        assertEquals(Outcome.NOT_A_HYPERCALL, r.outcome());
        assertNull(r.status());
        Harness w = Harness.of(1);
        w.m.load(Harness.AT, new byte[] {0x13, 0, 0, 0});
        w.regs(0).pc(Harness.AT);
        assertEquals(Outcome.FAULT, w.vm.trap(0, w.regs(0), w.m.memory(), w.m).outcome());
    }
}
