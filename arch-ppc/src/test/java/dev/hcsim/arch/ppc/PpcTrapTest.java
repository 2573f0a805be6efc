package dev.hcsim.arch.ppc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The edge cases of the fact sheet's section 6, each against the kernel function it names. Unless
 * stated: Book3S PR, 64-bit (MSR[SF]), supervisor, r0 = KVM_SC_MAGIC_R0, instruction {@code sc} at 0x1000.
 */
class PpcTrapTest {
    static final long SF = PpcRegisters.MSR_SF;
    static final long PR = PpcRegisters.MSR_PR;
    static final long PC = 0x1000;

    /** One VM, one machine, an instruction at 0x1000, and every GPR set to a distinct value. */
    static final class Rig {
        final Vm vm;
        final Machine m;
        final RegisterFile regs;
        final RegisterFile before = new RegisterFile(PpcRegisters.LAYOUT);

        Rig(VmConfig config, String insn) {
            vm = Vm.create(config);
            m = new Machine(vm, "t");
            m.load(PC, vm.assemble(insn, PC).bytes());
            regs = m.registers(0);
            regs.pc(PC);
            for (int i = 0; i < 32; i++) {
                regs.set(i, 0x1111_0000_0000_0000L * (i % 7 + 1) + i);
            }
            regs.set(0, PpcTestSupport.MAGIC);
        }

        Rig set(String reg, long v) {
            regs.set(reg, v);
            return this;
        }

        TrapResult trap() {
            before.copyFrom(regs);
            return vm.trap(0, regs, m.memory(), m);
        }

        PpcVm ppc() {
            return vm.archState(PpcVm.class);
        }

        void assertOnlyR3R4AndPcChanged() {
            for (int i = 0; i < PpcRegisters.LAYOUT.size(); i++) {
                if (i != 3 && i != 4) {
                    assertEquals(before.get(i), regs.get(i), PpcRegisters.LAYOUT.name(i) + " changed");
                }
            }
            assertEquals(PC + 4, regs.pc());
        }
    }

    static Rig rig(String insn, String... options) {
        return new Rig(PpcTestSupport.config(options).vcpus(2).build(), insn);
    }

    @Test
    @DisplayName("1. KVM_HC_FEATURES on Book3S PR: r3 = 0, r4 = 0x2; r0, r5..r31, CR unchanged (powerpc.c kvmppc_kvm_pv)")
    void features() {
        Rig r = rig("sc").set("r11", 0x2A0003);
        TrapResult t = r.trap();
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals("KVM_HC_FEATURES", t.callName());
        assertEquals(0, r.regs.get(3));
        assertEquals(2, r.regs.get(4));
        r.assertOnlyR3R4AndPcChanged();
    }

    @Test
    @DisplayName("2. the token is a C int: r11 = 0xffffffff002a0003 is KVM_HC_FEATURES (powerpc.c kvmppc_kvm_pv, int nr)")
    void tokenIs32Bits() {
        Rig r = rig("sc").set("r11", 0xFFFF_FFFF_002A_0003L);
        r.trap();
        assertEquals(0, r.regs.get(3));
        assertEquals(2, r.regs.get(4));
    }

    @Test
    @DisplayName("3. MAP_MAGIC_PAGE r3 = r4 = -4096 (| NX flag): r3 = 0, r4 = 3, pa = ea = 0xfffffffffffff000, NX kept (powerpc.c; kernel/kvm.c kvm_map_magic_page)")
    void mapMagicPage() {
        Rig r = rig("sc").set("r11", 0x2A0004).set("r3", -4096).set("r4", -4096 | 1);
        TrapResult t = r.trap();
        assertEquals("KVM_HC_PPC_MAP_MAGIC_PAGE", t.callName());
        assertEquals(0, r.regs.get(3));
        assertEquals(3, r.regs.get(4));
        assertEquals(0xFFFF_FFFF_FFFF_F000L, r.ppc().magicPagePa(0));
        assertEquals(0xFFFF_FFFF_FFFF_F000L, r.ppc().magicPageEa(0));
        assertFalse(r.ppc().kernelNxDisabled(0));
        r.assertOnlyR3R4AndPcChanged();
    }

    @Test
    @DisplayName("4. MAP_MAGIC_PAGE without MAGIC_PAGE_FLAG_NOT_MAPPED_NX disables kernel NX (powerpc.c disable_kernel_nx)")
    void mapWithoutNxFlag() {
        Rig r = rig("sc").set("r11", 0x2A0004).set("r3", -4096).set("r4", -4096);
        r.trap();
        assertEquals(0, r.regs.get(3));
        assertEquals(3, r.regs.get(4));
        assertTrue(r.ppc().kernelNxDisabled(0));
    }

    @Test
    @DisplayName("5. without MSR[SF] params are cut to 32 bits: r3 = 0x12345678fffff123 maps pa 0xfffff000 (powerpc.c, 32 bit mode)")
    void narrowMapsLow32() {
        Rig r = rig("sc", "mode", "32").set("r11", 0x2A0004).set("r3", 0x1234_5678_FFFF_F123L).set("r4", 0xABCD_0000_FFFF_F001L);
        assertEquals(0, r.regs.get("msr") & SF);
        TrapResult t = r.trap();
        assertTrue(t.narrow());
        assertEquals(0xFFFF_F000L, r.ppc().magicPagePa(0));
        assertEquals(0xFFFF_F000L, r.ppc().magicPageEa(0));
        assertEquals(3, r.regs.get(4));
    }

    @Test
    @DisplayName("6. EV_IDLE: the vCPU halts through the scheduler; r3 = 0, r4 = 0 (powerpc.c EV_IDLE, kvm_vcpu_block)")
    void idleHalts() {
        Rig r = rig("sc").set("r11", 0x00010010).set("r4", 5);
        TrapResult t = r.trap();
        assertEquals(Outcome.HALT, t.outcome());
        assertEquals("EV_IDLE", t.callName());
        assertEquals(0, r.regs.get(3));
        assertEquals(0, r.regs.get(4));
        assertEquals(PC + 4, r.regs.pc());
    }

    @Test
    @DisplayName("7-9. unknown tokens: 0x2a0010, 0x10001 (r4 = 5 clobbered), 0x2a0001, 0x2a0005 -> EV_UNIMPLEMENTED, r4 = 0 (powerpc.c default)")
    void unimplemented() {
        for (long tok : new long[] {0x2A0010, 0x10001, 0x2A0001, 0x2A0005}) {
            Rig r = rig("sc").set("r11", tok).set("r4", 5);
            TrapResult t = r.trap();
            assertEquals(Status.NOT_IMPLEMENTED, t.status(), Long.toHexString(tok));
            assertEquals("EV_UNIMPLEMENTED", t.statusName());
            assertEquals(12, r.regs.get(3));
            assertEquals(0, r.regs.get(4));
            r.assertOnlyR3R4AndPcChanged();
        }
    }

    @Test
    @DisplayName("10. r0 = 0xffffffff4b564d21 is still a hypercall: (u32)r0 compare (book3s_pr.c kvmppc_handle_exit_pr)")
    void magicComparedAs32Bits() {
        Rig r = rig("sc").set("r11", 0x2A0003).set("r0", 0xFFFF_FFFF_4B56_4D21L);
        assertEquals(Outcome.RESUME, r.trap().outcome());
        assertEquals(2, r.regs.get(4));
    }

    @Test
    @DisplayName("11. r0 = 0x4b564d20: guest system call at 0xc00, SRR0 = PC + 4, r3/r4 untouched (book3s_pr.c guest syscalls)")
    void wrongMagicIsASystemCall() {
        Rig r = rig("sc").set("r11", 0x2A0003).set("r0", 0x4B56_4D20L);
        TrapResult t = r.trap();
        assertEquals(Outcome.NOT_A_HYPERCALL, t.outcome());
        assertNull(t.status());
        assertEquals(r.before.get(3), r.regs.get(3));
        assertEquals(r.before.get(4), r.regs.get(4));
        // nothing delivered (issue 21 item 16): the fault says what the CPU's own sc does
        Fault.Ppc f = (Fault.Ppc) t.fault();
        assertEquals(Fault.Ppc.SYSTEM_CALL, f.vector());
        assertEquals(PC + 4, f.srr0());
        assertEquals(PC, r.regs.pc());
        assertEquals(r.before.get("srr0"), r.regs.get("srr0"));
        // the standalone machine's CPU takes it: SRR0 = PC + 4, PC at 0xc00, supervisor state
        r.ppc().deliver(0, r.regs, f);
        assertEquals(PC + 4, r.regs.get("srr0"));
        assertEquals(0xC00, r.regs.pc());
        assertEquals(0, r.regs.get("msr") & PR);
    }

    @Test
    @DisplayName("12. MSR[PR] = 1 with the magic r0: a guest system call, not a hypercall (book3s_pr.c)")
    void problemStateIsASystemCall() {
        Rig r = rig("sc", "privilege", "problem").set("r11", 0x2A0003);
        assertEquals(PR | SF, r.regs.get("msr"));
        TrapResult t = r.trap();
        assertEquals(Outcome.NOT_A_HYPERCALL, t.outcome());
        assertEquals(r.before.get(4), r.regs.get(4));
        assertEquals(PR | SF, ((Fault.Ppc) t.fault()).srr1() & (PR | SF), "SRR1 keeps MSR[PR] and MSR[SF]");
    }

    @Test
    @DisplayName("13. BookE HV, sc 1 from problem state: program interrupt, ESR = ESR_PPR 0x04000000, r3 unchanged (booke.c kvmppc_handle_exit)")
    void bookeHvProblemState() {
        Rig r = rig("sc 1", "host", "booke-hv", "privilege", "problem").set("r11", 0x2A0003);
        TrapResult t = r.trap();
        assertEquals(Outcome.FAULT, t.outcome());
        // BookE: SRR0 = the nip past the sc 1, SRR1 = MSR, ESR = ESR_PPR; not delivered, so no register changed
        assertEquals(new Fault.Ppc(Fault.Ppc.PROGRAM, PC + 4, r.before.get("msr"), Fault.Ppc.ESR_PPR), t.fault());
        assertEquals(r.before.get("esr"), r.regs.get("esr"));
        assertEquals(r.before.get(3), r.regs.get(3));
        assertEquals(PC, r.regs.pc());
        r.ppc().deliver(0, r.regs, t.fault());
        assertEquals(0x0400_0000L, r.regs.get("esr"));
        assertEquals(PC + 4, r.regs.get("srr0"), "kvmppc_core_queue_program from the nip already past the sc 1 (issue 20)");
    }

    @Test
    @DisplayName("14. BookE HV, sc 1, r0 = 0: a hypercall without magic; KVM_HC_FEATURES r4 = 0 (booke.c; powerpc.c without CONFIG_PPC_BOOK3S)")
    void bookeHvNoMagic() {
        Rig r = rig("sc 1", "host", "booke-hv").set("r11", 0x2A0003).set("r0", 0);
        TrapResult t = r.trap();
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(0, r.regs.get(3));
        assertEquals(0, r.regs.get(4));
        // BookE: 64-bit mode is MSR[CM], so kvmppc_kvm_pv (which tests MSR_SF) always cuts params.
        assertTrue(t.narrow());
    }

    @Test
    @DisplayName("BookE HV: plain sc never reaches KVM; it is the guest's own system call (booke.c: only BOOKE_INTERRUPT_HV_SYSCALL)")
    void bookeHvPlainSc() {
        Rig r = rig("sc", "host", "booke-hv").set("r11", 0x2A0003);
        assertEquals(Outcome.NOT_A_HYPERCALL, r.trap().outcome());
        assertEquals(r.before.get(4), r.regs.get(4));
    }

    @Test
    @DisplayName("BookE PR (e500v2): sc with the magic r0 is a hypercall and KVM_HC_FEATURES has the magic page bit (booke.c !BOOKE_HV; CONFIG_KVM_E500V2)")
    void bookePr() {
        Rig r = rig("sc", "host", "booke-pr").set("r11", 0x2A0003);
        assertEquals(Outcome.RESUME, r.trap().outcome());
        assertEquals(2, r.regs.get(4));
        Rig s = rig("sc", "host", "booke-pr").set("r11", 0x2A0003).set("r0", 1);
        assertEquals(Outcome.NOT_A_HYPERCALL, s.trap().outcome());
    }

    @Test
    @DisplayName("15. Book3S PR in PAPR mode: sc 1 with the magic r0 is a PAPR hcall (r3 = opcode) for the host (book3s_pr.c KVM_EXIT_PAPR_HCALL)")
    void paprMode() {
        Vm vm = Vm.create(PpcTestSupport.config().feature("papr", true).build());
        Machine m = new Machine(vm, "t");
        m.load(PC, vm.assemble("sc 1", PC).bytes());
        RegisterFile regs = m.registers(0);
        regs.pc(PC);
        regs.set(0, PpcTestSupport.MAGIC);
        regs.set(3, 0x300); // H_RANDOM: kvmppc_h_pr does not answer it (H_REMOVE and the like it answers itself)
        regs.set(4, 0x55);
        TrapResult t = vm.trap(0, regs, m.memory(), m);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        Exit.PaprHcall e = (Exit.PaprHcall) t.exit();
        assertEquals(0x300, e.nr());
        assertEquals(9, e.args().size(), "papr_hcall.args[9]: r4..r12");
        assertEquals(0x55, e.args().get(0));
        assertEquals(PC + 4, regs.pc(), "the system call interrupt already moved the PC past the sc");
        TrapResult done = vm.completeExit(0, regs, m.memory(), 0); // H_SUCCESS
        assertEquals(Outcome.RESUME, done.outcome());
        assertEquals(0, regs.get(3));
        assertEquals(0x55, regs.get(4));
        assertEquals(PC + 4, regs.pc());
        // Outside PAPR mode the same sc 1 with the magic r0 is a KVM PV call: LEV is not examined.
        Rig r = rig("sc 1").set("r11", 0x2A0003);
        assertEquals(Outcome.RESUME, r.trap().outcome());
        assertEquals(2, r.regs.get(4));
    }

    @Test
    @DisplayName("OSI: sc with (u32)r3/r4 = OSI magic exits as KVM_EXIT_OSI when the capability is on, before the r0 check (book3s_pr.c)")
    void osi() {
        Vm vm = Vm.create(PpcTestSupport.config().feature("osi", true).build());
        Machine m = new Machine(vm, "t");
        m.load(PC, vm.assemble("sc", PC).bytes());
        RegisterFile regs = m.registers(0);
        regs.pc(PC);
        regs.set(0, PpcTestSupport.MAGIC);
        regs.set(3, 0xFFFF_FFFF_1137_24FAL);
        regs.set(4, 0x7781_0F9BL);
        TrapResult t = vm.trap(0, regs, m.memory(), m);
        Exit.Osi e = (Exit.Osi) t.exit();
        assertEquals(0xFFFF_FFFF_1137_24FAL, e.gprs().get(3), "osi.gprs[i] = r<i>");
        assertEquals(PpcTestSupport.MAGIC, e.gprs().get(0));
        vm.completeExit(0, regs, m.memory(), 0);
        assertEquals(0xFFFF_FFFF_1137_24FAL, regs.get(3));
        assertEquals(PC + 4, regs.pc());
        // the VMM's answer: every GPR is written back from osi.gprs (powerpc.c, osi_needed)
        regs.pc(PC);
        t = vm.trap(0, regs, m.memory(), m);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        long[] answer = new long[32];
        answer[3] = 0x1234;
        answer[31] = 0x77;
        vm.completeExit(0, regs, m.memory(), new Exit.Osi(answer));
        assertEquals(0x1234, regs.get(3));
        assertEquals(0x77, regs.get(31));
        assertEquals(0, regs.get(0));
    }

    @Test
    @DisplayName("21. BookE HV: MAP_MAGIC_PAGE answers r3 = 0, r4 = 3 but the page is not served (kvm_booke.h kvmppc_supports_magic_page)")
    void bookeHvMagicPageNotServed() {
        Rig r = rig("sc 1", "host", "booke-hv").set("r11", 0x2A0004).set("r3", -4096).set("r4", -4095);
        r.trap();
        assertEquals(0, r.regs.get(3));
        assertEquals(3, r.regs.get(4));
        assertEquals(-1, r.ppc().magicOffset(0, -4096 + 0x58, 8, 0));
    }

    @Test
    @DisplayName("20. critical == r1 in supervisor state holds interrupts back; problem state does not (book3s.c kvmppc_critical_section)")
    void criticalSection() {
        Rig r = rig("sc").set("r11", 0x2A0004).set("r3", -4096).set("r4", -4095);
        r.trap();
        r.regs.set(1, 0x7000);
        r.ppc().writeSharedField(0, r.regs, PpcVm.OFF_CRITICAL, 8, 0x7000);
        assertTrue(r.ppc().criticalSection(0, r.regs));
        r.regs.set("msr", SF | PR);
        assertFalse(r.ppc().criticalSection(0, r.regs));
        r.regs.set("msr", 0); // 32-bit: low words compared
        r.regs.set(1, 0xDEAD_0000_0000_7000L);
        assertTrue(r.ppc().criticalSection(0, r.regs));
        r.regs.set("msr", SF);
        assertFalse(r.ppc().criticalSection(0, r.regs));
    }

    @Test
    @DisplayName("a word that is no trap instruction at the PC: program interrupt at 0x700 with SRR0 = the word (book3s.c kvmppc_core_queue_program)")
    void notATrapInstruction() {
        Rig r = rig("nop");
        TrapResult t = r.trap();
        assertEquals(Outcome.FAULT, t.outcome());
        Fault.Ppc f = (Fault.Ppc) t.fault();
        assertEquals(Fault.Ppc.PROGRAM, f.vector());
        assertEquals(PC, f.srr0());
        assertEquals(Fault.Ppc.SRR1_PROGILL, f.srr1() & Fault.Ppc.SRR1_PROGILL);
        assertEquals(PC, r.regs.pc(), "for the embedder to inject: nothing delivered yet");
        r.ppc().deliver(0, r.regs, f);
        assertEquals(PC, r.regs.get("srr0"));
        assertEquals(0x700, r.regs.pc());
    }

    @Test
    @DisplayName("msgsnd outside BookE HV is a program interrupt (e500_emulate.c emulates it only with CONFIG_KVM_E500MC)")
    void msgsndOnBook3s() {
        Rig r = rig("msgsnd 5");
        assertEquals(Outcome.FAULT, r.trap().outcome());
    }

    @Test
    @DisplayName("msgsnd on BookE HV: doorbell to the vCPU whose PIR = rB & 0x3fff, PC + 4, no register written (e500_emulate.c kvmppc_e500_emul_msgsnd)")
    void msgsndOnBookeHv() {
        Rig r = rig("msgsnd 5", "host", "booke-hv").set("r5", 1);
        TrapResult t = r.trap();
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(1, r.m.interrupts(1).getOrDefault(PpcVm.DOORBELL_IVOR, 0));
        assertEquals(0, r.m.interrupts(0).getOrDefault(PpcVm.DOORBELL_IVOR, 0));
        assertTrue(r.ppc().interruptPending(1));
        for (int i = 0; i < 32; i++) {
            assertEquals(r.before.get(i), r.regs.get(i));
        }
        assertEquals(PC + 4, r.regs.pc());
        Rig b = rig("msgsnd 5", "host", "booke-hv").set("r5", PpcVm.PPC_DBELL_MSG_BRDCAST);
        b.trap();
        assertEquals(1, b.m.interrupts(0).getOrDefault(PpcVm.DOORBELL_IVOR, 0));
        assertEquals(1, b.m.interrupts(1).getOrDefault(PpcVm.DOORBELL_IVOR, 0));
    }

    @Test
    @DisplayName("MAP_MAGIC_PAGE with pa = 0 answers r4 = 3 but nothing is served: kvmppc_ld/st need mp_pa != 0 (powerpc.c)")
    void mapAtZeroServesNothing() {
        Rig r = rig("sc").set("r11", 0x2A0004).set("r3", 0).set("r4", 1);
        r.trap();
        assertEquals(3, r.regs.get(4));
        assertEquals(-1, r.ppc().magicOffset(0, 0x58, 8, SF));
    }

    @Test
    @DisplayName("Book3S PR outside PAPR mode does not look at LEV: sc 2 with the magic r0 is a hypercall (book3s_pr.c)")
    void anyLevIsAHypercallOnBook3sPr() {
        Rig r = rig("sc 2").set("r11", 0x2A0003);
        assertEquals(Outcome.RESUME, r.trap().outcome());
        assertEquals(2, r.regs.get(4));
    }

    @Test
    @DisplayName("byte order: a little-endian VM traps on 02 00 00 44 (sc); the big-endian bytes 44 00 00 02 are no trap there")
    void littleEndianTrapBytes() {
        Rig r = rig("sc", "endian", "little").set("r11", 0x2A0003);
        assertEquals(PpcRegisters.MSR_LE, r.regs.get("msr") & PpcRegisters.MSR_LE);
        byte[] b = new byte[4];
        r.m.memory().read(PC, b, 0, 4);
        assertArrayEquals(new byte[] {2, 0, 0, 0x44}, b);
        assertEquals(Outcome.RESUME, r.trap().outcome());
        assertEquals(2, r.regs.get(4));
        Rig w = rig("sc", "endian", "little").set("r11", 0x2A0003);
        w.m.load(PC, new byte[] {0x44, 0, 0, 2});
        TrapResult t = w.trap();
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(w.before.get(4), w.regs.get(4));
    }

    @Test
    @DisplayName("msgsnd from problem state on BookE HV: program interrupt with ESR_PPR, no doorbell (hypervisor-privileged instruction)")
    void msgsndFromProblemState() {
        Rig r = rig("msgsnd 5", "host", "booke-hv", "privilege", "problem").set("r5", 1);
        TrapResult t = r.trap();
        assertEquals(Outcome.FAULT, t.outcome());
        assertEquals(PpcVm.ESR_PPR, ((Fault.Ppc) t.fault()).esr());
        assertEquals(0, r.m.interrupts(1).getOrDefault(PpcVm.DOORBELL_IVOR, 0));
    }

    @Test
    @DisplayName("fetch: an instruction outside guest memory is a fault, not an exception")
    void fetchOutsideMemory() {
        Rig r = rig("sc");
        r.regs.pc(0x7FFF_0000_0000L);
        TrapResult t = r.vm.trap(0, r.regs, r.m.memory(), r.m);
        assertEquals(Outcome.FAULT, t.outcome());
        TrapResult u = r.vm.trap(0, r.regs, r.m.memory(), r.m, new byte[] {0x44, 0});
        assertEquals(Outcome.FAULT, u.outcome());
        assertArrayEquals(new byte[] {0x44, 0}, Engine.context(r.vm).frame(0).instructionBytes());
    }
}
