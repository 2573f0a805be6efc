package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 21 items 11 to 15: every file is checked and built before anything runs; every scenario error names the
 * file, line and JSON path; untrusted text is escaped and cut; each silently-accepted input is a clear exit-2
 * error; non-regular inputs are named for what they are, and read where that is meaningful.
 */
class InputValidationTest {
    static final String GOOD = "{\"vm\": {\"arch\": \"x86\", \"programs\": [{\"at\": \"0x1000\", \"source\": \"hlt\"}]}}";

    private static Path write(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    /** A one-VM x86 scenario with {@code vm} (JSON members) added to the VM object. */
    static String vm(String members) {
        return "{\"vm\": {\"arch\": \"x86\", \"programs\": [{\"name\": \"main\", \"at\": \"0x1000\", \"source\": \"hlt\"}]" + members + "}}";
    }

    @ParameterizedTest(name = "item 11: {0}")
    @CsvSource(delimiter = '|', value = {
        "an assembly error|, \"programs\": [{\"at\": \"0x1000\", \"source\": \"frobnicate %rax\"}]",
        "an unknown register|, \"cpus\": [{\"vcpu\": 0, \"registers\": {\"rzz\": 1}}]",
        "an unknown option|, \"options\": {\"no-such-option\": \"1\"}",
        "an unknown feature|, \"features\": {\"no-such-feature\": true}",
        "a program that does not fit in memory|, \"memory\": [{\"base\": 0, \"size\": 4096}], \"programs\": [{\"at\": \"0x2000\", \"source\": \"hlt\"}]",
        "an unknown register in an expectation|, \"expect\": [{\"register\": \"rzz\", \"equals\": 0}]"})
    @DisplayName("a later file's build error is found before an earlier file runs: exit 2, nothing on stdout")
    void validateEverythingFirst(String what, String members, @TempDir Path dir) throws Exception {
        Path good = write(dir, "a-good.json", GOOD);
        String json = members.contains("\"expect\"") ? vm("").replace("}}", "}, " + members.substring(2) + "}")
                : members.contains("\"programs\"") ? "{\"vm\": {\"arch\": \"x86\"" + members + "}}" : vm(members);
        Path bad = write(dir, "b-bad.json", json);
        CliTest.Run r = CliTest.hcsim("run", good.toString(), bad.toString());
        assertEquals(2, r.code(), what + ": " + r.err() + r.out());
        assertEquals("", r.out(), what + ": nothing runs or prints before every file is checked");
        assertTrue(r.err().startsWith("hcsim: " + bad), r.err());
        assertTrue(r.err().matches("(?s)hcsim: \\S+b-bad\\.json:\\d+:\\d+: .*\\(at \\$[^)]*\\)\\s*"), what + ": file:line:col and JSON path: " + r.err());
    }

    @ParameterizedTest(name = "item 12: {0}")
    @CsvSource(delimiter = '|', value = {
        "overlapping memory regions|memory[1]",
        "nesting deeper than 64|over a limit",
        "a name longer than the limit|over a limit",
        "a number longer than the limit|over a limit"})
    @DisplayName("limits and overlaps are reported with file, line and column")
    void locatedErrors(String what, String expected, @TempDir Path dir) throws Exception {
        String json = switch (what) {
            case "overlapping memory regions" -> vm(", \"memory\": [{\"base\": 0, \"size\": 65536},\n {\"base\": 4096, \"size\": 4096}]");
            case "nesting deeper than 64" -> "{\"vm\":\n" + "[".repeat(100) + "]".repeat(100) + "}";
            case "a name longer than the limit" -> "{\"vm\":\n {\"" + "k".repeat(60_000) + "\": 1}}";
            default -> "{\"vm\":\n {\"vcpus\": " + "9".repeat(2_000) + "}}";
        };
        Path f = write(dir, "s.json", json);
        CliTest.Run r = CliTest.hcsim("run", f.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().matches("(?s)hcsim: \\S+s\\.json:[1-9]\\d*:\\d+: .*"), what + ": " + r.err());
        assertTrue(r.err().contains(expected), what + ": " + r.err());
        assertTrue(r.err().length() < 1500, "a long name or number is cut in the message: " + r.err().length());
    }

    @Test
    @DisplayName("item 13: a key with a newline cannot print a spoofed line; ANSI escapes never reach the terminal; a 3 MB line is cut")
    void untrustedTextIsEscaped(@TempDir Path dir) throws Exception {
        Path spoof = write(dir, "spoof.json", "{\"vm\": {\"arch\": \"x86\", \"x\\nhcsim: all expectations passed\": 1}}");
        CliTest.Run r = CliTest.hcsim("run", spoof.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().lines().anyMatch(l -> l.startsWith("hcsim: all expectations passed")), r.err());
        Path ansi = write(dir, "ansi.json", "{\"name\": \"\\u001b[2J\\u001b[31mred\", \"vm\": {\"arch\": \"x86\", \"programs\": [{\"at\": \"0x1000\", "
                + "\"source\": \"hlt\"}]}}");
        CliTest.Run a = CliTest.hcsim("run", ansi.toString());
        assertEquals(0, a.code(), a.err());
        assertFalse(a.out().contains("\u001b"), a.out());
        assertTrue(a.out().contains("\\u001b[2J"), a.out());
        Path longLine = write(dir, "long.json", "{\"vm\": {\"arch\": \"x86\", \"programs\": [{\"at\": \"0x1000\", \"source\": \"mov "
                + "x".repeat(3_000_000) + "\"}]}}");
        CliTest.Run l = CliTest.hcsim("run", longLine.toString());
        assertEquals(2, l.code());
        assertTrue(l.err().length() < 1500, "the excerpt is cut: " + l.err().length());
        assertTrue(l.err().contains("more characters"), l.err().substring(0, 300));
    }

    @ParameterizedTest(name = "item 14: {0}")
    @CsvSource(delimiter = '|', value = {
        "entry 2^63|, \"cpus\": [{\"vcpu\": 0, \"entry\": \"0x8000000000000000\"}]|entry",
        "entry -1|, \"cpus\": [{\"vcpu\": 0, \"entry\": \"-1\"}]|entry",
        "duplicate program names|, \"programs\": [{\"name\": \"p\", \"at\": \"0x1000\", \"source\": \"hlt\"}, {\"name\": \"p\", \"at\": \"0x2000\", \"source\": \"hlt\"}]|used twice",
        "rax and RAX both set|, \"cpus\": [{\"vcpu\": 0, \"registers\": {\"rax\": 1, \"RAX\": 2}}]|set twice",
        "an unknown key under host|, \"host\": {\"KVM_EXIT_HYPERCAL\": 0}|unknown exit reason",
        "memory: []|, \"memory\": []|empty list",
        "APIC ID -1|, \"vcpuIds\": [-1]|vcpuIds[0]",
        "APIC ID 2^64-1|, \"vcpuIds\": [18446744073709551615]|vcpuIds[0]",
        ".p2align 64|, \"programs\": [{\"at\": \"0x1000\", \"source\": \".p2align 64\"}]|p2align"})
    @DisplayName("silently accepted before, now a clear exit-2 error naming the place")
    void silentlyAccepted(String what, String members, String expected, @TempDir Path dir) throws Exception {
        String json = members.contains("\"programs\"") ? "{\"vm\": {\"arch\": \"x86\"" + members + "}}" : vm(members);
        CliTest.Run r = CliTest.hcsim("run", write(dir, "s.json", json).toString());
        assertEquals(2, r.code(), what + ": " + r.out() + r.err());
        assertTrue(r.err().contains(expected), what + ": " + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    @DisplayName("item 14: invalid UTF-8 is an error with its line and offset; a UTF-8 byte-order mark is accepted")
    void utf8(@TempDir Path dir) throws Exception {
        byte[] bad = ("{\"name\": \"caf" + "\u0000\", \"vm\": {\"arch\": \"x86\"}}").getBytes(StandardCharsets.UTF_8);
        bad[13] = (byte) 0xC3; // a lone lead byte followed by '"'
        Path f = dir.resolve("bad.json");
        Files.write(f, bad);
        CliTest.Run r = CliTest.hcsim("run", f.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bad.json:1: invalid UTF-8 (byte 0xc3 at offset 13)"), r.err());
        byte[] body = GOOD.getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[body.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, bom, 3, body.length);
        Path b = dir.resolve("bom.json");
        Files.write(b, bom);
        CliTest.Run ok = CliTest.hcsim("run", b.toString());
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    @DisplayName("item 15: a directory is named as one; a FIFO (what <(...) gives) is read like a file")
    void nonRegularInputs(@TempDir Path dir) throws Exception {
        CliTest.Run d = CliTest.hcsim("run", dir.toString());
        assertEquals(2, d.code());
        assertEquals("hcsim: " + dir + ": is a directory, not a scenario file", d.err().strip());
        Path fifo = dir.resolve("s.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream o = Files.newOutputStream(fifo)) {
                o.write(GOOD.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CliTest.Run r = CliTest.hcsim("run", fifo.toString());
        writer.get(30, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.err());
        CliTest.Run missing = CliTest.hcsim("run", dir.resolve("nope.json").toString());
        assertTrue(missing.err().endsWith("nope.json: no such file\n") || missing.err().strip().endsWith("nope.json: no such file"), missing.err());
    }

    @Test
    @DisplayName("item 15: '-' and /dev/stdin read the scenario from standard input")
    void standardInput(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"-", "/dev/stdin"}) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty(
                    "java.class.path"), Main.class.getName(), "run", name).redirectErrorStream(true).start();
            try (OutputStream o = p.getOutputStream()) {
                o.write(GOOD.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), name + ": " + out);
            assertTrue(out.contains("ended idle"), out);
        }
    }
}
