package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * A VM's complete hypercall state at one moment, as an immutable value: what the VM holds (PSCI
 * version, firmware bitmaps, SMCCC filter, feature masks, ...) and what each vCPU holds (steal-time
 * and PV-time addresses, PSCI state, magic page, pfault token, PV MSRs, ...). Take it with
 * {@link Vm#snapshot()}, put it into a fresh VM of the same configuration with {@link Vm#restore},
 * write and read it as JSON with {@code dev.hcsim.core.scenario.SnapshotJson} (artifact abi-scenario).
 *
 * <p>The guest's registers and memory are the embedder's (it owns the {@link RegisterAccess} and
 * {@link GuestMemory}); a VMM saves them beside this value, as QEMU saves KVM's registers beside
 * its device state. A snapshot is taken between traps: with an exit to the host pending on a vCPU
 * {@link Vm#snapshot()} refuses (complete the exit first, as a VMM completes KVM_RUN before it
 * saves).
 *
 * @param format the format version ({@link #FORMAT}); a reader refuses another
 * @param architecture the architecture's name
 * @param hasRun whether the VM had run (kvm_vm_has_ran_once)
 * @param vm the VM-wide state
 * @param vcpus each vCPU's state, by index
 */
@API(status = STABLE, since = "1.0")
public record VmSnapshot(int format, String architecture, boolean hasRun, State vm, List<State> vcpus) {
    /** The current format version. */
    public static final int FORMAT = 1;

    /**
     * Checks the fields and copies the list.
     * @param format the format version
     * @param architecture the architecture's name
     * @param hasRun whether the VM had run
     * @param vm the VM-wide state
     * @param vcpus each vCPU's state
     */
    public VmSnapshot {
        Preconditions.checkArgument(format == FORMAT, "snapshot format %s is not supported (this hcsim reads format %s)", format, FORMAT);
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(vm, "vm");
        vcpus = ImmutableList.copyOf(vcpus);
    }

    /**
     * One part's state: named fields, each a number, a list of numbers, a text or a flag. Names sort,
     * so two equal states print the same.
     */
    public static final class State {
        private final ImmutableSortedMap<String, Object> fields;

        private State(Map<String, Object> fields) {
            this.fields = ImmutableSortedMap.copyOf(fields);
        }

        /**
         * A state of the given fields.
         * @param fields names to values: Long, Boolean, String or a list of Long
         * @return the state
         * @throws IllegalArgumentException for another kind of value
         */
        public static State of(Map<String, ?> fields) {
            Builder b = builder();
            fields.forEach((k, v) -> {
                if (v instanceof Number n) {
                    b.put(k, n.longValue());
                } else if (v instanceof Boolean f) {
                    b.put(k, f);
                } else if (v instanceof String s) {
                    b.put(k, s);
                } else if (v instanceof List<?> l) {
                    b.put(k, l.stream().mapToLong(x -> ((Number) x).longValue()).toArray());
                } else {
                    throw new IllegalArgumentException("snapshot field '" + k + "' is a " + (v == null ? "null" : v.getClass().getSimpleName())
                            + "; a field is a number, a flag, a text or a list of numbers");
                }
            });
            return b.build();
        }

        /**
         * A new builder.
         * @return an empty builder
         */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * Every field, in name order.
         * @return names to values (Long, Boolean, String or an immutable list of Long), unmodifiable; a plain
         *     {@code SortedMap}, so that no Guava type is part of the stable API
         */
        public java.util.SortedMap<String, Object> fields() {
            return fields;
        }

        private Object field(String name) {
            Object v = fields.get(name);
            if (v == null) {
                throw new IllegalArgumentException("snapshot has no field '" + name + "'");
            }
            return v;
        }

        /**
         * A number field.
         * @param name the field
         * @return its value
         * @throws IllegalArgumentException when the field is missing or not a number
         */
        public long num(String name) {
            if (field(name) instanceof Long l) {
                return l;
            }
            throw new IllegalArgumentException("snapshot field '" + name + "' is not a number");
        }

        /**
         * A list-of-numbers field.
         * @param name the field
         * @return a fresh array of its values
         * @throws IllegalArgumentException when the field is missing or not a list
         */
        public long[] nums(String name) {
            if (field(name) instanceof List<?> l) {
                return l.stream().mapToLong(x -> (Long) x).toArray();
            }
            throw new IllegalArgumentException("snapshot field '" + name + "' is not a list of numbers");
        }

        /**
         * A list-of-numbers field of a known length.
         * @param name the field
         * @param length the length the VM needs
         * @return a fresh array of its values
         * @throws IllegalArgumentException when the field is missing, not a list, or of another length
         */
        public long[] nums(String name, int length) {
            long[] v = nums(name);
            Preconditions.checkArgument(v.length == length, "snapshot field '%s' has %s values, this VM needs %s", name, v.length, length);
            return v;
        }

        /**
         * A list-of-flags field (stored as 0 and 1) of a known length.
         * @param name the field
         * @param length the length the VM needs
         * @return a fresh array
         */
        public boolean[] flags(String name, int length) {
            long[] v = nums(name, length);
            boolean[] b = new boolean[length];
            for (int i = 0; i < length; i++) {
                b[i] = v[i] != 0;
            }
            return b;
        }

        /**
         * A list-of-ints field of a known length.
         * @param name the field
         * @param length the length the VM needs
         * @return a fresh array
         */
        public int[] ints(String name, int length) {
            long[] v = nums(name, length);
            int[] r = new int[length];
            for (int i = 0; i < length; i++) {
                r[i] = Math.toIntExact(v[i]);
            }
            return r;
        }

        /**
         * A byte-string field (stored as numbers 0 to 255), or null when the snapshot holds none.
         * @param name the field
         * @return a fresh array, or null when the field is absent
         */
        public byte[] bytes(String name) {
            if (!fields.containsKey(name)) {
                return null;
            }
            long[] v = nums(name);
            byte[] b = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
                Preconditions.checkArgument(v[i] >= 0 && v[i] <= 255, "snapshot field '%s' holds bytes, found %s", name, v[i]);
                b[i] = (byte) v[i];
            }
            return b;
        }

        /**
         * The names of the fields that start with {@code prefix}.
         * @param prefix a name prefix
         * @return the names, in order
         */
        public List<String> names(String prefix) {
            return fields.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        }

        /**
         * A flag field.
         * @param name the field
         * @return its value
         */
        public boolean flag(String name) {
            if (field(name) instanceof Boolean b) {
                return b;
            }
            throw new IllegalArgumentException("snapshot field '" + name + "' is not a flag");
        }

        /**
         * A text field.
         * @param name the field
         * @return its value
         */
        public String text(String name) {
            if (field(name) instanceof String s) {
                return s;
            }
            throw new IllegalArgumentException("snapshot field '" + name + "' is not a text");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && s.fields.equals(fields);
        }

        @Override
        public int hashCode() {
            return fields.hashCode();
        }

        @Override
        public String toString() {
            return fields.toString();
        }

        /** Collects fields; a name given twice keeps the last value. */
        public static final class Builder {
            private final Map<String, Object> fields = new TreeMap<>();

            private Builder() {
            }

            /**
             * A number.
             * @param name the field
             * @param value the value
             * @return this builder
             */
            public Builder put(String name, long value) {
                fields.put(Objects.requireNonNull(name), value);
                return this;
            }

            /**
             * A flag.
             * @param name the field
             * @param value the value
             * @return this builder
             */
            public Builder put(String name, boolean value) {
                fields.put(Objects.requireNonNull(name), value);
                return this;
            }

            /**
             * A text.
             * @param name the field
             * @param value the value
             * @return this builder
             */
            public Builder put(String name, String value) {
                fields.put(Objects.requireNonNull(name), Objects.requireNonNull(value, name));
                return this;
            }

            /**
             * A list of numbers (copied).
             * @param name the field
             * @param values the values
             * @return this builder
             */
            public Builder put(String name, long[] values) {
                fields.put(Objects.requireNonNull(name), ImmutableList.copyOf(Arrays.stream(values).boxed().toList()));
                return this;
            }

            /**
             * A byte string, stored as numbers 0 to 255; null adds nothing.
             * @param name the field
             * @param values the bytes, or null
             * @return this builder
             */
            public Builder putBytes(String name, byte[] values) {
                if (values != null) {
                    long[] v = new long[values.length];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = values[i] & 0xFF;
                    }
                    put(name, v);
                }
                return this;
            }

            /**
             * A list of flags, stored as 0 and 1.
             * @param name the field
             * @param values the values
             * @return this builder
             */
            public Builder put(String name, boolean[] values) {
                long[] v = new long[values.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = values[i] ? 1 : 0;
                }
                return put(name, v);
            }

            /**
             * A list of ints.
             * @param name the field
             * @param values the values
             * @return this builder
             */
            public Builder put(String name, int[] values) {
                return put(name, Arrays.stream(values).asLongStream().toArray());
            }

            /**
             * The state.
             * @return an immutable state of the fields so far
             */
            public State build() {
                return new State(fields);
            }
        }
    }
}
