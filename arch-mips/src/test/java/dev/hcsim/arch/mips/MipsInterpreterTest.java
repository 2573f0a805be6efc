package dev.hcsim.arch.mips;

import static dev.hcsim.arch.mips.MipsCalls.ENOSYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The guest subset running on the standalone machine, in both byte orders. */
class MipsInterpreterTest {
    static Machine run(VmConfig.Builder config, String source) {
        Vm vm = Vm.create(config.build());
        Machine m = new Machine(vm, "t");
        byte[] code = vm.assemble(source, 0x1000).bytes();
        m.load(0x1000, code);
        for (int i = 0; i < vm.vcpuCount(); i++) {
            m.registers(i).pc(0x1000);
        }
        m.run(100_000, Long.MAX_VALUE);
        return m;
    }

    static Machine run(String source) {
        return run(VmConfig.builder("mips"), source);
    }

    static long reg(Machine m, String name) {
        return m.registers(0).get(name);
    }

    @Test
    @DisplayName("dli loads every 64-bit value exactly, in both byte orders (the expansion runs on the interpreter)")
    void dliLoadsEveryValue() {
        qt().withExamples(200).forAll(longs().all(), booleans().all()).checkAssert((v, little) -> {
            Machine m = run(VmConfig.builder("mips").option("endian", little ? "little" : "big"),
                    "dli $2,0x" + Long.toHexString(v) + "\nwait");
            assertEquals(v, reg(m, "v0"));
        });
    }

    @Test
    @DisplayName("li, lui, ori, andi, addiu (32-bit, sign-extended), daddiu, shifts, move, or")
    void arithmetic() {
        Machine m = run("""
                li $2,0x7fffffff
                addiu $3,$2,1          # 32-bit overflow wraps and sign-extends
                daddiu $4,$2,1         # 64-bit add does not
                lui $5,0x8000          # sign-extended
                ori $6,$5,0x1234
                andi $7,$6,0xff
                dsll32 $8,$7,4
                dsrl $a5,$a4,8         # n64 names: $8..$11 are a4..a7
                dsrl32 $ta2,$5,0       # ... also called ta0..ta3
                move $11,$6
                or $t0,$7,$8           # $12 is n64's t0
                wait
                """);
        assertEquals(0xFFFF_FFFF_8000_0000L, reg(m, "v1"));
        assertEquals(0x8000_0000L, reg(m, "a0"));
        assertEquals(0xFFFF_FFFF_8000_0000L, reg(m, "a1"));
        assertEquals(0xFFFF_FFFF_8000_1234L, reg(m, "a2"));
        assertEquals(0x34, reg(m, "a3"));
        assertEquals(0x34L << 36, reg(m, "a4"));
        assertEquals(0x34L << 28, reg(m, "a5"));
        assertEquals(0xFFFF_FFFFL, reg(m, "a6"));
        assertEquals(0xFFFF_FFFF_8000_1234L, reg(m, "a7"));
        assertEquals(0x34L | 0x34L << 36, reg(m, "t0"));
    }

    @Test
    @DisplayName("branch delay slots run: taken and not taken, loops count, b jumps (MIPS64 ISA: the slot always executes)")
    void delaySlots() {
        Machine m = run("""
                li $4,3
                li $2,0
                loop: daddiu $2,$2,10
                daddiu $4,$4,-1
                bnez $4,loop
                daddiu $3,$3,1         # delay slot: runs on every pass, taken or not
                beq $4,$2,skip         # not taken
                li $5,7                # delay slot of a branch not taken
                b skip
                li $6,8                # delay slot of b
                li $7,99               # skipped
                skip: wait
                """);
        assertEquals(30, reg(m, "v0"));
        assertEquals(3, reg(m, "v1"));
        assertEquals(7, reg(m, "a1"));
        assertEquals(8, reg(m, "a2"));
        assertEquals(0, reg(m, "a3"));
    }

    @Test
    @DisplayName("hypcall in the delay slot of a taken beq: the guest continues at the target with v0 = -KVM_ENOSYS "
            + "(vz.c kvm_trap_vz_handle_hc, emulate.c update_pc)")
    void hypcallInDelaySlot() {
        Machine m = run("""
                li $2,1
                li $3,1
                beq $2,$3,there
                hypcall
                li $4,1                # skipped: the branch was taken
                there: move $5,$2
                li $2,1
                li $3,2
                beq $2,$3,nowhere
                hypcall
                li $6,6                # the branch was not taken: branch + 8
                wait
                nowhere: wait
                """);
        assertEquals(ENOSYS, reg(m, "a1"));
        assertEquals(0, reg(m, "a0"));
        assertEquals(6, reg(m, "a2"));
        assertEquals(2, m.vm().archState(MipsVm.class).hcExits(0));
    }

    @Test
    @DisplayName("loads and stores keep the VM's byte order; lw and lb sign-extend; sd's first byte is the MSB only in big-endian")
    void memoryAndByteOrder() {
        String src = """
                dli $2,0x8899aabbccddeeff
                li $4,0x2000
                sd $2,0($4)
                lb $3,0($4)
                lw $5,4($4)
                ld $6,0($4)
                li $7,0x7f
                sb $7,8($4)
                lb $8,8($4)
                sw $2,16($4)
                wait
                """;
        Machine be = run(src);
        assertEquals(0xFFFF_FFFF_FFFF_FF88L, reg(be, "v1"));
        assertEquals(0xFFFF_FFFF_CCDD_EEFFL, reg(be, "a1"));
        assertEquals(0x8899_AABB_CCDD_EEFFL, reg(be, "a2"));
        assertEquals(0x7F, reg(be, "a4"));
        byte[] w = new byte[4];
        be.memory().read(0x2010, w, 0, 4);
        assertEquals("ccddeeff", dev.hcsim.core.Bytes.hex(w));
        Machine le = run(VmConfig.builder("mips").option("endian", "little"), src);
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL, reg(le, "v1"));
        assertEquals(0xFFFF_FFFF_8899_AABBL, reg(le, "a1"));
        assertEquals(0x8899_AABB_CCDD_EEFFL, reg(le, "a2"));
        le.memory().read(0x2010, w, 0, 4);
        assertEquals("ffeeddcc", dev.hcsim.core.Bytes.hex(w));
    }

    @Test
    @DisplayName("kseg0 and xkphys addresses reach guest physical memory (no TLB: segment bits dropped)")
    void unmappedSegments() {
        Machine m = run("""
                li $4,0x80003000       # kseg0 0xffffffff80003000
                li $2,42
                sd $2,0($4)
                dli $5,0x9800000000003000
                ld $3,0($5)
                wait
                """);
        assertEquals(42, reg(m, "v1"));
    }

    @Test
    @DisplayName("mfc0 of EBase gives each vCPU (s32)0x80000000 | vcpu_id; andi 0x3ff is its number (vz.c kvm_vz_vcpu_setup)")
    void ebaseCpuNumber() {
        Machine m = run(VmConfig.builder("mips").vcpus(3).pcpus(3), """
                mfc0 $2,$15,1
                andi $3,$2,0x3ff
                wait
                """);
        for (int v = 0; v < 3; v++) {
            assertEquals(0xFFFF_FFFF_8000_0000L | v, m.registers(v).get("v0"));
            assertEquals(v, m.registers(v).get("v1"));
        }
    }

    @Test
    @DisplayName("guest faults stop the vCPU with a reason: unaligned ld, undecodable word, wait in a delay slot, syscall, memory miss")
    void faults() {
        Machine m = run("li $4,0x2001\nld $2,0($4)");
        assertEquals(VcpuState.STOPPED, m.stateOf(0));
        assertTrue(m.stopReason(0).contains("address error (AdEL)"), m.stopReason(0));
        m = run(".long 0x42000018");
        assertTrue(m.stopReason(0).contains("not in the guest subset"), m.stopReason(0));
        m = run("b out\nwait\nout: nop");
        assertTrue(m.stopReason(0).contains("UNDEFINED"), m.stopReason(0));
        m = run("syscall");
        assertTrue(m.stopReason(0).contains("syscall"), m.stopReason(0));
        m = run("li $4,0x7ff0\ndsll $4,$4,16\nld $2,0($4)");
        assertTrue(m.stopReason(0).contains("outside guest memory"), m.stopReason(0));
    }

    @Test
    @DisplayName("a non-zero code stops the vCPU in the host (KVM_EXIT_INTERNAL_ERROR), PC on the hypcall, while the other vCPU runs on")
    void internalErrorExit() {
        Machine m = run(VmConfig.builder("mips").vcpus(2), """
                mfc0 $2,$15,1
                andi $2,$2,0x3ff
                bnez $2,bad
                nop
                li $3,5
                wait
                bad: hypcall 7
                """);
        assertEquals(VcpuState.EXITED, m.stateOf(1));
        assertEquals(0x1018, m.registers(1).pc());
        assertEquals(VcpuState.HALTED, m.stateOf(0));
        assertEquals(5, m.registers(0).get("v1"));
    }
}
