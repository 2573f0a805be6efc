package dev.hcsim.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The register layout of one architecture: every register a trap can read or write, by index.
 *
 * <p>Indices are the architecture's own numbering for the general registers (so that a decoder
 * can use a register field directly), followed by the control state the hypercall ABI depends on
 * (privilege level, execution mode, flags) as <em>control</em> registers. Names are the ABI names
 * ({@code rax}, {@code x0}, {@code a0}); aliases cover the raw names ({@code r4} for {@code a0}).
 * A hard-wired zero register reads 0 and ignores writes.
 */
public final class RegisterLayout {

    /** Whether a register is a general register of the guest or control state the ABI reads. */
    public enum Kind { GENERAL, CONTROL }

    /** One register: its index, ABI name, other accepted names, kind and width in bits. */
    public record Register(int index, String name, List<String> aliases, Kind kind, int width) {
        public Register {
            Objects.requireNonNull(name);
            aliases = List.copyOf(aliases);
        }
    }

    private final List<Register> registers;
    private final Map<String, Integer> byName;
    private final int zeroRegister;
    private final int[] general;

    private RegisterLayout(List<Register> registers, int zeroRegister) {
        this.registers = List.copyOf(registers);
        this.zeroRegister = zeroRegister;
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

    /** Number of registers (general and control). */
    public int size() {
        return registers.size();
    }

    /** The register at {@code index}. */
    public Register get(int index) {
        return registers.get(index);
    }

    /** All registers in index order. */
    public List<Register> all() {
        return registers;
    }

    /** Indices of the general registers, in index order (a fresh copy). */
    public int[] generalIndices() {
        return general.clone();
    }

    /** The hard-wired zero register, or -1 when the architecture has none. */
    public int zeroRegister() {
        return zeroRegister;
    }

    /** The ABI name of register {@code index}. */
    public String name(int index) {
        return registers.get(index).name();
    }

    /**
     * Looks a register up by ABI name or alias, case-insensitively, also accepting a leading
     * {@code %} or {@code $} as assemblers write them.
     *
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

    /** Like {@link #indexOf} but throws an {@link IllegalArgumentException} naming the register. */
    public int require(String name) {
        int i = indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown register '" + name + "'");
        }
        return i;
    }

    /** Starts a layout. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a layout register by register, in index order. */
    public static final class Builder {
        private final List<Register> regs = new ArrayList<>();
        private int zero = -1;

        /** Adds a 64-bit general register with optional aliases. */
        public Builder general(String name, String... aliases) {
            regs.add(new Register(regs.size(), name, List.of(aliases), Kind.GENERAL, 64));
            return this;
        }

        /** Adds a control register of the given width. */
        public Builder control(String name, int width, String... aliases) {
            regs.add(new Register(regs.size(), name, List.of(aliases), Kind.CONTROL, width));
            return this;
        }

        /** Declares the most recently added register the hard-wired zero register. */
        public Builder zero() {
            zero = regs.size() - 1;
            return this;
        }

        public RegisterLayout build() {
            return new RegisterLayout(regs, zero);
        }
    }
}
