package dev.hcsim.core.engine;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.spi.Architecture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * The architecture providers on the class or module path, found with {@link ServiceLoader} and looked up
 * by name or alias, as their SPI type. Users get the same list as {@link dev.hcsim.core.ArchitectureInfo}
 * from {@link dev.hcsim.core.Hcsim}.
 */
@API(status = INTERNAL, since = "1.0")
public final class Architectures {
    private static volatile List<Architecture> cached;

    private Architectures() {
    }

    /**
     * Every registered architecture, sorted by name.
     * @return the architectures found through the ServiceLoader, an unmodifiable list
     */
    public static List<Architecture> all() {
        List<Architecture> c = cached;
        if (c == null) {
            List<Architecture> found = new ArrayList<>();
            ServiceLoader.load(Architecture.class, Architectures.class.getClassLoader()).forEach(found::add);
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
    public static Architecture named(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        for (Architecture a : all()) {
            if (a.name().equals(n) || a.aliases().contains(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + name + "'; known: "
                + all().stream().map(Architecture::name).collect(Collectors.joining(", ")));
    }
}
