package dev.hcsim.cli;

import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.scenario.ScenarioException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
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
@Command(name = "hcsim", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:success", "1:an expectation of a scenario failed (run, demo)",
            "2:bad input: a file, option or argument, or an output that cannot be written (one line on stderr)",
            "3:internal error: one line and a hint to report it (HCSIM_DEBUG=1 adds the stack trace)",
            "130:interrupted (Ctrl-C); temporary output files are removed"},
        description = "Simulates the KVM hypercall ABI of x86, s390, ppc, mips, loongarch, arm64 and riscv.",
        subcommands = {CallCommand.class, AsmCommand.class, DisasmCommand.class, RunCommand.class, ExplainCommand.class, DemoCommand.class,
            TableCommand.class, CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class})
public final class Main implements Runnable {
    /** Exit code when an expectation of a scenario failed ({@code run}, {@code demo}). */
    public static final int EXPECTATION_FAILED = 1;
    /** Exit code for bad input: a bad file, option, argument, or an output that cannot be written. */
    public static final int BAD_INPUT = 2;
    /** Exit code for an internal error (a bug in hcsim, or the JVM out of memory): one line, then a hint to report it. */
    public static final int INTERNAL_ERROR = 3;
    /** Set to 1 to print the stack trace of an internal error. */
    static final String DEBUG_ENV = "HCSIM_DEBUG";

    @Spec
    CommandSpec spec;

    /** Standard input, for commands that read {@code -} ({@link StdinArgs}). */
    InputStream in = System.in;

    /** Whether standard input is an interactive terminal (then a command with no input words does not wait on it). */
    boolean interactive = System.console() != null;

    /** {@code --version}: the version in the jar's manifest ({@code Implementation-Version}), not a literal. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hcsim " + version(Main.class.getPackage().getImplementationVersion()),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }

        static String version(String implementationVersion) {
            return implementationVersion == null ? "(development build: no jar manifest)" : implementationVersion;
        }
    }

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
        return run(new Main(), args, utf8(FileDescriptor.out), utf8(FileDescriptor.err));
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
        return execute(args, InputStream.nullInputStream(), out, err);
    }

    /**
     * Runs the command line with the given streams, standard input included (used by tests).
     *
     * @param args the command line
     * @param in   standard input (read by {@code asm -} and {@code disasm -})
     * @param out  standard output
     * @param err  standard error
     * @return the exit code
     */
    public static int execute(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        main.in = in;
        main.interactive = false;
        return run(main, args, out, err);
    }

    /** The command model: every subcommand with --help/--version, and the architecture options declared. */
    static CommandLine commandLine(Main main, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(main);
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (!(s.userObject() instanceof CommandLine.HelpCommand)) {
                s.mixinStandardHelpOptions(true);
                s.versionProvider(new Version());
            }
            if (ArchOptions.COMMANDS.contains(s.name())) {
                ArchOptions.declare(s);
                s.usageMessage().abbreviateSynopsis(true); // one line, not the ~60 architecture options
            }
        }
        // the completion script generator (picocli AutoComplete): visible, as "hcsim generate-completion"
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            // one line; for a mistyped option or subcommand, picocli's nearest names ("did you mean")
            String didYouMean = ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
                    ? " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)" : "";
            err.println("hcsim: " + Text.line(ex.getMessage().split("\n")[0]) + didYouMean);
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof ScenarioException || ex instanceof AsmException
                    || ex instanceof java.io.UncheckedIOException) {
                err.println("hcsim: " + Text.line(ex.getMessage()));
                return BAD_INPUT;
            }
            return internalError(ex, err);
        });
        return cl;
    }

    private static int run(Main main, String[] args, PrintWriter out, PrintWriter err) {
        int code;
        try {
            code = commandLine(main, out, err).execute(args);
        } catch (Throwable t) { // an Error (out of memory, stack overflow) passes picocli's handler
            code = internalError(t, err);
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * One line for an internal error, with a hint to report it; the stack trace only when {@code HCSIM_DEBUG=1}.
     * @return {@link #INTERNAL_ERROR}
     */
    static int internalError(Throwable t, PrintWriter err) {
        if (t instanceof OutOfMemoryError) {
            err.println("hcsim: internal error: out of memory (" + Text.line(t.getMessage()) + "); runs within the documented limits fit in "
                    + "256 MiB, so please report this with the command line (docs/robustness.md), or raise -Xmx");
        } else {
            err.println("hcsim: internal error: " + Text.line(t.toString()) + "; please report it with the command line that caused it ("
                    + DEBUG_ENV + "=1 prints the stack trace)");
        }
        if ("1".equals(System.getenv(DEBUG_ENV))) {
            t.printStackTrace(err);
        }
        return INTERNAL_ERROR;
    }
}
