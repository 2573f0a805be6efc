package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.StatusCodec;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Another hypercall ABI the kernel answers on the same trap instruction as its own, before it (another hypervisor's
 * ABI that KVM emulates): how the kernel picks it, its register convention, its status codes and its calls, for
 * {@code explain} and the ABI tables. The ABI's dispatch is the architecture's code; this is its description.
 *
 * @param name the ABI's name, as its own documents write it
 * @param feature the VM feature that hands the trap to this ABI, for tools that generate its calls
 * @param selectorRegister the register whose value selects the call (for a control word, the register holding it)
 * @param selectedBy when the kernel hands the trap to it, with the kernel function that decides
 * @param convention the register convention, one rule per entry
 * @param status its status codes
 * @param calls every call the kernel answers or hands to the VMM, in number order
 */
@API(status = INTERNAL, since = "1.0")
public record AbiFamily(String name, String feature, String selectorRegister, String selectedBy, List<String> convention, StatusCodec status,
        List<Call> calls) {
    /**
     * Copies the lists.
     * @param name the ABI's name
     * @param feature the VM feature that selects it
     * @param selectorRegister the register that selects the call
     * @param selectedBy when the kernel hands the trap to it
     * @param convention the register convention
     * @param status its status codes
     * @param calls its calls
     */
    public AbiFamily {
        Objects.requireNonNull(name);
        Objects.requireNonNull(feature);
        Objects.requireNonNull(selectorRegister);
        Objects.requireNonNull(selectedBy);
        convention = List.copyOf(convention);
        Objects.requireNonNull(status);
        calls = List.copyOf(calls);
    }

    /**
     * One call of the ABI.
     * @param number its call code
     * @param name its name in the ABI's own header
     * @param summary what it does in the kernel, or that it goes to the VMM
     * @param statuses the statuses (by the family's names) it can answer with
     * @param source the kernel file and function
     */
    @API(status = INTERNAL, since = "1.0")
    public record Call(long number, String name, String summary, List<String> statuses, String source) {
        /**
         * Copies the statuses.
         * @param number its call code
         * @param name its name
         * @param summary what it does
         * @param statuses its statuses
         * @param source the kernel source
         */
        public Call {
            Objects.requireNonNull(name);
            statuses = List.copyOf(statuses);
        }
    }
}
