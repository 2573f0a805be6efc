package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every output of the command line (call, explain, table, asm/disasm, run with traces and pictures, error
 * messages) is the same bytes under any default locale and platform charset. Each setting runs
 * {@link SameBytesDriver} in its own JVM, because the default charset can only be set at JVM start
 * ({@code -Dfile.encoding}); Turkish (dotless i in lower/upper case), Egyptian Arabic (Arabic-Indic digits from
 * {@code %d}) and US-ASCII (non-ASCII text turned into '?') are the settings that broke the output before.
 */
class SameBytesTest {
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    @TempDir
    static Path work;

    private static Output reference;

    record Output(byte[] out, byte[] err, Map<String, byte[]> files) {
    }

    static Output run(String name, String... jvmFlags) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve(name));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            SameBytesDriver.class.getName(), EXAMPLES.toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), name + ": the driver did not finish");
        assertEquals(0, p.exitValue(), name + ": " + Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir.resolve("out"))) {
            for (Path f : s.toList()) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return new Output(Files.readAllBytes(dir.resolve("stdout")), Files.readAllBytes(dir.resolve("stderr")), files);
    }

    @BeforeAll
    static void defaults() throws Exception {
        reference = run("default", "-Duser.language=en", "-Duser.country=US", "-Dfile.encoding=UTF-8");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tr-TR", "ar-EG", "US-ASCII"})
    @DisplayName("call, explain, table, asm, run (timeline, trace, SVG, HTML) and errors print the same bytes under")
    void sameBytes(String setting) throws Exception {
        Output o = setting.equals("US-ASCII")
            ? run(setting, "-Duser.language=en", "-Duser.country=US", "-Dfile.encoding=US-ASCII", "-Dsun.stdout.encoding=US-ASCII",
                "-Dsun.stderr.encoding=US-ASCII", "-Dstdout.encoding=US-ASCII", "-Dstderr.encoding=US-ASCII")
            : run(setting, "-Duser.language=" + setting.substring(0, 2), "-Duser.country=" + setting.substring(3));
        assertSame("stdout", reference.out(), o.out());
        assertSame("stderr", reference.err(), o.err());
        assertEquals(reference.files().keySet(), o.files().keySet());
        for (var e : reference.files().entrySet()) {
            assertSame(e.getKey(), e.getValue(), o.files().get(e.getKey()));
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("the reference output has what each setting would break: 'idle', decimal numbers, non-ASCII text, files")
    void referenceIsTelling() {
        String out = new String(reference.out(), StandardCharsets.UTF_8);
        assertTrue(out.contains("ended idle"), "a run that ends idle (Turkish lower-cases IDLE to 'ıdle')");
        assertTrue(out.matches("(?s).*\\d+ ns .*"), "a timeline with decimal times (Arabic locales print '٠'..'٩')");
        assertTrue(out.contains("Größe — naïve IPI → "), "non-ASCII text on stdout (a US-ASCII writer prints '?')");
        assertTrue(reference.files().size() >= 3 * 20, "a trace, SVG and HTML per bundled scenario");
        assertTrue(new String(reference.err(), StandardCharsets.UTF_8).contains("bad.json:"), "a scenario error with its position");
    }

    /** The first difference as text lines, so a failure says where the output changed. */
    private static void assertSame(String what, byte[] want, byte[] got) {
        if (java.util.Arrays.equals(want, got)) {
            return;
        }
        String[] a = new String(want, StandardCharsets.UTF_8).split("\n", -1);
        String[] b = new String(got, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            assertEquals(a[i], b[i], what + " line " + (i + 1));
        }
        assertArrayEquals(want, got, what);
    }
}
