package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Vm;
import dev.hcsim.core.engine.ApiSurface;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: "the consumer compiles against the user API alone (no spi or engine import)". examples/consumer (a
 * toy emulator with its conformance test) is compiled here with javac as users compile it on the module path:
 * abi-core is the named module {@code dev.hcsim.core} and the consumer is code outside it, which can use only the
 * packages abi-core exports to everyone (the user API); the SPI, the assembler and the engine are exported to
 * hcsim's own modules only, so an import of them is a compile error ("package ... is declared in module
 * dev.hcsim.core, which does not export it"). Then every hcsim class the compiled consumer refers to must be a
 * user-API type that is not INTERNAL (the few INTERNAL helpers in exported packages are caught here, not by javac).
 */
class UserApiConsumerTest {
    private static final Path CONSUMER = Path.of("..", "examples", "consumer", "src");

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** abi-core and the modules it requires (Guava and Guava's failureaccess), for --module-path. */
    private static List<Path> modulePath() throws ClassNotFoundException {
        return List.of(location(Vm.class), location(com.google.common.collect.ImmutableList.class),
                location(Class.forName("com.google.common.util.concurrent.internal.InternalFutureFailureAccess")));
    }

    /** Everything else the consumer's code and tests need (abi-conformance, JUnit, the architectures): the class path. */
    private static List<String> classPath(List<Path> modules) {
        Set<String> onModulePath = modules.stream().map(p -> p.toAbsolutePath().normalize().toString()).collect(Collectors.toSet());
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !onModulePath.contains(Path.of(e).toAbsolutePath().normalize().toString())).toList();
    }

    /** javac's exit code and messages for {@code sources}, compiled into {@code out} against the user API alone. */
    private static String[] javac(List<Path> sources, Path out) throws Exception {
        List<Path> modules = modulePath();
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString(), "-proc:none",
                "--module-path", modules.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                "--add-modules", "dev.hcsim.core",
                "-classpath", String.join(File.pathSeparator, classPath(modules))));
        sources.forEach(s -> args.add(s.toString()));
        StringWriter messages = new StringWriter();
        int rc = ToolProvider.findFirst("javac").orElseThrow().run(new PrintWriter(messages), new PrintWriter(messages), args.toArray(String[]::new));
        return new String[] {Integer.toString(rc), messages.toString()};
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The hcsim classes outside the user API (or INTERNAL) that the classes under {@code out} refer to. */
    private static Set<String> forbiddenReferences(Path out) throws IOException, ClassNotFoundException {
        Set<String> bad = new TreeSet<>();
        for (Path f : javaFilesOf(out)) {
            for (String ref : ApiSurface.references(f)) {
                if (ref.startsWith("dev.hcsim.core") && ApiSurface.forbidden(Class.forName(ref, false, Vm.class.getClassLoader()))) {
                    bad.add(out.relativize(f) + " -> " + ref);
                }
            }
        }
        return bad;
    }

    private static List<Path> javaFilesOf(Path out) throws IOException {
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
    }

    @Test
    @DisplayName("examples/consumer (main and test) compiles against abi-core's user API alone and refers to no INTERNAL type")
    void theConsumerUsesTheUserApiOnly(@TempDir Path out) throws Exception {
        List<Path> sources = new ArrayList<>(javaFiles(CONSUMER.resolve("main/java")));
        sources.addAll(javaFiles(CONSUMER.resolve("test/java")));
        assertTrue(sources.size() >= 4, "the consumer's sources: " + sources);
        String[] r = javac(sources, out);
        assertEquals("0", r[0], "javac failed:\n" + r[1]);
        assertEquals(Set.of(), forbiddenReferences(out));
        assertTrue(Files.exists(out.resolve("example/toy/ToyMachine.class")));
    }

    @Test
    @DisplayName("the same compilation fails for an SPI import, and the reference check flags an INTERNAL type of an exported package")
    void theCheckFailsForTheSpiAndForInternalTypes(@TempDir Path dir) throws Exception {
        Path spi = dir.resolve("src/leak/UsesSpi.java");
        Files.createDirectories(spi.getParent());
        Files.writeString(spi, "package leak;\nimport dev.hcsim.core.spi.Architecture;\nclass UsesSpi { Architecture a; }\n");
        String[] r = javac(List.of(spi), Files.createDirectories(dir.resolve("out1")));
        assertEquals("1", r[0], r[1]);
        // javac: "package dev.hcsim.core.spi is declared in module dev.hcsim.core, which does not export it to the unnamed module"
        assertTrue(r[1].contains("package dev.hcsim.core.spi is declared in module dev.hcsim.core, which does not export it"), r[1]);

        Path internal = dir.resolve("src/leak/UsesBytes.java");
        Files.writeString(internal, "package leak;\nclass UsesBytes { String hex(long v) { return dev.hcsim.core.Bytes.hex64(v); } }\n");
        Path out = Files.createDirectories(dir.resolve("out2"));
        r = javac(List.of(internal), out);
        assertEquals("0", r[0], r[1]);
        assertEquals(Set.of("leak/UsesBytes.class -> dev.hcsim.core.Bytes"), forbiddenReferences(out));
    }
}
