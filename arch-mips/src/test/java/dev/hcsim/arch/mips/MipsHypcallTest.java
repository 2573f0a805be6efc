package dev.hcsim.arch.mips;

import static dev.hcsim.arch.mips.MipsCalls.ENOSYS;
import static dev.hcsim.arch.mips.MipsCalls.P;
import static dev.hcsim.arch.mips.MipsCalls.call;
import static dev.hcsim.arch.mips.MipsCalls.v0;
import static dev.hcsim.arch.mips.MipsCalls.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.SingleCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The conformance edge cases of the fact sheet (reference/mips.md section 6), each with its kernel source. */
class MipsHypcallTest {

    private static void assertInternalErrorAtP(SingleCall.Result r) {
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        // vz.c kvm_trap_vz_handle_guest_exit: exit_reason = KVM_EXIT_INTERNAL_ERROR (17); MIPS sets no suberror, no data
        assertEquals(new Exit.InternalError(0), r.exit());
        assertEquals(17, r.exit().reason().number());
        assertEquals(P, r.after().pc(), "PC restored");
        assertNull(r.status(), "nothing dispatched");
    }

    @ParameterizedTest(name = "v0={0}: v0 = -KVM_ENOSYS, PC = P+4")
    @ValueSource(longs = {1, 0, 6, 7, 8, 5, 9, 12, 0xFFFF_FFFF_0000_0009L, -1})
    @DisplayName("#1-#4, #6: every number answers -KVM_ENOSYS, even the MIPS numbers and with upper bits set "
            + "(arch/mips/kvm/hypcall.c kvm_mips_hypercall)")
    void everyNumberIsEnosys(long nr) {
        SingleCall.Result r = call("v0", nr, "a0", 11, "a1", 22, "a2", 33, "a3", 44);
        assertEquals(ENOSYS, v0(r));
        assertEquals(P + 4, r.after().pc());
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(Status.NOT_IMPLEMENTED, r.status());
        assertEquals("-KVM_ENOSYS", r.statusName());
        assertEquals(Map.of("v0", ENOSYS, "pc", P + 4), r.changed());
        assertTrue(r.effects().isEmpty(), "no effect on other vCPUs (EXIT_VM 7 does not stop the VM)");
    }

    @Test
    @DisplayName("#5: CONSOLE_OUTPUT under KVM prints nothing and touches no memory (hypcall.c; paravirt/serial.c)")
    void consoleOutputUnderKvm() {
        SingleCall.Result r = call("v0", 8, "a0", 0, "a1", 0x2000, "a2", 1);
        assertEquals(ENOSYS, v0(r));
        assertTrue(r.writes().isEmpty());
        assertEquals("", r.vm().archState(MipsVm.class).consoleOutput(0));
        assertEquals("KVM_HC_MIPS_CONSOLE_OUTPUT", r.call());
    }

    @Test
    @DisplayName("#7: a0..a3, v1, ra, s0 keep their sentinels; only v0 and the PC change (kvm_mips_handle_hypcall)")
    void sentinelsPreserved() {
        SingleCall.Result r = call("v0", 3, "a0", 0xA0, "a1", 0xA1, "a2", 0xA2, "a3", 0xA3, "v1", 0x51, "ra", 0x52, "s0", 0x53);
        assertEquals(Map.of("v0", ENOSYS, "pc", P + 4), r.changed());
        assertEquals(0xA3, r.after().get("a3"));
    }

    @ParameterizedTest(name = "word {0}: internal-error exit, PC = P, no register changes")
    @ValueSource(strings = {"42000828", "421ff828", "hypcall 0x2a"})
    @DisplayName("#8, #9: a non-zero HYPCALL code exits with KVM_EXIT_INTERNAL_ERROR (17), PC restored "
            + "(hypcall.c kvm_mips_emul_hypcall, vz.c kvm_trap_vz_handle_hc / kvm_trap_vz_handle_guest_exit)")
    void nonZeroCodeExits(String insn) {
        SingleCall.Result r = call(vm(), insn, "v0", 1);
        assertInternalErrorAtP(r);
        assertTrue(r.changed().isEmpty(), r.changed().toString());
    }

    @ParameterizedTest(name = "word {0}: code field 0 -> -KVM_ENOSYS")
    @ValueSource(strings = {"43e00028", "420007e8"})
    @DisplayName("#10, #11 [derived]: bits 24..21 and 10..6 are not checked; the code field alone decides "
            + "(hypcall.c: (co_format.code >> 5) & 0x3ff)")
    void uncheckedBits(String word) {
        SingleCall.Result r = call(vm(), word, "v0", 1);
        assertEquals(ENOSYS, v0(r));
        assertEquals(P + 4, r.after().pc());
    }

    @Test
    @DisplayName("#12: HYPCALL in the delay slot of a taken beq: v0 = -KVM_ENOSYS, PC = target (emulate.c update_pc, kvm_compute_return_epc)")
    void delaySlotTaken() {
        // beq v0,v1,0x1010 ; hypcall   (1043 0003 = beq v0,v1,+3 words)
        SingleCall.Result r = call(vm(), "10430003 42000028", "v0", 5, "v1", 5, "bd", 1);
        assertEquals(ENOSYS, v0(r));
        assertEquals(P + 4 + 12, r.after().pc());
        assertEquals("hypcall", r.trap().insn(), "the trace shows BadInstr, the HYPCALL");
    }

    @Test
    @DisplayName("#13: same, branch not taken: PC = P+8 (the condition uses v0 before the call)")
    void delaySlotNotTaken() {
        SingleCall.Result r = call(vm(), "10430003 42000028", "v0", 5, "v1", 6, "bd", 1);
        assertEquals(ENOSYS, v0(r));
        assertEquals(P + 8, r.after().pc());
    }

    @Test
    @DisplayName("#14 [derived]: non-zero code in the delay slot of jal: PC restored to the branch, exit 17, ra = P+8 stays written "
            + "(vz.c kvm_trap_vz_handle_hc restores only the PC)")
    void delaySlotNonZeroCodeKeepsLink() {
        // jal 0x2000 ; hypcall 0x1
        SingleCall.Result r = call(vm(), "0c000800 42000828", "v0", 1, "bd", 1, "ra", 0x77);
        assertInternalErrorAtP(r);
        assertEquals(P + 8, r.after().get("ra"));
        assertEquals(1, r.after().get("v0"), "v0 untouched");
    }

    @Test
    @DisplayName("#15: host CPU without BadInstr: every HYPCALL exits with KVM_EXIT_INTERNAL_ERROR (emulate.c kvm_get_badinstr)")
    void noBadInstr() {
        SingleCall.Result r = call(vm().feature("badinstr", false), "hypcall", "v0", 1);
        assertInternalErrorAtP(r);
        assertTrue(r.changed().isEmpty());
    }

    @Test
    @DisplayName("#15a: HYPCALL in the delay slot of jal T: v0 = -KVM_ENOSYS, PC = T, ra = P+8 (kvm_compute_return_epc jal_op)")
    void delaySlotJal() {
        SingleCall.Result r = call(vm(), "0c000800 42000028", "v0", 1, "bd", 1);
        assertEquals(ENOSYS, v0(r));
        assertEquals(0x2000, r.after().pc());
        assertEquals(P + 8, r.after().get("ra"));
    }

    @ParameterizedTest(name = "branch word {0}")
    @ValueSource(strings = {"45010003", "24020001", "42000020", "04140003", "58420003"})
    @DisplayName("#15b: a delay slot after bc1t, a non-branch, bposge32 without DSP, or a compact branch exits with 17 "
            + "(kvm_compute_return_epc: -EINVAL)")
    void delaySlotUnsupportedBranch(String branch) {
        SingleCall.Result r = call(vm(), branch + " 42000028", "v0", 1, "bd", 1);
        assertInternalErrorAtP(r);
    }

    @Test
    @DisplayName("#15b: no BadInstrP: a HYPCALL in a delay slot exits with 17, one outside a delay slot still works (kvm_get_badinstrp)")
    void noBadInstrP() {
        assertInternalErrorAtP(call(vm().feature("badinstrp", false), "10430003 42000028", "v0", 1, "bd", 1));
        assertEquals(ENOSYS, v0(call(vm().feature("badinstrp", false), "hypcall", "v0", 1)));
    }

    @Test
    @DisplayName("delay slot of bltzal / bgezal / jalr: the link register is written, the target taken (kvm_compute_return_epc)")
    void delaySlotLinkingBranches() {
        // bltzal a0,+4 words: 0490 0004 ; jalr t9 (rd = ra): 0320 f809
        SingleCall.Result r = call(vm(), "04900004 42000028", "v0", 1, "a0", -1, "bd", 1);
        assertEquals(P + 4 + 16, r.after().pc());
        assertEquals(P + 8, r.after().get("ra"));
        r = call(vm(), "0320f809 42000028", "v0", 1, "t9", 0x4000, "bd", 1);
        assertEquals(0x4000, r.after().pc());
        assertEquals(P + 8, r.after().get("ra"));
        r = call(vm(), "03200008 42000028", "v0", 1, "t9", 0x4444, "bd", 1); // jr t9
        assertEquals(0x4444, r.after().pc());
    }

    @Test
    @DisplayName("#16: MIPS32 host (host-width=32): v0 = 0xfffffc18 (unsigned long is 32 bits)")
    void mips32Host() {
        SingleCall.Result r = call(vm().option("host-width", "32"), null, "v0", 1);
        assertEquals(0xFFFF_FC18L, v0(r));
        assertEquals(Boolean.TRUE, r.trap().narrow());
    }

    @Test
    @DisplayName("#17: 32-bit guest code on a 64-bit host reads the sign-extended -1000, the same value addiu -1000 builds")
    void thirtyTwoBitGuestOn64BitHost() {
        SingleCall.Result r = call("v0", 1);
        assertEquals((long) (int) 0xFFFF_FC18, v0(r));
        assertEquals(-1000L, v0(r));
    }

    @Test
    @DisplayName("#18: vz_hc_exits counts every HC exit, failing ones included (vz.c kvm_trap_vz_handle_guest_exit)")
    void hcExitCounter() {
        Vm vm = Vm.create(vm().build());
        Machine m = new Machine(vm, "c");
        m.load(0x1000, new byte[] {0x42, 0, 0, 0x28, 0x42, 0, 0x08, 0x28});
        RegisterFile r = m.registers(0);
        for (int i = 0; i < 5; i++) {
            r.pc(0x1000);
            vm.trap(0, r, m.memory(), m);
        }
        r.pc(0x1004);
        TrapResult failing = vm.trap(0, r, m.memory(), m);
        assertEquals(Outcome.EXIT_TO_HOST, failing.outcome());
        assertEquals(6, vm.archState(MipsVm.class).hcExits(0));
        assertEquals(0, vm.archState(MipsVm.class).hcExits(1));
    }

    @Test
    @DisplayName("#20: a3 is read by the host (hypcall.c reads four arguments) although the guest header passes at most three")
    void fourArgumentsRead() {
        SingleCall.Result r = call("v0", 1, "a3", 0x33);
        assertEquals("0x0000000000000033", r.trap().read().get("a3"));
        assertEquals(List.of("v0", "a0", "a1", "a2", "a3"), List.copyOf(r.trap().read().keySet()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"syscall", "wait", "42000018", "42000008", "00000000", "42000021", "41000028"})
    @DisplayName("not HYPCALL (syscall, wait, eret, tlbp, nop, c0 0x21, CO clear): no HC exit, nothing changes")
    void neighboursAreNotHypercalls(String insn) {
        SingleCall.Result r = call(vm(), insn, "v0", 1);
        assertEquals(Outcome.NOT_A_HYPERCALL, r.outcome());
        assertTrue(r.changed().isEmpty());
        // only the syscall raises an exception of its own (ExcCode Sys at EPC); the others simply execute
        assertEquals(insn.equals("syscall") ? new Fault.Mips(Fault.Mips.SYS, r.before().pc(), false, 0) : null, r.fault());
        assertEquals(0, r.vm().archState(MipsVm.class).hcExits(0));
    }

    @Test
    @DisplayName("both byte orders: 28 00 00 42 is HYPCALL in a little-endian VM and not in a big-endian one")
    void byteOrders() {
        assertEquals(ENOSYS, v0(call(vm().option("endian", "little"), "28000042", "v0", 1)));
        assertEquals(Outcome.NOT_A_HYPERCALL, call(vm(), "28000042", "v0", 1).outcome());
        assertEquals(ENOSYS, v0(call(vm().option("endian", "little"), null, "v0", 1)));
    }

    @Test
    @DisplayName("re-entering after an internal error runs the same HYPCALL again: PC and v0 stay (KVM leaves them)")
    void reenterAfterInternalError() {
        Vm vm = Vm.create(vm().build());
        Machine m = new Machine(vm, "c");
        m.load(0x1000, new byte[] {0x42, 0, 0x08, 0x28});
        RegisterFile r = m.registers(0);
        r.pc(0x1000);
        r.set(MipsRegisters.V0, 9);
        assertEquals(Outcome.EXIT_TO_HOST, vm.trap(0, r, m.memory(), m).outcome());
        TrapResult done = vm.completeExit(0, r, m.memory(), 1234);
        assertEquals(Outcome.RESUME, done.outcome());
        assertEquals(0x1000, r.pc());
        assertEquals(9, r.get(MipsRegisters.V0));
    }

    @Test
    @DisplayName("a delay slot outside guest memory, or a truncated word, is an instruction bus error (IBE) and never throws")
    void badInput() {
        Vm vm = Vm.create(vm().memory(0, 0x1004).build());
        RegisterFile r = new RegisterFile(MipsRegisters.layout());
        SparseMemory mem = new SparseMemory(vm.config().memory());
        mem.write(0x1000, new byte[] {0x10, 0x43, 0, 3}, 0, 4);
        r.pc(0x1000);
        r.set(MipsRegisters.BD, 1);
        Machine control = new Machine(Vm.create(vm().build()), "x");
        TrapResult slot = vm.trap(0, r, mem, control);
        assertEquals(Outcome.FAULT, slot.outcome());
        assertEquals(new Fault.Mips(Fault.Mips.IBE, 0x1000, true, 0), slot.fault(), "EPC = the branch, Cause.BD set");
        r.set(MipsRegisters.BD, 0);
        TrapResult truncated = vm.trap(0, r, mem, control, new byte[] {0x42, 0});
        assertEquals(new Fault.Mips(Fault.Mips.IBE, 0x1000, false, 0), truncated.fault());
        assertEquals(0x1000, r.pc());
    }

    @Test
    @DisplayName("embedding path: an emulator that passes the branch and the delay-slot word (EPC, BadInstr) gets the same answer")
    void embedderPassesBothWords() {
        Vm vm = Vm.create(vm().option("endian", "little").build());
        SparseMemory mem = new SparseMemory(vm.config().memory()); // memory holds zeros: the words come from the caller
        RegisterFile r = new RegisterFile(MipsRegisters.layout());
        r.pc(0x1000);
        r.set(MipsRegisters.BD, 1);
        r.set(MipsRegisters.V0, 3);
        r.set(MipsRegisters.A0, 3);
        // bne v0,a0,+3 ; hypcall   (little-endian bytes)
        byte[] words = {0x03, 0x00, 0x44, 0x14, 0x28, 0x00, 0x00, 0x42};
        TrapResult t = vm.trap(0, r, mem, new Machine(vm, "x"), words);
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(ENOSYS, r.get(MipsRegisters.V0));
        assertEquals(0x1008, r.pc(), "bne not taken (v0 == a0 before the call): branch + 8");
    }
}
