package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.hcsim.core.RegisterAccess;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The registers one call read, in the order and by the names of the ABI that answered it, when that ABI is not the
 * trap contract's (another ABI on the same trap instruction, {@link Architecture#otherAbis()}): what traces and
 * {@code hcsim call} show as the call's "read" registers instead of the contract's number and arguments. A call's
 * architecture code hands a constant of this type to {@link Trap#callRegisters}, so that the trap path allocates
 * nothing.
 *
 * @param entries the registers, selector first, then the arguments in order
 */
@API(status = INTERNAL, since = "1.0")
public record CallRegisters(List<Entry> entries) {
    /**
     * Copies the entries.
     * @param entries the registers, selector first
     */
    public CallRegisters {
        entries = List.copyOf(entries);
    }

    /**
     * One value the ABI read: one register, whole or its low 32 bits, or a pair of 32-bit halves (high:low).
     * @param name its name in the ABI's own words ({@code rdi}, {@code ebx}, {@code edx:eax})
     * @param high the register holding the value, or its high half for a pair
     * @param low the register holding the low half of a pair, or -1 for a single register
     * @param bits 64 for a whole register; 32 for its low 32 bits, or for each half of a pair
     */
    @API(status = INTERNAL, since = "1.0")
    public record Entry(String name, int high, int low, int bits) {
        /**
         * Checks the width.
         * @param name its name
         * @param high the register, or the pair's high half
         * @param low the pair's low half, or -1
         * @param bits 64 or 32
         */
        public Entry {
            Objects.requireNonNull(name);
            if (bits != 64 && bits != 32) {
                throw new IllegalArgumentException("bits must be 64 or 32, got " + bits);
            }
        }

        /**
         * A whole register ({@code bits} 64) or its low 32 bits.
         * @param name its name
         * @param register the register's index
         * @param bits 64 or 32
         * @return the entry
         */
        public static Entry of(String name, int register, int bits) {
            return new Entry(name, register, -1, bits);
        }

        /**
         * A pair of 32-bit halves, high:low.
         * @param name its name ({@code edx:eax})
         * @param high the register holding bits 63..32
         * @param low the register holding bits 31..0
         * @return the entry
         */
        public static Entry pair(String name, int high, int low) {
            return new Entry(name, high, low, 32);
        }

        /**
         * The value as the ABI read it from {@code regs}.
         * @param regs register values by index (the registers before the call)
         * @return the value
         */
        public long value(long[] regs) {
            if (low >= 0) {
                return (regs[high] << 32) | (regs[low] & 0xFFFF_FFFFL);
            }
            return bits == 32 ? regs[high] & 0xFFFF_FFFFL : regs[high];
        }

        /**
         * The value as the ABI reads it from {@code regs}.
         * @param regs the registers
         * @return the value
         */
        public long value(RegisterAccess regs) {
            if (low >= 0) {
                return (regs.get(high) << 32) | (regs.get(low) & 0xFFFF_FFFFL);
            }
            return bits == 32 ? regs.get(high) & 0xFFFF_FFFFL : regs.get(high);
        }
    }
}
