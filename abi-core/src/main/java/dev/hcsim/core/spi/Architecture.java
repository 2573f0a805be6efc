package dev.hcsim.core.spi;

import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.StatusCodec;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.Vm;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * The service-provider interface one {@code arch-*} module implements and registers with
 * {@link java.util.ServiceLoader} ({@code provides dev.hcsim.core.spi.Architecture with ...}).
 * It ties the parts of an architecture module together: registers, contract, codec,
 * interpreter, hypercalls, discovery and status. The core never names an architecture; it only
 * talks to this interface.
 */
public interface Architecture {
    /** The canonical name, lower case (the name scenarios and the CLI use). */
    String name();

    /** Other accepted names (the GNU triplet's spelling, for instance). */
    List<String> aliases();

    /** A one-line title naming the ISA and the host flavours. */
    String title();

    /** The register layout. */
    RegisterLayout registers();

    /** The trap contract as data. */
    TrapContract contract();

    /** How neutral statuses are encoded in the main return register. */
    StatusCodec status();

    /** Every hypercall of the seeds and of today's kernel, in number order. */
    List<HypercallSpec> hypercalls();

    /** The VM features this architecture knows, with the kernel's defaults. */
    List<FeatureSpec> features();

    /** The VM options this architecture accepts. */
    List<OptionSpec> options();

    /** The byte order of a VM with these resolved options. */
    ByteOrder byteOrder(Map<String, String> options);

    /** The assembler and decoder for the guest instruction subset in {@code order}. */
    Codec codec(ByteOrder order);

    /** Creates the per-VM part (trap gate, discovery state, scheduler hooks) of {@code vm}. */
    ArchitectureVm attach(Vm vm);

    /** The architecture id of vCPU {@code index} (APIC ID, MPIDR, core id); by default the index. */
    default long vcpuId(int index) {
        return index;
    }

    /** The architecture's name of interrupt {@code vector} in traces ({@code SWI0}, an exception vector); by default its number. */
    default String interruptName(int vector) {
        return "vector 0x" + Integer.toHexString(vector);
    }

    /** What the architecture calls a vCPU id ({@code "APIC ID"}, {@code "MPIDR"}). */
    default String vcpuIdName() {
        return "vCPU id";
    }

    /** How a guest finds out it runs on KVM, in words (for {@code explain}). */
    String discovery();

    /** Where the kernel's documentation and its code disagree, each with its source. */
    default List<String> docDifferences() {
        return List.of();
    }

    /** Where guest programs are loaded when a scenario does not say. */
    default long defaultEntry() {
        return 0x1000;
    }

    /** The trap instruction a one-shot {@code hcsim call} uses when none is named, as assembly text. */
    String defaultTrapInstruction(Map<String, String> options);
}
