package dev.hcsim.core;

import dev.hcsim.core.spi.Architecture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The entry point: the architectures on the class or module path, found with
 * {@link ServiceLoader}, looked up by name or alias.
 */
public final class Hcsim {
    private static volatile List<Architecture> cached;

    private Hcsim() {
    }

    /**
     * Every registered architecture, sorted by name.
     * @return the architectures found through the ServiceLoader, an unmodifiable list
     */
    public static List<Architecture> architectures() {
        List<Architecture> c = cached;
        if (c == null) {
            List<Architecture> found = new ArrayList<>();
            ServiceLoader.load(Architecture.class, Hcsim.class.getClassLoader()).forEach(found::add);
            if (found.isEmpty()) {
                ServiceLoader.load(Architecture.class).forEach(found::add);
            }
            found.sort(Comparator.comparing(Architecture::name));
            c = List.copyOf(found);
            cached = c;
        }
        return c;
    }

    /**
     * The architecture called {@code name} (or one of its aliases), case-insensitively.
     * @param name a canonical name or an alias, in any case
     * @return the architecture
     * @throws IllegalArgumentException naming the known architectures when there is none
     */
    public static Architecture architecture(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        for (Architecture a : architectures()) {
            if (a.name().equals(n) || a.aliases().contains(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + name + "'; known: "
                + architectures().stream().map(Architecture::name).collect(Collectors.joining(", ")));
    }
}
