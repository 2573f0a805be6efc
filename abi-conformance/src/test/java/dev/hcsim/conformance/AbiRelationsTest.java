package dev.hcsim.conformance;

import static org.quicktheories.QuickTheory.qt;

import dev.hcsim.conformance.spi.PrivilegeRule;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.Codec;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.quicktheories.core.Gen;

/** The two-run ABI properties (privilege, truncation, poisoning, isolation, determinism, codec) for every architecture. */
class AbiRelationsTest {
    private static final int EXAMPLES = 500;

    @TestFactory
    Stream<DynamicTest> everyRelationForEveryArchitecture() {
        return Architectures.all().stream().flatMap(a -> Stream.of(
                DynamicTest.dynamicTest(a.name() + ": 32-bit truncation", () -> check(AbiGenerators.calls(a), AbiRelations::truncation)),
                DynamicTest.dynamicTest(a.name() + ": clobber poisoning", () -> check(AbiGenerators.calls(a, false, true), AbiRelations::poisoning)),
                DynamicTest.dynamicTest(a.name() + ": no VM reaches another", () -> isolation(a)),
                DynamicTest.dynamicTest(a.name() + ": same seed, same trace", () -> determinism(a)),
                DynamicTest.dynamicTest(a.name() + ": the decoder is total", () -> codec(a, false)),
                DynamicTest.dynamicTest(a.name() + ": decoded words assemble back", () -> codec(a, true))));
    }

    @TestFactory
    Stream<DynamicTest> everyPrivilegeRule() {
        return Architectures.all().stream().flatMap(a -> Providers.privilegeRules(a.name()).stream().map(rule ->
                DynamicTest.dynamicTest(a.name() + ": " + rule.options() + rule.registers() + " (" + rule.source() + ")",
                        () -> privilege(a, rule))));
    }

    private static void privilege(Architecture a, PrivilegeRule rule) {
        check(AbiGenerators.calls(a, false, false), inv -> AbiRelations.privilege(inv, rule));
    }

    private static void check(Gen<Invocation> gen, java.util.function.Function<Invocation, List<String>> property) {
        qt().withExamples(EXAMPLES)
                .forAll(gen)
                .describedAs(inv -> ConformanceKit.report(inv, property.apply(inv)))
                .check(inv -> property.apply(inv).isEmpty());
    }

    private static void isolation(Architecture a) {
        qt().withExamples(EXAMPLES / 2)
                .forAll(AbiGenerators.calls(a), AbiGenerators.calls(a))
                .check((x, y) -> AbiRelations.isolation(x, y).isEmpty());
    }

    private static void determinism(Architecture a) {
        qt().withExamples(EXAMPLES / 4)
                .forAll(AbiGenerators.machines(a))
                .check(m -> AbiRelations.determinism(m).isEmpty());
    }

    private static void codec(Architecture a, boolean roundTrip) {
        qt().withExamples(EXAMPLES * 5)
                .forAll(AbiGenerators.options(a), AbiGenerators.words(16))
                .checkAssert((opts, bytes) -> {
                    VmConfig.Builder b = VmConfig.builder(a.name());
                    opts.forEach(b::option);
                    Codec codec = Engine.context(Vm.create(b.build())).codec();
                    byte[] word = java.util.Arrays.copyOf(bytes, codec.maxLength());
                    long pc = a.defaultEntry();
                    List<String> v = roundTrip ? AbiRelations.roundTrip(codec, word, pc) : AbiRelations.decoderTotal(codec, word, pc);
                    if (!v.isEmpty()) {
                        throw new AssertionError(opts + ": " + v);
                    }
                });
    }
}
