package dev.hcsim.core;

/**
 * The caller's CPU state as the library sees it at a trap: registers by layout index and the PC.
 *
 * <p>An embedding emulator implements this over its own CPU model; the standalone engine uses
 * {@link RegisterFile}. Indices are those of the architecture's {@link RegisterLayout}.
 */
public interface RegisterAccess {
    /** The value of register {@code reg}. */
    long get(int reg);

    /** Writes register {@code reg}. */
    void set(int reg, long value);

    /** The program counter (address of the trapping instruction while a trap is handled). */
    long pc();

    /** Sets the program counter. */
    void pc(long value);
}
