package dev.hcsim.cli;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hcsim disasm}: hex bytes (in memory order) to GNU-style text, objdump's layout. */
@Command(name = "disasm", description = "Disassemble hex bytes (memory order) of the guest subset; bytes outside it print as (bad).")
final class DisasmCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", required = true)
    String arch;

    @Option(names = "--address", defaultValue = "0")
    String address;

    @Parameters(arity = "0..*", paramLabel = "HEX", description = "hex bytes; '-' or none: read them from standard input")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() {
        Architecture a = ArchOptions.arch(arch);
        List<String> hex = StdinArgs.words(words, spec);
        VmConfig.Builder b = VmConfig.builder(a.name());
        ArchOptions.apply(a, spec, b);
        Vm vm = Engine.create(a, b.build());
        byte[] bytes = Bytes.parseHex(String.join("", hex));
        long pc = Bytes.parseNumber(address);
        var out = spec.commandLine().getOut();
        int off = 0;
        while (off < bytes.length) {
            Instruction i = Engine.context(vm).codec().decode(bytes, off, bytes.length - off, pc + off);
            int n = Math.max(1, Math.min(i.length(), bytes.length - off));
            out.printf(Locale.ROOT, "%8x:\t%-21s\t%s%n", pc + off, AsmCommand.spaced(java.util.Arrays.copyOfRange(bytes, off, off + n)), i.text());
            off += n;
        }
        return 0;
    }
}
