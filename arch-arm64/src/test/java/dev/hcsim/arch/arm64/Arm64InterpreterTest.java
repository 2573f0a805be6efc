package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The interpreter executes the A64 subset as the Arm ARM defines it. */
class Arm64InterpreterTest {
    private static Machine run(String source, long... x) {
        Machine m = new Machine(VmConfig.builder("arm64").build(), "i");
        m.load(0x1000, m.vm().assemble(source, 0x1000).bytes());
        RegisterFile r = m.registers(0);
        r.pc(0x1000);
        for (int i = 0; i < x.length; i++) {
            r.set(i, x[i]);
        }
        m.run(10_000, Long.MAX_VALUE);
        return m;
    }

    @Test
    @DisplayName("movz + movk build any 64-bit value; W writes zero bits 63:32; mov (wide) covers movn values")
    void moves() {
        RegisterFile r = run("movz x0, #0xdef0\nmovk x0, #0x9abc, lsl #16\nmovk x0, #0x5678, lsl #32\nmovk x0, #0x1234, lsl #48\n"
                + "mov x1, #-2\nmov w2, #-1\nmovk w3, #0x7, lsl #16\nadd w4, w1, #1\nmov x5, sp\nwfi\n", 0, 0, 0, 0xFFFF_FFFF_0000_0001L)
                .registers(0);
        assertEquals(0x1234_5678_9ABC_DEF0L, r.get(0));
        assertEquals(-2L, r.get(1));
        assertEquals(0xFFFF_FFFFL, r.get(2));
        assertEquals(0x0007_0001L, r.get(3));
        assertEquals(0xFFFF_FFFFL, r.get(4));
    }

    @Test
    @DisplayName("ldr/str of 8, 16, 32 and 64 bits are little-endian and zero-extend; a load outside memory stops the vCPU with the address")
    void loadsAndStores() {
        Machine m = run("movz x1, #0x3000\nmovz x0, #0x8877\nmovk x0, #0x6655, lsl #16\nmovk x0, #0x4433, lsl #32\nmovk x0, #0x2211, lsl #48\n"
                + "str x0, [x1]\nldrb w2, [x1, #1]\nldrh w3, [x1, #2]\nldr w4, [x1, #4]\nstrh w0, [x1, #16]\nldr x5, [x1, #16]\n"
                + "movz x6, #0x1, lsl #32\nldr x7, [x6]\nwfi\n");
        RegisterFile r = m.registers(0);
        assertEquals(0x88, r.get(2));
        assertEquals(0x6655, r.get(3));
        assertEquals(0x2211_4433L, r.get(4));
        assertEquals(0x8877, r.get(5));
        assertEquals(VcpuState.STOPPED, m.stateOf(0));
        assertTrue(m.stopReason(0).contains("0x100000000"), m.stopReason(0));
    }

    private static final String[] CONDS = {"eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al"};

    private static boolean expected(String cond, long a, long b) {
        long d = a - b;
        boolean v = ((a ^ b) & (a ^ d)) < 0;
        return switch (cond) {
            case "eq" -> a == b;
            case "ne" -> a != b;
            case "hs" -> Long.compareUnsigned(a, b) >= 0;
            case "lo" -> Long.compareUnsigned(a, b) < 0;
            case "mi" -> d < 0;
            case "pl" -> d >= 0;
            case "vs" -> v;
            case "vc" -> !v;
            case "hi" -> Long.compareUnsigned(a, b) > 0;
            case "ls" -> Long.compareUnsigned(a, b) <= 0;
            case "ge" -> a >= b;
            case "lt" -> a < b;
            case "gt" -> a > b;
            case "le" -> a <= b;
            default -> true;
        };
    }

    @Test
    @DisplayName("for all x0, x1 and conditions: cmp x0, x1 + b.cond branches exactly when the Arm ARM condition holds")
    void compareAndBranch() {
        qt().withExamples(300).forAll(longs().all(), longs().all(), integers().between(0, CONDS.length - 1)).checkAssert((a, b0, c) -> {
            long b = (b0 & 1) == 0 ? a : b0; // equal operands half the time
            Machine m = run("cmp x0, x1\nb." + CONDS[c] + " yes\nmov x2, #0\nwfi\nyes: mov x2, #1\nwfi\n", a, b);
            assertEquals(expected(CONDS[c], a, b) ? 1 : 0, m.registers(0).get(2), "b." + CONDS[c] + " " + a + " vs " + b);
        });
    }

    @Test
    @DisplayName("32-bit cmp uses the W views; cbz/cbnz test 32 or 64 bits; wfi halts the vCPU")
    void narrowCompare() {
        Machine m = run("cmp w0, #1\nb.ne bad\ncbnz w1, bad\ncbz x1, bad\nmov x2, #1\nwfi\nbad: mov x2, #0xbad\nwfi\n", 0x7_0000_0001L,
                0x1_0000_0000L);
        assertEquals(1, m.registers(0).get(2));
        assertEquals(VcpuState.HALTED, m.stateOf(0));
        assertEquals(RunResult.Reason.IDLE, m.run(10, Long.MAX_VALUE).reason());
    }

    @Test
    @DisplayName("mrs x0, mpidr_el1 reads the vCPU's MPIDR (affinity + RES1 bit 31)")
    void mpidr() {
        Machine m = new Machine(VmConfig.builder("arm64").vcpus(20).build(), "mp");
        m.load(0x1000, m.vm().assemble("mrs x3, mpidr_el1\nwfi\n", 0x1000).bytes());
        for (int v = 0; v < 20; v++) {
            m.registers(v).pc(0x1000);
        }
        m.run(1000, Long.MAX_VALUE);
        assertEquals(0x8000_0000L, m.registers(0).get(3));
        assertEquals(0x8000_0103L, m.registers(19).get(3));
    }

    private static java.util.List<String> sgi(int vcpus, int sender, long value) {
        dev.hcsim.core.Vm vm = dev.hcsim.core.Vm.create(VmConfig.builder("arm64").vcpus(vcpus).build());
        RegisterFile regs = new RegisterFile(Arm64Registers.LAYOUT);
        regs.set(3, value);
        dev.hcsim.core.spi.Cpu cpu = new dev.hcsim.core.spi.Cpu(Engine.context(vm), sender, regs, null);
        dev.hcsim.core.EffectLog log = new dev.hcsim.core.EffectLog(vcpus);
        cpu.control(log);
        assertEquals(dev.hcsim.core.spi.Cpu.NEXT, Arm64Codec.decodeWord(0xD518CBA3, 0).execute(cpu));
        return log.drain().stream().map(Object::toString).toList();
    }

    @Test
    @DisplayName("vgic-mmio-v3.c vgic_v3_dispatch_sgi: TargetList with Aff1 and RS picks vCPUs by affinity, IRM = all but self, absent targets skipped")
    void sgiTargets() {
        assertEquals(java.util.List.of("interrupt vcpu1 vector 0x3", "interrupt vcpu2 vector 0x3"), sgi(4, 0, 0x0300_0006L));
        assertEquals(java.util.List.of("interrupt vcpu17 vector 0x0"), sgi(20, 0, 0x0001_0002L)); // Aff1 = 1, Aff0 = 1
        // RS = 1 names Aff0 = 16, which reset_mpidr never gives (Aff0 is 0..15): nobody is interrupted.
        assertEquals(java.util.List.of(), sgi(20, 0, 0x1000_0000_0001L));
        assertEquals(java.util.List.of("interrupt vcpu0 vector 0x5", "interrupt vcpu2 vector 0x5"), sgi(3, 1, 0x100_0500_0000L)); // IRM
        assertEquals(java.util.List.of("interrupt vcpu1 vector 0xf"), sgi(2, 1, 0x0F00_0002L)); // a vCPU may interrupt itself
        assertEquals(java.util.List.of(), sgi(2, 0, 0x0F00_0000L)); // empty TargetList
    }
}
