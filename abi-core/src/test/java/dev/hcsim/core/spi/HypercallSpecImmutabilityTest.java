package dev.hcsim.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Status;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 4: specs are built once. The old fluent setters mutated the instance a JVM-wide
 * Architecture held (one {@code feature(...)} call turned KVM_HC_SCHED_YIELD into -KVM_ENOSYS for
 * every later VM); now such a call does not compile, and the collections a spec hands out throw.
 */
class HypercallSpecImmutabilityTest {
    private static final HypercallHandler NOP = t -> { };

    /** Compiles one class body against abi-core; returns the compiler's diagnostics, empty when it compiled. */
    private static String compile(String body) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String src = "import dev.hcsim.core.spi.*;\nclass Attempt {\n" + body + "\n}\n";
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Attempt.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return src;
            }
        };
        String cp = Path.of(HypercallSpec.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        StringWriter out = new StringWriter();
        Path dir = java.nio.file.Files.createTempDirectory("hcsim-spec");
        boolean ok = javac.getTask(out, null, null, List.of("-classpath", cp, "-d", dir.toString(), "-proc:none"), null, List.of(file)).call();
        return ok ? "" : out.toString();
    }

    @Test
    @DisplayName("the compile check itself: reading a spec compiles (so the failures below are about the setters)")
    void readingCompiles() throws Exception {
        assertEquals("", compile("long n(HypercallSpec s) { return s.number() + s.name().length() + s.statuses().size(); }"));
    }

    @Test
    @DisplayName("issue 14: spec.feature(\"x\") on a built spec does not compile (it changed dispatch JVM-wide before)")
    void featureSetterDoesNotCompile() throws Exception {
        String errors = compile("void f(HypercallSpec s) { s.feature(\"pv-sched-yield-off\"); }");
        assertTrue(errors.contains("feature(java.lang.String)") || errors.contains("cannot find symbol")
                || errors.contains("method feature"), errors);
    }

    @Test
    @DisplayName("no setter of a built spec compiles: summary, source, codec, availability, statuses")
    void noSetterCompiles() throws Exception {
        for (String call : List.of("s.summary(\"x\")", "s.source(\"x\")", "s.codec(null)", "s.availability(\"x\")",
                "s.statuses(dev.hcsim.core.Status.SUCCESS)")) {
            assertFalse(compile("void f(HypercallSpec s) { " + call + "; }").isEmpty(), call + " compiled");
        }
    }

    @Test
    @DisplayName("the statuses set a spec hands out throws on add and remove")
    void statusesThrow() {
        HypercallSpec s = HypercallSpec.builder(1, "A", NOP).statuses(Status.SUCCESS, Status.PERMISSION).build();
        Set<Status> st = s.statuses();
        assertThrows(UnsupportedOperationException.class, () -> st.add(Status.FAULT));
        assertThrows(UnsupportedOperationException.class, () -> st.remove(Status.SUCCESS));
        assertEquals(Set.of(Status.SUCCESS, Status.PERMISSION), s.statuses());
    }

    @Test
    @DisplayName("a builder used again after build() does not change the spec it built")
    void builderDoesNotReachBuiltSpec() {
        HypercallSpec.Builder b = HypercallSpec.builder(11, "KVM_HC_SCHED_YIELD", NOP).feature("pv-sched-yield").statuses(Status.SUCCESS);
        HypercallSpec built = b.build();
        b.feature(null).summary("changed").availability("removed").statuses(Status.NOT_IMPLEMENTED);
        assertEquals("pv-sched-yield", built.feature());
        assertEquals("", built.summary());
        assertEquals("implemented", built.availability());
        assertEquals(Set.of(Status.SUCCESS), built.statuses());
        assertNull(b.build().feature());
    }

    @Test
    @DisplayName("a spec built with no statuses lists SUCCESS alone")
    void defaultStatus() {
        assertEquals(Set.of(Status.SUCCESS), HypercallSpec.builder(1, "A", NOP).build().statuses());
    }

    @Test
    @DisplayName("a table's list of specs throws on add")
    void tableListThrows() {
        HypercallTable t = HypercallTable.build(List.of(HypercallSpec.builder(1, "A", NOP).build()), s -> true);
        assertThrows(UnsupportedOperationException.class, () -> t.all().add(HypercallSpec.builder(2, "B", NOP).build()));
        assertThrows(UnsupportedOperationException.class, () -> t.all().clear());
    }
}
