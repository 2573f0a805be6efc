package dev.hcsim.conformance.spi;

import java.util.List;

/**
 * What one architecture adds to the kit's generic generators, found with
 * {@link java.util.ServiceLoader}. Everything here is data: the generic generators already cover
 * every architecture from its contract, hypercall list, status codec, registers and options; these
 * cases add the encodings and rules the contract states only in words.
 *
 * <p>An architecture module (or a third party) registers an implementation with
 * {@code provides dev.hcsim.conformance.spi.ArchitectureCases with ...} and a
 * {@code META-INF/services} entry. Several providers for one architecture are merged.
 */
public interface ArchitectureCases {
    /**
     * The architecture's canonical name, as {@link dev.hcsim.core.spi.Architecture#name()}.
     * @return the name these cases belong to
     */
    String architecture();

    /**
     * Trap encodings next to the native one, as hex in memory order: other immediates and codes,
     * other register fields, the other vendor's or mode's form. They must not crash a handler and
     * their answer is compared with hcsim's.
     * @return the encodings; empty by default
     */
    default List<Encoding> neighbouringEncodings() {
        return List.of();
    }

    /**
     * General registers the kernel reads on a trap besides the contract's number and arguments
     * (ppc's {@code r0} magic). The clobber-poisoning property leaves them alone.
     * @return ABI register names; empty by default
     */
    default List<String> extraInputs() {
        return List.of();
    }

    /**
     * Register values that make a trap a hypercall at all (ppc's {@code r0 = KVM_SC_MAGIC_R0}); the
     * generators use them in most cases and anything else in the rest.
     * @return values by ABI register name; empty by default
     */
    default java.util.Map<String, Long> magic() {
        return java.util.Map.of();
    }

    /**
     * What happens to a caller without the privilege the contract asks for.
     * @return the rules; empty by default (no privilege check)
     */
    default List<PrivilegeRule> privilegeRules() {
        return List.of();
    }

    /**
     * Configurations that take the trap out of the ABI the kit checks, besides the features of the other ABIs the
     * architecture declares ({@code Architecture.otherAbis()}, e.g. Hyper-V and Xen on x86, which the kit leaves out
     * by itself): a feature by its name, or an option value as {@code name=value}. An s390 user-controlled VM hands
     * every intercept to the VMM ({@code kvm_handle_sie_intercept}). The generic generators never draw them.
     * @return feature names and {@code name=value} option settings; empty by default
     */
    default List<String> otherAbiSwitches() {
        return List.of();
    }

    /**
     * Generators of the calls of the other ABIs the architecture declares ({@code Architecture.otherAbis()}), one per
     * ABI at most: what {@code ConformanceKit.differentialOtherAbis} draws. An ABI without one gets the kit's generic
     * calls (its feature on, its selector register drawn from its call codes).
     * @return the generators; empty by default
     */
    default List<OtherAbiCalls> otherAbiCalls() {
        return List.of();
    }
}
