package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Hcsim;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every kernel-derived golden case shipped in the artifact, run against hcsim's own model (status included). */
class GoldenCasesTest {
    @TestFactory
    Stream<DynamicTest> everyGoldenCaseHoldsOnHcsim() {
        return Hcsim.architectures().stream().flatMap(a -> GoldenCases.of(a.name()).stream()).map(g ->
                DynamicTest.dynamicTest(g.architecture() + ": " + g.name() + " [" + g.source() + "]", () -> {
                    String failure = g.checkHcsim();
                    assertTrue(failure.isEmpty(), failure);
                }));
    }

    @TestFactory
    Stream<DynamicTest> everyArchitectureShipsGoldenCasesNamingTheirSource() {
        return Hcsim.architectures().stream().map(a -> DynamicTest.dynamicTest(a.name(), () -> {
            var cases = GoldenCases.of(a.name());
            assertTrue(cases.size() >= 8, a.name() + " ships " + cases.size() + " golden cases");
            cases.forEach(g -> assertTrue(g.source().matches(".*(\\.c|\\.h|\\.S|\\.rst|selftest|QEMU).*"), g.name() + ": " + g.source()));
        }));
    }
}
