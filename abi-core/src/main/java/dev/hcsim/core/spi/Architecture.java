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
    /**
     * The canonical name, lower case (the name scenarios and the CLI use).
     * @return the name, lower case, as scenarios and the CLI spell it
     */
    String name();

    /**
     * Other accepted names (the GNU triplet's spelling, for instance).
     * @return the aliases (a GNU triplet's spelling, for instance); may be empty
     */
    List<String> aliases();

    /**
     * A one-line title naming the ISA and the host flavours.
     * @return the title
     */
    String title();

    /**
     * The register layout.
     * @return the general registers and the control state the ABI reads
     */
    RegisterLayout registers();

    /**
     * The trap contract as data.
     * @return the contract: trap forms, number, argument and result registers, narrow-mode and PC rules
     */
    TrapContract contract();

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
    ArchitectureVm attach(Vm vm);

    /**
     * The architecture id of vCPU {@code index} (APIC ID, MPIDR, core id); by default the index.
     * @param index the vCPU index, from 0
     * @return the id a guest names the vCPU by
     */
    default long vcpuId(int index) {
        return index;
    }

    /**
     * The architecture's name of interrupt {@code vector} in traces ({@code SWI0}, an exception vector); by default its
     * number.
     * @param vector the vector as raised through {@link dev.hcsim.core.VcpuControl#interrupt}
     * @return the name traces print
     */
    default String interruptName(int vector) {
        return "vector 0x" + Integer.toHexString(vector);
    }

    /**
     * What the architecture calls a vCPU id ({@code "APIC ID"}, {@code "MPIDR"}).
     * @return the term, used in messages and tables
     */
    default String vcpuIdName() {
        return "vCPU id";
    }

    /**
     * How a guest finds out it runs on KVM, in words (for {@code explain}).
     * @return the discovery text, with its sources
     */
    String discovery();

    /**
     * Where the kernel's documentation and its code disagree, each with its source.
     * @return one difference per entry; empty by default
     */
    default List<String> docDifferences() {
        return List.of();
    }

    /**
     * The other hypercall ABIs the trap instruction reaches before {@link #hypercalls()}, in the kernel's dispatch order
     * (x86: Xen, Hyper-V). For {@code explain} and {@code table}.
     * @return the families, by {@link AbiFamily#order()}; empty by default
     */
    default List<AbiFamily> otherAbis() {
        return List.of();
    }

    /**
     * Where guest programs are loaded when a scenario does not say.
     * @return the default entry's guest address
     */
    default long defaultEntry() {
        return 0x1000;
    }

    /**
     * The trap instruction a one-shot {@code hcsim call} uses when none is named, as assembly text.
     * @param options every option resolved to a value (the vendor or mode may change the form)
     * @return the instruction as assembly text
     */
    String defaultTrapInstruction(Map<String, String> options);
}
