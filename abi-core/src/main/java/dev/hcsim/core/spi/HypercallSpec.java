package dev.hcsim.core.spi;

import dev.hcsim.core.Status;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One documented hypercall as data: number, kernel name, the VM feature that gates it, the
 * statuses it can return, where the kernel implements it, and its handler. The same record feeds
 * dispatch, {@code hcsim explain}, the docs table and the conformance kit.
 */
public final class HypercallSpec {
    private final long number;
    private final String name;
    private final HypercallHandler handler;
    private String summary = "";
    private String source = "";
    private String feature;
    private dev.hcsim.core.StatusCodec codec;
    private String availability = "implemented";
    private final EnumSet<Status> statuses = EnumSet.noneOf(Status.class);

    private HypercallSpec(long number, String name, HypercallHandler handler) {
        this.number = number;
        this.name = Objects.requireNonNull(name);
        this.handler = Objects.requireNonNull(handler);
    }

    /**
     * A hypercall with its number, kernel name and handler. Chain the other properties.
     * @param number the hypercall number or function ID
     * @param name the call's name as the kernel spells it
     * @param handler the behaviour
     * @return the spec
     */
    public static HypercallSpec of(long number, String name, HypercallHandler handler) {
        return new HypercallSpec(number, name, handler);
    }

    /**
     * A one-line summary of what the call does and which registers it reads and writes.
     * @param s the summary
     * @return this spec
     */
    public HypercallSpec summary(String s) {
        summary = s;
        return this;
    }

    /**
     * The kernel file and function that implement it (a path under {@code arch/} and a function name).
     * @param s the source
     * @return this spec
     */
    public HypercallSpec source(String s) {
        source = s;
        return this;
    }

    /**
     * The VM feature that offers the call; when it is off the architecture answers as the kernel does.
     * @param f the feature's name
     * @return this spec
     */
    public HypercallSpec feature(String f) {
        feature = f;
        return this;
    }

    /**
     * The status family this call answers in when it is not the architecture's default (PSCI or TRNG
     * codes beside the architecture's own); the engine switches to it before the handler runs.
     * @param c the call's status codec
     * @return this spec
     */
    public HypercallSpec codec(dev.hcsim.core.StatusCodec c) {
        codec = c;
        return this;
    }

    /**
     * The call's own status family, or null for the architecture's.
     * @return the codec, or null
     */
    public dev.hcsim.core.StatusCodec codec() {
        return codec;
    }

    /**
     * How today's kernel treats the number, in words ("implemented", "removed: -KVM_ENOSYS", ...).
     * @param a the availability
     * @return this spec
     */
    public HypercallSpec availability(String a) {
        availability = a;
        return this;
    }

    /**
     * The statuses this call can return.
     * @param s every status the handler may set
     * @return this spec
     */
    public HypercallSpec statuses(Status... s) {
        statuses.addAll(Set.of(s));
        return this;
    }

    /**
     * The hypercall number or function ID.
     * @return the number
     */
    public long number() {
        return number;
    }

    /**
     * The kernel's name of the call.
     * @return the name as the kernel spells it
     */
    public String name() {
        return name;
    }

    /**
     * The call's behaviour.
     * @return the handler
     */
    public HypercallHandler handler() {
        return handler;
    }

    /**
     * A one-line summary of what the call does.
     * @return the summary
     */
    public String summary() {
        return summary;
    }

    /**
     * The kernel file and function that implement the call.
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * The gating feature, or null when the call is always offered.
     * @return the feature's name, or null
     */
    public String feature() {
        return feature;
    }

    /**
     * How today's kernel treats the number, in words.
     * @return the availability
     */
    public String availability() {
        return availability;
    }

    /**
     * The statuses this call can return.
     * @return an unmodifiable set
     */
    public Set<Status> statuses() {
        return EnumSet.copyOf(statuses.isEmpty() ? EnumSet.of(Status.SUCCESS) : statuses);
    }

    @Override
    public String toString() {
        return name + "(0x" + Long.toHexString(number) + ")";
    }
}
