package dev.hcsim.arch.ppc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.arch.ppc.PpcTrapTest.Rig;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.engine.Engine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The PowerPC decisions the mutation run of issue 25 (2026-12-07, 22:24) found unguarded in PpcVm: the trap gate of
 * each host, the interrupts it leaves to the CPU, msgsnd and EV_IDLE, and the magic page. Each test names the kernel
 * function its expected values come from.
 */
class PpcDecisionEdgesTest {
    private static final long PC = PpcTrapTest.PC;
    private static final long SF = PpcRegisters.MSR_SF;
    private static final long PR = PpcRegisters.MSR_PR;
    private static final long EE = PpcRegisters.MSR_EE;
    private static final long LE = PpcRegisters.MSR_LE;
    private static final long CM = PpcRegisters.MSR_CM;
    /** Bits SRR1 does not copy from the MSR (book3s.c kvmppc_inject_interrupt_pr: msr & ~0x783f0000). */
    private static final long SRR1_DROPPED = 0x0800_0000L | 0x0001_0000L;
    private static final long FEATURES = 0x2A0003; // KVM_HC_FEATURES

    private static Rig rig(String insn, String... options) {
        return PpcTrapTest.rig(insn, options);
    }

    private static String why(Rig r) {
        return Engine.context(r.vm).frame(0).why();
    }

    // ---------------------------------------------------------------- the gate

    @Test
    @DisplayName("book3s.c kvmppc_inject_interrupt_pr: an instruction fetch outside memory is an ISI whose SRR1 is the MSR without bits 33:36 and 42:47, plus the no-translation bit")
    void fetchFaultSrr1() {
        Rig r = rig("sc");
        r.regs.set("msr", SF | EE | SRR1_DROPPED);
        r.regs.pc(0x7FFF_0000_0000L);
        TrapResult t = r.vm.trap(0, r.regs, r.m.memory(), r.m);
        Fault.Ppc f = (Fault.Ppc) t.fault();
        assertEquals(PpcVm.VECTOR_ISI, f.vector());
        assertEquals(SF | EE | PpcVm.SRR1_ISI_NOPT, f.srr1());
    }

    @Test
    @DisplayName("the gate advances the PC by the 4 bytes of sc even when the embedder hands it more instruction bytes")
    void embedderPassesMoreBytes() {
        Rig r = rig("sc").set("r11", FEATURES);
        TrapResult t = r.vm.trap(0, r.regs, r.m.memory(), r.m, new byte[] {0x44, 0, 0, 2, 0x60, 0, 0, 0});
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(PC + 4, t.nextPc());
    }

    @Test
    @DisplayName("book3s_hv.c kvmppc_handle_exit_hv: only sc 1 reaches HV KVM; sc (LEV 0) is the guest's own system call, even with the magic r0")
    void book3sHvScZeroIsTheGuests() {
        Rig r = rig("sc", "host", "book3s-hv").set("r11", FEATURES);
        assertEquals(Outcome.NOT_A_HYPERCALL, r.trap().outcome());
    }

    @Test
    @DisplayName("book3s_pr.c kvmppc_handle_exit_pr in PAPR mode: sc 1 from problem state is the guest's system call; sc (LEV 0) with the magic r0 is a KVM PV call, not a PAPR hcall")
    void paprModeNeedsSc1FromSupervisor() {
        Rig user = new Rig(PpcTestSupport.config().feature("papr", true).vcpus(2).build(), "sc 1").set("r3", 0x300);
        user.regs.set("msr", SF | PR);
        assertEquals(Outcome.NOT_A_HYPERCALL, user.trap().outcome());
        Rig lev0 = new Rig(PpcTestSupport.config().feature("papr", true).vcpus(2).build(), "sc").set("r11", FEATURES);
        TrapResult t = lev0.trap();
        assertEquals(Outcome.RESUME, t.outcome(), "no KVM_EXIT_PAPR_HCALL");
        assertEquals(2, lev0.regs.get(4), "KVM_HC_FEATURES answered");
    }

    @Test
    @DisplayName("book3s_pr.c: the OSI exit needs both (u32)r3 and (u32)r4 magic and a Book3S PR host; otherwise the magic r0 makes a KVM PV call")
    void osiNeedsBothMagicWordsOnBook3sPr() {
        long r3 = 0x1137_24FAL;
        long r4 = 0x7781_0F9BL;
        for (long[] pair : new long[][] {{r3, 0}, {0, r4}}) {
            Rig r = new Rig(PpcTestSupport.config().feature("osi", true).vcpus(2).build(), "sc").set("r3", pair[0]).set("r4", pair[1])
                    .set("r11", FEATURES);
            assertEquals(Outcome.RESUME, r.trap().outcome(), Long.toHexString(pair[0]) + "/" + Long.toHexString(pair[1]));
        }
        Rig booke = new Rig(PpcTestSupport.config("host", "booke-pr").feature("osi", true).vcpus(2).build(), "sc").set("r3", r3)
                .set("r4", r4).set("r11", FEATURES);
        assertEquals(Outcome.RESUME, booke.trap().outcome(), "no OSI on BookE PR");
        Rig osi = new Rig(PpcTestSupport.config().feature("osi", true).vcpus(2).build(), "sc").set("r3", r3).set("r4", r4);
        TrapResult exit = osi.trap();
        assertEquals(Outcome.EXIT_TO_HOST, exit.outcome());
        assertEquals(PC + 4, exit.nextPc(), "the system call interrupt already moved the PC past the sc");
    }

    @Test
    @DisplayName("book3s_pr.c: the trace says why an sc is the guest's: problem state, or an r0 that is not KVM_SC_MAGIC_R0")
    void guestSystemCallReasons() {
        Rig user = rig("sc");
        user.regs.set("msr", SF | PR);
        user.trap();
        assertTrue(why(user).contains("problem state"), why(user));
        Rig plain = rig("sc").set("r0", 1);
        plain.trap();
        assertTrue(why(plain).contains("KVM_SC_MAGIC_R0"), why(plain));
    }

    @Test
    @DisplayName("the guest's system call interrupt: Book3S SRR1 = MSR without bits 33:36 and 42:47 (book3s.c), BookE SRR1 = the whole MSR (booke.c)")
    void systemCallSrr1PerHost() {
        Rig book3s = rig("sc").set("r0", 1);
        book3s.regs.set("msr", SF | EE | SRR1_DROPPED);
        Fault.Ppc f = (Fault.Ppc) book3s.trap().fault();
        assertEquals(Fault.Ppc.SYSTEM_CALL, f.vector());
        assertEquals(SF | EE, f.srr1());
        assertEquals(PC + 4, f.srr0());
        Rig booke = rig("sc", "host", "booke-pr").set("r0", 1);
        booke.regs.set("msr", CM | EE | SRR1_DROPPED);
        assertEquals(CM | EE | SRR1_DROPPED, ((Fault.Ppc) booke.trap().fault()).srr1());
    }

    @Test
    @DisplayName("program interrupts: Book3S puts the reason in SRR1 (SRR1_PROGILL, MSR bits dropped), BookE in ESR (ESR_PIL for an instruction KVM cannot emulate, booke.c emulation_exit) with the whole MSR in SRR1")
    void programInterruptPerHost() {
        Rig book3s = rig("nop");
        book3s.regs.set("msr", SF | SRR1_DROPPED);
        Fault.Ppc f = (Fault.Ppc) book3s.trap().fault();
        assertEquals(SF | Fault.Ppc.SRR1_PROGILL, f.srr1());
        assertEquals(0, f.esr());
        for (String host : new String[] {"booke-pr", "booke-hv"}) {
            Rig booke = rig("nop", "host", host);
            booke.regs.set("msr", CM | SRR1_DROPPED);
            Fault.Ppc b = (Fault.Ppc) booke.trap().fault();
            assertEquals(Fault.Ppc.ESR_PIL, b.esr(), host);
            assertEquals(CM | SRR1_DROPPED, b.srr1(), host);
        }
        Rig hv = rig("sc 1", "host", "book3s-hv");
        hv.regs.set("msr", SF | PR);
        Fault.Ppc p = (Fault.Ppc) hv.trap().fault();
        assertEquals(Fault.Ppc.SRR1_PROGPRIV, p.srr1() & Fault.Ppc.SRR1_PROGPRIV, "book3s_hv.c: sc 1 from problem state is a privilege fault");
        assertEquals(0, p.srr1() & Fault.Ppc.SRR1_PROGILL);
    }

    // ---------------------------------------------------------------- the CPU takes the interrupt

    @Test
    @DisplayName("book3s_pr.c kvmppc_inject_interrupt_pr: the interrupt MSR is intr_msr = MSR_SF (| MSR_LE with LPCR[ILE] for a little-endian guest), whatever the guest ran in; PC = the vector")
    void book3sPrInterruptMsr() {
        for (String endian : new String[] {"big", "little"}) {
            Rig r = rig("nop", "endian", endian, "mode", "32");
            r.regs.set("msr", EE | PR | (endian.equals("little") ? LE : 0));
            Fault.Ppc f = (Fault.Ppc) r.trap().fault();
            r.ppc().deliver(0, r.regs, f);
            assertEquals(SF | (endian.equals("little") ? LE : 0), r.regs.get("msr"), endian);
            assertEquals(0x700, r.regs.pc());
            assertEquals(f.srr1(), r.regs.get("srr1"));
        }
    }

    @Test
    @DisplayName("book3s_hv / booke: the interrupt MSR keeps only the width (SF, CM) and endianness (LE); Book3S jumps to the vector, BookE (IVPR|IVOR not modelled) leaves the PC and writes ESR only for a program interrupt")
    void hvAndBookeDelivery() {
        Rig hv = rig("nop", "host", "book3s-hv");
        hv.regs.set("msr", SF | EE | PR | LE);
        hv.regs.set("esr", 0x99);
        hv.ppc().deliver(0, hv.regs, hv.trap().fault());
        assertEquals(SF | LE, hv.regs.get("msr"));
        assertEquals(0x700, hv.regs.pc());
        assertEquals(0x99, hv.regs.get("esr"), "Book3S has no ESR to write");
        Rig booke = rig("nop", "host", "booke-hv");
        booke.regs.set("msr", CM | EE | PR);
        booke.ppc().deliver(0, booke.regs, booke.trap().fault());
        assertEquals(CM, booke.regs.get("msr"));
        assertEquals(PC, booke.regs.pc());
        assertEquals(Fault.Ppc.ESR_PIL, booke.regs.get("esr"));
        Rig sc = rig("sc", "host", "booke-hv");
        sc.regs.set("esr", 0x77);
        sc.ppc().deliver(0, sc.regs, sc.trap().fault());
        assertEquals(0x77, sc.regs.get("esr"), "a system call interrupt leaves ESR alone");
        assertEquals(PC + 4, sc.regs.get("srr0"));
    }

    @Test
    @DisplayName("deliver takes only PowerPC interrupts: another architecture's fault changes no register")
    void deliverIgnoresOtherFaults() {
        Rig r = rig("nop");
        r.regs.set("msr", SF | EE);
        r.ppc().deliver(0, r.regs, Fault.X86.ud(0x1000));
        assertEquals(SF | EE, r.regs.get("msr"));
        assertEquals(PC, r.regs.pc());
    }

    // ---------------------------------------------------------------- msgsnd and EV_IDLE

    @Test
    @DisplayName("e500_emulate.c kvmppc_e500_emul_msgsnd: the PIR is rB & 0x3fff; a halted target is woken by the doorbell itself, so nothing stays pending for it")
    void msgsndPirMaskAndHaltedTarget() {
        Rig r = rig("msgsnd 5", "host", "booke-hv").set("r5", 0x4001);
        r.m.initialState(1, VcpuState.HALTED);
        assertEquals(Outcome.RESUME, r.trap().outcome());
        assertEquals(1, r.m.interrupts(1).getOrDefault(PpcVm.DOORBELL_IVOR, 0), "PIR 0x4001 & 0x3fff = 1");
        assertFalse(r.ppc().interruptPending(1));
        assertEquals(0, r.m.interrupts(0).getOrDefault(PpcVm.DOORBELL_IVOR, 0));
    }

    @Test
    @DisplayName("powerpc.c EV_IDLE (kvm_vcpu_block): the vCPU blocks, and the doorbell pending for it since it last ran is consumed: int_pending reads 0 after its idle")
    void idleConsumesAPendingDoorbell() {
        Rig r = rig("msgsnd 5", "host", "booke-hv").set("r5", 1);
        r.trap();
        assertTrue(r.ppc().interruptPending(1));
        assertEquals(1, r.ppc().sharedField(1, PpcVm.OFF_INT_PENDING, 4));
        r.m.load(0x2000, r.vm.assemble("sc 1", 0x2000).bytes());
        RegisterFile v1 = r.m.registers(1);
        v1.pc(0x2000);
        v1.set(11, 0x00010010);
        assertEquals(Outcome.HALT, r.vm.trap(1, v1, r.m.memory(), r.m).outcome());
        assertFalse(r.ppc().interruptPending(1));
        assertEquals(0, r.ppc().sharedField(1, PpcVm.OFF_INT_PENDING, 4));
    }

    // ---------------------------------------------------------------- the magic page

    private static Rig mapped(String... options) {
        Rig r = rig("sc", options);
        r.ppc().mapMagicPage(0, 0x3000, 0x7000_0000L, true);
        return r;
    }

    @Test
    @DisplayName("book3s_64_mmu.c / powerpc.c kvmppc_ld: the magic page is reached through its effective page and its physical page, in supervisor state, for accesses that stay inside it")
    void magicOffsets() {
        Rig r = mapped();
        assertEquals(0x10, r.ppc().magicOffset(0, 0x7000_0010L, 8, SF));
        assertEquals(0x10, r.ppc().magicOffset(0, 0x3010, 8, SF), "the physical page");
        assertEquals(-1, r.ppc().magicOffset(0, 0x4010, 8, SF));
        assertEquals(-1, r.ppc().magicOffset(0, 0x7000_0010L, 8, SF | PR), "problem state");
        assertEquals(0xFFC, r.ppc().magicOffset(0, 0x7000_0FFCL, 4, SF), "the last word");
        assertEquals(-1, r.ppc().magicOffset(0, 0x7000_0FFDL, 4, SF), "crosses the page end");
        assertEquals(-1, r.ppc().magicOffset(1, 0x7000_0010L, 8, SF), "vCPU 1 mapped none");
        Rig hv = mapped("host", "booke-hv");
        assertEquals(-1, hv.ppc().magicOffset(0, 0x7000_0010L, 8, SF), "kvmppc_supports_magic_page: not on BookE HV");
    }

    @Test
    @DisplayName("ppc-pv.rst: the magic page mirrors MSR, SRR0, SRR1 and ESR as the registers are now; a store to SRR0/SRR1/ESR reaches the register, a store to MSR only EE and RI")
    void magicPageMirrorsRegisters() {
        Rig r = mapped();
        r.regs.set("msr", SF | EE);
        r.regs.set("srr0", 0x1234);
        r.regs.set("srr1", 0x5678);
        r.regs.set("esr", 0x9A);
        assertEquals(SF | EE, r.ppc().magicRead(0, r.regs, PpcVm.OFF_MSR, 8));
        assertEquals(0x1234, r.ppc().magicRead(0, r.regs, PpcVm.OFF_SRR0, 8));
        assertEquals(0x5678, r.ppc().magicRead(0, r.regs, PpcVm.OFF_SRR1, 8));
        assertEquals(0x9A, r.ppc().magicRead(0, r.regs, PpcVm.OFF_ESR, 4));
        r.ppc().magicWrite(0, r.regs, PpcVm.OFF_SRR0, 8, 0xAAAA);
        assertEquals(0xAAAA, r.regs.get("srr0"));
        assertEquals(0x5678, r.regs.get("srr1"), "the neighbouring field is not touched");
        r.ppc().magicWrite(0, r.regs, PpcVm.OFF_SRR1, 8, 0xBBBB);
        assertEquals(0xBBBB, r.regs.get("srr1"));
        assertEquals(0xAAAA, r.regs.get("srr0"));
        r.ppc().magicWrite(0, r.regs, PpcVm.OFF_ESR, 4, 0xCC);
        assertEquals(0xCC, r.regs.get("esr"));
        r.ppc().magicWrite(0, r.regs, PpcVm.OFF_MSR, 8, PpcRegisters.MSR_RI | PR);
        assertEquals(SF | PpcRegisters.MSR_RI, r.regs.get("msr"), "EE cleared, RI set, PR ignored");
        r.ppc().magicWrite(0, r.regs, PpcVm.OFF_SRR0 + 4, 4, 0x1111);
        assertEquals(0x1111, r.regs.get("srr0"), "a partial store keeps the rest of the field (big-endian: the low word)");
        r.ppc().magicWrite(0, r.regs, PpcVm.OFF_SRR0 + 7, 1, 0x22);
        assertEquals(0x1122, r.regs.get("srr0"));
        r.ppc().magicWrite(0, r.regs, PpcVm.OFF_DAR, 8, 0x3333);
        assertEquals(0xBBBB, r.regs.get("srr1"), "a store to DAR (right after SRR1) leaves SRR1");
        assertEquals(0x1122, r.regs.get("srr0"));
        assertEquals(0xCC, r.regs.get("esr"));
        r.ppc().magicWrite(0, null, PpcVm.OFF_SRR0, 8, 0x4444);
        assertEquals(0x1122, r.regs.get("srr0"), "without registers only the page changes");
    }

    @Test
    @DisplayName("book3s.c kvmppc_critical_section: before any magic page the shared critical field is 0, so r1 = 0 in supervisor state is a critical section")
    void criticalSectionBeforeMapping() {
        Rig r = rig("sc");
        r.regs.set("r1", 0);
        r.regs.set("msr", SF);
        assertTrue(r.ppc().criticalSection(0, r.regs));
        r.regs.set("r1", 8);
        assertFalse(r.ppc().criticalSection(0, r.regs));
    }

    // ---------------------------------------------------------------- configuration and reset

    @Test
    @DisplayName("is64: MSR[SF] selects 64-bit mode on Book3S, MSR[CM] on BookE")
    void is64PerHost() {
        PpcVm book3s = rig("sc").ppc();
        assertTrue(book3s.is64(SF));
        assertFalse(book3s.is64(CM));
        PpcVm booke = rig("sc", "host", "booke-hv").ppc();
        assertTrue(booke.is64(CM));
        assertFalse(booke.is64(SF));
    }

    @Test
    @DisplayName("powerpc.c KVM_CAP_PPC_ENABLE_HCALL exists on Book3S only: the PAPR state is there on book3s-pr and book3s-hv, and the papr options are refused on BookE")
    void paprStatePerHost() {
        assertTrue(rig("sc").ppc().papr() != null);
        assertTrue(rig("sc", "host", "book3s-hv").ppc().papr() != null);
        assertNull(rig("sc", "host", "booke-hv").ppc().papr());
        for (String option : new String[] {"papr-enable", "papr-disable"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Vm.create(PpcTestSupport.config("host", "booke-pr", option, "0x4").build()));
            assertTrue(e.getMessage().contains("Book3S"), e.getMessage());
        }
    }

    @Test
    @DisplayName("ePAPR boot: vCPU 0 starts with r3 = the device tree's address; the others do not; a reset clears a pending doorbell")
    void resetPerVcpu() {
        Rig r = rig("msgsnd 5", "host", "booke-hv").set("r5", 1);
        r.trap();
        assertTrue(r.ppc().interruptPending(1));
        RegisterFile v0 = new RegisterFile(PpcRegisters.LAYOUT);
        RegisterFile v1 = new RegisterFile(PpcRegisters.LAYOUT);
        v1.set(3, 0x55);
        r.vm.resetVcpu(0, v0);
        r.vm.resetVcpu(1, v1);
        assertEquals(r.ppc().deviceTreeAddress(), v0.get(3));
        assertEquals(0x55, v1.get(3));
        assertFalse(r.ppc().interruptPending(1), "kvm_arch_vcpu_reset: no doorbell survives");
    }

    @Test
    @DisplayName("kvm_vm_ioctl_create_vcpu: the PowerPC vCPU limit is enforced when the VM is created")
    void vcpuLimit() {
        assertThrows(IllegalArgumentException.class, () -> Vm.create(PpcTestSupport.config().vcpus(100_000).build()));
    }

    // ---------------------------------------------------------------- Book3S HV: H_REGISTER_VPA, H_PAGE_INIT, H_CONFER, H_RANDOM

    /** A Book3S HV VM with two vCPUs and the scheduler; {@code hcall} runs sc 1 on {@code vcpu} with r3.. set. */
    private static final class Hv {
        final Vm vm;
        final dev.hcsim.core.sched.Machine m;

        Hv(long seed) {
            // H_PAGE_INIT and H_RANDOM are off until the VMM enables them (KVM_CAP_PPC_ENABLE_HCALL, powerpc.c)
            vm = Vm.create(PpcTestSupport.config("host", "book3s-hv", "papr-enable", "0x2c,0x300").vcpus(2).seed(seed).build());
            m = new dev.hcsim.core.sched.Machine(vm, "t");
        }

        TrapResult hcall(int vcpu, long... r3up) {
            m.load(PC, vm.assemble("sc 1", PC).bytes());
            RegisterFile r = m.registers(vcpu);
            r.pc(PC);
            for (int i = 0; i < r3up.length; i++) {
                r.set(3 + i, r3up[i]);
            }
            return vm.trap(vcpu, r, m.memory(), m);
        }

        long r(int vcpu, int reg) {
            return m.registers(vcpu).get(reg);
        }

        long be32(long gpa) {
            byte[] b = new byte[4];
            m.memory().read(gpa, b, 0, 4);
            return dev.hcsim.core.Bytes.get(b, 0, 4, true);
        }
    }

    private static final long H_PARAMETER = PpcPapr.H_PARAMETER;
    private static final long H_RESOURCE = PpcPapr.H_RESOURCE;
    private static final long REG_VPA = 1L << 45;
    private static final long REG_DTL = 2L << 45;
    private static final long REG_SLB = 3L << 45;
    private static final long DEREG_VPA = 5L << 45;
    private static final long DEREG_DTL = 6L << 45;
    private static final long DEREG_SLB = 7L << 45;

    @Test
    @DisplayName("book3s_hv.c do_h_register_vpa: the VPA's length is the big-endian hword at +4, the DTL's and SLB shadow's the word; each needs at least sizeof(struct reg_vpa) = 12, the VPA 640, the DTL one 48-byte entry")
    void registerVpaLengths() {
        Hv h = new Hv(1);
        h.m.load(0x4004, new byte[] {0x02, (byte) 0x7F, (byte) 0xFF, (byte) 0xFF}); // hword 639
        h.hcall(0, 0xDC, REG_VPA, 0, 0x4000);
        assertEquals(H_PARAMETER, h.r(0, 3), "639 < sizeof(struct lppaca)");
        h.m.load(0x4004, new byte[] {0x02, (byte) 0x80, (byte) 0xFF, (byte) 0xFF}); // hword 640, then bytes a word would take in
        h.hcall(0, 0xDC, REG_VPA, 0, 0x4000);
        assertEquals(0, h.r(0, 3), "the VPA's length is a hword");
        h.m.load(0x5004, new byte[] {0, 0, 0, 47});
        h.hcall(0, 0xDC, REG_DTL, 0, 0x5000);
        assertEquals(H_PARAMETER, h.r(0, 3), "a DTL shorter than one entry");
        h.m.load(0x5004, new byte[] {0, 0, 0, 48});
        h.hcall(0, 0xDC, REG_DTL, 0, 0x5000);
        assertEquals(0, h.r(0, 3), "the DTL's length is a word");
        h.m.load(0x6004, new byte[] {0, 0, 0, 11});
        h.hcall(0, 0xDC, REG_SLB, 0, 0x6000);
        assertEquals(H_PARAMETER, h.r(0, 3), "11 < sizeof(struct reg_vpa)");
        h.m.load(0x6004, new byte[] {0, 0, 0, 12});
        h.hcall(0, 0xDC, REG_SLB, 0, 0x6000);
        assertEquals(0, h.r(0, 3));
    }

    @Test
    @DisplayName("book3s_hv.c do_h_register_vpa: an area at address 0, past guest memory, or longer than what is left of its 64 KiB host page (kvmppc_pin_guest_page's nb) is H_PARAMETER")
    void registerVpaPlacement() {
        Hv h = new Hv(1);
        h.hcall(0, 0xDC, REG_VPA, 0, 0);
        assertEquals(H_PARAMETER, h.r(0, 3), "address 0");
        h.hcall(0, 0xDC, REG_VPA, 0, 0x20000);
        assertEquals(H_PARAMETER, h.r(0, 3), "outside guest memory");
        h.m.load(0xFF84, new byte[] {0x02, (byte) 0x80});
        h.hcall(0, 0xDC, REG_VPA, 0, 0xFF80);
        assertEquals(H_PARAMETER, h.r(0, 3), "640 bytes, 128 left in the host page");
        h.m.load(0xFF84, new byte[] {0, 0x40});
        h.m.load(0x4004, new byte[] {0x02, (byte) 0x80});
        h.hcall(0, 0xDC, REG_VPA, 0, 0x4000);
        h.hcall(0, 0xDC, REG_SLB, 0, 0xFF80); // SLB shadow of 64 bytes: fits the 128 left
        assertEquals(H_PARAMETER, h.r(0, 3), "the SLB shadow's length is a word: 0x00400000 does not fit");
    }

    @Test
    @DisplayName("book3s_hv.c do_h_register_vpa: an SLB shadow needs a VPA (H_RESOURCE); the VPA goes after the DTL and SLB shadow are deregistered; subfunctions 0 and 4 are H_PARAMETER")
    void registerVpaOrder() {
        Hv h = new Hv(1);
        h.m.load(0x4004, new byte[] {0x02, (byte) 0x80});
        h.m.load(0x6004, new byte[] {0, 0, 0, 64});
        h.hcall(0, 0xDC, REG_SLB, 1, 0x6000);
        assertEquals(H_RESOURCE, h.r(0, 3));
        h.hcall(0, 0xDC, REG_VPA, 1, 0x4000);
        h.hcall(0, 0xDC, REG_SLB, 1, 0x6000);
        assertEquals(0, h.r(0, 3));
        h.hcall(0, 0xDC, DEREG_VPA, 1, 0);
        assertEquals(H_RESOURCE, h.r(0, 3), "the SLB shadow is still registered");
        h.hcall(0, 0xDC, DEREG_SLB, 1, 0);
        assertEquals(0, h.r(0, 3));
        h.hcall(0, 0xDC, DEREG_DTL, 1, 0);
        assertEquals(0, h.r(0, 3));
        h.hcall(0, 0xDC, DEREG_VPA, 1, 0);
        assertEquals(0, h.r(0, 3));
        h.hcall(0, 0xDC, REG_SLB, 1, 0x6000);
        assertEquals(H_RESOURCE, h.r(0, 3), "the VPA is gone again");
        for (long sub : new long[] {0, 4L << 45}) {
            h.hcall(0, 0xDC, sub, 1, 0x4000);
            assertEquals(H_PARAMETER, h.r(0, 3), "subfunction " + (sub >>> 45));
        }
    }

    @Test
    @DisplayName("book3s_hv.c vcpu_vpa_increment_dispatch: the yield_count at VPA + 0x100 of a VPA at 0x80 counts (its lppaca is in memory); a newly registered VPA counts on from its own value")
    void dispatchCountOfEachVpa() {
        Hv h = new Hv(1);
        h.m.load(0x84, new byte[] {0x02, (byte) 0x80});
        h.hcall(0, 0xDC, REG_VPA, 0, 0x80);
        assertEquals(0, h.r(0, 3));
        assertEquals(1, h.be32(0x180), "entered the guest once since the registration");
        h.m.load(0x4004, new byte[] {0x02, (byte) 0x80});
        h.m.load(0x4100, new byte[] {0, 0, 0, 100});
        h.hcall(0, 0xDC, REG_VPA, 0, 0x4000);
        assertEquals(0, h.r(0, 3));
        assertEquals(101, h.be32(0x4100), "counted from the new VPA's 100, not from the old one's");
    }

    @Test
    @DisplayName("book3s_hv.c H_CONFER: without a VPA the yield count is 0 (kvmppc_get_yield_count), whatever memory holds; a halted target or the caller itself gets no yield")
    void conferRules() {
        Hv h = new Hv(1);
        h.m.load(0x100, new byte[] {0, 0, 0, 9}); // where a VPA at 0 would keep its yield_count
        h.m.initialState(1, VcpuState.RUNNABLE);
        assertEquals(Outcome.YIELD, h.hcall(0, 0xE4, 1, 0).outcome());
        Hv halted = new Hv(1);
        halted.m.initialState(1, VcpuState.HALTED);
        assertEquals(Outcome.RESUME, halted.hcall(0, 0xE4, 1, 0).outcome());
        Hv self = new Hv(1);
        assertEquals(Outcome.RESUME, self.hcall(0, 0xE4, 0, 0).outcome(), "conferring to itself");
    }

    @Test
    @DisplayName("book3s_hv.c kvmppc_h_page_init / kvmppc_copy_guest: a copy whose source or destination page ends the memory slot is refused ('(from + len) >= slot end'); one inside is copied; zeroing needs the page in memory")
    void pageInit() {
        Hv h = new Hv(1);
        long copy = 1L << (63 - 49);
        long zero = 1L << (63 - 48);
        byte[] data = new byte[4096];
        java.util.Arrays.fill(data, (byte) 0x5A);
        h.m.load(0xE000, data);
        h.hcall(0, 0x2C, copy, 0x8000, 0xF000);
        assertEquals(H_PARAMETER, h.r(0, 3), "the source page ends the slot");
        h.hcall(0, 0x2C, copy, 0xF000, 0xE000);
        assertEquals(H_PARAMETER, h.r(0, 3), "the destination page ends the slot");
        h.hcall(0, 0x2C, copy, 0x8000, 0x20000);
        assertEquals(H_PARAMETER, h.r(0, 3), "the source is in no slot");
        h.hcall(0, 0x2C, copy, 0x8000, 0xE000);
        assertEquals(0, h.r(0, 3));
        assertEquals(0x5A5A_5A5AL, h.be32(0x8FFC));
        h.hcall(0, 0x2C, zero, 0x20000, 0);
        assertEquals(H_PARAMETER, h.r(0, 3), "kvm_clear_guest fails outside memory");
        h.hcall(0, 0x2C, zero, 0x8000, 0);
        assertEquals(0, h.r(0, 3));
        assertEquals(0, h.be32(0x8FFC));
    }

    @Test
    @DisplayName("book3s_hv.c H_RANDOM: r4 gets a random long (arch_get_random_seed_long) from the VM seed: the same seed gives the same value, seeds 0 and 2 different ones")
    void hRandom() {
        long a = random(0);
        assertEquals(a, random(0));
        assertTrue(a != random(2));
    }

    private static long random(long seed) {
        Hv h = new Hv(seed);
        h.hcall(0, 0x300, 0x5555);
        assertEquals(0, h.r(0, 3));
        return h.r(0, 4);
    }

    // ---------------------------------------------------------------- snapshot

    @Test
    @DisplayName("vm.snapshot()/restore(): each vCPU's magic page (addresses, NX flag, pending doorbell, the shared structure's bytes) comes back in a fresh VM")
    void snapshotRoundTrip() {
        dev.hcsim.core.VmConfig c = PpcTestSupport.config().vcpus(2).build();
        Rig a = new Rig(c, "sc");
        a.ppc().mapMagicPage(1, 0x3000, 0x7000_0000L, false);
        a.ppc().writeSharedField(1, null, PpcVm.OFF_CRITICAL, 8, 0x1234);
        dev.hcsim.core.VmSnapshot s = a.vm.snapshot();
        Rig b = new Rig(c, "sc");
        b.vm.restore(s);
        assertEquals(0x3000, b.ppc().magicPagePa(1));
        assertEquals(0x7000_0000L, b.ppc().magicPageEa(1));
        assertTrue(b.ppc().kernelNxDisabled(1));
        assertFalse(b.ppc().kernelNxDisabled(0));
        assertEquals(0x1234, b.ppc().sharedField(1, PpcVm.OFF_CRITICAL, 8));
        assertEquals(0, b.ppc().magicPagePa(0));
    }

    // ---------------------------------------------------------------- Book3S PR in PAPR mode (book3s_pr_papr.c)

    /** Book3S PR with feature papr; {@code hcall} runs sc 1 with the magic r0 and r3.. set. */
    private static TrapResult prHcall(Rig r, long... r3up) {
        for (int i = 0; i < r3up.length; i++) {
            r.regs.set(3 + i, r3up[i]);
        }
        return r.trap();
    }

    private static Rig papr(String... options) {
        return new Rig(PpcTestSupport.config(options).feature("papr", true).vcpus(2).build(), "sc 1");
    }

    @Test
    @DisplayName("book3s_pr_papr.c kvmppc_h_pr_bulk_remove: END first is H_SUCCESS; a type neither REQUEST nor END is H_PARAMETER; ANDCOND with AVPN answers H_PARAMETER in r3 and RESPONSE | PARM in r4; a plain request needs the HPT (H_FUNCTION)")
    void bulkRemove() {
        long end = PpcPaprPr.BULK_END;
        long request = PpcPaprPr.BULK_REQUEST;
        Rig a = papr();
        prHcall(a, 0x24C, end | 5);
        assertEquals(0, a.regs.get(3));
        Rig b = papr();
        prHcall(b, 0x24C, 0x1234);
        assertEquals(H_PARAMETER, b.regs.get(3));
        Rig c = papr();
        long tsh = request | PpcPaprPr.BULK_ANDCOND | PpcPaprPr.BULK_AVPN | 0x77;
        prHcall(c, 0x24C, tsh);
        assertEquals(H_PARAMETER, c.regs.get(3));
        assertEquals(PpcPaprPr.BULK_RESPONSE | PpcPaprPr.BULK_PARM | PpcPaprPr.BULK_ANDCOND | PpcPaprPr.BULK_AVPN | 0x77, c.regs.get(4));
        for (long cond : new long[] {PpcPaprPr.BULK_ANDCOND, PpcPaprPr.BULK_AVPN, 0}) {
            Rig d = papr();
            prHcall(d, 0x24C, request | cond | 0x77);
            assertEquals(PpcPapr.H_FUNCTION, d.regs.get(3), Long.toHexString(cond));
            assertEquals(request | cond | 0x77, d.regs.get(4), "r4 untouched");
        }
    }

    @Test
    @DisplayName("book3s_pr_papr.c kvmppc_h_pr: H_ENTER, H_REMOVE and H_PROTECT need the VMM's HPT (H_FUNCTION, named in the trace); H_SET_MODE answers only resource 3 (AIL) in the kernel")
    void prHptCallsAndSetMode() {
        for (long cmd : new long[] {0x08, 0x04, 0x18}) {
            Rig r = papr();
            TrapResult t = prHcall(r, cmd);
            assertEquals(PpcPapr.H_FUNCTION, r.regs.get(3), Long.toHexString(cmd));
            assertEquals("H_FUNCTION", t.statusName());
            assertEquals(cmd == 0x08 ? "H_ENTER" : cmd == 0x04 ? "H_REMOVE" : "H_PROTECT", t.callName());
        }
        Rig ail = papr("papr-enable", "0x31c");
        prHcall(ail, 0x31C, 0, 3);
        assertEquals(0, ail.regs.get(3), "AIL 0: H_SUCCESS");
        Rig other = papr("papr-enable", "0x31c");
        assertEquals(Outcome.EXIT_TO_HOST, prHcall(other, 0x31C, 0, 1).outcome(), "resource 1 (CIABR) goes to the VMM");
    }

    @Test
    @DisplayName("book3s_pr_papr.c default_hcall_list: a PR VM starts without H_PROD, H_CONFER and H_REGISTER_VPA (HV's defaults), so they go to the VMM")
    void prDefaultHcalls() {
        for (long cmd : new long[] {0xE8, 0xE4, 0xDC}) {
            assertEquals(Outcome.EXIT_TO_HOST, prHcall(papr(), cmd, 0).outcome(), Long.toHexString(cmd));
        }
        assertTrue(PpcPapr.describe(PpcHost.BOOK3S_PR).contains("kvmppc_h_pr"));
        assertTrue(PpcPapr.describe(PpcHost.BOOK3S_HV).contains("kvmppc_pseries_do_hcall"));
    }

    @Test
    @DisplayName("powerpc.c kvm_vm_ioctl_enable_cap KVM_CAP_PPC_ENABLE_HCALL: an opcode that is negative, above MAX_HCALL_OPCODE or not a multiple of 4 is -EINVAL")
    void enableHcallArguments() {
        PpcPapr p = rig("sc", "host", "book3s-hv").ppc().papr();
        assertEquals(-22, p.enableHcall(-4, true));
        assertEquals(-22, p.enableHcall(PpcPapr.MAX_HCALL_OPCODE + 4, true));
        assertEquals(-22, p.enableHcall(0x2E, true));
        assertEquals(0, p.enableHcall(0x2C, true));
        assertTrue(p.enabled(0x2C));
        assertEquals(0, p.enableHcall(0x2C, false));
        assertFalse(p.enabled(0x2C));
        assertTrue(p.enabled(PpcPapr.MAX_HCALL_OPCODE + 4), "above MAX_HCALL_OPCODE nothing is gated");
    }

    @Test
    @DisplayName("the papr-enable option takes hex (0x..) and decimal opcodes; a word that is no number, or an opcode KVM refuses, fails with a one-line error naming it")
    void paprEnableOption() {
        assertTrue(rig("sc", "host", "book3s-hv", "papr-enable", "44").ppc().papr().enabled(0x2C), "44 = 0x2c");
        assertTrue(rig("sc", "host", "book3s-hv", "papr-enable", "0X2C").ppc().papr().enabled(0x2C));
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
                () -> Vm.create(PpcTestSupport.config("host", "book3s-hv", "papr-enable", "zz").build()));
        assertTrue(word.getMessage().contains("papr-enable") && word.getMessage().contains("zz"), word.getMessage());
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                () -> Vm.create(PpcTestSupport.config("host", "book3s-hv", "papr-disable", "0x2e").build()));
        assertTrue(odd.getMessage().startsWith("papr-disable") && odd.getMessage().contains("0x2e fails with -EINVAL"), odd.getMessage());
    }

    @Test
    @DisplayName("ePAPR boot: the device tree is written to its address at the first schedule-in only (a guest's later changes stay); with dtb = 0 nothing is placed and r3 is left alone")
    void deviceTreePlacement() {
        Rig r = rig("sc");
        long at = r.ppc().deviceTreeAddress();
        dev.hcsim.core.MemoryAccess mem = new dev.hcsim.core.MemoryAccess(r.m.memory(), java.nio.ByteOrder.BIG_ENDIAN);
        Rig fresh = new Rig(PpcTestSupport.config().vcpus(2).build(), "sc");
        fresh.ppc().scheduleIn(0, 0, 0, new dev.hcsim.core.MemoryAccess(fresh.m.memory(), java.nio.ByteOrder.BIG_ENDIAN));
        assertEquals(0xD00D_FEEDL, new dev.hcsim.core.MemoryAccess(fresh.m.memory(), java.nio.ByteOrder.BIG_ENDIAN).read32(at), "the FDT magic");
        r.ppc().scheduleIn(0, 0, 0, mem);
        mem.write(at, 4, 0x1111_1111L);
        r.ppc().scheduleIn(1, 0, 0, mem);
        r.ppc().scheduleIn(0, 0, 0, mem);
        assertEquals(0x1111_1111L, mem.read32(at), "written once, before the guest ran");
        Rig none = new Rig(PpcTestSupport.config("dtb", "0").vcpus(1).build(), "sc");
        RegisterFile v0 = new RegisterFile(PpcRegisters.LAYOUT);
        v0.set(3, 0x55);
        none.vm.resetVcpu(0, v0);
        assertEquals(0x55, v0.get(3));
    }

    @Test
    @DisplayName("book3s_hv.c kvmhv_p9_guest_entry: the scheduler's schedule-out and schedule-in of an HV vCPU each count one dispatch in its VPA's yield_count")
    void scheduleHooksCountDispatches() {
        Hv h = new Hv(1);
        h.m.load(0x4004, new byte[] {0x02, (byte) 0x80});
        h.hcall(0, 0xDC, REG_VPA, 0, 0x4000);
        assertEquals(1, h.be32(0x4100));
        PpcVm p = h.vm.archState(PpcVm.class);
        dev.hcsim.core.MemoryAccess mem = new dev.hcsim.core.MemoryAccess(h.m.memory(), java.nio.ByteOrder.BIG_ENDIAN);
        p.scheduleOut(0, 0, true, mem);
        assertEquals(2, h.be32(0x4100), "out of the guest: even");
        p.scheduleIn(0, 0, 0, mem);
        assertEquals(3, h.be32(0x4100), "in the guest: odd");
    }
}
