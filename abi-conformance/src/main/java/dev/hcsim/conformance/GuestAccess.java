package dev.hcsim.conformance;

/**
 * One guest memory access a handler made: where, how long, read or write, and whether guest memory
 * answered it. A miss ({@code ok} false) is legal; an answered access must lie inside the VM's memory.
 *
 * @param gpa    guest physical address
 * @param length bytes
 * @param write  true for a write
 * @param ok     true when the memory answered (the bytes are guest memory)
 */
public record GuestAccess(long gpa, int length, boolean write, boolean ok) {
    @Override
    public String toString() {
        return (write ? "write" : "read") + " of " + length + " bytes at 0x" + Long.toHexString(gpa) + (ok ? "" : " (missed)");
    }
}
