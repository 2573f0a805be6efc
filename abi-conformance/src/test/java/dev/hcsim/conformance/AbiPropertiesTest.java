package dev.hcsim.conformance;

import static org.quicktheories.QuickTheory.qt;

import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.spi.Architecture;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The single-call ABI properties, stated once over the contract data, for every architecture found. */
class AbiPropertiesTest {
    private static final int EXAMPLES = 1000;

    private record Property(String name, Function<OracleRun, List<String>> check) {
    }

    private static final List<Property> PROPERTIES = List.of(
            new Property("no exception escapes the trap path", AbiProperties::neverThrows),
            new Property("only the contract's result registers change", AbiProperties::onlyResultsChange),
            new Property("the PC follows the outcome", AbiProperties::pcRule),
            new Property("every status is documented and encoded by the codec", AbiProperties::documentedStatus),
            new Property("unknown numbers are answered not-implemented", AbiProperties::unknownNumbers),
            new Property("narrow calls write 32-bit results", AbiProperties::narrowResults),
            new Property("no answered access lies outside guest memory", AbiProperties::memoryInside),
            new Property("every fault and exit is one hcsim explain lists", AbiProperties::listedFaultsAndExits));

    @TestFactory
    Stream<DynamicTest> anyTrapBytesNeitherThrowNorChangeMoreThanResults() {
        return Architectures.all().stream().map(a -> DynamicTest.dynamicTest(a.name(), () ->
                qt().withExamples(EXAMPLES)
                        .forAll(AbiGenerators.anyTrapBytes(a))
                        .check(inv -> AbiProperties.onlyResultsChange(Calls.oracle(inv)).isEmpty()
                                && AbiProperties.pcRule(Calls.oracle(inv)).isEmpty()
                                && AbiProperties.listedFaultsAndExits(Calls.oracle(inv)).isEmpty())));
    }

    @TestFactory
    Stream<DynamicTest> everyPropertyForEveryArchitecture() {
        return Architectures.all().stream().flatMap(a -> PROPERTIES.stream().map(p ->
                DynamicTest.dynamicTest(a.name() + ": " + p.name(), () -> check(a, p))));
    }

    private static void check(Architecture arch, Property p) {
        qt().withExamples(EXAMPLES)
                .forAll(AbiGenerators.calls(arch))
                .describedAs(inv -> ConformanceKit.report(inv, p.check().apply(Calls.oracle(inv))))
                .check(inv -> p.check().apply(Calls.oracle(inv)).isEmpty());
    }
}
