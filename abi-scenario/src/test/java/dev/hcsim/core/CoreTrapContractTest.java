package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TrapContract as data: the registers it names, the registers it promises to keep, its defaults and the faults and exits
 * it lists. The contracts here are the kernel's own, written over a layout with the kernel's register names, so that
 * each expected value can be checked against the kernel source the comment names.
 */
class CoreTrapContractTest {
    /** The x86 general registers in the kernel's VCPU_REGS_* order (arch/x86/include/asm/kvm_vcpu_regs.h). */
    private static final RegisterLayout X86_LAYOUT = RegisterLayout.builder().general("rax").general("rcx").general("rdx").general("rbx")
            .general("rsp").general("rbp").general("rsi").general("rdi").control("rflags", 64).build();

    /** kvm_emulate_hypercall (arch/x86/kvm/x86.c): nr = rax, a0..a3 = rbx, rcx, rdx, rsi, ret in rax; !op_64_bit cuts all to 32 bits. */
    private static TrapContract x86() {
        return TrapContract.builder(X86_LAYOUT).trapInstructions("vmcall (0f 01 c1)").number("rax", 64).arguments("rbx", "rcx", "rdx", "rsi")
                .results("rax").narrow(true, true, "kvm_emulate_hypercall: !op_64_bit").note("kvm_emulate_hypercall: ret in rax")
                .fault(Fault.X86.ud(0), "not vmcall or vmmcall", "arch/x86/kvm/x86.c handle_ud", Outcome.FAULT, Outcome.NOT_A_HYPERCALL)
                .fault(null, "not a trap instruction", "arch/x86/kvm/x86.c", Outcome.NOT_A_HYPERCALL)
                .exit(new Exit.Hypercall(12, new long[] {0, 0, 0, 0, 0, 0}, 0, 0), "KVM_HC_MAP_GPA_RANGE", "arch/x86/kvm/x86.c kvm_emulate_hypercall")
                .exit(new Exit.SystemEvent(SystemEventType.SHUTDOWN), "never on x86; listed for the test", "test")
                .build();
    }

    /** The arm64 SMCCC layout: x0..x30 and xzr (arch/arm64/kvm/hypercalls.c smccc_get_function reads x0, smccc_set_retval writes x0..x3). */
    private static RegisterLayout arm64Layout() {
        RegisterLayout.Builder b = RegisterLayout.builder();
        for (int i = 0; i <= 30; i++) {
            b.general("x" + i);
        }
        return b.general("xzr").zero().build();
    }

    @Test
    @DisplayName("TrapContract: the x86 KVM contract names rax as number and result and rbx, rcx, rdx, rsi as a0..a3 (kvm_emulate_hypercall)")
    void x86RegistersAreTheKernels() {
        TrapContract c = x86();
        int rax = X86_LAYOUT.require("rax");
        assertEquals(rax, c.numberRegister());
        assertEquals(64, c.numberBits());
        assertEquals(4, c.argumentCount());
        int[] args = {X86_LAYOUT.require("rbx"), X86_LAYOUT.require("rcx"), X86_LAYOUT.require("rdx"), X86_LAYOUT.require("rsi")};
        for (int i = 0; i < 4; i++) {
            assertEquals(args[i], c.argumentRegister(i), "a" + i);
        }
        assertArrayEquals(args, c.argumentRegisters());
        assertEquals(1, c.resultCount());
        assertEquals(rax, c.resultRegister(0));
        assertArrayEquals(new int[] {rax}, c.resultRegisters());
        assertEquals(List.of("rbx", "rcx", "rdx", "rsi"), c.names(c.argumentRegisters()));
        assertTrue(c.isResult(rax));
        for (int r = 1; r < X86_LAYOUT.size(); r++) {
            assertFalse(c.isResult(r), X86_LAYOUT.name(r));
        }
        assertEquals("vmcall (0f 01 c1)", c.trapInstructions());
        assertTrue(c.narrowTruncatesArguments());
        assertTrue(c.narrowTruncatesResults());
        assertEquals("kvm_emulate_hypercall: !op_64_bit", c.narrowRule());
        assertEquals(List.of("kvm_emulate_hypercall: ret in rax"), c.notes());
        assertEquals(TrapContract.UnsetResults.UNCHANGED, c.unsetResults());
        assertEquals(X86_LAYOUT, c.layout());
    }

    @Test
    @DisplayName("TrapContract.preservedRegisters: every general register but the results and the zero register (x86: all but rax; arm64 SMCCC: x4..x30)")
    void preservedRegistersAreTheGeneralNonResults() {
        TrapContract x = x86();
        assertEquals(List.of("rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"), x.names(x.preservedRegisters()), "rflags is no general register");
        RegisterLayout a = arm64Layout();
        // arch/arm64/kvm/hypercalls.c smccc_set_retval writes x0..x3; SMCCC v1.1+ keeps x4..x17 (and the callee-saved rest)
        TrapContract arm = TrapContract.builder(a).number("x0", 32).arguments("x1", "x2", "x3").results("x0", "x1", "x2", "x3")
                .unsetResults(TrapContract.UnsetResults.ZEROED).build();
        List<String> kept = arm.names(arm.preservedRegisters());
        assertEquals(27, kept.size(), kept.toString());
        assertEquals("x4", kept.get(0));
        assertEquals("x30", kept.get(26));
        assertFalse(kept.contains("xzr"), "the zero register is nobody's to preserve");
        assertEquals(TrapContract.UnsetResults.ZEROED, arm.unsetResults());
        assertEquals(32, arm.numberBits());
    }

    @Test
    @DisplayName("TrapContract: the register arrays it hands out are copies; changing one changes no answer of the contract")
    void arraysAreCopies() {
        TrapContract c = x86();
        c.argumentRegisters()[0] = 99;
        c.resultRegisters()[0] = 99;
        c.preservedRegisters()[0] = 99;
        assertEquals(X86_LAYOUT.require("rbx"), c.argumentRegisters()[0]);
        assertEquals(X86_LAYOUT.require("rax"), c.resultRegisters()[0]);
        assertEquals(X86_LAYOUT.require("rcx"), c.preservedRegisters()[0]);
    }

    @Test
    @DisplayName("TrapContract defaults: no 32-bit mode, the PC past the trap, no privilege rule, unset results left as they were")
    void defaults() {
        TrapContract c = TrapContract.builder(X86_LAYOUT).number("rax", 64).results("rax").build();
        assertEquals("no 32-bit mode", c.narrowRule());
        assertFalse(c.narrowTruncatesArguments());
        assertFalse(c.narrowTruncatesResults());
        assertEquals("PC advances past the trap instruction", c.pcRule());
        assertEquals("none", c.privilegeRule());
        assertEquals("", c.trapInstructions());
        assertEquals(TrapContract.UnsetResults.UNCHANGED, c.unsetResults());
        assertEquals(0, c.argumentCount());
        assertEquals(List.of(), c.notes());
        assertEquals(List.of(), c.produces());
        TrapContract d = TrapContract.builder(X86_LAYOUT).number("rax", 64).results("rax").pcRule("RIP += 3").privilegeRule("CPL 0 (kvm_x86_call(get_cpl))")
                .build();
        assertEquals("RIP += 3", d.pcRule());
        assertEquals("CPL 0 (kvm_x86_call(get_cpl))", d.privilegeRule());
    }

    @Test
    @DisplayName("TrapContract.build refuses a contract without a number register, without a result register, or with a number width other than 32 or 64")
    void incompleteContractsAreRefused() {
        assertThrows(IllegalStateException.class, () -> TrapContract.builder(X86_LAYOUT).results("rax").build());
        assertThrows(IllegalStateException.class, () -> TrapContract.builder(X86_LAYOUT).number("rax", 64).build());
        for (int bits : new int[] {0, 16, 31, 33, 63, 65}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TrapContract.builder(X86_LAYOUT).number("rax", bits).results("rax").build(), "bits " + bits);
            assertEquals("number width must be 32 or 64 bits", e.getMessage());
        }
        assertEquals(32, TrapContract.builder(X86_LAYOUT).number("rax", 32).results("rax").build().numberBits());
        assertThrows(IllegalArgumentException.class, () -> TrapContract.builder(X86_LAYOUT).number("eax", 64), "an unknown register");
    }

    @Test
    @DisplayName("TrapContract.produces lists faults and exits with their outcomes in declaration order; an exit is an exit, a fault is not")
    void producesAsDeclared() {
        List<TrapContract.Produced> p = x86().produces();
        assertEquals(4, p.size());
        assertEquals("#UD", p.get(0).kind());
        assertEquals(Set.of(Outcome.FAULT, Outcome.NOT_A_HYPERCALL), p.get(0).outcomes());
        assertEquals("FAULT|NOT_A_HYPERCALL", p.get(0).outcomeNames(), "Outcome's order, whatever order the builder got them in");
        assertFalse(p.get(0).isExit());
        assertEquals("not vmcall or vmmcall", p.get(0).condition());
        assertEquals("arch/x86/kvm/x86.c handle_ud", p.get(0).source());
        assertEquals(TrapContract.Produced.NO_FAULT, p.get(1).kind());
        assertEquals("NOT_A_HYPERCALL", p.get(1).outcomeNames());
        assertEquals("KVM_EXIT_HYPERCALL", p.get(2).kind());
        assertTrue(p.get(2).isExit());
        assertEquals("EXIT_TO_HOST", p.get(2).outcomeNames());
        assertEquals("KVM_EXIT_SYSTEM_EVENT SHUTDOWN", p.get(3).kind());
        assertThrows(UnsupportedOperationException.class, () -> p.add(p.get(0)));
    }

    @Test
    @DisplayName("TrapContract.fault refuses EXIT_TO_HOST, and a fault-less entry with any outcome but NOT_A_HYPERCALL; Produced refuses blanks")
    void malformedEntriesAreRefused() {
        TrapContract.Builder b = TrapContract.builder(X86_LAYOUT).number("rax", 64).results("rax");
        assertThrows(IllegalArgumentException.class, () -> b.fault(Fault.X86.ud(0), "c", "s", Outcome.EXIT_TO_HOST));
        assertThrows(IllegalArgumentException.class, () -> b.fault(Fault.X86.ud(0), "c", "s", Outcome.FAULT, Outcome.EXIT_TO_HOST));
        assertThrows(IllegalArgumentException.class, () -> b.fault(null, "c", "s", Outcome.FAULT));
        assertThrows(IllegalArgumentException.class, () -> b.fault(null, "c", "s", Outcome.NOT_A_HYPERCALL, Outcome.FAULT));
        b.fault(Fault.X86.gp(0, 0), "c", "s", Outcome.INTERRUPTED);
        assertEquals(1, b.build().produces().size(), "the refused ones were not added");
        Set<Outcome> one = EnumSet.of(Outcome.FAULT);
        assertThrows(IllegalArgumentException.class, () -> new TrapContract.Produced(Set.of(), "k", "c", "s"));
        assertThrows(IllegalArgumentException.class, () -> new TrapContract.Produced(one, " ", "c", "s"));
        assertThrows(IllegalArgumentException.class, () -> new TrapContract.Produced(one, "k", "", "s"));
        assertThrows(IllegalArgumentException.class, () -> new TrapContract.Produced(one, "k", "c", " "));
        assertEquals("k", new TrapContract.Produced(one, "k", "c", "s").kind());
    }

    @Test
    @DisplayName("TrapContract.listing: a fault or exit matches the entry of its kind and outcome; a completed call and an unlisted kind or outcome match none")
    void listingMatchesKindAndOutcome() {
        TrapContract c = x86();
        Fault ud = Fault.X86.ud(0x1000);
        assertEquals(Optional.of(c.produces().get(0)), c.listing(Outcome.FAULT, null, ud));
        assertEquals(Optional.of(c.produces().get(0)), c.listing(Outcome.NOT_A_HYPERCALL, null, ud));
        assertEquals(Optional.empty(), c.listing(Outcome.INTERRUPTED, null, ud), "#UD is not listed as delivered");
        assertEquals(Optional.empty(), c.listing(Outcome.FAULT, null, Fault.X86.gp(0, 0x1000)), "#GP is not listed");
        assertEquals(Optional.of(c.produces().get(1)), c.listing(Outcome.NOT_A_HYPERCALL, null, null));
        assertEquals(Optional.empty(), c.listing(Outcome.RESUME, null, null));
        assertEquals(Optional.empty(), c.listing(Outcome.HALT, null, null));
        Exit hc = new Exit.Hypercall(12, new long[] {1, 2, 3, 0, 0, 0}, 0, 0);
        assertEquals(Optional.of(c.produces().get(2)), c.listing(Outcome.EXIT_TO_HOST, hc, null));
        assertEquals(Optional.of(c.produces().get(3)), c.listing(Outcome.EXIT_TO_HOST, new Exit.SystemEvent(SystemEventType.SHUTDOWN), null));
        assertEquals(Optional.empty(), c.listing(Outcome.EXIT_TO_HOST, new Exit.SystemEvent(SystemEventType.RESET), null));
        assertEquals(Optional.empty(), c.listing(Outcome.EXIT_TO_HOST, new Exit.Debug(0), null));
    }
}
