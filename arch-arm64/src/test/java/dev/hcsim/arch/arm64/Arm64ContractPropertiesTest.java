package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.testing.AllocationRounds;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The contract as properties over all register values, on the embedding path (Vm.trap with an EffectLog). */
class Arm64ContractPropertiesTest {
    private static final List<Long> NUMBERS = Arm64Hypercalls.ALL.stream().map(HypercallSpec::number).toList();
    private static final String[] INSNS = {"hvc #0", "hvc #0x1234", "smc #0", "smc #1"};

    /** One VM per mode, with vCPU 1 off so that CPU_ON can start it, and the PV structures registered. */
    private static final class Rig {
        final Vm vm;
        final SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        final EffectLog control = new EffectLog(2);
        final RegisterFile regs = new RegisterFile(Arm64Registers.LAYOUT);

        Rig(String mode, String psci) {
            vm = Vm.create(VmConfig.builder("arm64").vcpus(2).option("mode", mode).option("psci", psci).option("pvtime-ipa", "0x8000")
                    .option("pvlock", "on").option("pvlock-ipa", "0x9000").feature("system-suspend", true).build());
            vm.resetVcpu(0, regs);
            control.state(1, VcpuState.OFF);
        }
    }

    private static long number(SplittableRandom r) {
        return r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(2) == 0 ? NUMBERS.get(r.nextInt(NUMBERS.size())) : NUMBERS.get(r.nextInt(NUMBERS
                .size())) | r.nextLong() << 32;
    }

    @Test
    @DisplayName("for all register values: only x0..x3 and the PC change, the PC ends at the trap or past it, no exception escapes")
    void onlyResultsAndPcChange() {
        TrapContract c = Arm64Contract.CONTRACT;
        qt().withExamples(400).forAll(longs().all(), integers().between(0, INSNS.length - 1), integers().between(0, 5)).checkAssert(
                (seed, insn, variant) -> {
                    Rig rig = new Rig(variant == 5 ? "aarch32" : "aarch64", variant == 4 ? "0.1" : variant == 3 ? "1.0" : "1.3");
                    SplittableRandom r = new SplittableRandom(seed);
                    byte[] code = rig.vm.assemble(INSNS[insn], 0x1000).bytes();
                    if (variant == 5) {
                        code = new byte[] {0x70, 0x00, 0x40, (byte) 0xe1}; // A32 hvc #0
                    }
                    rig.mem.write(0x1000, code, 0, 4);
                    for (int i = 0; i <= Arm64Registers.SP; i++) {
                        rig.regs.set(i, r.nextLong());
                    }
                    rig.regs.set(0, number(r));
                    rig.regs.set(Arm64Registers.NZCV, (long) r.nextInt(16) << 28);
                    rig.regs.pc(0x1000);
                    long[] before = rig.regs.snapshot();
                    TrapResult t = rig.vm.trap(0, rig.regs, rig.mem, rig.control);
                    long[] after = rig.regs.snapshot();
                    for (int reg = 0; reg < before.length; reg++) {
                        if (!c.isResult(reg)) {
                            assertEquals(before[reg], after[reg], Arm64Registers.LAYOUT.name(reg) + " changed by " + t.callName());
                        }
                    }
                    assertTrue(rig.regs.pc() == 0x1000 || rig.regs.pc() == 0x1004, "pc");
                    if (t.outcome() == Outcome.RESUME || t.outcome() == Outcome.HALT || t.outcome() == Outcome.STOP) {
                        assertEquals(0x1004, t.nextPc());
                    }
                });
    }

    @Test
    @DisplayName("every status a call returns is documented by the codec it is encoded with and listed in the call's spec")
    void statusesAreDocumented() {
        qt().withExamples(400).forAll(longs().all()).checkAssert(seed -> {
            Rig rig = new Rig("aarch64", "1.3");
            SplittableRandom r = new SplittableRandom(seed);
            rig.mem.write(0x1000, new byte[] {2, 0, 0, (byte) 0xd4}, 0, 4);
            rig.regs.set(0, NUMBERS.get(r.nextInt(NUMBERS.size())));
            for (int i = 1; i < 4; i++) {
                rig.regs.set(i, r.nextInt(4) == 0 ? r.nextLong() : NUMBERS.get(r.nextInt(NUMBERS.size())) & (r.nextBoolean() ? -1 : 3));
            }
            rig.regs.pc(0x1000);
            rig.vm.trap(0, rig.regs, rig.mem, rig.control);
            Trap t = Engine.context(rig.vm).frame(0);
            if (t.status() != null) {
                assertTrue(t.codec().documents(t.status()), t.status() + " of " + t.callName() + " in " + t.codec().family());
                HypercallSpec s = Engine.context(rig.vm).hypercalls().lookup(t.number());
                if (s != null) {
                    assertTrue(s.statuses().contains(t.status()), t.status() + " not listed for " + s.name());
                }
            }
        });
    }

    @Test
    @DisplayName("unknown function IDs give the not-implemented answer: x0 = -1, x1..x3 = 0, over HVC and SMC #0")
    void unknownNumbers() {
        qt().withExamples(500).forAll(longs().all(), longs().all(), integers().between(0, 1)).checkAssert((nr, arg, smc) -> {
            Rig rig = new Rig("aarch64", "1.3");
            if (Engine.context(rig.vm).hypercalls().lookup(nr & 0xFFFF_FFFFL) != null) {
                return;
            }
            rig.mem.write(0x1000, new byte[] {(byte) (smc == 1 ? 3 : 2), 0, 0, (byte) 0xd4}, 0, 4);
            rig.regs.set(0, nr);
            rig.regs.set(1, arg);
            rig.regs.set(2, ~arg);
            rig.regs.set(3, arg ^ 0x5555);
            rig.regs.pc(0x1000);
            TrapResult t = rig.vm.trap(0, rig.regs, rig.mem, rig.control);
            assertEquals(-1L, rig.regs.get(0));
            assertEquals(0, rig.regs.get(1));
            assertEquals(0, rig.regs.get(2));
            assertEquals(0, rig.regs.get(3));
            assertEquals("SMCCC_RET_NOT_SUPPORTED", t.statusName());
        });
    }

    @Test
    @DisplayName("the trap path allocates nothing: 200000 traps of VERSION, ARCH_FEATURES, PSCI_FEATURES, AFFINITY_INFO, CALL_UID and an unknown ID")
    void noAllocation() throws Exception {
        Rig rig = new Rig("aarch64", "1.3");
        rig.mem.write(0x1000, new byte[] {2, 0, 0, (byte) 0xd4}, 0, 4);
        long[][] calls = {{0x80000000L, 0}, {0x80000001L, 0x80008000L}, {0x8400000AL, 0xC4000003L}, {0xC4000004L, 1}, {0x8600FF01L, 0},
            {0x12345678L, 0}, {0x84000000L, 0}, {0x80008000L, 0}};
        AllocationRounds.assertSettlesBelow(4096, "200000 traps", () -> {
            for (int i = 0; i < 200_000; i++) {
                long[] call = calls[i & 7];
                rig.regs.pc(0x1000);
                rig.regs.set(0, call[0]);
                rig.regs.set(1, call[1]);
                rig.regs.set(2, 0);
                rig.vm.trap(0, rig.regs, rig.mem, rig.control);
            }
        });
        assertEquals(0, rig.regs.get(0)); // the last call, ARCH_WORKAROUND_1 over HVC
    }

    @Test
    @DisplayName("Vm.trap never throws for any instruction word, mode, EL and register values; a non-trap word changes no register")
    void trapIsTotal() {
        String[] modes = {"aarch64", "aarch32", "thumb"};
        qt().withExamples(600).forAll(integers().all(), integers().between(0, 2), longs().all()).checkAssert((word, mode, seed) -> {
            Rig rig = new Rig(modes[mode], "1.3");
            SplittableRandom r = new SplittableRandom(seed);
            rig.mem.write(0x1000, new byte[] {(byte) (int) word, (byte) (word >> 8), (byte) (word >> 16), (byte) (word >> 24)}, 0, 4);
            for (int i = 0; i <= Arm64Registers.SP; i++) {
                rig.regs.set(i, r.nextLong());
            }
            rig.regs.set(Arm64Registers.EL, r.nextInt(4));
            rig.regs.set(Arm64Registers.NZCV, (long) r.nextInt(16) << 28);
            rig.regs.pc(0x1000);
            long[] before = rig.regs.snapshot();
            TrapResult t = rig.vm.trap(0, rig.regs, rig.mem, rig.control);
            if (t.outcome() == Outcome.FAULT || t.outcome() == Outcome.NOT_A_HYPERCALL) {
                assertTrue(java.util.Arrays.equals(before, rig.regs.snapshot()), "a fault changed registers");
                assertEquals(0x1000, rig.regs.pc());
            }
        });
    }
}
