package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.ArchitectureInfo;
import dev.hcsim.core.StatusCodec;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The service-provider interface one {@code arch-*} module implements and registers with
 * {@link java.util.ServiceLoader} ({@code provides dev.hcsim.core.spi.Architecture with ...}).
 * It ties the parts of an architecture module together: registers, contract, codec,
 * interpreter, hypercalls, discovery and status. The core never names an architecture; it only
 * talks to this interface. What users see of it is its {@link ArchitectureInfo} part.
 */
@API(status = INTERNAL, since = "1.0")
public interface Architecture extends ArchitectureInfo {
    /**
     * How neutral statuses are encoded in the main return register.
     * @return the architecture's default status codec
     */
    StatusCodec status();

    /**
     * Every hypercall of the seeds and of today's kernel, in number order.
     * @return the hypercall specs
     */
    List<HypercallSpec> hypercalls();

    /**
     * The VM features this architecture knows, with the kernel's defaults.
     * @return the feature specs
     */
    List<FeatureSpec> features();

    /**
     * The VM options this architecture accepts.
     * @return the option specs, with their allowed values and defaults
     */
    List<OptionSpec> options();

    /**
     * The byte order of a VM with these resolved options.
     * @param options every option resolved to a value
     * @return big- or little-endian
     */
    ByteOrder byteOrder(Map<String, String> options);

    /**
     * The assembler and decoder for the guest instruction subset in {@code order}.
     * @param order the VM's byte order
     * @return the codec
     */
    Codec codec(ByteOrder order);

    /**
     * Creates the per-VM part (trap gate, discovery state, scheduler hooks) of {@code vm}.
     * @param vm the VM being created (its config and options are resolved)
     * @return the new per-VM part
     */
    ArchitectureVm attach(VmContext vm);

    /**
     * The architecture id of vCPU {@code index} (APIC ID, MPIDR, core id); by default the index.
     * @param index the vCPU index, from 0
     * @return the id a guest names the vCPU by
     */
    default long vcpuId(int index) {
        return index;
    }

    /**
     * The trap instruction a one-shot {@code hcsim call} uses when none is named, as assembly text.
     * @param options every option resolved to a value (the vendor or mode may change the form)
     * @return the instruction as assembly text
     */
    String defaultTrapInstruction(Map<String, String> options);

    /**
     * The other hypercall ABIs the kernel answers on this architecture's trap instruction before its own, in the
     * kernel's dispatch order; empty by default.
     * @return their descriptions
     */
    default List<AbiFamily> otherAbis() {
        return List.of();
    }
}
