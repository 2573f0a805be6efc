package dev.hcsim.conformance;

import static org.quicktheories.QuickTheory.qt;

import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.spi.Architecture;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs the kit against a {@link TrapHandler}, with hcsim's model as the oracle. Each check throws an
 * {@link AssertionError} whose message is the smallest failing case QuickTheories shrank to, as the
 * {@code hcsim call} command line that reproduces it, followed by how the handler differed.
 */
public final class ConformanceKit {
    private final TrapHandler handler;
    private final int examples;
    private final Long seed;

    private ConformanceKit(TrapHandler handler, int examples, Long seed) {
        this.handler = handler;
        this.examples = examples;
        this.seed = seed;
    }

    /**
     * A kit for {@code handler} that tries {@code examples} generated calls per architecture.
     * @param handler the embedder's trap handler under test
     * @param examples generated calls per architecture, at least 1
     * @return the kit, with a fresh QuickTheories seed for each run
     * @throws IllegalArgumentException when {@code examples} is below 1
     */
    public static ConformanceKit of(TrapHandler handler, int examples) {
        if (examples < 1) {
            throw new IllegalArgumentException("examples must be at least 1, got " + examples);
        }
        return new ConformanceKit(handler, examples, null);
    }

    /**
     * The same kit with a fixed QuickTheories seed: the same calls are generated and shrunk on every
     * run (without one, each run draws a new seed and prints it when a case fails).
     * @param seed the seed, as a failing run printed it
     * @return a new kit; this one is unchanged
     */
    public ConformanceKit withSeed(long seed) {
        return new ConformanceKit(handler, examples, seed);
    }

    /**
     * The architectures hcsim knows, by name.
     * @return the canonical names of every architecture on the module path
     */
    public static List<String> architectures() {
        return Architectures.all().stream().map(Architecture::name).toList();
    }

    /**
     * Generated calls of {@code architecture} ({@link AbiGenerators#variants}: native trap, neighbouring
     * encodings, documented and unknown numbers, random registers and memory, every option, poisoned
     * registers, unprivileged callers): the handler must answer each as hcsim does.
     * @param architecture the architecture's name or alias
     * @throws AssertionError with the shrunk case and its {@code hcsim call} command line when the handler disagrees
     */
    public void differential(String architecture) {
        compare(AbiGenerators.variants(Architectures.named(architecture)));
    }

    /** Compares the handler with hcsim on {@code gen}'s calls, shrinking and reporting a disagreement. */
    private void compare(org.quicktheories.core.Gen<Invocation> gen) {
        var theory = qt().withExamples(examples);
        if (seed != null) {
            theory = theory.withFixedSeed(seed);
        }
        theory.forAll(gen)
                .describedAs(inv -> report(inv, Differential.disagreements(inv, handler)))
                .check(inv -> Differential.disagreements(inv, handler).isEmpty());
    }

    /**
     * Generated calls of the other ABIs on {@code architecture}'s trap instruction ({@link AbiGenerators#otherAbiCalls}:
     * x86's Hyper-V control words, fast and slow, with rep counts, variable headers and reserved bits): the handler
     * must answer each as hcsim does. Nothing to check for an architecture without another ABI.
     * @param architecture the architecture's name or alias
     * @throws AssertionError with the shrunk case and its {@code hcsim call} command line when the handler disagrees
     */
    public void differentialOtherAbis(String architecture) {
        org.quicktheories.core.Gen<Invocation> gen = AbiGenerators.otherAbiCalls(Architectures.named(architecture));
        if (gen != null) {
            compare(gen);
        }
    }

    /**
     * Every golden case of {@code architecture}: the handler must give the kernel's documented answer.
     * @param architecture the architecture's name or alias
     * @throws AssertionError listing every failed case, one report each
     */
    public void golden(String architecture) {
        List<String> failures = GoldenCases.of(Architectures.named(architecture).name()).stream()
                .map(g -> g.check(handler))
                .filter(s -> !s.isEmpty())
                .toList();
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " golden case(s) of " + architecture + " failed:\n" + String.join("\n", failures));
        }
    }

    /** The report of one disagreement: the reproducing command line, then one line per difference. */
    static String report(Invocation inv, List<String> disagreements) {
        return "\n  " + inv.commandLine() + "\n" + disagreements.stream().map(d -> "    " + d).collect(Collectors.joining("\n"));
    }
}
