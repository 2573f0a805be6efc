package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.engine.ApiSurface;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The API boundary of abi-core (docs/embedding.md "API status", docs/architecture.md): which packages users may
 * use, that every public type says its stability, that nothing the user API takes or returns is an SPI or engine
 * type, and that the SPI never depends on the user's {@link Vm} (the import cycle of 0.1). The checks read the
 * compiled classes and the compiled module descriptor, so they see what a user's compiler sees.
 */
class ApiBoundaryTest {
    private static final Set<String> USER_API = ApiSurface.USER_API;
    private static final Set<String> INTERNAL_PACKAGES = ApiSurface.INTERNAL_PACKAGES;

    private static Path classes() {
        try {
            return Path.of(Vm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModuleDescriptor descriptor() throws IOException {
        try (InputStream in = Files.newInputStream(classes().resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    /** Every class of an exported package (to everyone or to hcsim's modules), by binary name. */
    private static List<String> classNames() throws IOException {
        Path root = classes();
        Set<String> exported = descriptor().exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().equals("module-info.class"))
                    .map(p -> root.relativize(p).toString().replace('/', '.').replace('\\', '.').replaceAll("\\.class$", ""))
                    .filter(n -> exported.contains(n.substring(0, n.lastIndexOf('.'))))
                    .sorted().toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, Vm.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("module-info exports the user API to everyone, and the SPI, the assembler and the engine only to hcsim's modules")
    void exports() throws IOException {
        ModuleDescriptor d = descriptor();
        Map<String, Set<String>> exports = new TreeMap<>();
        d.exports().forEach(e -> exports.put(e.source(), e.isQualified() ? new TreeSet<>(e.targets()) : Set.of()));
        assertEquals(new TreeSet<>(USER_API), exports.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new)), "exported to everyone");
        for (String p : INTERNAL_PACKAGES) {
            Set<String> to = exports.get(p);
            assertTrue(to != null && !to.isEmpty(), p + " is exported to named modules only");
            assertTrue(to.stream().allMatch(m -> m.startsWith("dev.hcsim.")), p + " is exported to hcsim's modules only: " + to);
        }
    }

    @Test
    @DisplayName("every public type of every exported package says its stability (@API, or its enclosing type's)")
    void everyPublicTypeHasAStatus() throws IOException {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String n : classNames()) {
            Class<?> c = load(n);
            if (!ApiSurface.visible(c)) {
                continue;
            }
            checked++;
            if (ApiSurface.status(c) == null) {
                missing.add(n);
            }
        }
        assertTrue(checked > 60, "the scan found the classes: " + checked);
        assertEquals(List.of(), missing, "public types without @API(status = ...)");
    }

    @Test
    @DisplayName("the SPI, the assembler and the engine are INTERNAL; the user API's own types are not")
    void internalPackagesAreInternal() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (String n : classNames()) {
            Class<?> c = load(n);
            if (ApiSurface.visible(c) && INTERNAL_PACKAGES.contains(c.getPackageName()) && ApiSurface.status(c).status() != API.Status.INTERNAL) {
                wrong.add(n + " is " + ApiSurface.status(c).status());
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(API.Status.STABLE, ApiSurface.status(Vm.class).status());
        assertEquals(API.Status.STABLE, ApiSurface.status(Exit.Hypercall.class).status(), "nested types share their owner's status");
    }

    /** Every class a generic type names. */
    private static void collect(Type t, Set<Class<?>> out) {
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            out.add(c);
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), out);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, out);
            }
        } else if (t instanceof GenericArrayType g) {
            collect(g.getGenericComponentType(), out);
        } else if (t instanceof WildcardType w) {
            Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds())).forEach(b -> collect(b, out));
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                collect(b, out);
            }
        }
    }

    /** The classes a user sees in {@code c}'s public surface: supertypes, fields, constructors, methods, components. */
    static Map<String, Set<Class<?>>> surface(Class<?> c) {
        Map<String, Set<Class<?>>> out = new TreeMap<>();
        Set<Class<?>> supers = new HashSet<>();
        if (c.getGenericSuperclass() != null) {
            collect(c.getGenericSuperclass(), supers);
        }
        for (Type i : c.getGenericInterfaces()) {
            collect(i, supers);
        }
        for (Class<?> p : c.getPermittedSubclasses() == null ? new Class<?>[0] : c.getPermittedSubclasses()) {
            if (ApiSurface.visible(p)) {
                supers.add(p);
            }
        }
        out.put("supertypes", supers);
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) || Modifier.isProtected(f.getModifiers()) && !Modifier.isFinal(c.getModifiers())) {
                Set<Class<?>> s = new HashSet<>();
                collect(f.getGenericType(), s);
                out.put("field " + f.getName(), s);
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers()) && !Modifier.isFinal(c.getModifiers())) {
                Set<Class<?>> s = new HashSet<>();
                Stream.of(k.getGenericParameterTypes()).forEach(t -> collect(t, s));
                Stream.of(k.getGenericExceptionTypes()).forEach(t -> collect(t, s));
                out.put("constructor " + k.toGenericString(), s);
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (m.isSynthetic() || m.isBridge()) {
                continue;
            }
            if (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers()) && !Modifier.isFinal(c.getModifiers())) {
                Set<Class<?>> s = new HashSet<>();
                collect(m.getGenericReturnType(), s);
                Stream.of(m.getGenericParameterTypes()).forEach(t -> collect(t, s));
                Stream.of(m.getGenericExceptionTypes()).forEach(t -> collect(t, s));
                Stream.of(m.getTypeParameters()).forEach(t -> collect(t, s));
                out.put("method " + m.getName() + Stream.of(m.getParameterTypes()).map(Class::getSimpleName)
                        .collect(Collectors.joining(", ", "(", ")")), s);
            }
        }
        if (c.isRecord()) {
            for (RecordComponent r : c.getRecordComponents()) {
                Set<Class<?>> s = new HashSet<>();
                collect(r.getGenericType(), s);
                out.put("component " + r.getName(), s);
            }
        }
        return out;
    }

    @Test
    @DisplayName("nothing the user API takes, returns, throws or extends is an SPI, assembler, engine or INTERNAL type")
    void theUserApiNamesNoEngineType() throws IOException {
        List<String> leaks = new ArrayList<>();
        int members = 0;
        for (String n : classNames()) {
            Class<?> c = load(n);
            if (!ApiSurface.visible(c) || !USER_API.contains(c.getPackageName()) || ApiSurface.status(c).status() == API.Status.INTERNAL) {
                continue;
            }
            for (Map.Entry<String, Set<Class<?>>> e : surface(c).entrySet()) {
                members++;
                for (Class<?> t : e.getValue()) {
                    if (ApiSurface.forbidden(t)) {
                        leaks.add(c.getName() + " " + e.getKey() + " names " + t.getName());
                    }
                }
            }
        }
        assertTrue(members > 300, "the scan saw the members: " + members);
        assertEquals(List.of(), leaks);
    }

    @Test
    @DisplayName("the check above fails for an SPI type in a signature (it names Architecture in a method of a test type)")
    void theLeakCheckCanFail() {
        abstract class Leaky {
            public abstract dev.hcsim.core.spi.Architecture leak();
        }
        assertTrue(surface(Leaky.class).values().stream().flatMap(Set::stream).anyMatch(ApiSurface::forbidden));
        assertFalse(surface(Program.class).values().stream().flatMap(Set::stream).anyMatch(ApiSurface::forbidden));
    }

    // ---------------------------------------------------------------- the Vm <-> spi cycle

    /** The path from {@code from} to {@code to} through class references, or null when there is none. */
    static List<String> path(String from, String to, Map<String, Set<String>> graph) {
        Map<String, String> parent = new HashMap<>();
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        parent.put(from, null);
        while (!todo.isEmpty()) {
            String c = todo.poll();
            if (c.equals(to)) {
                List<String> path = new ArrayList<>();
                for (String k = c; k != null; k = parent.get(k)) {
                    path.add(0, k);
                }
                return path;
            }
            for (String d : graph.getOrDefault(c, Set.of())) {
                if (!parent.containsKey(d)) {
                    parent.put(d, c);
                    todo.add(d);
                }
            }
        }
        return null;
    }

    @Test
    @DisplayName("no SPI or assembler class reaches Vm, directly or through other classes: the Vm <-> spi cycle of 0.1 is gone")
    void theSpiNeverReachesVm() throws IOException {
        Map<String, Set<String>> graph = new HashMap<>();
        for (String n : classNames()) {
            graph.put(n, ApiSurface.references(classes().resolve(n.replace('.', '/') + ".class")));
        }
        assertTrue(graph.get("dev.hcsim.core.Vm").contains("dev.hcsim.core.spi.Architecture"), "Vm uses the SPI (the direction that stays)");
        List<String> cycles = new ArrayList<>();
        for (String n : graph.keySet()) {
            if (n.startsWith("dev.hcsim.core.spi.") || n.startsWith("dev.hcsim.core.asm.")) {
                List<String> p = path(n, "dev.hcsim.core.Vm", graph);
                if (p != null) {
                    cycles.add(String.join(" -> ", p));
                }
            }
        }
        assertEquals(List.of(), cycles);
    }

    @Test
    @DisplayName("the cycle check finds a path where there is one (Engine, the engine's door, reaches Vm by design)")
    void theCycleCheckCanFail() {
        Map<String, Set<String>> graph = Map.of("dev.hcsim.core.engine.Engine", ApiSurface.references(classes().resolve("dev/hcsim/core/engine/Engine.class")));
        assertEquals(List.of("dev.hcsim.core.engine.Engine", "dev.hcsim.core.Vm"), path("dev.hcsim.core.engine.Engine", "dev.hcsim.core.Vm", graph));
    }
}
