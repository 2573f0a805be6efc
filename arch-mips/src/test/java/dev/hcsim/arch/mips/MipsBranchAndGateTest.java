package dev.hcsim.arch.mips;

import static dev.hcsim.arch.mips.MipsCalls.ENOSYS;
import static dev.hcsim.arch.mips.MipsCalls.P;
import static dev.hcsim.arch.mips.MipsCalls.call;
import static dev.hcsim.arch.mips.MipsCalls.regs;
import static dev.hcsim.arch.mips.MipsCalls.v0;
import static dev.hcsim.arch.mips.MipsCalls.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The branch conditions of a HYPCALL in a delay slot at their boundaries, the trap gate's word assembly in both byte
 * orders, and the paravirtual calls' edges, each as the kernel decides them (issue 25: mutants no test noticed).
 */
class MipsBranchAndGateTest {

    /** Taken: branch + 4 + 3 words; not taken: branch + 8. */
    private static final long TAKEN = P + 4 + 12;
    private static final long NOT_TAKEN = P + 8;

    @ParameterizedTest(name = "{0} with a0 = {1}: taken = {2}")
    @CsvSource({
        "04800003, -1, true", "04800003, 0, false", "04800003, 1, false", // bltz
        "04820003, -1, true", "04820003, 0, false", // bltzl
        "04810003, -1, false", "04810003, 0, true", "04810003, 1, true", // bgez
        "04830003, -1, false", "04830003, 0, true", // bgezl
        "04900003, -1, true", "04900003, 0, false", // bltzal
        "04910003, -1, false", "04910003, 0, true", // bgezal
        "18800003, -1, true", "18800003, 0, true", "18800003, 1, false", // blez
        "1c800003, -1, false", "1c800003, 0, false", "1c800003, 1, true", // bgtz
    })
    @DisplayName("a HYPCALL in the delay slot of bltz/bgez/bltzal/bgezal/blez/bgtz: the condition on rs as a signed long, 0 included "
            + "(arch/mips/kvm/emulate.c kvm_compute_return_epc)")
    void conditionalBranchAtZero(String branch, long a0, boolean taken) {
        SingleCall.Result r = call(vm(), branch + " 42000028", "v0", 1, "a0", a0, "bd", 1);
        assertEquals(ENOSYS, v0(r));
        assertEquals(taken ? TAKEN : NOT_TAKEN, r.after().pc());
    }

    @Test
    @DisplayName("a HYPCALL in the delay slot of bltzal/bgezal writes ra = branch + 8 taken or not; bltz and bgez write no ra "
            + "(kvm_compute_return_epc: arch->gprs[31] = epc + 8 only for the linking forms)")
    void linkOnlyForLinkingForms() {
        assertEquals(NOT_TAKEN, call(vm(), "04900003 42000028", "v0", 1, "a0", 0, "bd", 1, "ra", 0x77).after().get("ra"));
        assertEquals(NOT_TAKEN, call(vm(), "04910003 42000028", "v0", 1, "a0", -1, "bd", 1, "ra", 0x77).after().get("ra"));
        assertEquals(0x77, call(vm(), "04800003 42000028", "v0", 1, "a0", -1, "bd", 1, "ra", 0x77).after().get("ra"));
        assertEquals(0x77, call(vm(), "04810003 42000028", "v0", 1, "a0", 0, "bd", 1, "ra", 0x77).after().get("ra"));
        // j (op 2) writes no link, jal (op 3) does; j's target: the 256 MB region of the delay slot, index << 2
        SingleCall.Result j = call(vm(), "08000800 42000028", "v0", 1, "bd", 1, "ra", 0x77);
        assertEquals(0x2000, j.after().pc());
        assertEquals(0x77, j.after().get("ra"));
    }

    @Test
    @DisplayName("blez/bgtz with rt != 0 are R6 compact branches: -EINVAL before R6, so KVM_EXIT_INTERNAL_ERROR with the PC restored "
            + "(kvm_compute_return_epc: \"if (insn.i_format.rt != 0) goto compact_branch\")")
    void compactBranchesBeforeR6() {
        for (String branch : new String[] {"18810003", "1c810003"}) {
            SingleCall.Result r = call(vm(), branch + " 42000028", "v0", 1, "a0", -1, "bd", 1);
            assertEquals(Outcome.EXIT_TO_HOST, r.outcome(), branch);
            assertEquals(new Exit.InternalError(0), r.exit(), branch);
            assertEquals(P, r.after().pc(), branch);
        }
    }

    @Test
    @DisplayName("jalr rd, rs in a delay slot: rd = branch + 8, PC = rs; jalr with rd = $zero writes no register; "
            + "a SPECIAL word other than jr/jalr is -EINVAL (kvm_compute_return_epc jalr_op, jr_op)")
    void jalrAndJr() {
        // jalr $zero, t9: 0320 0009 (rd = 0)
        SingleCall.Result r = call(vm(), "03200009 42000028", "v0", 1, "t9", 0x4000, "bd", 1, "ra", 0x77);
        assertEquals(0x4000, r.after().pc());
        assertEquals(0, r.after().get("zero"));
        assertEquals(0x77, r.after().get("ra"));
        // jalr s0, t9 (rd = 16): 0320 8009
        r = call(vm(), "03208009 42000028", "v0", 1, "t9", 0x4000, "bd", 1, "s0", 0x55);
        assertEquals(0x4000, r.after().pc());
        assertEquals(NOT_TAKEN, r.after().get("s0"));
        // a SPECIAL function that is not a branch: addu v1, v0, v0 = 0042 1821
        SingleCall.Result addu = call(vm(), "00421821 42000028", "v0", 1, "bd", 1);
        assertEquals(new Exit.InternalError(0), addu.exit());
    }

    @Test
    @DisplayName("a HYPCALL in a delay slot at an unaligned EPC: -EINVAL, KVM_EXIT_INTERNAL_ERROR "
            + "(kvm_compute_return_epc: \"if (epc & 3) goto unaligned\")")
    void unalignedBranch() {
        Vm vm = Vm.create(vm().build());
        SparseMemory mem = new SparseMemory(vm.config().memory());
        RegisterFile r = new RegisterFile(MipsRegisters.layout());
        r.pc(0x1002);
        r.set(MipsRegisters.BD, 1);
        r.set(MipsRegisters.V0, 1);
        // beq v0,v0,+3 (always taken) ; hypcall, big-endian, passed by the embedder
        byte[] words = {0x10, 0x42, 0x00, 0x03, 0x42, 0x00, 0x00, 0x28};
        TrapResult t = vm.trap(0, r, mem, new Machine(vm, "x"), words);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(new Exit.InternalError(0), t.exit());
        assertEquals(0x1002, r.pc());
    }

    @Test
    @DisplayName("64-bit host: a sign-extended kseg0 EPC keeps its upper half in the link register and the target "
            + "(emulate.c: arch->gprs[31] = epc + 8 as unsigned long)")
    void linkOnSixtyFourBitHost() {
        Vm vm = Vm.create(vm().build());
        SparseMemory mem = new SparseMemory(vm.config().memory());
        RegisterFile r = new RegisterFile(MipsRegisters.layout());
        long epc = 0xFFFF_FFFF_8000_1000L;
        r.pc(epc);
        r.set(MipsRegisters.BD, 1);
        r.set(MipsRegisters.V0, 1);
        // bltzal a0,+3 with a0 = -1 ; hypcall
        r.set(MipsRegisters.A0, -1);
        byte[] words = {0x04, (byte) 0x90, 0x00, 0x03, 0x42, 0x00, 0x00, 0x28};
        TrapResult t = vm.trap(0, r, mem, new Machine(vm, "x"), words);
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(epc + 8, r.get(MipsRegisters.RA));
        assertEquals(epc + 16, r.pc());
    }

    @Test
    @DisplayName("j/jal in the last word of a 256 MB region: the target's region is the delay slot's (PC + 4), not the branch's "
            + "(kvm_compute_return_epc: epc += 4; epc >>= 28; epc <<= 28; epc |= index << 2); jal links on a 32-bit host too")
    void jumpRegionIsTheDelaySlots() {
        Vm vm = Vm.create(vm().build());
        SparseMemory mem = new SparseMemory(vm.config().memory());
        RegisterFile r = new RegisterFile(MipsRegisters.layout());
        r.pc(0x0FFF_FFFCL);
        r.set(MipsRegisters.BD, 1);
        r.set(MipsRegisters.V0, 1);
        byte[] words = {0x08, 0x00, 0x08, 0x00, 0x42, 0x00, 0x00, 0x28}; // j 0x2000 (index 0x800) ; hypcall
        TrapResult t = vm.trap(0, r, mem, new Machine(vm, "x"), words);
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(0x1000_2000L, r.pc());
        SingleCall.Result jal = call(vm().option("host-width", "32"), "0c000800 42000028", "v0", 1, "bd", 1);
        assertEquals(0x2000, jal.after().pc());
        assertEquals(P + 8, jal.after().get("ra"));
    }

    @Test
    @DisplayName("32-bit host: jr to a register holding a sign-extended address continues at its low 32 bits "
            + "(unsigned long is 32 bits: the PC KVM writes back has no upper half)")
    void narrowTargetOnThirtyTwoBitHost() {
        SingleCall.Result r = call(vm().option("host-width", "32"), "03200008 42000028", "v0", 1, "t9", 0xFFFF_FFFF_8000_4000L, "bd", 1);
        assertEquals(0x8000_4000L, r.after().pc());
        // on a 32-bit host the condition sees the low word as signed: 0x80000000 is negative, bltz is taken
        SingleCall.Result n = call(vm().option("host-width", "32"), "04800003 42000028", "v0", 1, "a0", 0x8000_0000L, "bd", 1);
        assertEquals(TAKEN, n.after().pc());
        SingleCall.Result wide = call(vm(), "04800003 42000028", "v0", 1, "a0", 0x8000_0000L, "bd", 1);
        assertEquals(NOT_TAKEN, wide.after().pc(), "the same word on a 64-bit host is positive");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "big, 42010028", "big, 42000828", "little, 28000142", "little, 28080042",
    })
    @DisplayName("a delay-slot HYPCALL passed by the embedder with code bits in either middle byte exits with "
            + "KVM_EXIT_INTERNAL_ERROR in both byte orders (vz.c kvm_trap_vz_handle_hc: a non-zero code is not emulated)")
    void delaySlotWordAssembledInByteOrder(String endian, String slot) {
        Vm vm = Vm.create(vm().option("endian", endian).build());
        SparseMemory mem = new SparseMemory(vm.config().memory());
        RegisterFile r = new RegisterFile(MipsRegisters.layout());
        r.pc(0x1000);
        r.set(MipsRegisters.BD, 1);
        r.set(MipsRegisters.V0, 1);
        byte[] branch = endian.equals("big") ? new byte[] {0x10, 0x42, 0, 3} : new byte[] {3, 0, 0x42, 0x10}; // beq v0,v0,+3
        byte[] words = new byte[8];
        System.arraycopy(branch, 0, words, 0, 4);
        for (int i = 0; i < 4; i++) {
            words[4 + i] = (byte) Integer.parseInt(slot.substring(2 * i, 2 * i + 2), 16);
        }
        Machine control = new Machine(vm, "x");
        TrapResult t = vm.trap(0, r, mem, control, words);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(new Exit.InternalError(0), t.exit());
        // the same with code 0: emulated, -KVM_ENOSYS, the branch taken
        words[4 + (endian.equals("big") ? 1 : 2)] = 0;
        words[4 + (endian.equals("big") ? 2 : 1)] = 0;
        r.pc(0x1000);
        TrapResult ok = vm.trap(0, r, mem, control, words);
        assertEquals(Outcome.RESUME, ok.outcome());
        assertEquals(TAKEN, r.pc());
    }

    @Test
    @DisplayName("a vCPU reset clears Cause.BD and sets EBase = (s32)0x80000000 | vcpu_id (arch/mips/kvm/vz.c kvm_vz_vcpu_setup)")
    void resetClearsBranchDelay() {
        Vm vm = Vm.create(vm().build());
        RegisterFile r = new RegisterFile(MipsRegisters.layout());
        r.set(MipsRegisters.BD, 1);
        vm.resetVcpu(1, r);
        assertEquals(0, r.get(MipsRegisters.BD));
        assertEquals(0xFFFF_FFFF_8000_0001L, r.get(MipsRegisters.EBASE));
    }

    @Test
    @DisplayName("more vCPUs than KVM_MAX_VCPUS (16) is refused at creation (arch/mips/include/asm/kvm_host.h)")
    void vcpuLimit() {
        assertEquals(16, Vm.create(VmConfig.builder("mips").vcpus(16).build()).vcpuCount());
        assertThrows(IllegalArgumentException.class, () -> Vm.create(VmConfig.builder("mips").vcpus(17).build()));
    }

    // ---------------------------------------------------------------- the paravirtual calls

    private static VmConfig.Builder paravirt() {
        return VmConfig.builder("mips").vcpus(2).option("paravirt-guest", "on");
    }

    @Test
    @DisplayName("paravirt-guest=on offers the three paravirtual numbers and says so (include/uapi/linux/kvm_para.h)")
    void paravirtOffered() {
        Vm vm = Vm.create(paravirt().build());
        assertTrue(vm.archState(MipsVm.class).paravirtGuest());
        assertTrue(Engine.context(vm).hypercalls().isOffered(6) && Engine.context(vm).hypercalls().isOffered(7) && Engine.context(vm).hypercalls().isOffered(8));
    }

    @Test
    @DisplayName("CONSOLE_OUTPUT with a count of 0 writes nothing and answers 0; exactly 1 MiB is allowed, one byte more is -KVM_E2BIG")
    void consoleCountBoundaries() {
        SingleCall.Result zero = SingleCall.run(paravirt().build(), 0, null, regs("v0", 8, "a1", 0x2000, "a2", 0), Map.of());
        assertEquals(Status.SUCCESS, zero.status());
        assertEquals(0, v0(zero));
        SingleCall.Result max = SingleCall.run(paravirt().memory(0, 0x20_0000).build(), 0, null,
                regs("v0", 8, "a1", 0x10_0000, "a2", MipsHypercalls.MAX_CONSOLE_BYTES), Map.of());
        assertEquals(Status.SUCCESS, max.status());
        assertEquals(MipsHypercalls.MAX_CONSOLE_BYTES, v0(max));
        SingleCall.Result over = SingleCall.run(paravirt().memory(0, 0x20_0000).build(), 0, null,
                regs("v0", 8, "a1", 0x10_0000, "a2", MipsHypercalls.MAX_CONSOLE_BYTES + 1), Map.of());
        assertEquals(Status.TOO_BIG, over.status());
    }

    @Test
    @DisplayName("EXIT_VM: the trap's next PC is past the HYPCALL (the call completed before the shutdown exit); a VMM that "
            + "re-enters anyway continues there with v0 = 0")
    void exitVmNextPcAndReentry() {
        Vm vm = Vm.create(paravirt().build());
        Machine m = new Machine(vm, "x");
        m.load(P, new byte[] {0x42, 0, 0, 0x28});
        RegisterFile r = m.registers(0);
        r.pc(P);
        r.set(MipsRegisters.V0, 7);
        TrapResult t = vm.trap(0, r, m.memory(), m);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(P + 4, t.nextPc());
        assertEquals(P + 4, r.pc());
        r.set(MipsRegisters.V0, 0x55); // whatever the VMM left
        TrapResult done = vm.completeExit(0, r, m.memory(), 0);
        assertEquals(Outcome.RESUME, done.outcome());
        assertEquals(Status.SUCCESS, done.status());
        assertEquals(0, r.get(MipsRegisters.V0));
        assertEquals(P + 4, r.pc());
    }

    @Test
    @DisplayName("a snapshot carries each console port's bytes and each vCPU's vz_hc_exits; restoring it into a fresh VM gives them back")
    void snapshotRoundTrip() {
        Vm vm = Vm.create(paravirt().build());
        MipsVm mips = vm.archState(MipsVm.class);
        mips.console(0, 0, "ab".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        mips.console(1, 3, "xyz".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Machine m = new Machine(vm, "x");
        m.load(P, new byte[] {0x42, 0, 0, 0x28});
        RegisterFile r = m.registers(1);
        r.pc(P);
        r.set(MipsRegisters.V0, 1);
        vm.trap(1, r, m.memory(), m);
        r.pc(P);
        vm.trap(1, r, m.memory(), m);
        dev.hcsim.core.VmSnapshot snap = vm.snapshot();
        Vm copy = Vm.create(paravirt().build());
        copy.restore(snap);
        MipsVm restored = copy.archState(MipsVm.class);
        assertEquals("ab", restored.consoleOutput(0));
        assertEquals("xyz", restored.consoleOutput(3));
        assertEquals("", restored.consoleOutput(1));
        assertEquals(0, restored.hcExits(0));
        assertEquals(2, restored.hcExits(1));
        restored.console(0, 0, "c".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("abc", restored.consoleOutput(0), "the restored port keeps taking bytes");
        assertEquals("ab", mips.consoleOutput(0), "the original is not shared");
    }
}
