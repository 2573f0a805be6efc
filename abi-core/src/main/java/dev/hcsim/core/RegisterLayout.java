package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The register layout of one architecture: every register a trap can read or write, by index.
 *
 * <p>Indices are the architecture's own numbering for the general registers (so that a decoder
 * can use a register field directly), followed by the control state the hypercall ABI depends on
 * (privilege level, execution mode, flags) as <em>control</em> registers. Names are the ABI names
 * ({@code rax}, {@code x0}, {@code a0}); aliases cover the raw names ({@code r4} for {@code a0}).
 * A hard-wired zero register reads 0 and ignores writes.
 */
@API(status = STABLE, since = "1.0")
public final class RegisterLayout {

    /** Whether a register is a general register of the guest or control state the ABI reads. */
    public enum Kind {
        /** A general-purpose register: number, arguments and results live here. */
        GENERAL,
        /** Control state the ABI reads or writes (flags, mode bits, privilege level). */
        CONTROL
    }

    /** One register: its index, ABI name, other accepted names, kind and width in bits. */
    public record Register(int index, String name, List<String> aliases, Kind kind, int width) {
        /**
         * Copies the aliases.
         * @param index the register's index in the layout
         * @param name its ABI name, as objdump prints it
         * @param aliases other names the CLI, scenarios and the assembler accept
         * @param kind general register or control state
         * @param width its width in bits
         */
        public Register {
            Objects.requireNonNull(name);
            aliases = List.copyOf(aliases);
        }
    }

    private final List<Register> registers;
    private final Map<String, Integer> byName;
    private final int zeroRegister;
    private final int[] general;
    private final String vectorPrefix;
    private final int vectorCount;

    private RegisterLayout(List<Register> registers, int zeroRegister, String vectorPrefix, int vectorCount) {
        this.registers = List.copyOf(registers);
        this.zeroRegister = zeroRegister;
        this.vectorPrefix = vectorPrefix;
        this.vectorCount = vectorCount;
        Map<String, Integer> names = new HashMap<>();
        List<Integer> gen = new ArrayList<>();
        for (int i = 0; i < registers.size(); i++) {
            Register r = registers.get(i);
            if (r.index() != i) {
                throw new IllegalArgumentException("register " + r.name() + " has index " + r.index() + ", expected " + i);
            }
            put(names, r.name(), i);
            for (String a : r.aliases()) {
                put(names, a, i);
            }
            if (r.kind() == Kind.GENERAL) {
                gen.add(i);
            }
        }
        this.byName = Collections.unmodifiableMap(names);
        this.general = gen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void put(Map<String, Integer> names, String name, int index) {
        String key = name.toLowerCase(Locale.ROOT);
        Integer old = names.putIfAbsent(key, index);
        if (old != null && old != index) {
            throw new IllegalArgumentException("register name " + name + " used twice");
        }
    }

    /**
     * Number of registers (general and control).
     * @return the register count; indices run from 0 to size-1
     */
    public int size() {
        return registers.size();
    }

    /**
     * The register at {@code index}.
     * @param index the register's index, 0 to size-1
     * @return its description
     */
    public Register get(int index) {
        return registers.get(index);
    }

    /**
     * All registers in index order.
     * @return an unmodifiable list
     */
    public List<Register> all() {
        return registers;
    }

    /**
     * Indices of the general registers, in index order (a fresh copy).
     * @return the indices of the registers of kind GENERAL
     */
    public int[] generalIndices() {
        return general.clone();
    }

    /**
     * The hard-wired zero register, or -1 when the architecture has none.
     * @return its index, or -1
     */
    public int zeroRegister() {
        return zeroRegister;
    }

    /**
     * The ABI name of register {@code index}.
     * @param index the register's index, 0 to size-1
     * @return its ABI name, as objdump prints it
     */
    public String name(int index) {
        return registers.get(index).name();
    }

    /**
     * Looks a register up by ABI name or alias, case-insensitively, also accepting a leading
     * {@code %} or {@code $} as assemblers write them.
     * @param name the name as written
     * @return the index, or -1 when no register has that name
     */
    public int indexOf(String name) {
        if (name == null || name.isEmpty()) {
            return -1;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("%") || n.startsWith("$")) {
            n = n.substring(1);
        }
        Integer i = byName.get(n);
        return i == null ? -1 : i;
    }

    /**
     * Like {@link #indexOf} but throws an {@link IllegalArgumentException} naming the register.
     * @param name the name as written
     * @return the index
     * @throws IllegalArgumentException when no register has that name
     */
    public int require(String name) {
        int i = indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown register '" + name + "'");
        }
        return i;
    }

    /**
     * How many 128-bit vector registers the architecture's ABI can read (named by {@link Builder#vectors}), kept
     * apart from the 64-bit registers: see {@link RegisterAccess#vectorRegisters()}.
     * @return the count, 0 when the ABI reads none
     */
    public int vectorCount() {
        return vectorCount;
    }

    /**
     * The number of the vector register called {@code name} ({@code xmm3} → 3), case-insensitively, with an optional
     * leading {@code %}.
     * @param name the name as written
     * @return its number, or -1 when it names no vector register
     */
    public int vectorIndexOf(String name) {
        if (name == null || vectorCount == 0) {
            return -1;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("%")) {
            n = n.substring(1);
        }
        if (!n.startsWith(vectorPrefix) || n.length() == vectorPrefix.length() || n.length() > vectorPrefix.length() + 2) {
            return -1;
        }
        String digits = n.substring(vectorPrefix.length());
        if ((digits.length() == 2 && digits.charAt(0) == '0') || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int i = Integer.parseInt(digits);
        return i < vectorCount ? i : -1;
    }

    /**
     * The name of vector register {@code n}.
     * @param n its number, 0 to vectorCount-1
     * @return its name ({@code xmm3})
     */
    public String vectorName(int n) {
        if (n < 0 || n >= vectorCount) {
            throw new IllegalArgumentException("no vector register " + n + " (the layout has " + vectorCount + ")");
        }
        return vectorPrefix + n;
    }

    /**
     * Starts a layout.
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a layout register by register, in index order. */
    public static final class Builder {
        private final List<Register> regs = new ArrayList<>();
        private int zero = -1;
        private String vectorPrefix = "";
        private int vectorCount;

        /**
         * Adds a 64-bit general register with optional aliases.
         * @param name the ABI name
         * @param aliases other accepted names
         * @return this builder
         */
        public Builder general(String name, String... aliases) {
            regs.add(new Register(regs.size(), name, List.of(aliases), Kind.GENERAL, 64));
            return this;
        }

        /**
         * Adds a control register of the given width.
         * @param name the ABI name
         * @param width the width in bits
         * @param aliases other accepted names
         * @return this builder
         */
        public Builder control(String name, int width, String... aliases) {
            regs.add(new Register(regs.size(), name, List.of(aliases), Kind.CONTROL, width));
            return this;
        }

        /**
         * Declares the most recently added register the hard-wired zero register.
         * @return this builder
         */
        public Builder zero() {
            zero = regs.size() - 1;
            return this;
        }

        /**
         * Declares {@code count} 128-bit vector registers named {@code prefix0}, {@code prefix1}, ...
         * @param prefix the name before the number, lower case
         * @param count how many
         * @return this builder
         */
        public Builder vectors(String prefix, int count) {
            if (count < 0 || count > 100 || prefix.isEmpty()) {
                throw new IllegalArgumentException("vector registers need a prefix and 0..100 registers, got '" + prefix + "' x " + count);
            }
            vectorPrefix = prefix.toLowerCase(Locale.ROOT);
            vectorCount = count;
            return this;
        }

        /**
         * Builds the layout.
         * @return the layout, registers in the order they were added
         */
        public RegisterLayout build() {
            return new RegisterLayout(regs, zero, vectorPrefix, vectorCount);
        }
    }
}
