package dev.hcsim.arch.s390;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

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
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.testing.AllocationRounds;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The contract as properties over all register values (the s390 view of the conformance kit). */
class S390ContractPropertiesTest {
    private static final TrapContract C = S390Contract.contract();

    private static Rig rigWith(List<Long> values) {
        Rig rig = Rig.of(2);
        RegisterFile r = rig.regs();
        for (int i = 0; i < 16; i++) {
            r.set(i, values.get(i));
        }
        return rig;
    }

    @Test
    @DisplayName("contract: r1 = number (64 bits), r2..r7 = arguments, r2 = result, no narrow mode (kvm_para.h kvm_hypercall6)")
    void contractAsData() {
        var l = S390Registers.layout();
        assertEquals("r1", l.name(C.numberRegister()));
        assertEquals(64, C.numberBits());
        assertEquals(List.of("r2", "r3", "r4", "r5", "r6", "r7"), C.names(C.argumentRegisters()));
        assertEquals(List.of("r2"), C.names(C.resultRegisters()));
        assertEquals(TrapContract.UnsetResults.UNCHANGED, C.unsetResults());
        assertEquals(15, C.preservedRegisters().length);
    }

    @Test
    @DisplayName("DIAG 0x500: only r2 and the PC change (and nothing when a program interruption answers), for all register values")
    void onlyResultRegistersChange() {
        qt().withExamples(200).forAll(lists().of(longs().all()).ofSize(16), integers().between(0, 8)).check((values, sub) -> {
            List<Long> v = new java.util.ArrayList<>(values);
            v.set(1, (long) sub);
            Rig rig = rigWith(v);
            long[] before = rig.regs().snapshot();
            TrapResult t = rig.trap("diag %r2,%r4,0x500");
            long[] after = rig.regs().snapshot();
            for (int reg : C.preservedRegisters()) {
                if (before[reg] != after[reg]) {
                    return false;
                }
            }
            if (before[S390Registers.PSWM] != after[S390Registers.PSWM] || before[S390Registers.PREFIX] != after[S390Registers.PREFIX]) {
                return false;
            }
            if (t.outcome() == Outcome.RESUME) {
                return rig.regs().pc() == Rig.PC + 4;
            }
            return t.outcome() == Outcome.FAULT && before[2] == after[2] && rig.regs().pc() == Rig.PC && t.nextPc() == Rig.PC + 4;
        });
    }

    @Test
    @DisplayName("every status a DIAGNOSE answers is documented by the architecture's codec and the call's spec")
    void everyStatusDocumented() {
        S390Architecture arch = new S390Architecture();
        int[] codes = {0x10, 0x44, 0x9c, 0x258, 0x288, 0x308, 0x318, 0x500, 0x501, 0x204, 0x0};
        qt().withExamples(200).forAll(lists().of(longs().all()).ofSize(16), integers().between(0, codes.length - 1),
                integers().between(0, 15)).check((values, ci, r1) -> {
                    List<Long> v = new java.util.ArrayList<>(values);
                    v.set(1, v.get(1) & 7);
                    Rig rig = rigWith(v);
                    TrapResult t = rig.trap("diag %r" + r1 + ",%r" + ((r1 + 1) & 15) + "," + codes[ci]);
                    Status s = t.status();
                    if (s == null) {
                        return false;
                    }
                    if (!arch.status().documents(s)) {
                        return false;
                    }
                    long nr = codes[ci] == 0x500 ? t.number() : codes[ci];
                    HypercallSpec spec = codes[ci] == 0x500 && nr > 4 || codes[ci] == 0 ? null : Engine.context(rig.vm).hypercalls().lookup(nr);
                    // as the conformance kit states it: not-implemented is always allowed (a call the VM does not offer)
                    return spec == null ? s == Status.NOT_IMPLEMENTED || s == Status.PERMISSION : s == Status.NOT_IMPLEMENTED || spec.statuses().contains(s);
                });
    }

    @Test
    @DisplayName("DIAGNOSE never changes the PSW mask or the prefix, SIGP only the condition code, for all fields and registers")
    void controlRegistersKept() {
        int[] codes = {0x10, 0x44, 0x9c, 0x258, 0x288, 0x308, 0x318, 0x500, 0x501};
        VmConfig.Builder cfg = VmConfig.builder("s390").vcpus(2).feature("diag288", true).feature("unpack", true);
        qt().withExamples(300).forAll(lists().of(longs().all()).ofSize(16), integers().between(0, 255), integers().all()).check((values, fields, pick) -> {
            Rig rig = Rig.of(cfg);
            for (int i = 0; i < 16; i++) {
                rig.regs().set(i, (values.get(i) & 0xFF) == 0 ? values.get(i) & 0xFFFF : values.get(i));
            }
            boolean sigp = (pick & 1) != 0;
            int code = sigp ? (pick >>> 1) & 0xFF : codes[Math.floorMod(pick >>> 1, codes.length)];
            long pswm = rig.regs().get(S390Registers.PSWM);
            long prefix = rig.regs().get(S390Registers.PREFIX);
            byte[] b = {(byte) (sigp ? 0xAE : 0x83), (byte) (int) fields, (byte) (code >>> 8), (byte) code};
            rig.m.load(Rig.PC, b);
            rig.regs().pc(Rig.PC);
            rig.vm.trap(0, rig.regs(), rig.m.memory(), rig.m);
            if (sigp && code == 6 && (rig.regs().get(((int) fields) & 0xF) & 0xFFFF) == 0) {
                return true; // SIGP RESTART to itself loads the restart new PSW (tested on its own)
            }
            long mask = sigp ? ~(3L << S390Registers.CC_SHIFT) : -1L;
            return (rig.regs().get(S390Registers.PSWM) & mask) == (pswm & mask) && rig.regs().get(S390Registers.PREFIX) == prefix;
        });
    }

    @Test
    @DisplayName("unknown DIAG 0x500 numbers (r1 >= 5, any upper bits) give the specification exception with r2 unchanged")
    void unknownNumbers() {
        qt().withExamples(200).forAll(longs().all(), longs().all()).check((nr, r2) -> {
            if (nr >= 0 && nr <= 4) {
                return true;
            }
            Rig rig = Rig.of(1);
            rig.regs().set(1, nr);
            rig.regs().set(2, r2);
            TrapResult t = rig.trap("diag %r2,%r4,0x500");
            return t.status() == Status.NOT_IMPLEMENTED && t.outcome() == Outcome.FAULT && rig.regs().get(2) == r2
                    && rig.faultCode(0) == 6 && "PGM_SPECIFICATION".equals(t.statusName());
        });
    }

    @Test
    @DisplayName("the function code is the low 16 bits of GPR[B2] + D2, for all base values")
    void functionCodeFromBase() {
        qt().withExamples(200).forAll(longs().all()).check(base -> {
            Rig rig = Rig.of(1);
            rig.regs().set(5, base);
            rig.regs().set(1, 4);
            TrapResult t = rig.trapHex(0, "83245010");
            int code = (int) ((base + 0x10) & 0xFFFF);
            if (code == 0x500) {
                return t.outcome() == Outcome.RESUME && rig.regs().get(2) == 0xFFFF;
            }
            boolean known = code == 0x10 || code == 0x44 || code == 0x9c || code == 0x258 || code == 0x308 || code == 0x318 || code == 0x501;
            return known || (t.outcome() == Outcome.FAULT && t.status() == Status.NOT_IMPLEMENTED);
        });
    }

    @Test
    @DisplayName("a trap never throws, for any instruction bytes, registers and privilege")
    void trapIsTotal() {
        qt().withExamples(300).forAll(longs().all(), lists().of(longs().all()).ofSize(16), integers().between(0, 1)).check((w, values, p) -> {
            Rig rig = rigWith(values);
            if (p == 1) {
                rig.regs().set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET | S390Registers.PSW_MASK_PSTATE);
            }
            byte[] b = new byte[6];
            dev.hcsim.core.Bytes.put(b, 0, 6, w, true);
            rig.m.load(Rig.PC, b);
            rig.regs().pc(Rig.PC);
            TrapResult t = rig.vm.trap(0, rig.regs(), rig.m.memory(), rig.m);
            rig.regs().pc(Rig.PC);
            // the embedding path without a scheduler, and with the bytes handed over (possibly too few)
            TrapResult u = rig.vm.trap(0, rig.regs(), rig.m.memory(), null, java.util.Arrays.copyOf(b, (int) (w & 7)));
            return t.outcome() != null && u.outcome() != null;
        });
    }

    @Test
    @DisplayName("every function code 0..0xFFFF and every SIGP order 0..255 has a defined answer, with or without a scheduler")
    void everyCodeAnswers() {
        Rig rig = Rig.of(VmConfig.builder("s390").vcpus(2).feature("diag288", true).feature("unpack", true));
        RegisterFile r = rig.regs();
        for (int code = 0; code <= 0xFFFF; code++) {
            for (int withControl = 0; withControl < 2; withControl++) {
                r.set(5, code);
                r.set(3, 1);
                r.set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET);
                r.pc(Rig.PC);
                rig.m.load(Rig.PC, dev.hcsim.core.Bytes.parseHex(code < 256 ? "ae435000" : "83235000"));
                TrapResult t = rig.vm.trap(0, r, rig.m.memory(), withControl == 0 ? null : rig.m);
                assertTrue(t.outcome() != null && (t.status() != null || t.outcome() == Outcome.EXIT_TO_HOST), "code 0x" + Integer.toHexString(code));
                if (code >= 256 && t.outcome() == Outcome.RESUME) {
                    assertTrue(Engine.context(rig.vm).hypercalls().lookup(code) != null || code == 0x500, "code 0x" + Integer.toHexString(code));
                }
            }
        }
    }

    /** A scheduler stand-in that allocates nothing. */
    private static final class QuietControl implements VcpuControl {
        @Override
        public VcpuState state(int vcpu) {
            return VcpuState.RUNNABLE;
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

    @Test
    @DisplayName("the trap path allocates nothing for calls that touch no memory (DIAG 0x500/4, 0x44, 0x9c, SIGP sense)")
    void trapPathAllocatesNothing() throws Exception {
        Vm vm = Engine.create(new S390Architecture(), VmConfig.builder("s390").vcpus(2).build());
        SparseMemory mem = new SparseMemory(vm.config().memory());
        byte[] code = dev.hcsim.core.Bytes.parseHex("83240500830000448310009cae430001");
        mem.write(0x2000, code, 0, code.length);
        RegisterFile regs = new RegisterFile(S390Registers.layout());
        regs.set(S390Registers.PSWM, S390Registers.PSW_MASK_RESET);
        QuietControl control = new QuietControl();
        AllocationRounds.assertSettlesBelow(4096, "80000 traps", () -> {
            for (int i = 0; i < 20_000; i++) {
                for (int k = 0; k < 4; k++) {
                    regs.pc(0x2000 + 4L * k);
                    regs.set(1, k == 0 ? 4 : 1);
                    regs.set(3, 1);
                    vm.trap(0, regs, mem, control);
                }
            }
        });
    }
}
