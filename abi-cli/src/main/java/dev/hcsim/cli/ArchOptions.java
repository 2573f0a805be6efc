package dev.hcsim.cli;

import dev.hcsim.core.Hcsim;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.OptionSpec;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Architecture options as command-line flags: every {@link OptionSpec} of the chosen architecture
 * is accepted as {@code --NAME VALUE} or {@code --NAME=VALUE} ({@code --vendor amd}, {@code --cpl 3},
 * {@code --mode 32}, {@code --conduit smc}, ...), so the CLI needs no per-architecture code.
 */
final class ArchOptions {
    private ArchOptions() {
    }

    /** Applies {@code args} (the flags picocli did not know) to {@code b}; throws naming the bad flag. */
    static void apply(Architecture arch, List<String> args, VmConfig.Builder b) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            final String n = name;
            OptionSpec spec = arch.options().stream().filter(o -> o.name().equals(n)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("unknown option --" + n + " for " + arch.name() + "; its options: "
                            + (arch.options().isEmpty() ? "none" : arch.options().stream().map(o -> "--" + o.name()).collect(Collectors.joining(" ")))));
            if (!spec.accepts(value)) {
                throw new IllegalArgumentException("--" + name + " " + value + ": expected " + (spec.allowed().isEmpty() ? "a number"
                        : String.join(" | ", spec.allowed())));
            }
            b.option(name, value);
        }
    }

    static Architecture arch(String name) {
        return Hcsim.architecture(name);
    }
}
