package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Bad input to the kit is a one-line IllegalArgumentException naming what is wrong, never a stack of causes to read. */
class BadInputTest {
    private static IllegalArgumentException parse(String json) {
        return assertThrows(IllegalArgumentException.class,
                () -> GoldenCases.parse("x86", new ObjectMapper().readTree(json), "x86.json"));
    }

    @Test
    void aCaseWithoutExpectNamesTheCase() {
        IllegalArgumentException e = parse("[{\"name\": \"n1\", \"source\": \"x86.c f\"}]");
        assertEquals("x86.json case 'n1': missing 'expect'", e.getMessage());
    }

    @Test
    void anUnknownOutcomeListsTheKnownOnes() {
        IllegalArgumentException e = parse("[{\"name\": \"n1\", \"source\": \"x86.c f\", \"expect\": {\"outcome\": \"RESUMED\"}}]");
        assertTrue(e.getMessage().startsWith("x86.json case 'n1': 'RESUMED' is not a Outcome; one of [RESUME, HALT"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aBadNumberNamesTheRegister() {
        IllegalArgumentException e = parse("[{\"name\": \"n1\", \"source\": \"x86.c f\", \"registers\": {\"rax\": \"12q\"},"
                + " \"expect\": {\"outcome\": \"RESUME\"}}]");
        assertTrue(e.getMessage().startsWith("x86.json case 'n1': rax: '12q' is not a number"), e.getMessage());
    }

    @Test
    void badMemoryNamesTheAddress() {
        IllegalArgumentException e = parse("[{\"name\": \"n1\", \"source\": \"x86.c f\", \"memory\": {\"0x10\": \"abc\"},"
                + " \"expect\": {\"outcome\": \"RESUME\"}}]");
        assertTrue(e.getMessage().startsWith("x86.json case 'n1': memory 0x10: hex byte string 'abc' has an odd number of digits"), e.getMessage());
    }

    @Test
    void aFileThatIsNoArrayIsNamed() {
        assertEquals("x86.json: expected a JSON array of cases", parse("{}").getMessage());
    }

    @Test
    void aKitNeedsAtLeastOneExample() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConformanceKit.of(TrapHandler.hcsim(), 0));
        assertEquals("examples must be at least 1, got 0", e.getMessage());
    }

    @Test
    void anUnknownArchitectureListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConformanceKit.of(TrapHandler.hcsim(), 1).golden("vax"));
        assertTrue(e.getMessage().startsWith("unknown architecture 'vax'; known: arm64, loongarch, mips, ppc, riscv, s390, x86"), e.getMessage());
    }

    @Test
    void aHandlerThatThrowsIsReportedNotPropagated() {
        TrapHandler broken = (vm, vcpu, insn, regs, mem, control) -> {
            throw new IllegalStateException("boom");
        };
        AssertionError e = assertThrows(AssertionError.class, () -> ConformanceKit.of(broken, 5).differential("mips"));
        assertTrue(e.getMessage().contains("the handler threw java.lang.IllegalStateException: boom"), e.getMessage());
    }
}
