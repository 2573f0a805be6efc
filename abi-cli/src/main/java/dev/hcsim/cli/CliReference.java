package dev.hcsim.cli;

import java.util.Map;
import picocli.CommandLine;

/**
 * The CLI reference ({@code docs/cli.md}), generated from the picocli model of {@code hcsim} and every
 * subcommand, so the page cannot disagree with the options the command accepts. Regenerate with
 * {@code java -cp abi-cli/target/hcsim.jar dev.hcsim.cli.CliReference > docs/cli.md}; a test fails when it is stale.
 */
public final class CliReference {
    /** Usage text width: fixed, so the page does not depend on the terminal that made it. */
    static final int WIDTH = 110;

    private CliReference() {
    }

    /**
     * Prints the page on stdout.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        var out = Main.utf8(java.io.FileDescriptor.out); // UTF-8 whatever the platform charset
        out.print(markdown());
        out.flush();
    }

    /** The page: an introduction, then each command's usage as picocli prints it. */
    static String markdown() {
        CommandLine root = Main.commandLine(new Main(), new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        root.setUsageHelpWidth(WIDTH);
        StringBuilder sb = new StringBuilder();
        sb.append("# hcsim command reference\n\n")
                .append("Generated from the command's own definitions (`dev.hcsim.cli.CliReference`); do not edit by hand.\n\n")
                .append("Exit codes (also in `hcsim --help`): 0 success; 1 an expectation of a scenario failed (`run`, `demo`); 2 bad input: a\n")
                .append("file, option or argument, or an output that cannot be written (one line on stderr, never a stack trace); 3 internal\n")
                .append("error: one line and a hint to report it, the stack trace only with `HCSIM_DEBUG=1`; 130 interrupted (Ctrl-C), with\n")
                .append("temporary output files removed.\n")
                .append("Architecture options (`--vendor amd`, `--cpl 3`, `--conduit smc`, ...) are options of `call`, `asm`, `disasm` and\n")
                .append("`explain`, each marked with the architectures that have it; `hcsim explain --arch NAME` lists one architecture's.\n")
                .append("Shell completion: `source <(./hcsim generate-completion)` (bash; in zsh after `autoload -U +X bashcompinit && bashcompinit`).\n")
                .append("Man pages (AsciiDoc, generated from the same model): [man/](man/).\n\n");
        section(sb, "hcsim", root);
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (!e.getKey().equals("help")) {
                section(sb, "hcsim " + e.getKey(), e.getValue());
            }
        }
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, CommandLine cl) {
        cl.setUsageHelpWidth(WIDTH);
        sb.append("## ").append(title).append("\n\n```text\n").append(cl.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing())
                .append("\n```\n\n");
    }
}
