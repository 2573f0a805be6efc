package dev.hcsim.core.engine;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.VmContext;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * The engine's door into a user's {@link Vm}: its {@link VmContext} (codec, hypercall table, the
 * architecture's per-VM part, the trap frames) and VM creation from an {@link Architecture} instance.
 * {@code Vm} keeps these non-public, so that nothing the user API offers is an engine or SPI type; it
 * hands its accessors over once, from its static initialiser (the JDK's "shared secrets" pattern).
 * Exported only to hcsim's own modules.
 */
@API(status = INTERNAL, since = "1.0")
public final class Engine {
    private static volatile Function<Vm, VmContext> contexts;
    private static volatile BiFunction<Architecture, VmConfig, Vm> factory;

    private Engine() {
    }

    /**
     * Called once, by {@code Vm}'s static initialiser.
     * @param contexts a VM's context
     * @param factory creates a VM of an architecture instance
     * @throws IllegalStateException when called a second time
     */
    public static synchronized void install(Function<Vm, VmContext> contexts, BiFunction<Architecture, VmConfig, Vm> factory) {
        if (Engine.contexts != null) {
            throw new IllegalStateException("the engine's accessors are installed once, by Vm");
        }
        Engine.factory = Objects.requireNonNull(factory);
        Engine.contexts = Objects.requireNonNull(contexts);
    }

    /**
     * The engine's view of {@code vm}.
     * @param vm a VM
     * @return its context
     * @throws IllegalArgumentException when {@code vm} is null
     */
    public static VmContext context(Vm vm) {
        if (vm == null) {
            throw new IllegalArgumentException("the VM is null");
        }
        return contexts.apply(vm); // a Vm instance exists, so its class has installed the accessors
    }

    /**
     * Creates a VM of an architecture instance the caller already holds (a test's own architecture, or
     * one found with {@link Architectures}).
     * @param arch the architecture
     * @param config the VM's configuration (its architecture name is not looked up again)
     * @return the new VM
     * @throws IllegalArgumentException with a one-line message for an unknown option, option value or feature, or two
     *   vCPUs with one id
     */
    public static Vm create(Architecture arch, VmConfig config) {
        if (factory == null) {
            initialise(Vm.class);
        }
        return factory.apply(arch, config);
    }

    private static void initialise(Class<?> c) {
        try {
            Class.forName(c.getName(), true, c.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
