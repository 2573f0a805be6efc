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
        description = "Simulates the KVM hypercall ABI of x86, s390, ppc, mips, loongarch, arm64 and riscv.",
        subcommands = {CallCommand.class, AsmCommand.class, DisasmCommand.class, RunCommand.class, ExplainCommand.class, DemoCommand.class,
            TableCommand.class, CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class})
public final class Main implements Runnable {
    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;

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
            err.println("hcsim: " + ex.getMessage().split("\n")[0] + didYouMean);
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
        return cl;
    }

    private static int run(Main main, String[] args, PrintWriter out, PrintWriter err) {
        int code = commandLine(main, out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
