package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestMemory;
import dev.hcsim.core.Hcsim;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Architectures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The kit generates x86's Xen calls (arch/x86/kvm/xen.c kvm_xen_hypercall): every call the kernel handles, answered in
 * the kernel and exiting, in both conventions, at CPL 3, and handed to Hyper-V by EAX bit 31; and a handler that gets a
 * Xen rule wrong is caught.
 */
class XenConformanceTest {
    private static final int RAX = Hcsim.architecture("x86").registers().require("rax");

    private static boolean xen(VmConfig vm) {
        return vm.featuresOn().contains("xen");
    }

    private static boolean longMode(VmConfig vm) {
        return vm.options().getOrDefault("mode", "64").equals("64");
    }

    /**
     * Cuts Xen's result to 32 bits outside 64-bit mode, as KVM's own calls are cut (x86.c complete_hypercall_exit); Xen's
     * is not: kvm_xen_hypercall_set_result writes all of RAX in either mode.
     */
    static final class XenResultCutTo32Bits implements TrapHandler {
        @Override
        public Answer trap(VmConfig vm, int vcpu, byte[] insn, RegisterAccess regs, GuestMemory mem, VcpuControl control) {
            Answer a = TrapHandler.hcsim().trap(vm, vcpu, insn, regs, mem, control);
            if (xen(vm) && !longMode(vm) && a.outcome() == Outcome.RESUME) {
                regs.set(RAX, regs.get(RAX) & 0xFFFF_FFFFL);
            }
            return a;
        }
    }

    /** Reports a CPL &gt; 0 Xen exit as CPL 0: KVM_EXIT_XEN's {@code cpl} is the caller's (xen.c kvm_xen_hypercall). */
    static final class XenExitWithoutCpl implements TrapHandler {
        @Override
        public Answer trap(VmConfig vm, int vcpu, byte[] insn, RegisterAccess regs, GuestMemory mem, VcpuControl control) {
            Answer a = TrapHandler.hcsim().trap(vm, vcpu, insn, regs, mem, control);
            if (a.exit() instanceof Exit.XenHcall x && x.cpl() != 0) {
                return Answer.exit(new Exit.XenHcall(x.longmode(), 0, x.input(), x.result(), x.params()));
            }
            return a;
        }
    }

    /**
     * Never hands a call to Hyper-V: EAX bit 31 with Hyper-V enabled is kvm_hv_hypercall's ("Hyper-V hypercalls get bit 31
     * set in EAX", xen.c kvm_xen_hypercall), this handler answers it as a Xen call.
     */
    static final class IgnoresEaxBit31 implements TrapHandler {
        @Override
        public Answer trap(VmConfig vm, int vcpu, byte[] insn, RegisterAccess regs, GuestMemory mem, VcpuControl control) {
            VmConfig without = xen(vm) ? vm.toBuilder().feature("hyperv", false).build() : vm;
            return TrapHandler.hcsim().trap(without, vcpu, insn, regs, mem, control);
        }
    }

    /**
     * Fixed seeds for the planted handlers: with a fresh seed on every run (the kit's default), whether 400 calls happen to
     * include the one case a planted bug shows in is a matter of luck, and a test that fails once in many runs says nothing
     * about the code under test. Three seeds, each of which must catch the bug, keep the check on the kit's power.
     */
    private static final long[] SEEDS = {1L, 23L, 2026L};

    /** The reports the kit's Xen and Hyper-V generators give {@code handler} under each of {@link #SEEDS}; fails when one finds nothing wrong. */
    private static List<String> caught(TrapHandler handler) {
        List<String> reports = new ArrayList<>();
        for (long seed : SEEDS) {
            reports.add(assertThrows(AssertionError.class, () -> ConformanceKit.of(handler, 400).withSeed(seed).differentialOtherAbis("x86"),
                    "seed " + seed).getMessage());
        }
        return reports;
    }

    @Test
    void aXenResultCutTo32BitsIsCaught() {
        for (String m : caught(new XenResultCutTo32Bits())) {
            assertTrue(m.contains("--feature xen") && m.contains("rax: expected 0xffffffff"), m);
        }
    }

    @Test
    void theGoldenXenCasesCatchTheCutResultAndTheIgnoredBit31() {
        AssertionError cut = assertThrows(AssertionError.class, () -> ConformanceKit.of(new XenResultCutTo32Bits(), 1).golden("x86"));
        assertTrue(cut.getMessage().contains("'Xen #3 SCHEDOP_poll with 129 ports"), cut.getMessage());
        AssertionError bit31 = assertThrows(AssertionError.class, () -> ConformanceKit.of(new IgnoresEaxBit31(), 1).golden("x86"));
        assertTrue(bit31.getMessage().contains("'Xen #7 EAX bit 31 with Hyper-V on") && bit31.getMessage().contains("'Xen #8"), bit31.getMessage());
    }

    @Test
    void aXenExitWithTheWrongCplIsCaught() {
        for (String m : caught(new XenExitWithoutCpl())) {
            assertTrue(m.contains("--feature xen") && m.contains("exit: expected"), m);
        }
    }

    @Test
    void aHypervCallThroughXenAnsweredAsXenIsCaught() {
        for (String m : caught(new IgnoresEaxBit31())) {
            assertTrue(m.contains("--feature xen") && m.contains("--feature hyperv"), m);
        }
    }

    /**
     * What the generated Xen calls reach on hcsim's model, tallied over 1500 calls (about half of them Xen's): each of the five calls of
     * kvm_xen_hypercall's switch answered in the kernel in 64-bit and in 32-bit mode, each exiting, a negative errno, a
     * poll that halts, CPL 3 exits, and EAX bit 31 handed to kvm_hv_hypercall (its status, or #UD at CPL 3).
     */
    @Test
    void theGeneratedXenCallsReachEveryPathOfKvmXenHypercall() {
        Set<String> seen = new TreeSet<>();
        var hyperv = Architectures.named("x86").otherAbis().stream().filter(f -> f.feature().equals("hyperv")).findFirst().orElseThrow();
        qt().withFixedSeed(23).withExamples(1500).forAll(AbiGenerators.otherAbiCalls(Architectures.named("x86"))).checkAssert(inv -> {
            if (!inv.features().getOrDefault("xen", false)) {
                return;
            }
            OracleRun r = Calls.oracle(inv);
            Observation o = r.observed();
            long rax = inv.registers().get("rax");
            boolean lm = inv.options().getOrDefault("mode", "64").equals("64");
            String mode = lm ? "64" : "32";
            long nr = lm ? rax : rax & 0xFFFF_FFFFL;
            boolean bit31 = (nr & 0x8000_0000L) != 0 && inv.features().getOrDefault("hyperv", false);
            if (bit31) {
                if (o.fault() instanceof Fault.X86 f && f.vector() == 6 || r.trap() != null && r.trap().codec() == hyperv.status()) {
                    seen.add("hyperv");
                }
                return;
            }
            if (o.exit() instanceof Exit.XenHcall x) {
                assertEquals(nr, x.input(), inv.commandLine());
                seen.add(x.cpl() > 0 ? "exit cpl" + x.cpl() : "exit " + nr);
            } else if (o.outcome() == Outcome.HALT) {
                seen.add("halt " + nr);
            } else if (o.outcome() == Outcome.RESUME || o.outcome() == Outcome.YIELD) {
                seen.add("kernel " + nr + " " + mode);
                if (o.after().get(RAX) < 0) {
                    seen.add("errno " + nr);
                }
            }
        });
        Set<String> expected = new TreeSet<>(Set.of("hyperv", "halt 29", "errno 24", "errno 29", "exit cpl3"));
        for (long nr : new long[] {15, 17, 24, 29, 32}) {
            expected.add("exit " + nr);
            expected.add("kernel " + nr + " 64");
            expected.add("kernel " + nr + " 32");
        }
        expected.removeAll(seen);
        assertTrue(expected.isEmpty(), "never reached: " + expected + "; reached " + seen);
    }

    /** The option values the generator sets are all accepted by the VM (none is refused when the VM is created). */
    @Test
    void everyGeneratedXenVmIsAValidVm() {
        Map<String, Integer> refused = new TreeMap<>();
        qt().withFixedSeed(5).withExamples(300).forAll(AbiGenerators.otherAbiCalls(Architectures.named("x86"))).checkAssert(inv -> {
            OracleRun r = Calls.oracle(inv);
            if (r.observed().error() != null) {
                refused.merge(r.observed().error(), 1, Integer::sum);
            }
        });
        assertTrue(refused.isEmpty(), refused.toString());
    }
}
