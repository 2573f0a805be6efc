package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A flat {@code long[]} register file for one vCPU, laid out by a {@link RegisterLayout}.
 * Reads and writes by index on the hot path, by name at the edges; the zero register stays zero.
 */
@API(status = STABLE, since = "1.0")
public final class RegisterFile implements RegisterAccess {
    private final RegisterLayout layout;
    private final long[] values;
    /** The vector registers, two halves each (low, high), when the layout has any. */
    private final long[] vectors;
    private final int zero;
    private long pc;

    /**
     * A register file for {@code layout}, every register and the PC 0.
     * @param layout the architecture's register layout
     */
    public RegisterFile(RegisterLayout layout) {
        this.layout = layout;
        this.values = new long[layout.size()];
        this.vectors = new long[2 * layout.vectorCount()];
        this.zero = layout.zeroRegister();
    }

    /**
     * The layout this file holds.
     * @return the architecture's register layout
     */
    public RegisterLayout layout() {
        return layout;
    }

    @Override
    public long get(int reg) {
        return values[reg];
    }

    @Override
    public void set(int reg, long value) {
        if (reg != zero) {
            values[reg] = value;
        }
    }

    /**
     * The low 32 bits of {@code reg}, zero-extended.
     * @param reg the register's index in the layout
     * @return the low 32 bits
     */
    public long get32(int reg) {
        return values[reg] & 0xFFFF_FFFFL;
    }

    /**
     * Writes the low 32 bits of {@code reg}, keeping the upper half (as a 32-bit subregister write would not: see each
     * ISA).
     * @param reg the register's index in the layout
     * @param value the value; only its low 32 bits are used
     */
    public void set32KeepUpper(int reg, long value) {
        set(reg, (values[reg] & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL));
    }

    /**
     * The value of the register called {@code name}.
     * @param name an ABI name or alias from the layout
     * @return its 64-bit value
     * @throws IllegalArgumentException when the layout has no such register
     */
    public long get(String name) {
        return values[layout.require(name)];
    }

    /**
     * Writes the register called {@code name}.
     * @param name an ABI name or alias from the layout
     * @param value the new 64-bit value
     * @throws IllegalArgumentException when the layout has no such register
     */
    public void set(String name, long value) {
        set(layout.require(name), value);
    }

    @Override
    public int vectorRegisters() {
        return vectors.length / 2;
    }

    @Override
    public long getVector(int n, boolean high) {
        return vectors[vectorSlot(n, high)];
    }

    @Override
    public void setVector(int n, boolean high, long value) {
        vectors[vectorSlot(n, high)] = value;
    }

    private int vectorSlot(int n, boolean high) {
        if (n < 0 || 2 * n >= vectors.length) {
            throw new IndexOutOfBoundsException("vector register " + n + " of " + vectors.length / 2);
        }
        return 2 * n + (high ? 1 : 0);
    }

    @Override
    public long pc() {
        return pc;
    }

    @Override
    public void pc(long value) {
        pc = value;
    }

    /**
     * Copies every register and the PC from {@code other}, which must share the layout.
     * @param other the register file to copy
     */
    public void copyFrom(RegisterFile other) {
        System.arraycopy(other.values, 0, values, 0, values.length);
        System.arraycopy(other.vectors, 0, vectors, 0, vectors.length);
        pc = other.pc;
    }

    /**
     * A snapshot of the register values (without the PC).
     * @return a new array, one value per register in layout order
     */
    public long[] snapshot() {
        return values.clone();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RegisterFile{pc=0x").append(Long.toHexString(pc));
        for (int i = 0; i < values.length; i++) {
            sb.append(", ").append(layout.name(i)).append("=0x").append(Long.toHexString(values[i]));
        }
        for (int i = 0; i < vectors.length / 2; i++) {
            if (vectors[2 * i] != 0 || vectors[2 * i + 1] != 0) {
                sb.append(", ").append(layout.vectorName(i)).append("=0x").append(String.format(java.util.Locale.ROOT, "%016x%016x",
                        vectors[2 * i + 1], vectors[2 * i]));
            }
        }
        return sb.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegisterFile r && r.layout == layout && r.pc == pc && Arrays.equals(r.values, values)
                && Arrays.equals(r.vectors, vectors);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + Long.hashCode(pc);
    }
}
