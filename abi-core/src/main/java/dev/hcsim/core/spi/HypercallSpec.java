package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Sets;
import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * One documented hypercall as data: number, kernel name, the VM feature that gates it, the
 * statuses it can return, where the kernel implements it, and its handler. The same value feeds
 * dispatch, {@code hcsim explain}, the docs table and the conformance kit.
 *
 * <p>A spec is immutable: it is made once with {@link #builder} and has no setters. An
 * architecture's specs are shared by every VM in the JVM, so a spec that could change after it was
 * built would change dispatch for every VM created afterwards (issue 14: a fluent setter once
 * turned KVM_HC_SCHED_YIELD into -KVM_ENOSYS JVM-wide).
 */
@API(status = INTERNAL, since = "1.0")
public final class HypercallSpec {
    private final long number;
    private final String name;
    private final HypercallHandler handler;
    private final String summary;
    private final String source;
    private final String feature;
    private final StatusCodec codec;
    private final String availability;
    private final ImmutableSet<Status> statuses;

    private HypercallSpec(Builder b) {
        this.number = b.number;
        this.name = b.name;
        this.handler = b.handler;
        this.summary = b.summary;
        this.source = b.source;
        this.feature = b.feature;
        this.codec = b.codec;
        this.availability = b.availability;
        this.statuses = Sets.immutableEnumSet(b.statuses.isEmpty() ? EnumSet.of(Status.SUCCESS) : b.statuses);
    }

    /**
     * Starts a spec with its number, kernel name and handler; chain the other properties and end
     * with {@link Builder#build()}.
     * @param number the hypercall number or function ID
     * @param name the call's name as the kernel spells it
     * @param handler the behaviour
     * @return a builder
     */
    public static Builder builder(long number, String name, HypercallHandler handler) {
        return new Builder(number, name, handler);
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
     * The call's own status family, or null for the architecture's.
     * @return the codec, or null
     */
    public StatusCodec codec() {
        return codec;
    }

    /**
     * How today's kernel treats the number, in words.
     * @return the availability
     */
    public String availability() {
        return availability;
    }

    /**
     * The statuses this call can return ({@code SUCCESS} alone when the builder named none).
     * @return an immutable set: adding to it throws
     */
    public Set<Status> statuses() {
        return statuses;
    }

    @Override
    public String toString() {
        return name + "(0x" + Long.toHexString(number) + ")";
    }

    /** Collects a spec's properties; {@link #build()} makes the immutable spec. A builder is not shared. */
    public static final class Builder {
        private final long number;
        private final String name;
        private final HypercallHandler handler;
        private String summary = "";
        private String source = "";
        private String feature;
        private StatusCodec codec;
        private String availability = "implemented";
        private final EnumSet<Status> statuses = EnumSet.noneOf(Status.class);

        private Builder(long number, String name, HypercallHandler handler) {
            this.number = number;
            this.name = Objects.requireNonNull(name, "name");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /**
         * A one-line summary of what the call does and which registers it reads and writes.
         * @param s the summary
         * @return this builder
         */
        public Builder summary(String s) {
            summary = Objects.requireNonNull(s, "summary");
            return this;
        }

        /**
         * The kernel file and function that implement it (a path under {@code arch/} and a function name).
         * @param s the source
         * @return this builder
         */
        public Builder source(String s) {
            source = Objects.requireNonNull(s, "source");
            return this;
        }

        /**
         * The VM feature that offers the call; when it is off the architecture answers as the kernel does.
         * @param f the feature's name
         * @return this builder
         */
        public Builder feature(String f) {
            feature = f;
            return this;
        }

        /**
         * The status family this call answers in when it is not the architecture's default (PSCI or TRNG
         * codes beside the architecture's own); the engine switches to it before the handler runs.
         * @param c the call's status codec
         * @return this builder
         */
        public Builder codec(StatusCodec c) {
            codec = c;
            return this;
        }

        /**
         * How today's kernel treats the number, in words ("implemented", "removed: -KVM_ENOSYS", ...).
         * @param a the availability
         * @return this builder
         */
        public Builder availability(String a) {
            availability = Objects.requireNonNull(a, "availability");
            return this;
        }

        /**
         * Adds statuses this call can return.
         * @param s every status the handler may set
         * @return this builder
         */
        public Builder statuses(Status... s) {
            Preconditions.checkArgument(Arrays.stream(s).noneMatch(Objects::isNull), "a status of %s is null", name);
            statuses.addAll(Arrays.asList(s));
            return this;
        }

        /**
         * The immutable spec.
         * @return a new spec; later calls on this builder do not change it
         */
        public HypercallSpec build() {
            return new HypercallSpec(this);
        }
    }
}
