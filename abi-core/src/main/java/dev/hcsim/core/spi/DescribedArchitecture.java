package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.StatusCodec;
import dev.hcsim.core.TrapContract;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The shared shape of an architecture provider: the constant facts (name, registers, contract,
 * status codec, hypercalls, features, options, discovery text) are given once as a
 * {@link Description}; a subclass supplies only what varies per VM: byte order, codec, the per-VM
 * part and the default trap instruction.
 */
@API(status = INTERNAL, since = "1.0")
public abstract class DescribedArchitecture implements Architecture {

    /**
     * The constant facts of one architecture.
     *
     * @param name           canonical name
     * @param aliases        other accepted names
     * @param title          one-line title
     * @param registers      register layout
     * @param contract       trap contract
     * @param status         status codec of the main return register
     * @param hypercalls     every documented hypercall
     * @param features       VM features with their defaults
     * @param options        VM options with their defaults
     * @param vcpuIdName     what a vCPU id is called
     * @param discovery      how a guest finds KVM, in words
     * @param docDifferences where the kernel's docs and code disagree
     */
    public record Description(String name, List<String> aliases, String title, RegisterLayout registers, TrapContract contract,
            StatusCodec status, List<HypercallSpec> hypercalls, List<FeatureSpec> features, List<OptionSpec> options, String vcpuIdName,
            String discovery, List<String> docDifferences) {
        /**
         * Copies the lists.
         * @param name canonical name
         * @param aliases other accepted names
         * @param title one-line title
         * @param registers register layout
         * @param contract trap contract
         * @param status status codec of the main return register
         * @param hypercalls every documented hypercall
         * @param features VM features with their defaults
         * @param options VM options with their defaults
         * @param vcpuIdName what a vCPU id is called
         * @param discovery how a guest finds KVM, in words
         * @param docDifferences where the kernel's docs and code disagree
         */
        public Description {
            Objects.requireNonNull(name);
            aliases = List.copyOf(aliases);
            hypercalls = List.copyOf(hypercalls);
            features = List.copyOf(features);
            options = List.copyOf(options);
            docDifferences = List.copyOf(docDifferences);
        }
    }

    private final Description d;

    /**
     * A provider built from {@code d}.
     * @param d the architecture's constant facts
     */
    protected DescribedArchitecture(Description d) {
        this.d = d;
    }

    /**
     * The facts this provider was built from.
     * @return the description
     */
    public final Description description() {
        return d;
    }

    @Override
    public final String name() {
        return d.name();
    }

    @Override
    public final List<String> aliases() {
        return d.aliases();
    }

    @Override
    public final String title() {
        return d.title();
    }

    @Override
    public final RegisterLayout registers() {
        return d.registers();
    }

    @Override
    public final TrapContract contract() {
        return d.contract();
    }

    @Override
    public final StatusCodec status() {
        return d.status();
    }

    @Override
    public final List<HypercallSpec> hypercalls() {
        return d.hypercalls();
    }

    @Override
    public final List<FeatureSpec> features() {
        return d.features();
    }

    @Override
    public final List<OptionSpec> options() {
        return d.options();
    }

    @Override
    public final String vcpuIdName() {
        return d.vcpuIdName();
    }

    @Override
    public final String discovery() {
        return d.discovery();
    }

    @Override
    public final List<String> docDifferences() {
        return d.docDifferences();
    }

    @Override
    public String toString() {
        return d.name();
    }
}
