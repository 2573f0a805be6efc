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
}
