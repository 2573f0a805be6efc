package dev.hcsim.cli;

import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.OptionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * Architecture options as real picocli options: at start-up every {@link OptionSpec} of every registered
 * architecture is declared on the commands that take them ({@code --vendor amd}, {@code --cpl 3}, {@code --mode 32},
 * {@code --conduit smc}, ...), so that {@code --help} lists them, shell completion offers them and their values, and a
 * mistyped option gets picocli's "did you mean". Which of them the chosen {@code --arch} has is checked after parsing.
 */
final class ArchOptions {
    /** The commands whose VM takes architecture options. */
    static final Set<String> COMMANDS = Set.of("call", "asm", "disasm", "explain");

    private ArchOptions() {
    }

    /** Declares every architecture's options on {@code spec}, one option per name, in one "Architecture options" section. */
    static void declare(CommandSpec spec) {
        Map<String, Map<Architecture, OptionSpec>> byName = new TreeMap<>();
        for (Architecture a : Architectures.all()) {
            for (OptionSpec o : a.options()) {
                byName.computeIfAbsent(o.name(), k -> new LinkedHashMap<>()).put(a, o);
            }
        }
        ArgGroupSpec.Builder group = ArgGroupSpec.builder().exclusive(false).multiplicity("0..1")
                .heading("%nArchitecture options (each applies to the architectures named in [...]; 'hcsim explain --arch ARCH' lists them):%n");
        byName.forEach((name, archs) -> {
            Set<String> allowed = new LinkedHashSet<>();
            archs.values().forEach(o -> allowed.addAll(o.allowed()));
            boolean numeric = archs.values().stream().anyMatch(o -> o.allowed().isEmpty());
            List<String> desc = new ArrayList<>();
            archs.forEach((a, o) -> desc.add(("[" + a.name() + "] " + o.description()
                    + (o.allowed().isEmpty() ? "" : " (" + String.join(" | ", o.allowed()) + ")")
                    + (o.defaultValue() == null ? "" : "; default " + o.defaultValue())).replace("%", "%%"))); // picocli formats descriptions
            picocli.CommandLine.Model.OptionSpec.Builder b = picocli.CommandLine.Model.OptionSpec.builder("--" + name)
                    .type(String.class).arity("1").paramLabel(numeric || allowed.isEmpty() ? "VALUE" : "<" + name + ">")
                    .description(desc.toArray(String[]::new));
            if (!numeric && !allowed.isEmpty()) {
                b.completionCandidates(List.copyOf(allowed));
            }
            group.addArg(b.build());
        });
        spec.addArgGroup(group.build());
    }

    /** The architecture options given on the command line of {@code spec}, as {@code --NAME VALUE} pairs. */
    static Map<String, String> given(CommandSpec spec) {
        Map<String, String> given = new LinkedHashMap<>();
        ParseResult pr = spec.commandLine().getParseResult();
        for (var group : spec.argGroups()) {
            for (var arg : group.args()) {
                if (arg instanceof picocli.CommandLine.Model.OptionSpec o && pr.hasMatchedOption(o)) {
                    given.put(o.longestName().substring(2), pr.matchedOptionValue(o.longestName(), (String) null));
                }
            }
        }
        return given;
    }

    /** Applies the architecture options given on {@code spec}'s command line to {@code b}; throws naming the bad option. */
    static void apply(Architecture arch, CommandSpec spec, VmConfig.Builder b) {
        given(spec).forEach((name, value) -> apply(arch, name, value, b));
    }

    /** Applies one option; throws naming it when {@code arch} has no such option or the value is not one it accepts. */
    static void apply(Architecture arch, String name, String value, VmConfig.Builder b) {
        OptionSpec spec = arch.options().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("option --" + name + " is not an option of " + arch.name() + " ("
                        + Architectures.all().stream().filter(x -> x.options().stream().anyMatch(o -> o.name().equals(name)))
                                .map(Architecture::name).collect(Collectors.joining(", ")) + " only); " + arch.name() + "'s options: "
                        + (arch.options().isEmpty() ? "none" : arch.options().stream().map(o -> "--" + o.name()).collect(Collectors.joining(" ")))));
        if (!spec.accepts(value)) {
            throw new IllegalArgumentException("--" + name + " " + value + ": expected " + spec.expected());
        }
        b.option(name, value);
    }

    static Architecture arch(String name) {
        return Architectures.named(name);
    }
}
