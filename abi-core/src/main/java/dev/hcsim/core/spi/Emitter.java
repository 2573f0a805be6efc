package dev.hcsim.core.spi;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * Where an architecture writes the code of one plain instruction into a translated block
 * ({@link Instruction#emit}): a small stack machine of 64-bit values, architecture-neutral, that the translating
 * engine turns into the block's own bytecode. The registers the block uses live in the generated method's locals:
 * {@link #get} and {@link #set} read and write those locals, the engine loads them from the register file when the
 * block starts and writes back the ones the block writes at every exit (the end of the block, a taken branch, a
 * code write, a fault, and before any instruction that is not emitted). So an emitted instruction costs what its
 * arithmetic costs: no call, no array access, no check of the zero register on the way.
 *
 * <p>Every operation takes its operands from the top of the stack and pushes its result, as the JVM's {@code l*}
 * instructions do: {@code get(a); get(b); add(); set(d)} is {@code d = a + b}. An instruction's code must leave the
 * stack as it found it. Values are {@code long}; conditions and comparisons push 0 or 1.
 */
@API(status = INTERNAL, since = "1.0")
public interface Emitter {
    /** How {@link #compare} and {@link #branchIf} compare two values (signed, or unsigned with a {@code U}). */
    enum Condition {
        /** Equal. */
        EQ,
        /** Not equal. */
        NE,
        /** Signed less than. */
        LT,
        /** Signed greater than or equal. */
        GE,
        /** Signed greater than. */
        GT,
        /** Signed less than or equal. */
        LE,
        /** Unsigned less than. */
        LTU,
        /** Unsigned greater than or equal. */
        GEU,
        /** Unsigned greater than. */
        GTU,
        /** Unsigned less than or equal. */
        LEU
    }

    /**
     * Pushes a register's value.
     * @param reg the register's index in the layout
     */
    void get(int reg);

    /**
     * Pushes a register's value as the register file held it when the block last handed its registers over: at the
     * block's entry, or after the last instruction it left to {@link Instruction#execute}. The bits of a register that
     * no emitted instruction changes are the same as {@link #get}'s, but the value does not depend on the emitted
     * instructions before, so that the JIT can drop a result nothing reads: a flags register whose arithmetic flags
     * each ALU instruction replaces is written as {@code (getSynced(flags) & ~arithmetic) | computed}, and the flags of
     * an instruction that the next one replaces are never computed (lazy flags).
     * @param reg the register's index in the layout
     */
    void getSynced(int reg);

    /**
     * Pops a value into a register; the layout's zero register stays zero.
     * @param reg the register's index in the layout
     */
    void set(int reg);

    /**
     * Pushes a constant.
     * @param value the value
     */
    void constant(long value);

    /**
     * A scratch slot for the current instruction's code (a value it needs more than once).
     * @return the slot, valid until the instruction's code ends
     */
    int temporary();

    /**
     * Pushes a scratch slot's value.
     * @param slot from {@link #temporary()}
     */
    void load(int slot);

    /**
     * Pops a value into a scratch slot.
     * @param slot from {@link #temporary()}
     */
    void store(int slot);

    /** {@code a, b -> a + b}. */
    void add();

    /** {@code a, b -> a - b}. */
    void sub();

    /** {@code a, b -> a * b} (the low 64 bits). */
    void mul();

    /** {@code a, b -> a & b}. */
    void and();

    /** {@code a, b -> a | b}. */
    void or();

    /** {@code a, b -> a ^ b}. */
    void xor();

    /** {@code a, n -> a << (n & 63)}. */
    void shl();

    /** {@code a, n -> a >> (n & 63)} (arithmetic). */
    void shr();

    /** {@code a, n -> a >>> (n & 63)} (logical). */
    void ushr();

    /** {@code a -> -a}. */
    void negate();

    /** {@code a -> the number of one bits in a}. */
    void bitCount();

    /**
     * {@code a ->} its low {@code bits} bits, sign-extended.
     * @param bits 8, 16 or 32
     */
    void signExtend(int bits);

    /**
     * {@code a ->} its low {@code bits} bits, zero-extended.
     * @param bits 1 to 63
     */
    void zeroExtend(int bits);

    /** {@code a -> a, a}. */
    void dup();

    /** {@code a, b -> b, a}. */
    void swap();

    /** {@code a -> }. */
    void pop();

    /**
     * {@code a, b -> (a c b) ? 1 : 0}.
     * @param c the comparison
     */
    void compare(Condition c);

    /**
     * {@code a, b -> }; when {@code a c b}, the instruction is a taken branch: the block ends here with the PC at
     * {@code target} (or loops, when that is the block's own start). Otherwise the code goes on.
     * @param c the comparison
     * @param target the guest address the branch goes to
     */
    void branchIf(Condition c, long target);

    /**
     * A branch always taken to {@code target}: the block ends here (or loops, when that is its own start).
     * @param target the guest address
     */
    void jump(long target);

    /**
     * The guest address of the instruction being emitted.
     * @return the address it was decoded at
     */
    long pc();

    /**
     * The block's instruction after this one, already decoded from the bytes that follow it (a write to them drops the
     * block): what a branch with a delay slot runs before it branches.
     * @return the instruction, or null when this one ends the block
     */
    Instruction next();

    /**
     * {@code address -> value}: reads {@code size} bytes of guest memory in the vCPU's byte order, zero-extended; an
     * address outside guest memory faults as {@link dev.hcsim.core.MemoryAccess#read} does.
     * @param size 1, 2, 4 or 8
     */
    void read(int size);

    /**
     * {@code address, value -> }: writes the low {@code size} bytes of the value to guest memory in the vCPU's byte
     * order, as {@link dev.hcsim.core.MemoryAccess#write} does.
     * @param size 1, 2, 4 or 8
     */
    void write(int size);

    /**
     * {@code -> base + offset}: a register-plus-displacement address.
     * @param base the base register's index
     * @param offset the displacement
     */
    default void address(int base, long offset) {
        get(base);
        if (offset != 0) {
            constant(offset);
            add();
        }
    }

    /**
     * {@code dest = } the {@code size} bytes at {@code base + offset}, sign-extended when asked (else zero-extended).
     * @param dest the register loaded
     * @param base the base register
     * @param offset the displacement
     * @param size 1, 2, 4 or 8
     * @param signed whether to sign-extend a load narrower than 8 bytes
     */
    default void loadMemory(int dest, int base, long offset, int size, boolean signed) {
        address(base, offset);
        read(size);
        if (signed && size < 8) {
            signExtend(8 * size);
        }
        set(dest);
    }

    /**
     * Writes the low {@code size} bytes of {@code src} at {@code base + offset}.
     * @param src the register stored
     * @param base the base register
     * @param offset the displacement
     * @param size 1, 2, 4 or 8
     */
    default void storeMemory(int src, int base, long offset, int size) {
        address(base, offset);
        get(src);
        write(size);
    }

    /**
     * {@code -> } 1 when {@code a + b} (or {@code a - b}) overflowed as a signed number whose sign is bit
     * {@code signBit}, else 0: the operands and the result are in scratch slots. Addition overflows when both operands'
     * signs differ from the result's, subtraction when the operands' signs differ and the result's differs from the
     * first's.
     * @param subtract false for {@code a + b}, true for {@code a - b}
     * @param a the first operand's slot
     * @param b the second operand's slot
     * @param result the result's slot
     * @param signBit the sign bit of the width (63 for 64 bits)
     */
    default void signedOverflow(boolean subtract, int a, int b, int result, int signBit) {
        load(a);
        load(subtract ? b : result);
        xor();
        load(subtract ? a : b);
        load(result);
        xor();
        and();
        constant(signBit);
        ushr();
        constant(1);
        and();
    }
}
