package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Rules of arch/x86/kvm/xen.c kvm_xen_hypercall that hold for all register values. */
class X86XenPropertiesTest {
    /** Numbers worth hitting often: the handled ones, the bit-31 edge, and everything else. */
    private static final Gen<Long> NUMBERS = integers().between(0, 40).map(Integer::longValue)
            .mix(longs().all(), 40).mix(longs().between(0x8000_0000L, 0x8000_00FFL), 20);

    private static Machine machine(boolean hyperv, boolean intel) {
        VmConfig.Builder b = VmConfig.builder("x86").feature("xen", true).option("cpl", "3").option("xen-version", "0x4000a")
                .option("xen-timer-port", "13").option("xen-shared-info", "0x8000").option("xen-evtchn-send", "on")
                .option("vendor", intel ? "intel" : "amd");
        if (hyperv) {
            b.feature("hyperv", true);
        }
        Machine m = new Machine(Vm.create(b.build()), "p");
        m.load(0x1000, new byte[] {0x0F, 0x01, (byte) (intel ? 0xC1 : 0xD9)});
        return m;
    }

    @Test
    @DisplayName("for all RAX and arguments at CPL 3: KVM_EXIT_XEN with cpl 3 and nothing changed, unless EAX bit 31 with "
            + "Hyper-V enabled hands the call to kvm_hv_hypercall, which raises #UD")
    void cpl3AlwaysExits() {
        qt().withExamples(1500).forAll(NUMBERS, longs().all(), integers().between(0, 7))
                .checkAssert((nr, args, flags) -> {
                    boolean hyperv = (flags & 1) != 0;
                    boolean intel = (flags & 2) != 0;
                    boolean narrow = (flags & 4) != 0;
                    Machine m = machine(hyperv, intel);
                    RegisterFile r = m.registers(0);
                    for (int i = 0; i < 16; i++) {
                        r.set(i, args * (i + 1));
                    }
                    r.set(X86Registers.RAX, nr);
                    r.set(X86Registers.EFER_LMA, narrow ? 0 : 1);
                    r.set(X86Registers.CS_L, narrow ? 0 : 1);
                    r.pc(0x1000);
                    RegisterFile before = new RegisterFile(r.layout());
                    before.copyFrom(r);
                    TrapResult t = m.vm().trap(0, r, m.memory(), m);
                    long eax = narrow ? nr & 0xFFFF_FFFFL : nr;
                    if (hyperv && (eax & 0x8000_0000L) != 0) {
                        assertEquals(Outcome.FAULT, t.outcome());
                        assertEquals(Fault.X86.ud(0x1000), t.fault(), "hyperv.c kvm_hv_hypercall: CPL > 0 is #UD");
                    } else {
                        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
                        Exit.XenHcall x = (Exit.XenHcall) t.exit();
                        assertEquals(3, x.cpl());
                        assertEquals(!narrow, x.longmode());
                        assertEquals(eax, x.input());
                        List<Long> p = x.params();
                        int[] regs = narrow ? new int[] {3, 1, 2, 6, 7, 5} : new int[] {7, 6, 2, 10, 8, 9};
                        for (int i = 0; i < 6; i++) {
                            long v = before.get(regs[i]);
                            assertEquals(narrow ? v & 0xFFFF_FFFFL : v, (long) p.get(i), "params[" + i + "]");
                        }
                    }
                    for (int i = 0; i < r.layout().size(); i++) {
                        assertEquals(before.get(i), r.get(i), "register " + r.layout().name(i) + " unchanged at the exit or fault");
                    }
                    assertEquals(0x1000, r.pc(), "RIP stays on the vmcall");
                });
    }

    @Test
    @DisplayName("for all results and modes: the VMM's xen.u.hcall.result lands in all 64 bits of RAX and RIP advances by 3")
    void completionWritesAllOfRax() {
        qt().withExamples(500).forAll(longs().all(), booleans().all())
                .checkAssert((result, narrow) -> {
                    Machine m = machine(false, true);
                    RegisterFile r = m.registers(0);
                    r.set(X86Registers.RAX, 99);
                    r.set(X86Registers.EFER_LMA, narrow ? 0 : 1);
                    r.set(X86Registers.CS_L, narrow ? 0 : 1);
                    r.pc(0x1000);
                    assertEquals(Outcome.EXIT_TO_HOST, m.vm().trap(0, r, m.memory(), m).outcome());
                    m.vm().completeExit(0, r, m.memory(), result);
                    assertEquals(result, r.get(X86Registers.RAX));
                    assertEquals(0x1003, r.pc());
                });
    }
}
