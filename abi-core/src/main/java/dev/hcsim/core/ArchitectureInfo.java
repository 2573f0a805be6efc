package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What a user sees of one simulated architecture: its names, its registers, its trap contract and how a
 * guest discovers KVM on it. {@link Vm#architecture()} and {@link Hcsim} hand it out; the architecture
 * modules implement it through their service-provider interface, which users never need.
 */
@API(status = STABLE, since = "1.0")
public interface ArchitectureInfo {
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
     * The architecture's name of interrupt {@code vector} in traces ({@code SWI0}, an exception vector); by default its
     * number.
     * @param vector the vector as raised through {@link VcpuControl#interrupt}
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
     * Where guest programs are loaded when a scenario does not say.
     * @return the default entry's guest address
     */
    default long defaultEntry() {
        return 0x1000;
    }
}
