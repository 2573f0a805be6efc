package dev.hcsim.conformance;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The JUnit 5 entry point: extend it, return your handler, and JUnit runs the differential property
 * and the golden cases for every architecture you name.
 *
 * <pre>{@code
 * class MyHandlerConformanceTest extends TrapHandlerConformance {
 *     @Override protected TrapHandler handler() { return new MyHandler(); }
 *     @Override protected List<String> architectures() { return List.of("x86"); }
 * }
 * }</pre>
 */
public abstract class TrapHandlerConformance {
    /**
     * The handler under test.
     * @return the embedder's trap handler
     */
    protected abstract TrapHandler handler();

    /**
     * The architectures to check; by default every one hcsim knows.
     * @return architecture names; override to check fewer
     */
    protected List<String> architectures() {
        return ConformanceKit.architectures();
    }

    /**
     * Generated calls per architecture.
     * @return how many calls the differential test generates for each architecture
     */
    protected int examples() {
        return 200;
    }

    @TestFactory
    Stream<DynamicTest> conformance() {
        ConformanceKit kit = ConformanceKit.of(handler(), examples());
        return architectures().stream().flatMap(a -> Stream.of(
                DynamicTest.dynamicTest(a + ": golden cases", () -> kit.golden(a)),
                DynamicTest.dynamicTest(a + ": generated calls agree with hcsim", () -> kit.differential(a))));
    }
}
