package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The caller's CPU state as the library sees it at a trap: registers by layout index and the PC.
 *
 * <p>An embedding emulator implements this over its own CPU model; the standalone engine uses
 * {@link RegisterFile}. Indices are those of the architecture's {@link RegisterLayout}.
 */
@API(status = STABLE, since = "1.0")
public interface RegisterAccess {
    /**
     * The value of register {@code reg}.
     * @param reg the register's index in the architecture's {@link RegisterLayout}
     * @return its 64-bit value
     */
    long get(int reg);

    /**
     * Writes register {@code reg}.
     * @param reg the register's index in the architecture's {@link RegisterLayout}
     * @param value the new 64-bit value (a write to a hard-wired zero register is dropped)
     */
    void set(int reg, long value);

    /**
     * The program counter (address of the trapping instruction while a trap is handled).
     * @return the PC, a guest virtual address
     */
    long pc();

    /**
     * Sets the program counter.
     * @param value the new PC, a guest virtual address
     */
    void pc(long value);

    /**
     * How many 128-bit vector registers this CPU model gives the library (named as the architecture's register layout
     * names them). An optional capability: the default is 0, and only a call that reads them (a fast hypercall that
     * passes its input in vector registers) needs it; that call then fails with an {@link UnsupportedOperationException} naming what to implement.
     * @return the count, 0 when the model has none
     */
    default int vectorRegisters() {
        return 0;
    }

    /**
     * One 64-bit half of 128-bit vector register {@code n}.
     * @param n the register's number ({@code xmm3} → 3), below {@link #vectorRegisters()}
     * @param high false for bits 63..0, true for bits 127..64
     * @return that half
     * @throws UnsupportedOperationException when the model has no vector registers
     */
    default long getVector(int n, boolean high) {
        throw new UnsupportedOperationException(noVectors(this));
    }

    /**
     * Writes one 64-bit half of 128-bit vector register {@code n}.
     * @param n the register's number, below {@link #vectorRegisters()}
     * @param high false for bits 63..0, true for bits 127..64
     * @param value the half's new value
     * @throws UnsupportedOperationException when the model has no vector registers
     */
    default void setVector(int n, boolean high, long value) {
        throw new UnsupportedOperationException(noVectors(this));
    }

    private static String noVectors(RegisterAccess r) {
        return r.getClass().getName() + " has no 128-bit vector registers: implement RegisterAccess.vectorRegisters, getVector "
                + "and setVector to run calls that read them";
    }
}
