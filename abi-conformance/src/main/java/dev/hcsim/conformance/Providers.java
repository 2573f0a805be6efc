package dev.hcsim.conformance;

import dev.hcsim.conformance.spi.ArchitectureCases;
import dev.hcsim.conformance.spi.Encoding;
import dev.hcsim.conformance.spi.PrivilegeRule;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

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

    static List<Encoding> encodings(String arch) {
        List<Encoding> out = new ArrayList<>();
        all().stream().filter(p -> p.architecture().equals(arch)).forEach(p -> out.addAll(p.neighbouringEncodings()));
        return out;
    }

    static List<String> extraInputs(String arch) {
        List<String> out = new ArrayList<>();
        all().stream().filter(p -> p.architecture().equals(arch)).forEach(p -> out.addAll(p.extraInputs()));
        return out;
    }

    static java.util.Map<String, Long> magic(String arch) {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        all().stream().filter(p -> p.architecture().equals(arch)).forEach(p -> out.putAll(p.magic()));
        return out;
    }

    static List<PrivilegeRule> privilegeRules(String arch) {
        List<PrivilegeRule> out = new ArrayList<>();
        all().stream().filter(p -> p.architecture().equals(arch)).forEach(p -> out.addAll(p.privilegeRules()));
        return out;
    }
}
