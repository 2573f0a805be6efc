package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The contract as properties over all register values (arch/x86/kvm/x86.c ____kvm_emulate_hypercall). */
class X86ContractPropertiesTest {
    /** Numbers worth hitting often: every documented one, and the edges. */
    private static final Gen<Long> NUMBERS = integers().between(0, 20).map(Integer::longValue)
            .mix(longs().all(), 30);
    /** The four argument registers RBX, RCX, RDX, RSI. */
    private static final Gen<long[]> ARGS = longs().all().zip(longs().all(), longs().all(), longs().all(),
            (a, b, c, d) -> new long[] {a, b, c, d}).describedAs(java.util.Arrays::toString);

    private static Machine machine(VmConfig c) {
        Machine m = new Machine(Vm.create(c), "p");
        m.load(0x1000, new byte[] {0x0F, 0x01, (byte) 0xC1});
        for (int i = 1; i < c.vcpus(); i++) {
            m.initialState(i, dev.hcsim.core.VcpuState.HALTED);
        }
        return m;
    }

    private static TrapResult trap(Machine m, long nr, long a0, long a1, long a2, long a3, long other) {
        RegisterFile r = m.registers(0);
        for (int i = 0; i < 16; i++) {
            r.set(i, other + i);
        }
        r.set(X86Registers.RAX, nr);
        r.set(X86Registers.RBX, a0);
        r.set(X86Registers.RCX, a1);
        r.set(X86Registers.RDX, a2);
        r.set(X86Registers.RSI, a3);
        r.pc(0x1000);
        return m.vm().trap(0, r, m.memory(), m);
    }

    @Test
    @DisplayName("for all register values: only RAX and RIP change (kvm_hypercall0..4 declare no other clobber)")
    void onlyRaxAndRipChange() {
        qt().withExamples(2000).forAll(NUMBERS, ARGS)
                .checkAssert((nr, a) -> {
                    long a0 = a[0];
                    long a1 = a[1];
                    long a2 = a[2];
                    long a3 = a[3];
                    Machine m = machine(VmConfig.builder("x86").vcpus(4).feature("exit-hypercall", true).build());
                    RegisterFile r = m.registers(0);
                    TrapResult t = trap(m, nr, a0 & 0xFFFF, a1, a2, a3, 0x5a5a_0000L);
                    long[] after = r.snapshot();
                    for (int reg = 1; reg < 16; reg++) {
                        long expected = switch (reg) {
                            case X86Registers.RBX -> a0 & 0xFFFF;
                            case X86Registers.RCX -> a1;
                            case X86Registers.RDX -> a2;
                            case X86Registers.RSI -> a3;
                            default -> 0x5a5a_0000L + reg;
                        };
                        assertEquals(expected, after[reg], "register " + X86Registers.NAMES64[reg] + " for nr " + nr);
                    }
                    long pc = r.pc();
                    assertTrue(pc == 0x1003 || (pc == 0x1000 && t.outcome() == dev.hcsim.core.Outcome.EXIT_TO_HOST));
                });
    }

    @Test
    @DisplayName("for all numbers and arguments: every status is one the KVM_E* codec documents, and the call's spec lists it")
    void statusesAreDocumented() {
        qt().withExamples(2000).forAll(NUMBERS, ARGS)
                .checkAssert((nr, a) -> {
                    long a0 = a[0];
                    long a1 = a[1];
                    long a2 = a[2];
                    long a3 = a[3];
                    Machine m = machine(VmConfig.builder("x86").vcpus(3).feature("exit-hypercall", true).build());
                    TrapResult t = trap(m, nr, a0, a1, a2, a3, 0);
                    if (t.status() != null) {
                        assertTrue(X86Status.CODEC.documents(t.status()), t.status().name());
                        var spec = Engine.context(m.vm()).hypercalls().lookup(nr);
                        if (spec != null) {
                            assertTrue(spec.statuses().contains(t.status()), spec.name() + " returned " + t.status());
                        } else {
                            assertEquals(Status.NOT_IMPLEMENTED, t.status(), "unknown numbers give -KVM_ENOSYS");
                        }
                    }
                });
    }

    @Test
    @DisplayName("for all numbers: CPL 1..3 always gives -KVM_EPERM (x86.c, the CPL check before dispatch)")
    void nonZeroCplAlwaysEperm() {
        qt().withExamples(1000).forAll(NUMBERS, integers().between(1, 3), longs().all()).checkAssert((nr, cpl, a) -> {
            Machine m = machine(VmConfig.builder("x86").vcpus(2).option("cpl", String.valueOf(cpl)).build());
            trap(m, nr, a, a, a, a, 0);
            assertEquals(-1L, m.registers(0).get(X86Registers.RAX));
        });
    }

    @Test
    @DisplayName("for all inputs in 32-bit mode: RAX after the call fits in 32 bits (complete_hypercall_exit)")
    void narrowResultsFit() {
        qt().withExamples(1500).forAll(NUMBERS, ARGS)
                .checkAssert((nr, a) -> {
                    long a0 = a[0];
                    long a1 = a[1];
                    long a2 = a[2];
                    long a3 = a[3];
                    Machine m = machine(VmConfig.builder("x86").vcpus(4).option("mode", "32").build());
                    trap(m, nr, a0, a1, a2, a3, 0);
                    assertEquals(0, m.registers(0).get(X86Registers.RAX) >>> 32, "nr " + nr);
                });
    }

    @Test
    @DisplayName("for all bitmaps, min and vCPU counts: SEND_IPI returns the number of existing, enabled targets (lapic.c __pv_send_ipi)")
    void sendIpiCountsTargets() {
        qt().withExamples(1000).forAll(ARGS, integers().between(0, 200), integers().between(1, 140))
                .checkAssert((a, min, vcpus) -> {
                    long lo = a[0];
                    long hi = a[1];
                    long disabled = a[2];
                    Machine m = machine(VmConfig.builder("x86").vcpus(vcpus).option("apic-disabled", Long.toUnsignedString(disabled)).build());
                    trap(m, 10, lo, hi, min, 0xEC, 0);
                    long expected = 0;
                    for (int i = 0; i < 128; i++) {
                        boolean bit = i < 64 ? (lo >>> i & 1) != 0 : (hi >>> (i - 64) & 1) != 0;
                        long id = min + i;
                        boolean enabled = id >= 64 || (disabled >>> id & 1) == 0;
                        if (bit && id < vcpus && enabled) {
                            expected++;
                        }
                    }
                    assertEquals(expected, m.registers(0).get(X86Registers.RAX));
                });
    }

    @Test
    @DisplayName("isolation: a CLOCK_PAIRING at any address never writes outside the VM's memory, nor another VM's")
    void isolation() {
        qt().withExamples(500).forAll(longs().all()).checkAssert(gpa -> {
            Machine a = machine(VmConfig.builder("x86").memory(0, 0x10000).build());
            Machine b = machine(VmConfig.builder("x86").memory(0, 0x10000).build());
            var before = b.memory().snapshotPages();
            trap(a, 9, gpa, 0, 0, 0, 0);
            long rax = a.registers(0).get(X86Registers.RAX);
            boolean inside = gpa >= 0 && gpa <= 0x10000 - 64;
            assertEquals(inside ? 0L : -14L, rax);
            var after = b.memory().snapshotPages();
            assertEquals(before.keySet(), after.keySet());
        });
    }

    @Test
    @DisplayName("embedding: an emulator's own memory that misses answers -KVM_EFAULT, never an exception")
    void embedderMemoryMiss() {
        Vm vm = Vm.create(VmConfig.builder("x86").build());
        GuestMemory tiny = new SparseMemory(List.of(new MemoryRegion(0x1000, 0x10)));
        tiny.write(0x1000, new byte[] {0x0F, 0x01, (byte) 0xC1}, 0, 3);
        RegisterFile r = new RegisterFile(X86Registers.LAYOUT);
        vm.resetVcpu(0, r);
        r.pc(0x1000);
        r.set(X86Registers.RAX, 9);
        r.set(X86Registers.RBX, 0x1000);
        Machine control = new Machine(vm, "ctl");
        vm.trap(0, r, tiny, control);
        assertEquals(-14L, r.get(X86Registers.RAX));
    }
}
