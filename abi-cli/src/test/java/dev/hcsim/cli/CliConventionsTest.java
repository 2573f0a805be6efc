package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command-line conventions a user expects of any Unix tool (issue 19). */
class CliConventionsTest {
    static CliTest.Run hcsim(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out), new PrintWriter(err));
        return new CliTest.Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"call", "asm", "disasm", "run", "explain", "demo", "table", "generate-completion"})
    @DisplayName("--help works on every subcommand: exit 0, its usage on stdout (call --help used to exit 2: 'Missing required option')")
    void helpEverywhere(String command) {
        CliTest.Run r = CliTest.hcsim(command, "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: hcsim " + command), r.out());
        assertEquals("", r.err());
    }

    @Test
    @DisplayName("--version comes from the jar manifest (Implementation-Version), not a literal in the code")
    void versionFromManifest() {
        assertEquals("0.9.1", Main.Version.version("0.9.1"));
        CliTest.Run r = CliTest.hcsim("--version");
        assertEquals(0, r.code(), r.err());
        // the tests run from target/classes: there is no manifest, and --version says so instead of inventing a number
        assertTrue(r.out().startsWith("hcsim " + Main.Version.version(Main.class.getPackage().getImplementationVersion()) + "\n"), r.out());
        assertFalse(r.out().startsWith("hcsim 0.1.0\n"), "the old literal");
    }

    @Test
    @DisplayName("architecture options are picocli options: listed in --help with their architectures, values offered to completion")
    void archOptionsInHelp() {
        String help = CliTest.hcsim("call", "--help").out();
        assertTrue(help.contains("Architecture options"), help);
        assertTrue(help.contains("--conduit=<conduit>") && help.contains("[arm64]"), help);
        assertTrue(help.contains("--vendor=<vendor>") && help.contains("[x86]"), help);
        assertTrue(CliTest.hcsim("asm", "--help").out().contains("--endian"), "asm takes --endian");
    }

    @Test
    @DisplayName("a mistyped command option is reported as unknown with picocli's 'did you mean', not as an unknown architecture option")
    void mistypedOption() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "--vcpux", "2", "rax=1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option: '--vcpux'"), r.err());
        assertTrue(r.err().contains("did you mean") && r.err().contains("--vcpus"), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("for x86"), r.err());
    }

    @Test
    @DisplayName("an option of another architecture names the architectures that have it and this one's options")
    void otherArchitecturesOption() {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "--conduit", "smc", "rax=1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--conduit is not an option of x86 (arm64 only)") && r.err().contains("--vendor"), r.err());
        CliTest.Run ok = CliTest.hcsim("call", "--arch", "arm64", "--conduit=smc", "x0=0x84000000");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("\"instruction\" : \"smc #0x0\""), ok.out());
    }

    @Test
    @DisplayName("asm and disasm read '-' and pipes: text from standard input, the same bytes as from arguments")
    void stdin() {
        CliTest.Run a = hcsim("vmcall\nvmmcall\n", "asm", "--arch", "x86", "-");
        assertEquals(0, a.code(), a.err());
        assertEquals("0f01c10f01d9\n", a.out());
        assertEquals(a.out(), hcsim("vmcall\nvmmcall\n", "asm", "--arch", "x86").out(), "no words: standard input");
        CliTest.Run d = hcsim("0f 01 c1\n0f01d9\n", "disasm", "--arch", "x86", "-");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains("vmcall") && d.out().contains("vmmcall"), d.out());
        CliTest.Run empty = hcsim("", "asm", "--arch", "x86", "-");
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains("standard input was empty"), empty.err());
    }

    @Test
    @DisplayName("asm -f FILE and -f - read the program from a file or standard input: the same bytes as from arguments")
    void asmFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("prog.s");
        // longer than one argument may be (MAX_ARG_STRLEN, 128 KiB on Linux): 20000 lines
        String prog = "top:\n" + "nop\n".repeat(20_000) + "jmp top\nvmcall\n";
        java.nio.file.Files.writeString(f, prog);
        CliTest.Run r = CliTest.hcsim("asm", "--arch", "x86", "-f", f.toString());
        assertEquals(0, r.code(), r.err());
        String hex = r.out().strip();
        assertEquals(2 * (20_000 + 5 + 3), hex.length(), "20000 nops, jmp rel32 back (e9 + 4 bytes), vmcall");
        assertTrue(hex.endsWith("0f01c1") && hex.startsWith("9090"), hex.substring(hex.length() - 20));
        assertEquals(r.out(), hcsim(prog, "asm", "--arch", "x86", "--file", "-").out(), "-f -: standard input");
        CliTest.Run both = CliTest.hcsim("asm", "--arch", "x86", "-f", f.toString(), "vmcall");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("either with -f FILE or as arguments"), both.err());
        CliTest.Run missing = CliTest.hcsim("asm", "--arch", "x86", "-f", dir.resolve("nope.s").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.s: no such file"), missing.err());
    }

    @Test
    @DisplayName("asm --listing keeps the labels: a line 'name:' at the label's address, in source order")
    void asmListingLabels() {
        CliTest.Run r = CliTest.hcsim("asm", "--arch", "x86", "--listing", "start: nop; again: loop_top: vmcall; jmp again");
        assertEquals(0, r.code(), r.err());
        assertEquals(String.join("\n",
                "       0:  start:",
                "       0:  90                       nop",
                "       1:  again:",
                "       1:  loop_top:",
                "       1:  0f 01 c1                 vmcall",
                "       4:  eb fb                    jmp again", ""), r.out());
    }

    @Test
    @DisplayName("call --explain --format json keeps stdout one JSON document, the explanation a field of it")
    void explainJson() throws Exception {
        CliTest.Run r = CliTest.hcsim("call", "--arch", "x86", "rax=5", "rcx=0", "--explain", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out()); // throws on trailing text
        assertTrue(new ObjectMapper().getFactory().createParser(r.out()).readValueAsTree() != null);
        assertTrue(j.get("explanation").asText().contains("step by step"), r.out());
        assertFalse(CliTest.hcsim("call", "--arch", "x86", "rax=5").out().contains("explanation"), "no field without --explain");
    }

    @Test
    @DisplayName("table --format html honours --arch: one architecture's column, as an HTML page")
    void tableHtmlArch() {
        CliTest.Run r = CliTest.hcsim("table", "--format", "html", "--arch", "s390");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("<!DOCTYPE html>") || r.out().startsWith("<!doctype html>"), r.out().substring(0, 40));
        assertTrue(r.out().contains("s390"), "s390 is there");
        assertFalse(r.out().contains("vmcall"), "x86 is not");
        assertEquals(2, CliTest.hcsim("table", "--format", "pdf", "--arch", "s390").code(), "a bad format with --arch is refused");
    }

    @Test
    @DisplayName("bash completion generated from the model completes subcommands, options (architecture options too) and their values")
    void bashCompletion(@TempDir Path dir) throws Exception {
        CliTest.Run r = CliTest.hcsim("generate-completion");
        assertEquals(0, r.code(), r.err());
        Path script = dir.resolve("hcsim.bash");
        Files.writeString(script, r.out());
        assertEquals(List.of("call"), complete(script, "hcsim", "cal"));
        assertTrue(complete(script, "hcsim", "call", "--con").contains("--conduit"), "architecture option");
        assertEquals(List.of("hvc", "smc"), complete(script, "hcsim", "call", "--conduit", "").stream().sorted().toList(), "its values");
        assertTrue(complete(script, "hcsim", "call", "--vcp").containsAll(List.of("--vcpu", "--vcpus")));
    }

    /** COMPREPLY for the given words, the last being the one under the cursor, from the picocli-generated function. */
    static List<String> complete(Path script, String... words) throws Exception {
        StringBuilder w = new StringBuilder();
        for (String s : words) {
            w.append(" '").append(s).append('\'');
        }
        String cmd = "source '" + script + "'; COMP_WORDS=(" + w + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _complete_hcsim; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start(); // compopt outside a real completion warns
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
