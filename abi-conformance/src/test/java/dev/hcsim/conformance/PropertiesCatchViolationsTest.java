package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each property reports a violation when the run breaks it: a real hcsim run with one thing changed
 * afterwards, as a wrong model would leave it. (The property tests show hcsim keeps them; these show
 * they can fail.)
 */
class PropertiesCatchViolationsTest {
    private static Invocation x86(Map<String, String> options, Map<String, Long> regs) {
        Invocation i = new Invocation("x86", options, Map.of(), 1, 0, Set.of(), 0, new byte[0], regs, Map.of());
        return i.withTrap(new byte[] {0x0f, 0x01, (byte) 0xc1});
    }

    /** The run with its observation replaced: registers after as {@code change} leaves them, accesses as given. */
    private static OracleRun tampered(OracleRun r, java.util.function.Consumer<RegisterFile> change, List<GuestAccess> accesses) {
        RegisterFile after = new RegisterFile(r.observed().after().layout());
        after.copyFrom(r.observed().after());
        change.accept(after);
        Observation o = r.observed();
        return new OracleRun(r.invocation(), r.vm(), r.trap(),
                new Observation(o.outcome(), o.exit(), o.fault(), o.before(), after, o.memory(), accesses, o.effects(), o.error()));
    }

    private static OracleRun tampered(OracleRun r, java.util.function.Consumer<RegisterFile> change) {
        return tampered(r, change, r.observed().accesses());
    }

    @Test
    void aChangedPreservedRegisterIsReported() {
        OracleRun r = Calls.oracle(x86(Map.of(), Map.of("rax", 1L, "rbx", 7L)));
        assertEquals(List.of(), AbiProperties.onlyResultsChange(r));
        List<String> v = AbiProperties.onlyResultsChange(tampered(r, f -> f.set("rbx", 8)));
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).startsWith("rbx changed (0x0000000000000007 -> 0x0000000000000008) with outcome RESUME"), v.get(0));
    }

    @Test
    @DisplayName("a fault or exit the contract does not list (or an outcome without its fault) is reported")
    void anUnlistedFaultOrExitIsReported() {
        OracleRun r = Calls.oracle(x86(Map.of(), Map.of("rax", 1L)).withTrap(new byte[] {0x0f, 0x0b})); // ud2: #UD, listed
        assertEquals(Outcome.FAULT, r.observed().outcome());
        assertEquals(List.of(), AbiProperties.listedFaultsAndExits(r));
        Observation o = r.observed();
        // #DE: no x86 trap produces a divide error, so X86Contract does not list it
        Observation de = new Observation(o.outcome(), null, new Fault.X86(Fault.X86.DE, false, 0, 0, 0x1000), o.before(), o.after(), o.memory(),
                o.accesses(), o.effects(), null);
        assertEquals(List.of("FAULT #DE is not listed by the contract (hcsim explain --arch x86)"),
                AbiProperties.listedFaultsAndExits(new OracleRun(r.invocation(), r.vm(), r.trap(), de)));
        Observation bare = new Observation(o.outcome(), null, null, o.before(), o.after(), o.memory(), o.accesses(), o.effects(), null);
        assertEquals(List.of("FAULT without its fault"), AbiProperties.listedFaultsAndExits(new OracleRun(r.invocation(), r.vm(), r.trap(), bare)));
    }

    @Test
    void aPcThatIsNotTheNextPcIsReported() {
        OracleRun r = Calls.oracle(x86(Map.of(), Map.of("rax", 1L)));
        assertEquals(List.of(), AbiProperties.pcRule(r));
        assertEquals(1, AbiProperties.pcRule(tampered(r, f -> f.pc(f.pc() + 1))).size());
    }

    @Test
    void aStatusEncodedWronglyIsReported() {
        OracleRun r = Calls.oracle(x86(Map.of(), Map.of("rax", 0L)));
        assertEquals(List.of(), AbiProperties.documentedStatus(r));
        List<String> v = AbiProperties.documentedStatus(tampered(r, f -> f.set("rax", -38)));
        assertEquals(List.of("status NOT_IMPLEMENTED should read 0xfffffffffffffc18 (-KVM_ENOSYS) in rax, got 0xffffffffffffffda"), v);
    }

    @Test
    void aWideNarrowResultIsReported() {
        OracleRun r = Calls.oracle(x86(Map.of("mode", "32"), Map.of("rax", 0L)));
        assertEquals(List.of(), AbiProperties.narrowResults(r));
        assertEquals(1, AbiProperties.narrowResults(tampered(r, f -> f.set("rax", -1000))).size());
    }

    @Test
    void anAnsweredAccessOutsideGuestMemoryIsReported() {
        OracleRun r = Calls.oracle(x86(Map.of(), Map.of("rax", 1L)));
        assertEquals(List.of(), AbiProperties.memoryInside(r));
        List<GuestAccess> accesses = new ArrayList<>(r.observed().accesses());
        accesses.add(new GuestAccess(0x10_0000, 8, true, true));
        assertEquals(List.of("write of 8 bytes at 0x100000 is outside guest memory"),
                AbiProperties.memoryInside(tampered(r, f -> { }, accesses)));
    }

    @Test
    void anAnswerThatDependsOnThePoisonIsReported() {
        OracleRun a = Calls.oracle(AbiRelations.poison(x86(Map.of(), Map.of("rax", 1L)), AbiRelations.POISON_A));
        OracleRun b = Calls.oracle(AbiRelations.poison(x86(Map.of(), Map.of("rax", 1L)), AbiRelations.POISON_B));
        assertEquals(List.of(), AbiRelations.sameAnswer(a, b));
        List<String> v = AbiRelations.sameAnswer(a, tampered(b, f -> f.set("rax", 5)));
        assertEquals(List.of("rax differs: 0x0000000000000000 vs 0x0000000000000005"), v);
    }
}
