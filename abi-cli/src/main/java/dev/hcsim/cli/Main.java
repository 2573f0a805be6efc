package dev.hcsim.cli;

import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.scenario.ScenarioException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code hcsim} command. Exit codes: 0 success, 1 an expectation failed, 2 bad input (one line
 * on stderr, never a stack trace).
 */
@Command(name = "hcsim", mixinStandardHelpOptions = true, version = "hcsim 0.1.0",
        description = "Simulates the KVM hypercall ABI of x86, s390, ppc, mips, loongarch, arm64 and riscv.",
        subcommands = {CallCommand.class, AsmCommand.class, DisasmCommand.class, RunCommand.class, ExplainCommand.class, DemoCommand.class,
            TableCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(launch(args));
    }

    /**
     * Runs the command line on the process's standard streams, as {@link #main} does, without exiting.
     *
     * @param args the command line
     * @return the exit code
     */
    static int launch(String[] args) {
        return execute(args, utf8(FileDescriptor.out), utf8(FileDescriptor.err));
    }

    /**
     * A UTF-8 writer on a standard stream. The output is the same bytes whatever the platform charset
     * ({@code file.encoding}, {@code stdout.encoding}) is: JSON, traces and explanations are UTF-8 on every
     * machine, as the files the commands write are.
     */
    static PrintWriter utf8(FileDescriptor fd) {
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), true);
    }

    /**
     * Runs the command line with the given streams (used by tests).
     *
     * @param args the command line
     * @param out  standard output
     * @param err  standard error
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        // Architecture options (--vendor, --conduit, ...) are not known to picocli: they reach each
        // command as positional words and ArchOptions checks them against the architecture's OptionSpecs.
        cl.setUnmatchedOptionsArePositionalParams(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("hcsim: " + ex.getMessage().split("\n")[0]);
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof ScenarioException || ex instanceof AsmException
                    || ex instanceof java.io.UncheckedIOException || ex instanceof IllegalStateException) {
                err.println("hcsim: " + ex.getMessage());
                return BAD_INPUT;
            }
            err.println("hcsim: internal error: " + ex);
            return 3;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
