package dev.hcsim.cli;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Program;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hcsim asm}: assembly text to hex bytes, as GNU as would emit them. */
@Command(name = "asm", description = {"Assemble guest-subset text (lines separated by newlines or ';') and print the bytes in hex. Long programs: -f FILE.",
    "Architecture options such as --endian are flags."})
final class AsmCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", required = true)
    String arch;

    @Option(names = "--address", defaultValue = "0", description = "address of the first byte (for branches)")
    String address;

    @Option(names = "--listing", description = "print address, bytes and source per statement, and each label at its address")
    boolean listing;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "read the assembly text from FILE ('-': standard input); for programs too long for the command line")
    java.nio.file.Path file;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "assembly text; '-' or none: read it from standard input")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() {
        Architecture a = ArchOptions.arch(arch);
        List<String> text = file == null ? StdinArgs.words(words, spec) : StdinArgs.file(file, words, spec);
        VmConfig.Builder b = VmConfig.builder(a.name());
        ArchOptions.apply(a, spec, b);
        Vm vm = Engine.create(a, b.build());
        Program p = vm.assemble(String.join(" ", text), dev.hcsim.core.Bytes.parseNumber(address));
        var out = spec.commandLine().getOut();
        if (listing) {
            for (Program.Line l : p.listing()) {
                // a label's line has no bytes: print it flush left, as GNU as -al lists a label line
                if (l.bytes().length == 0 && l.source().endsWith(":")) {
                    out.printf(Locale.ROOT, "%8x:  %s%n", l.address(), l.source());
                } else {
                    out.printf(Locale.ROOT, "%8x:  %-24s %s%n", l.address(), spaced(l.bytes()), l.source());
                }
            }
        } else {
            out.println(Bytes.hex(p.bytes()));
        }
        return 0;
    }

    static String spaced(byte[] b) {
        return Bytes.hex(b).replaceAll("(..)(?!$)", "$1 ");
    }
}
