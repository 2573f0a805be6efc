package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Program;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The guest subset executes as z/Architecture defines it (Principles of Operation, SA22-7832). */
class S390InterpreterTest {
    /** Runs {@code source} at 0x2000 on one vCPU for {@code steps} instructions and returns the machine. */
    private static Machine run(String source, int steps, long... regs) {
        return run(VmConfig.builder("s390"), source, steps, regs);
    }

    private static Machine run(VmConfig.Builder cfg, String source, int steps, long... regs) {
        Vm vm = Engine.create(new S390Architecture(), cfg.build());
        Machine m = new Machine(vm, "t");
        Program p = vm.assemble(source, 0x2000);
        m.load(0x2000, p.bytes());
        RegisterFile r = m.registers(0);
        r.pc(0x2000);
        for (int i = 0; i < regs.length; i += 2) {
            r.set((int) regs[i], regs[i + 1]);
        }
        m.run(steps, Long.MAX_VALUE);
        return m;
    }

    @Test
    @DisplayName("a counted loop: lghi, aghi sets the CC, jne loops until zero")
    void loop() {
        Machine m = run("lghi %r1,5\nlghi %r2,0\nl: aghi %r2,3\naghi %r1,-1\njne l\n", 2 + 3 * 5);
        assertEquals(15, m.registers(0).get(2));
        assertEquals(0, m.registers(0).get(1));
        assertEquals(0x2000 + 20, m.registers(0).pc());
    }

    @Test
    @DisplayName("64-bit immediates: llihf + iilf, iihf keeps the low word, lgfi sign-extends")
    void immediates() {
        Machine m = run("llihf %r1,0x12345678\niilf %r1,0x9abcdef0\nlgfi %r2,-22\niihf %r2,0x7\nlgr %r3,%r1\n", 5, 1, -1L);
        RegisterFile r = m.registers(0);
        assertEquals(0x1234_5678_9ABC_DEF0L, r.get(1));
        assertEquals(0x0000_0007_FFFF_FFEAL, r.get(2));
        assertEquals(r.get(1), r.get(3));
    }

    @Test
    @DisplayName("lg/stg move 64 bits big-endian; l/st move the low word and keep the high word of the register")
    void loadsAndStores() {
        Machine m = run("stg %r1,0x800\nl %r2,0x804\nst %r1,0x810(%r15)\nlg %r3,-8(%r4,%r15)\n", 4, 1, 0x1122_3344_5566_7788L, 2,
                0xAAAA_AAAA_0000_0000L, 15, 0x100, 4, 0x708);
        RegisterFile r = m.registers(0);
        byte[] b = new byte[8];
        m.memory().read(0x800, b, 0, 8);
        assertEquals("1122334455667788", dev.hcsim.core.Bytes.hex(b));
        assertEquals(0xAAAA_AAAA_5566_7788L, r.get(2));
        m.memory().read(0x910, b, 0, 4);
        assertEquals("55667788", dev.hcsim.core.Bytes.hex(b, 0, 4));
        assertEquals(0x1122_3344_5566_7788L, r.get(3), "index 0x708 + base 0x100 - 8 = 0x800");
    }

    @Test
    @DisplayName("compare and branch: cghi/cgr set CC 0/1/2 and je/jh/jl follow it")
    void compareAndBranch() {
        String src = "cghi %r1,10\njl low\nlghi %r5,1\nj out\nlow: lghi %r5,2\nout: cgr %r1,%r2\nje eq\nlghi %r6,1\nj end\neq: lghi %r6,2\nend: nopr\n";
        Machine m = run(src, 8, 1, -5, 2, -5);
        assertEquals(2, m.registers(0).get(5), "-5 < 10 signed");
        assertEquals(2, m.registers(0).get(6));
        m = run(src, 8, 1, 11, 2, 12);
        assertEquals(1, m.registers(0).get(5));
        assertEquals(1, m.registers(0).get(6));
    }

    @Test
    @DisplayName("aghi overflow sets CC 3 (jo taken)")
    void overflow() {
        Machine m = run("aghi %r1,1\njo ov\nlghi %r2,1\nj e\nov: lghi %r2,3\ne: nop\n", 4, 1, Long.MAX_VALUE);
        assertEquals(3, m.registers(0).get(2));
        assertEquals(Long.MIN_VALUE, m.registers(0).get(1));
    }

    @Test
    @DisplayName("stap stores the CPU address as a halfword; with prefix 0x4000 real 0x100 is absolute 0x4100 (prefixing)")
    void stapAndPrefixing() {
        VmConfig.Builder cfg = VmConfig.builder("s390").vcpus(3).vcpuIds(0, 1, 0x42);
        Vm vm = Engine.create(new S390Architecture(), cfg.build());
        Machine m = new Machine(vm, "t");
        m.load(0x2000, vm.assemble("stap 0x100\nstap 0x102(%r5)\n", 0x2000).bytes());
        m.initialState(0, VcpuState.OFF);
        m.initialState(1, VcpuState.OFF);
        RegisterFile r = m.registers(2);
        r.pc(0x2000);
        r.set(S390Registers.PREFIX, 0x4000);
        r.set(5, 0x4000);
        m.run(2, Long.MAX_VALUE);
        byte[] b = new byte[2];
        m.memory().read(0x4100, b, 0, 2);
        assertEquals("0042", dev.hcsim.core.Bytes.hex(b), "real 0x100 is in the prefix area");
        m.memory().read(0x0102, b, 0, 2);
        assertEquals("0042", dev.hcsim.core.Bytes.hex(b), "real 0x4102 is absolute 0x102 (the swap)");
    }

    @Test
    @DisplayName("lpswe of a PSW without the wait bit jumps and loads the mask")
    void lpsweJumps() {
        Machine m = run("lpswe 0x800\n", 1);
        assertEquals(0, m.registers(0).pc(), "all-zero PSW at 0x800: address 0");
        Vm vm = Engine.create(new S390Architecture(), VmConfig.builder("s390").build());
        Machine m2 = new Machine(vm, "t");
        m2.load(0x2000, vm.assemble("lpswe 0x800\n", 0x2000).bytes());
        m2.load(0x800, dev.hcsim.core.Bytes.parseHex("0000300180000000 0000000000003000"));
        m2.registers(0).pc(0x2000);
        m2.run(1, Long.MAX_VALUE);
        assertEquals(0x3000, m2.registers(0).pc());
        assertEquals(0x0000_3001_8000_0000L, m2.registers(0).get(S390Registers.PSWM));
        assertEquals(3, S390Registers.cc(m2.registers(0).get(S390Registers.PSWM)));
    }

    @Test
    @DisplayName("an instruction outside the subset stops the vCPU with its address")
    void undecodable() {
        Vm vm = Engine.create(new S390Architecture(), VmConfig.builder("s390").build());
        Machine m = new Machine(vm, "t");
        m.load(0x2000, dev.hcsim.core.Bytes.parseHex("47f00000"));
        m.registers(0).pc(0x2000);
        m.run(5, Long.MAX_VALUE);
        assertEquals(VcpuState.STOPPED, m.stateOf(0));
        assertTrue(m.stopReason(0).contains("0x2000"), m.stopReason(0));
    }

    @Test
    @DisplayName("real-to-absolute is an involution: prefixing twice gives the address back, for all addresses and prefixes")
    void prefixingIsASwap() {
        qt().withExamples(200).forAll(longs().between(0, 1L << 40), longs().between(0, 0x7FFF_FFFFL)).check((a, px) -> {
            long p = px & S390Registers.PREFIX_MASK;
            long abs = S390Registers.realToAbsolute(a, p);
            return S390Registers.realToAbsolute(abs, p) == a || (p == 0 && abs == a) || (a >= p && a < p + 0x2000 && p < 0x2000);
        });
    }
}
