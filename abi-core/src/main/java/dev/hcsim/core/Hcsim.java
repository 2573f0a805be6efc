package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import dev.hcsim.core.engine.Architectures;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The entry point: the architectures on the class or module path (each {@code arch-*} module registers
 * itself with {@link java.util.ServiceLoader}), looked up by name or alias.
 */
@API(status = STABLE, since = "1.0")
public final class Hcsim {
    private Hcsim() {
    }

    /**
     * Every registered architecture, sorted by name.
     * @return the architectures found on the class or module path, an unmodifiable list
     */
    public static List<ArchitectureInfo> architectures() {
        return List.copyOf(Architectures.all());
    }

    /**
     * The architecture called {@code name} (or one of its aliases), case-insensitively.
     * @param name a canonical name or an alias, in any case
     * @return the architecture
     * @throws IllegalArgumentException naming the known architectures when there is none
     */
    public static ArchitectureInfo architecture(String name) {
        return Architectures.named(name);
    }
}
