package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.testing.ForwardingVcpuControl;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The edges of the SBI trap gate and the BASE, TIME, IPI, SRST and forwarding handlers (issue 25: mutants no test noticed),
 * each against arch/riscv/kvm/vcpu_sbi.c, vcpu_sbi_base.c, vcpu_sbi_replace.c, vcpu_sbi_v01.c and vcpu_sbi_forward.c.
 */
class RiscvGateEdgesTest {

    /** The machine's control with a chosen virtual time, recording which vCPUs a call stops. */
    static final class Control extends ForwardingVcpuControl {
        final VcpuControl m;
        final long now;
        final List<Integer> stopped = new ArrayList<>();

        Control(VcpuControl m, long now) {
            super(m);
            this.m = m;
            this.now = now;
        }

        @Override
        public void stop(int vcpu) {
            stopped.add(vcpu);
            m.stop(vcpu);
        }

        @Override
        public long nowNanos() {
            return now;
        }
    }

    static TrapResult ecall(Harness h, VcpuControl c, long eid, long fid, long... a) {
        h.m.load(Harness.AT, h.vm.assemble("ecall", Harness.AT).bytes());
        RegisterFile r = h.regs(0);
        r.pc(Harness.AT);
        r.set(RiscvRegisters.A7, eid);
        r.set(RiscvRegisters.A6, fid);
        for (int i = 0; i < a.length; i++) {
            r.set(RiscvRegisters.A0 + i, a[i]);
        }
        return h.vm.trap(0, r, h.m.memory(), c);
    }

    static String why(Harness h, int vcpu) {
        return Engine.context(h.vm).frame(vcpu).why();
    }

    static long stip(Harness h) {
        return h.regs(0).get(RiscvRegisters.SIP) & 1L << IRQ_S_TIMER;
    }

    @Test
    @DisplayName("SET_TIMER compares the deadline with the time CSR at the current virtual time (10 MHz timebase, 2.500000123 s = "
            + "25000001 ticks): a deadline equal to it makes STIP pending, one tick later does not (kvm_riscv_vcpu_timer_next_event)")
    void setTimerAgainstTheTimeCsrNow() {
        Harness h = new Harness(VmConfig.builder("riscv").vcpus(1).memory(0, 0x10_0000).tscHz(10_000_000).build());
        Control c = new Control(h.m, 2_500_000_123L);
        ecall(h, c, EXT_TIME, 0, 25_000_001);
        assertEquals(0, h.a(0));
        assertEquals(1L << IRQ_S_TIMER, stip(h), "deadline == time: pending at once");
        ecall(h, c, EXT_TIME, 0, 25_000_002);
        assertEquals(0, stip(h), "one tick in the future");
        ecall(h, c, EXT_TIME, 0, 25_000_000);
        assertEquals(1L << IRQ_S_TIMER, stip(h));
        assertEquals(25_000_000, h.riscv().timerDeadline(0));
    }

    @Test
    @DisplayName("kvm_sbi_ext_ipi_handler walks the vCPUs in index order and stops the whole walk (goto done) at the first whose "
            + "hart_bit = vcpu_id - hbase is XLEN or more; the mask's bits not sent make the answer SBI_ERR_INVALID_PARAM")
    void ipiWalkEndsAtTheFirstHartBeyondXlen() {
        Harness h = new Harness(VmConfig.builder("riscv").vcpus(3).vcpuIds(0, 64, 1).memory(0, 0x10_0000).build());
        h.ecall(EXT_IPI, 0, 0b11, 0);
        assertEquals(1, h.m.interrupts(0).getOrDefault(IRQ_S_SOFT, 0));
        assertEquals(0, h.m.interrupts(1).getOrDefault(IRQ_S_SOFT, 0), "hart 64: bit 64 is past XLEN, not bit 0 again");
        assertEquals(0, h.m.interrupts(2).getOrDefault(IRQ_S_SOFT, 0), "hart 1 comes after hart 64 in index order: never reached");
        assertEquals(-3, h.a(0), "bit 1 was not sent");
        Harness wide = new Harness(VmConfig.builder("riscv").vcpus(2).vcpuIds(0, 63).memory(0, 0x10_0000).build());
        wide.ecall(EXT_IPI, 0, 1L << 63, 0);
        assertEquals(0, wide.a(0), "hart 63 is bit 63, still inside XLEN");
        assertEquals(1, wide.m.interrupts(1).getOrDefault(IRQ_S_SOFT, 0));
    }

    @Test
    @DisplayName("v0.1 hart mask a0 = 0 means bits 0 .. online_vcpus - 1 ((1UL << online_vcpus) - 1, kvm_sbi_ext_v01_handler): a "
            + "hart whose id is not below the vCPU count gets no IPI; with 64 vCPUs every one does")
    void legacyAllHartsMaskIsTheVcpuCount() {
        Harness h = new Harness(VmConfig.builder("riscv").vcpus(3).vcpuIds(0, 1, 40).memory(0, 0x10_0000).build());
        h.ecall(EXT_0_1_SEND_IPI, 0, 0);
        assertEquals(1, h.m.interrupts(0).getOrDefault(IRQ_S_SOFT, 0));
        assertEquals(1, h.m.interrupts(1).getOrDefault(IRQ_S_SOFT, 0));
        assertEquals(0, h.m.interrupts(2).getOrDefault(IRQ_S_SOFT, 0), "hart 40: bit 40 is not in (1 << 3) - 1");
        Harness all = Harness.of(64);
        all.ecall(EXT_0_1_SEND_IPI, 0, 0);
        for (int v = 0; v < 64; v++) {
            assertEquals(1, all.m.interrupts(v).getOrDefault(IRQ_S_SOFT, 0), "hart " + v);
        }
    }

    @Test
    @DisplayName("SRST SYSTEM_RESET (kvm_riscv_vcpu_sbi_system_reset): the status is SBI_SUCCESS (err_val untouched), every vCPU "
            + "0 .. n-1 is stopped once, and the trace says which reset: shutdown, cold reboot (type 1), warm reboot (type 2)")
    void systemResetStopsEveryVcpuAndNamesTheType() {
        String[] notes = {"shutdown (SBI SRST)", "reset (SBI SRST cold reboot)", "reset (SBI SRST warm reboot)"};
        for (int type = 0; type < 3; type++) {
            Harness h = Harness.of(3);
            Control c = new Control(h.m, 0);
            TrapResult r = ecall(h, c, EXT_SRST, 0, type, 7);
            assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
            assertEquals(Status.SUCCESS, r.status());
            assertEquals(List.of(0, 1, 2), c.stopped, "kvm_for_each_vcpu");
            assertEquals(notes[type], why(h, 0));
        }
        Harness h = Harness.of(1);
        TrapResult r = h.ecall(EXT_SRST, 0, 3, 0);
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(-2, h.a(0), "type 3: SBI_ERR_NOT_SUPPORTED");
    }

    @Test
    @DisplayName("a forwarded call (kvm_riscv_vcpu_sbi_forward): the v0.1 console ignores a6, so its trace number stays EID << 32 "
            + "whatever a6 holds; an unknown DBCN function and an experimental EID are named by their extension; the status is SUCCESS")
    void forwardedCallsInTheTrace() {
        Harness h = Harness.of(1);
        TrapResult put = h.ecall(EXT_0_1_CONSOLE_PUTCHAR, 5, 'x');
        assertEquals(Outcome.EXIT_TO_HOST, put.outcome());
        assertEquals("SBI_EXT_0_1_CONSOLE_PUTCHAR", put.callName());
        assertEquals(EXT_0_1_CONSOLE_PUTCHAR << 32, put.number());
        assertEquals(Status.SUCCESS, put.status());
        Harness d = Harness.of(1, "sbi-dbcn=on");
        TrapResult any = d.ecall(EXT_DBCN, 42);
        assertNull(any.callName());
        assertEquals("SBI DBCN call (forwarded)", why(d, 0));
        assertEquals(Status.SUCCESS, any.status());
        TrapResult exp = d.ecall(EXT_EXPERIMENTAL_START + 5, 1);
        assertEquals("SBI experimental (0x08000000..0x08ffffff) call (forwarded)", why(d, 0));
        assertEquals((EXT_EXPERIMENTAL_START + 5) << 32 | 1, exp.number());
    }

    @Test
    @DisplayName("the trace notes of kvm_riscv_vcpu_sbi_ecall's two refusals: an unknown extension and an unknown function of a "
            + "known one; a known function carries its name and no note")
    void gateNotes() {
        Harness h = Harness.of(1);
        h.ecall(0x4142_4344L, 7);
        assertEquals("unknown or disabled SBI extension", why(h, 0));
        h.ecall(EXT_BASE, 99);
        assertEquals("unknown SBI function of a known extension", why(h, 0));
        TrapResult ok = h.ecall(EXT_BASE, 1);
        assertEquals("SBI_EXT_BASE_GET_IMP_ID", ok.callName());
        assertNull(why(h, 0));
    }

    @Test
    @DisplayName("an ecall given to Vm.trap with more bytes than the instruction (an emulator's fetch buffer) still moves sepc by 4 "
            + "(kvm_riscv_vcpu_sbi_ecall: sepc += 4)")
    void ecallIsFourBytesWhateverTheBuffer() {
        Harness h = Harness.of(1);
        byte[] insn = new byte[8];
        System.arraycopy(h.vm.assemble("ecall", Harness.AT).bytes(), 0, insn, 0, 4);
        RegisterFile r = h.regs(0);
        r.pc(Harness.AT);
        r.set(RiscvRegisters.A7, EXT_BASE);
        r.set(RiscvRegisters.A6, 1);
        TrapResult t = h.vm.trap(0, r, h.m.memory(), h.m, insn);
        assertEquals(Harness.AT + 4, t.nextPc());
        assertEquals(KVM_SBI_IMPID, h.a(1));
    }

    @Test
    @DisplayName("GET_MVENDORID / MARCHID / MIMPID answer vcpu->arch.mvendorid, marchid, mimpid (kvm_sbi_ext_base_handler), the "
            + "values the VMM set")
    void machineIds() {
        Harness h = Harness.of(1, "mvendorid=0x489", "marchid=0x8000000000000007", "mimpid=0x20181004");
        h.ecall(EXT_BASE, 4);
        assertEquals(0x489, h.a(1));
        h.ecall(EXT_BASE, 5);
        assertEquals(0x8000_0000_0000_0007L, h.a(1));
        h.ecall(EXT_BASE, 6);
        assertEquals(0x2018_1004L, h.a(1));
    }

    @Test
    @DisplayName("kvm_riscv_reset_vcpu: sscratch and sip are cleared, x1..x31 zeroed, a0 = hart ID, sstatus = SPP | SPIE, the "
            + "STA shared memory and the timer deadline forgotten, FWFT flags and values back to 0")
    void resetClearsTheVcpu() {
        Harness h = Harness.of(2);
        RiscvVm s = h.riscv();
        RegisterFile r = h.regs(1);
        r.set(RiscvRegisters.SSCRATCH, 0x1234);
        r.set(RiscvRegisters.SIP, 1L << IRQ_S_SOFT);
        r.set(31, 5);
        h.ecall(1, EXT_STA, 0, 0x3000, 0, 0);
        h.ecall(1, EXT_TIME, 0, 99);
        h.ecall(1, EXT_FWFT, 0, 0, 1, RiscvSbiFwft.FLAG_LOCK);
        assertEquals(0, h.a(1, 0));
        s.resetVcpu(1, r);
        assertEquals(0, r.get(RiscvRegisters.SSCRATCH));
        assertEquals(0, r.get(RiscvRegisters.SIP));
        assertEquals(0, r.get(31));
        assertEquals(1, r.get(RiscvRegisters.A0));
        assertEquals(RiscvRegisters.SR_SPP | RiscvRegisters.SR_SPIE, r.get(RiscvRegisters.SSTATUS));
        assertEquals(RiscvVm.INVALID_GPA, s.staShmem(1));
        assertEquals(-1, s.timerDeadline(1));
        h.ecall(1, EXT_FWFT, 1, 0);
        assertEquals(0, h.a(1, 1), "kvm_sbi_fwft_reset_misaligned_delegation");
        h.ecall(1, EXT_FWFT, 0, 0, 1, 0);
        assertEquals(0, h.a(1, 0), "the lock is gone (configs[i].flags = 0)");
    }

    @Test
    @DisplayName("before any SET_TIMER the deadline is -1 and before any SET_SHMEM there is no steal-time area (kvm_riscv_vcpu_sbi_sta_reset: "
            + "shmem = INVALID_GPA), so a vCPU load writes nothing")
    void freshVcpuHasNoTimerAndNoStealArea() {
        Harness h = Harness.of(2);
        assertEquals(-1, h.riscv().timerDeadline(1));
        assertEquals(RiscvVm.INVALID_GPA, h.riscv().staShmem(1));
        dev.hcsim.core.MemoryAccess m = new dev.hcsim.core.MemoryAccess(h.m.memory(), java.nio.ByteOrder.LITTLE_ENDIAN);
        m.write(0, 8, 0x77);
        m.write(8, 8, 0x88);
        h.riscv().scheduleIn(1, 0, 5000, m);
        assertEquals(0x77, m.read64(0), "no sequence written at address 0");
        assertEquals(0x88, m.read64(8), "no steal written at address 8");
    }

    @Test
    @DisplayName("PROBE_EXT of an extension turned off on the calling vCPU answers 0 even when another vCPU has it "
            + "(kvm_vcpu_sbi_find_ext reads this vCPU's ext_status); the VM offers the call while any vCPU has it")
    void probeAndOffersPerVcpu() {
        Harness h = Harness.of(2);
        RiscvVm s = h.riscv();
        assertEquals(0, s.setOneReg(1, RiscvVm.sbiExtRegister(SbiExtension.HSM), 0));
        h.ecall(1, EXT_BASE, 3, EXT_HSM);
        assertEquals(0, h.a(1, 1), "disabled on hart 1");
        h.ecall(0, EXT_BASE, 3, EXT_HSM);
        assertEquals(1, h.a(0, 1));
        assertEquals(true, Engine.context(h.vm).hypercalls().isOffered(EXT_HSM << 32));
        Harness none = Harness.of(2);
        assertEquals(0, none.riscv().setOneReg(0, RiscvVm.sbiExtRegister(SbiExtension.HSM), 0));
        assertEquals(0, none.riscv().setOneReg(1, RiscvVm.sbiExtRegister(SbiExtension.HSM), 0));
        assertEquals(false, Engine.context(none.vm).hypercalls().isOffered(EXT_HSM << 32), "no vCPU has HSM");
        assertEquals(true, Engine.context(none.vm).hypercalls().isOffered(EXT_BASE << 32), "BASE cannot be disabled");
    }

    @Test
    @DisplayName("SYSTEM_SUSPEND from a hart whose sstatus.SPP is clear (the call came from VU-mode's view of S) answers "
            + "SBI_ERR_FAILURE before anything else is checked (vcpu_sbi_system.c kvm_sbi_ext_susp_handler: !(cp->sstatus & SR_SPP))")
    void suspendNeedsSpp() {
        Harness h = Harness.of(2, "sbi-susp=on").state(1, VcpuState.OFF);
        h.regs(0).set(RiscvRegisters.SSTATUS, RiscvRegisters.SR_SPIE);
        h.ecall(EXT_SUSP, 0, 0, 0x3000, 0);
        assertEquals(-1, h.a(0));
        h.regs(0).set(RiscvRegisters.SSTATUS, RiscvRegisters.SR_SPP);
        TrapResult r = h.ecall(EXT_SUSP, 0, 0, 0x3000, 0);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome(), "SPP alone is enough");
    }

    @Test
    @DisplayName("STEAL_TIME_SET_SHMEM turns steal time off only for lo = hi = SBI_STA_SHMEM_DISABLE (-1) both; lo = -1 with hi = 0 "
            + "is a misaligned address (SBI_ERR_INVALID_PARAM), lo aligned with hi = -1 an address above 4 GiB (SBI_ERR_INVALID_ADDRESS) "
            + "(vcpu_sbi_sta.c kvm_sbi_sta_steal_time_set_shmem)")
    void staDisableNeedsBothHalves() {
        Harness h = Harness.of(1);
        h.ecall(EXT_STA, 0, 0x3000, 0, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_STA, 0, -1L, 0, 0);
        assertEquals(-3, h.a(0));
        assertEquals(0x3000, h.riscv().staShmem(0), "still registered");
        h.ecall(EXT_STA, 0, 0x3000, -1L, 0);
        assertEquals(-5, h.a(0));
        h.ecall(EXT_STA, 0, -1L, -1L, 0);
        assertEquals(0, h.a(0));
        assertEquals(RiscvVm.INVALID_GPA, h.riscv().staShmem(0));
    }
}
