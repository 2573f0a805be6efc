package dev.hcsim.conformance.spi;

import dev.hcsim.conformance.Invocation;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.quicktheories.core.Gen;

/**
 * How to generate the calls of another ABI the architecture's trap instruction reaches before its KVM ABI
 * ({@code Architecture.otherAbis()}, x86's Xen and Hyper-V): the ABI's own selector, argument registers, VM state and
 * guest-memory structures, which the architecture's data states only in words. The kit's generic fallback for an ABI
 * without one only switches the feature on and draws the call code.
 *
 * @param feature the VM feature that hands the trap to the ABI, as {@code AbiFamily.feature()} ({@code xen})
 * @param from turns the kit's generic calls of the architecture (options, vCPUs, registers) into calls of the ABI:
 *             its feature on, its VM state, its selector and arguments, the memory its structures live in
 */
public record OtherAbiCalls(String feature, UnaryOperator<Gen<Invocation>> from) {
    /**
     * Checks that both parts are there.
     * @param feature the VM feature that hands the trap to the ABI
     * @param from turns generic calls into the ABI's calls
     */
    public OtherAbiCalls {
        Objects.requireNonNull(feature);
        Objects.requireNonNull(from);
    }
}
