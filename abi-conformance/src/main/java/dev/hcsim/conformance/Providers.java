package dev.hcsim.conformance;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import dev.hcsim.conformance.spi.PrivilegeRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/** The {@link ArchitectureCases} found with {@link ServiceLoader}, merged per architecture. */
final class Providers {
    private static volatile List<ArchitectureCases> all;

    private Providers() {
    }

    private static List<ArchitectureCases> all() {
        List<ArchitectureCases> a = all;
        if (a == null) {
            List<ArchitectureCases> found = new ArrayList<>();
            ServiceLoader.load(ArchitectureCases.class, Providers.class.getClassLoader()).forEach(found::add);
            a = List.copyOf(found);
            all = a;
        }
        return a;
    }

    /** What every provider for {@code arch} gives, in provider order. */
    private static <T> List<T> merged(String arch, Function<ArchitectureCases, Collection<T>> part) {
        List<T> out = new ArrayList<>();
        all().stream().filter(p -> p.architecture().equals(arch)).forEach(p -> out.addAll(part.apply(p)));
        return out;
    }

    static List<Encoding> encodings(String arch) {
        return merged(arch, ArchitectureCases::neighbouringEncodings);
    }

    static List<String> extraInputs(String arch) {
        return merged(arch, ArchitectureCases::extraInputs);
    }

    static Map<String, Long> magic(String arch) {
        Map<String, Long> out = new LinkedHashMap<>();
        merged(arch, p -> p.magic().entrySet()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    static List<PrivilegeRule> privilegeRules(String arch) {
        return merged(arch, ArchitectureCases::privilegeRules);
    }

    /** The generator of {@code arch}'s other ABI with {@code feature}, the first provider's; null when none has one. */
    static dev.hcsim.conformance.spi.OtherAbiCalls otherAbiCalls(String arch, String feature) {
        return merged(arch, ArchitectureCases::otherAbiCalls).stream().filter(c -> c.feature().equals(feature)).findFirst().orElse(null);
    }

    /**
     * What takes a trap out of the ABI the kit checks: the feature of every other ABI the architecture declares
     * ({@code Architecture.otherAbis()}), and what the providers add.
     */
    static java.util.Set<String> otherAbiSwitches(String arch) {
        java.util.Set<String> out = new java.util.HashSet<>(merged(arch, ArchitectureCases::otherAbiSwitches));
        dev.hcsim.core.engine.Architectures.named(arch).otherAbis().forEach(f -> out.add(f.feature()));
        return java.util.Set.copyOf(out);
    }
}
