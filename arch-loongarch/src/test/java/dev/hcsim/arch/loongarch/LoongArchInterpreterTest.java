package dev.hcsim.arch.loongarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The interpreter executes the subset with the LoongArch Reference Manual's semantics (volume 1, chapter 2). */
class LoongArchInterpreterTest {
    static final LoongArchArchitecture ARCH = new LoongArchArchitecture();

    static Machine machine(VmConfig config, String source) {
        Vm vm = Engine.create(ARCH, config);
        Machine m = new Machine(vm, "t");
        m.load(0x1000, vm.assemble(source, 0x1000).bytes());
        for (int i = 0; i < vm.vcpuCount(); i++) {
            m.registers(i).pc(0x1000);
        }
        return m;
    }

    /** Runs {@code source} followed by {@code idle 0} on one vCPU and returns its registers. */
    static RegisterFile run(String source) {
        Machine m = machine(VmConfig.builder("loongarch").build(), source + "\nidle 0\n");
        m.run(100_000, Long.MAX_VALUE);
        assertEquals(VcpuState.HALTED, m.stateOf(0), () -> String.valueOf(m.stopReason(0)));
        return m.registers(0);
    }

    @Test
    @DisplayName("addi.w adds in 32 bits and sign-extends; addi.d adds in 64 bits")
    void addi() {
        RegisterFile r = run("li.w $a0, 0x7fffffff\naddi.w $a1, $a0, 1\naddi.d $a2, $a0, 1\naddi.d $a3, $zero, -2048");
        assertEquals(0xFFFF_FFFF_8000_0000L, r.get(LoongArchRegisters.A1));
        assertEquals(0x8000_0000L, r.get(LoongArchRegisters.A2));
        assertEquals(-2048, r.get(LoongArchRegisters.A3));
    }

    @Test
    @DisplayName("lu12i.w sign-extends bit 31; lu32i.d replaces bits 63:32 (sign-extending bit 51); lu52i.d replaces bits 63:52")
    void loadUpper() {
        RegisterFile r = run("lu12i.w $a0, -524288\nori $a1, $zero, 0x123\nlu32i.d $a1, -524288\nlu52i.d $a2, $a1, 0x7ff");
        assertEquals(0xFFFF_FFFF_8000_0000L, r.get(LoongArchRegisters.A0));
        assertEquals(0xFFF8_0000_0000_0123L, r.get(LoongArchRegisters.A1));
        assertEquals(0x7FF8_0000_0000_0123L, r.get(LoongArchRegisters.A2));
    }

    @Test
    @DisplayName("ori and andi zero-extend their 12-bit immediate; or / move copy; r0 ignores writes")
    void logic() {
        RegisterFile r = run("addi.d $t0, $zero, -1\nandi $a0, $t0, 0xfff\nori $a1, $zero, 0x800\nor $a2, $a0, $a1\nmove $a3, $t0\n"
                + "addi.d $zero, $zero, 5\nmove $a4, $zero");
        assertEquals(0xFFF, r.get(LoongArchRegisters.A0));
        assertEquals(0x800, r.get(LoongArchRegisters.A1));
        assertEquals(0xFFF, r.get(LoongArchRegisters.A2));
        assertEquals(-1, r.get(LoongArchRegisters.A3));
        assertEquals(0, r.get(LoongArchRegisters.A4));
    }

    @Test
    @DisplayName("ld.b/h/w sign-extend, ld.d loads 64 bits, st.* store the low bytes little-endian")
    void loadStore() {
        RegisterFile r = run("li.d $t0, 0x8000\nli.d $t1, 0x8899aabbccddeeff\nst.d $t1, $t0, 0\nld.b $a0, $t0, 0\nld.h $a1, $t0, 2\n"
                + "ld.w $a2, $t0, 4\nld.d $a3, $t0, 0\nst.b $zero, $t0, 7\nst.h $zero, $t0, 0\nld.d $a4, $t0, 0");
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL, r.get(LoongArchRegisters.A0));
        assertEquals(0xFFFF_FFFF_FFFF_CCDDL, r.get(LoongArchRegisters.A1));
        assertEquals(0xFFFF_FFFF_8899_AABBL, r.get(LoongArchRegisters.A2));
        assertEquals(0x8899_AABB_CCDD_EEFFL, r.get(LoongArchRegisters.A3));
        assertEquals(0x0099_AABB_CCDD_0000L, r.get(LoongArchRegisters.A4));
    }

    @Test
    @DisplayName("beq/bne/blt/bge compare signed 64-bit values, beqz/bnez test zero, b always jumps: a counted loop")
    void branches() {
        RegisterFile r = run("ori $t0, $zero, 10\nmove $a0, $zero\nloop: addi.d $a0, $a0, 3\naddi.d $t0, $t0, -1\nbnez $t0, loop\n"
                + "addi.d $t1, $zero, -1\nblt $t1, $zero, neg\nori $a1, $zero, 1\nneg: bge $zero, $t1, done\nori $a1, $zero, 2\n"
                + "done: beq $a0, $a0, skip\nori $a2, $zero, 7\nskip: beqz $a2, end\nori $a2, $zero, 9\nend: b fin\nori $a3, $zero, 1\nfin: nop");
        assertEquals(30, r.get(LoongArchRegisters.A0));
        assertEquals(0, r.get(LoongArchRegisters.A1));
        assertEquals(0, r.get(LoongArchRegisters.A2));
        assertEquals(0, r.get(LoongArchRegisters.A3));
    }

    @Test
    @DisplayName("csrrd of CSR.CPUID (0x20) reads the vCPU's physical CPU id")
    void csrrdCpuid() {
        Machine m = machine(VmConfig.builder("loongarch").vcpus(2).vcpuIds(7, 3).build(), "csrrd $a0, 0x20\nidle 0");
        m.run(1000, Long.MAX_VALUE);
        assertEquals(7, m.registers(0).get(LoongArchRegisters.A0));
        assertEquals(3, m.registers(1).get(LoongArchRegisters.A0));
    }

    @Test
    @DisplayName("csrrd of another CSR and an undecodable word stop the vCPU with a reason naming the address")
    void faults() {
        Machine m = machine(VmConfig.builder("loongarch").vcpus(2).build(), "csrrd $a0, 0x0\n");
        m.registers(1).pc(0x2000);
        m.load(0x2000, new byte[] {0x00, 0x00, 0x2b, 0x00}); // syscall 0
        m.run(1000, Long.MAX_VALUE);
        assertEquals(VcpuState.STOPPED, m.stateOf(0));
        assertTrue(m.stopReason(0).contains("0x1000"), m.stopReason(0));
        assertEquals(VcpuState.STOPPED, m.stateOf(1));
        assertTrue(m.stopReason(1).contains("0x2000"), m.stopReason(1));
    }

    @Test
    @DisplayName("idle halts the vCPU with the PC after it (kvm_emu_idle after update_pc)")
    void idle() {
        RegisterFile r = run("nop");
        assertEquals(0x1008, r.pc());
    }
}
