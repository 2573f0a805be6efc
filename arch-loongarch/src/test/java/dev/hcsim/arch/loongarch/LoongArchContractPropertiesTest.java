package dev.hcsim.arch.loongarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The HVCL contract as properties, read from {@link LoongArchContract#CONTRACT} itself: for all
 * register values only a0 and the PC change (hypercalls.rst: a0 is the only scratch register;
 * asm/kvm_para.h kvm_hypercall*: a0 is the sole output), every status is one of the three
 * documented codes, unknown functions and unknown codes answer KVM_HCALL_INVALID_CODE, and the
 * trap gate answers any 32-bit word without an exception.
 */
class LoongArchContractPropertiesTest {
    static final TrapContract C = LoongArchContract.CONTRACT;

    /** A VcpuControl that only counts (the embedding path's effects). */
    static final class CountingControl implements VcpuControl {
        int interrupts;

        @Override
        public VcpuState state(int vcpu) {
            return VcpuState.RUNNING;
        }

        @Override
        public void kick(int vcpu) {
        }

        @Override
        public void interrupt(int vcpu, int vector) {
            interrupts++;
        }

        @Override
        public boolean start(int vcpu, long entry, int contextRegister, long context) {
            return false;
        }

        @Override
        public void stop(int vcpu) {
        }

        @Override
        public long nowNanos() {
            return 0;
        }
    }

    static final class Rig {
        final Vm vm = Engine.create(LoongArchInterpreterTest.ARCH, VmConfig.builder("loongarch").vcpus(4).memory(0, 0x10000).build());
        final SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        final RegisterFile regs = new RegisterFile(LoongArchRegisters.LAYOUT);
        final CountingControl control = new CountingControl();

        TrapResult trap(int word, long[] values) {
            byte[] b = new byte[4];
            Bytes.put(b, 0, 4, word, false);
            mem.write(0x1000, b, 0, 4);
            for (int i = 0; i < values.length; i++) {
                regs.set(i, values[i]);
            }
            regs.pc(0x1000);
            return vm.trap(0, regs, mem, control);
        }
    }

    /** Register values: every general register and PLV random; a0 biased to the documented functions. */
    static Gen<long[]> registerValues() {
        return longs().all().map(seed -> {
            Random r = new Random(seed);
            long[] v = new long[LoongArchRegisters.LAYOUT.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(8);
                    case 1 -> r.nextInt() & 0xFFFF;
                    default -> r.nextLong();
                };
            }
            v[LoongArchRegisters.A0] = switch (r.nextInt(4)) {
                case 0 -> 1;
                case 1 -> 2;
                case 2 -> r.nextInt(5);
                default -> r.nextLong();
            };
            v[LoongArchRegisters.A1] = r.nextBoolean() ? 4 : v[LoongArchRegisters.A1];
            v[LoongArchRegisters.A2] = r.nextBoolean() ? (r.nextInt(0x100) << 6) | r.nextInt(2) : v[LoongArchRegisters.A2];
            v[LoongArchRegisters.PLV] &= 3;
            v[LoongArchRegisters.ZERO] = 0; // hard-wired
            return v;
        });
    }

    @Test
    @DisplayName("property: hvcl 0x100 changes only the contract's result register (a0) and the PC (+4), for all register values")
    void onlyResultsAndPcChange() {
        qt().withExamples(300).forAll(registerValues()).checkAssert(values -> {
            Rig rig = new Rig();
            TrapResult t = rig.trap(0x002b8100, values);
            assertEquals(Outcome.RESUME, t.outcome());
            assertEquals(0x1004, rig.regs.pc());
            for (int reg : C.preservedRegisters()) {
                assertEquals(values[reg], rig.regs.get(reg), LoongArchRegisters.LAYOUT.name(reg));
            }
            assertEquals(values[LoongArchRegisters.PLV], rig.regs.get(LoongArchRegisters.PLV));
        });
    }

    @Test
    @DisplayName("property: every status is a documented KVM_HCALL_* code and a0 holds exactly its 64-bit encoding")
    void everyStatusDocumented() {
        qt().withExamples(300).forAll(registerValues()).checkAssert(values -> {
            Rig rig = new Rig();
            TrapResult t = rig.trap(0x002b8100, values);
            assertNotNull(t.status());
            assertTrue(LoongArchStatus.CODEC.documents(t.status()), t.status().name());
            assertEquals(LoongArchStatus.CODEC.encode(t.status()), rig.regs.get(C.resultRegister(0)));
            if (t.callName() != null) {
                assertTrue(Engine.context(rig.vm).hypercalls().lookup(t.number()).statuses().contains(t.status()), t.callName() + " " + t.status());
            }
        });
    }

    @Test
    @DisplayName("property: a0 other than 1 and 2 (compared as all 64 bits) answers -1 (exit.c kvm_handle_service default)")
    void unknownFunctions() {
        qt().withExamples(300).forAll(registerValues(), longs().all()).checkAssert((values, a0) -> {
            if (a0 == 1 || a0 == 2) {
                return;
            }
            values[LoongArchRegisters.A0] = a0;
            Rig rig = new Rig();
            TrapResult t = rig.trap(0x002b8100, values);
            assertEquals(Status.NOT_IMPLEMENTED, t.status());
            assertEquals(-1L, rig.regs.get(LoongArchRegisters.A0));
            assertEquals(0, rig.control.interrupts);
        });
    }

    @Test
    @DisplayName("property: every HVCL code but 0x100..0x102 answers a0 = -1 with PC + 4 and nothing else (exit.c kvm_handle_hypercall default)")
    void unknownCodes() {
        qt().withExamples(300).forAll(integers().between(0, 0x7FFF), registerValues()).checkAssert((code, values) -> {
            if (code >= 0x100 && code <= 0x102) {
                return;
            }
            Rig rig = new Rig();
            rig.trap(0x002b8000 | code, values);
            assertEquals(-1L, rig.regs.get(LoongArchRegisters.A0));
            assertEquals(0x1004, rig.regs.pc());
            for (int reg : C.preservedRegisters()) {
                assertEquals(values[reg], rig.regs.get(reg));
            }
            assertEquals(0, rig.control.interrupts);
        });
    }

    @Test
    @DisplayName("property: CPUCFG changes only rd and the PC, rd is a zero-extended 32-bit leaf, and only the low 32 bits of rj count")
    void cpucfgOnlyRd() {
        qt().withExamples(300).forAll(integers().between(0, 31), integers().between(0, 31), registerValues(), longs().all())
                .checkAssert((rd, rj, values, index) -> {
                    values[rj] = rj == 0 ? 0 : index;
                    Rig rig = new Rig();
                    rig.trap(0x00006c00 | rj << 5 | rd, values);
                    long expected = LoongArchDiscovery.cpucfg(values[rj] & 0xFFFF_FFFFL, 0xE);
                    assertEquals(rd == 0 ? 0 : expected, rig.regs.get(rd));
                    assertEquals(0, expected >>> 32);
                    for (int reg = 0; reg < values.length; reg++) {
                        if (reg != rd) {
                            assertEquals(values[reg], rig.regs.get(reg));
                        }
                    }
                    assertEquals(0x1004, rig.regs.pc());
                });
    }

    @Test
    @DisplayName("property: Vm.trap answers any 32-bit word with a defined outcome, never an exception")
    void anyWord() {
        qt().withExamples(1000).forAll(integers().all(), registerValues()).checkAssert((w, values) -> {
            TrapResult t = new Rig().trap(w, values);
            assertNotNull(t.outcome());
        });
    }
}
