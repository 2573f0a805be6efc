package dev.hcsim.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * How one architecture (or one call family of it, such as PSCI) writes a neutral {@link Status}
 * into its return register, as data: the value and the symbolic name the kernel uses.
 */
public final class StatusCodec {

    /** One encoded status: the raw register value and its symbolic name ({@code -KVM_ENOSYS}). */
    public record Code(long value, String name) {
    }

    private final String family;
    private final EnumMap<Status, Code> codes;
    private final long[] values;

    private StatusCodec(String family, Map<Status, Code> codes) {
        this.family = family;
        this.codes = new EnumMap<>(codes);
        this.values = new long[Status.values().length];
        for (Map.Entry<Status, Code> e : codes.entrySet()) {
            values[e.getKey().ordinal()] = e.getValue().value();
        }
    }

    /** Starts a codec for the named family ({@code "KVM_E*"}, or a firmware interface's own family). */
    public static Builder builder(String family) {
        return new Builder(family);
    }

    public String family() {
        return family;
    }

    /** The raw value for {@code s}; an undocumented status is a programming error of the architecture module. */
    public long encode(Status s) {
        if (!codes.containsKey(s)) {
            throw new IllegalStateException(family + " documents no encoding for " + s);
        }
        return values[s.ordinal()];
    }

    /** True when this family documents {@code s}. */
    public boolean documents(Status s) {
        return codes.containsKey(s);
    }

    /** The symbolic name the kernel uses for {@code s}, or the neutral name when undocumented. */
    public String name(Status s) {
        Code c = codes.get(s);
        return c == null ? s.name() : c.name();
    }

    /** Every documented status with its code, in {@link Status} order. */
    public Map<Status, Code> codes() {
        return Collections.unmodifiableMap(codes);
    }

    /** The documented statuses. */
    public Set<Status> documented() {
        return Collections.unmodifiableSet(codes.keySet());
    }

    /** Reverse lookup: the status whose code is {@code raw}, or null. */
    public Status decode(long raw) {
        for (Map.Entry<Status, Code> e : codes.entrySet()) {
            if (e.getValue().value() == raw) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Builds a codec. */
    public static final class Builder {
        private final String family;
        private final EnumMap<Status, Code> codes = new EnumMap<>(Status.class);

        private Builder(String family) {
            this.family = family;
        }

        public Builder code(Status s, long value, String name) {
            codes.put(s, new Code(value, name));
            return this;
        }

        public StatusCodec build() {
            return new StatusCodec(family, codes);
        }
    }
}
