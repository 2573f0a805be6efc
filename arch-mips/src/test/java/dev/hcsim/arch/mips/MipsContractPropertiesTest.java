package dev.hcsim.arch.mips;

import static dev.hcsim.arch.mips.MipsCalls.ENOSYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.testing.AllocationRounds;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The contract as properties over all register values (arch/mips/kvm/hypcall.c kvm_mips_handle_hypcall). */
class MipsContractPropertiesTest {
    /** Numbers worth hitting often: 0..12 (the generic and MIPS ones), and everything else. */
    private static final Gen<Long> NUMBERS = integers().between(0, 12).map(Integer::longValue).mix(longs().all(), 40);
    private static final Gen<long[]> GPRS = longs().all().zip(longs().all(), (a, b) -> {
        long[] r = new long[32];
        java.util.SplittableRandom s = new java.util.SplittableRandom(a ^ (b << 1));
        for (int i = 0; i < 32; i++) {
            r[i] = (i & 1) == 0 ? s.nextLong() : (s.nextInt(3) == 0 ? b + i : a - i);
        }
        return r;
    }).describedAs(Arrays::toString);

    /** Guest memory over one array (so that the allocation check measures the library only). */
    static final class ArrayMemory implements GuestMemory {
        final byte[] ram = new byte[0x4000];

        @Override
        public boolean read(long gpa, byte[] dst, int off, int len) {
            if (gpa < 0 || len < 0 || gpa + len > ram.length) {
                return false;
            }
            System.arraycopy(ram, (int) gpa, dst, off, len);
            return true;
        }

        @Override
        public boolean write(long gpa, byte[] src, int off, int len) {
            if (gpa < 0 || len < 0 || gpa + len > ram.length) {
                return false;
            }
            System.arraycopy(src, off, ram, (int) gpa, len);
            return true;
        }
    }

    /** An embedder's vCPU control that records nothing. */
    static final class NoControl implements VcpuControl {
        @Override
        public VcpuState state(int vcpu) {
            return VcpuState.RUNNING;
        }

        @Override
        public void kick(int vcpu) {
        }

        @Override
        public void interrupt(int vcpu, int vector) {
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

    private static Vm vm(boolean little, boolean paravirt) {
        return Vm.create(VmConfig.builder("mips").option("endian", little ? "little" : "big").option("paravirt-guest", paravirt ? "on" : "off")
                .build());
    }

    private static ArrayMemory memoryWithHypcall(boolean little) {
        ArrayMemory m = new ArrayMemory();
        dev.hcsim.core.Bytes.put(m.ram, 0x1000, 4, MipsCodec.HYPCALL, !little);
        return m;
    }

    private static RegisterFile regs(long[] gprs, long nr) {
        RegisterFile r = new RegisterFile(MipsRegisters.layout());
        for (int i = 0; i < 32; i++) {
            r.set(i, gprs[i]);
        }
        r.set(MipsRegisters.V0, nr);
        r.pc(0x1000);
        return r;
    }

    @Test
    @DisplayName("for all register values and numbers, both byte orders: only v0 and the PC change, v0 = -KVM_ENOSYS, PC = P+4 "
            + "(hypcall.c kvm_mips_handle_hypcall writes gprs[2] only; vz.c update_pc)")
    void onlyV0AndPcChange() {
        qt().withExamples(300).forAll(NUMBERS, GPRS, booleans().all()).checkAssert((nr, gprs, little) -> {
            Vm vm = vm(little, false);
            RegisterFile r = regs(gprs, nr);
            RegisterFile before = new RegisterFile(MipsRegisters.layout());
            before.copyFrom(r);
            TrapResult t = vm.trap(0, r, memoryWithHypcall(little), new NoControl());
            assertEquals(Outcome.RESUME, t.outcome());
            assertEquals(ENOSYS, r.get(MipsRegisters.V0));
            assertEquals(0x1004, r.pc());
            for (int i : vm.contract().preservedRegisters()) {
                assertEquals(before.get(i), r.get(i), MipsRegisters.name(i));
            }
        });
    }

    @Test
    @DisplayName("with paravirt-guest=on too, for all register values: only the contract's result register and the PC change")
    void onlyResultRegistersChangeWithParavirt() {
        qt().withExamples(300).forAll(NUMBERS, GPRS).checkAssert((nr, gprs) -> {
            Vm vm = vm(false, true);
            RegisterFile r = regs(gprs, nr);
            RegisterFile before = new RegisterFile(MipsRegisters.layout());
            before.copyFrom(r);
            vm.trap(0, r, memoryWithHypcall(false), new NoControl());
            TrapContract c = vm.contract();
            for (int i = 0; i < 32; i++) {
                if (!c.isResult(i)) {
                    assertEquals(before.get(i), r.get(i), MipsRegisters.name(i));
                }
            }
            assertEquals(0x1004, r.pc());
        });
    }

    @Test
    @DisplayName("every status any call returns is documented by the KVM_E* codec and by the call's spec")
    void everyStatusIsDocumented() {
        qt().withExamples(300).forAll(NUMBERS, GPRS, booleans().all()).checkAssert((nr, gprs, paravirt) -> {
            Vm vm = vm(false, paravirt);
            TrapResult t = vm.trap(0, regs(gprs, nr), memoryWithHypcall(false), new NoControl());
            Status s = t.status();
            assertTrue(Engine.context(vm).architecture().status().documents(s), String.valueOf(s));
            HypercallSpec spec = Engine.context(vm).hypercalls().lookup(nr);
            if (spec != null) {
                assertTrue(spec.statuses().contains(s), spec + " " + s);
            }
        });
    }

    @Test
    @DisplayName("unknown numbers (all but 6..8) answer -KVM_ENOSYS with or without paravirt-guest; 6..8 do without it")
    void unknownNumbersAreEnosys() {
        qt().withExamples(300).forAll(longs().all(), booleans().all()).checkAssert((nr, paravirt) -> {
            boolean known = nr >= 6 && nr <= 8;
            if (known && paravirt) {
                return;
            }
            Vm vm = vm(false, paravirt);
            RegisterFile r = regs(new long[32], nr);
            TrapResult t = vm.trap(0, r, memoryWithHypcall(false), new NoControl());
            assertEquals(Status.NOT_IMPLEMENTED, t.status());
            assertEquals(ENOSYS, r.get(MipsRegisters.V0));
        });
    }

    @Test
    @DisplayName("the trap path allocates nothing: decode, contract read, dispatch and write, in and out of a delay slot")
    void trapPathAllocatesNothing() throws Exception {
        Vm vm = vm(false, false);
        ArrayMemory mem = memoryWithHypcall(false);
        dev.hcsim.core.Bytes.put(mem.ram, 0x2000, 4, 0x1043_0003, true); // beq v0,v1,+3
        dev.hcsim.core.Bytes.put(mem.ram, 0x2004, 4, MipsCodec.HYPCALL, true);
        RegisterFile r = new RegisterFile(MipsRegisters.layout());
        NoControl control = new NoControl();
        AllocationRounds.assertSettlesBelow(1024, "40000 traps", () -> {
            for (int i = 0; i < 20_000; i++) {
                r.pc(0x1000);
                r.set(MipsRegisters.BD, 0);
                r.set(MipsRegisters.V0, i);
                vm.trap(0, r, mem, control);
                r.pc(0x2000);
                r.set(MipsRegisters.BD, 1);
                vm.trap(0, r, mem, control);
            }
        });
        assertEquals(0x2008, r.pc()); // v0 = 19999 != v1 = 0: not taken, branch + 8
    }

    @Test
    @DisplayName("for all register values, HYPCALL in the delay slot of beq / bne rs,rt: PC = target exactly when the branch "
            + "is taken with the registers before the call, else branch + 8; only v0 and the PC change (emulate.c update_pc)")
    void delaySlotBranchForAllRegisters() {
        qt().withExamples(300).forAll(GPRS, integers().between(0, 1023), integers().between(-0x8000, 0x7FFF), booleans().all())
                .checkAssert((gprs, pair, off, ne) -> {
                    int rs = pair & 31;
                    int rt = pair >>> 5;
                    Vm vm = vm(false, false);
                    ArrayMemory mem = new ArrayMemory();
                    int branch = (ne ? 0x1400_0000 : 0x1000_0000) | rs << 21 | rt << 16 | (off & 0xFFFF);
                    dev.hcsim.core.Bytes.put(mem.ram, 0x2000, 4, branch, true);
                    dev.hcsim.core.Bytes.put(mem.ram, 0x2004, 4, MipsCodec.HYPCALL, true);
                    RegisterFile r = regs(gprs, gprs[2]);
                    r.set(MipsRegisters.ZERO, 0);
                    r.pc(0x2000);
                    r.set(MipsRegisters.BD, 1);
                    RegisterFile before = new RegisterFile(MipsRegisters.layout());
                    before.copyFrom(r);
                    boolean taken = (before.get(rs) == before.get(rt)) != ne;
                    TrapResult t = vm.trap(0, r, mem, new NoControl());
                    assertEquals(Outcome.RESUME, t.outcome());
                    assertEquals(taken ? 0x2004L + ((long) off << 2) : 0x2008L, r.pc());
                    assertEquals(ENOSYS, r.get(MipsRegisters.V0));
                    for (int i : vm.contract().preservedRegisters()) {
                        assertEquals(before.get(i), r.get(i), MipsRegisters.name(i));
                    }
                });
    }

    @Test
    @DisplayName("Vm.trap never throws: any instruction bytes (0..8 of them), any registers, Cause.BD set or not, any PC, "
            + "both byte orders, paravirt-guest on or off; the outcome is always defined")
    void trapIsTotal() {
        qt().withExamples(500).forAll(GPRS, longs().all(), integers().between(0, 8), integers().between(0, 7)).checkAssert((gprs, bytes, n, mode) -> {
            boolean little = (mode & 1) != 0;
            boolean paravirt = (mode & 2) != 0;
            boolean bd = (mode & 4) != 0;
            Vm vm = vm(little, paravirt);
            RegisterFile r = regs(gprs, gprs[2] & 0xF); // small numbers reach the paravirtual handlers
            r.set(MipsRegisters.BD, bd ? 1 : 0);
            r.pc(gprs[31] & 0x3FFC); // inside or just outside the 16 KiB of memory
            byte[] insn = new byte[n];
            for (int i = 0; i < n; i++) {
                insn[i] = (byte) (bytes >>> (8 * i));
            }
            if ((bytes & 1) == 0 && n >= 4) {
                // often a real HYPCALL (random code) where the hardware would find it: the word, or the delay slot
                int at = bd && n == 8 ? 4 : 0;
                dev.hcsim.core.Bytes.put(insn, at, 4, MipsCodec.HYPCALL | (int) ((bytes >>> 40) & 1) << 11, !little);
            }
            ArrayMemory mem = new ArrayMemory();
            TrapResult t = n == 0 ? vm.trap(0, r, mem, new NoControl()) : vm.trap(0, r, mem, new NoControl(), insn);
            assertTrue(t.outcome() != null);
            if (t.status() != null) {
                assertTrue(Engine.context(vm).architecture().status().documents(t.status()));
            }
        });
    }
}
