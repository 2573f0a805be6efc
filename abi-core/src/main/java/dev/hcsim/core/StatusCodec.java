package dev.hcsim.core;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * How one architecture (or one call family of it, such as PSCI) writes a neutral {@link Status}
 * into its return register, as data: the value and the symbolic name the kernel uses.
 */
@API(status = INTERNAL, since = "1.0")
public final class StatusCodec {

    /** One encoded status: the raw register value and its symbolic name ({@code -KVM_ENOSYS}). */
    public record Code(long value, String name) {
    }

    private final String family;
    private final EnumMap<Status, Code> codes;
    private final long[] values;
    /** Which statuses have a code, by ordinal: encode runs on every trap, so no map probe there. */
    private final boolean[] documented;

    private StatusCodec(String family, Map<Status, Code> codes) {
        this.family = family;
        this.codes = new EnumMap<>(codes);
        this.values = new long[Status.values().length];
        this.documented = new boolean[Status.values().length];
        for (Map.Entry<Status, Code> e : codes.entrySet()) {
            values[e.getKey().ordinal()] = e.getValue().value();
            documented[e.getKey().ordinal()] = true;
        }
    }

    /**
     * Starts a codec for the named family ({@code "KVM_E*"}, or a firmware interface's own family).
     * @param family the family's name, as the ABI table shows it
     * @return an empty builder
     */
    public static Builder builder(String family) {
        return new Builder(family);
    }

    /**
     * The family's name.
     * @return the name, such as {@code KVM_E*}
     */
    public String family() {
        return family;
    }

    /**
     * The raw value for {@code s}; an undocumented status is a programming error of the architecture module.
     * @param s a status this family documents
     * @return the value the guest sees in result register 0
     * @throws IllegalStateException when the family does not document {@code s}
     */
    public long encode(Status s) {
        if (!documented[s.ordinal()]) {
            throw new IllegalStateException(family + " documents no encoding for " + s);
        }
        return values[s.ordinal()];
    }

    /**
     * True when this family documents {@code s}.
     * @param s the neutral status
     * @return whether the family has a code for it
     */
    public boolean documents(Status s) {
        return codes.containsKey(s);
    }

    /**
     * The symbolic name the kernel uses for {@code s}, or the neutral name when undocumented.
     * @param s the neutral status
     * @return the name, such as {@code -KVM_ENOSYS}
     */
    public String name(Status s) {
        Code c = codes.get(s);
        return c == null ? s.name() : c.name();
    }

    /**
     * Every documented status with its code, in {@link Status} order.
     * @return an unmodifiable map
     */
    public Map<Status, Code> codes() {
        return Collections.unmodifiableMap(codes);
    }

    /**
     * The documented statuses.
     * @return an unmodifiable set
     */
    public Set<Status> documented() {
        return Collections.unmodifiableSet(codes.keySet());
    }

    /**
     * Reverse lookup: the status whose code is {@code raw}, or null.
     * @param raw the value of result register 0
     * @return the status, or null when no documented code equals {@code raw}
     */
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

        /**
         * Documents status {@code s} as {@code value}, named {@code name}.
         * @param s the neutral status
         * @param value the raw value the guest sees
         * @param name the kernel's symbolic name, such as {@code -KVM_ENOSYS}
         * @return this builder
         */
        public Builder code(Status s, long value, String name) {
            codes.put(s, new Code(value, name));
            return this;
        }

        /**
         * Builds the codec.
         * @return the codec with every code added so far
         */
        public StatusCodec build() {
            return new StatusCodec(family, codes);
        }
    }
}
