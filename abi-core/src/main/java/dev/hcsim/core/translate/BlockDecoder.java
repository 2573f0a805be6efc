package dev.hcsim.core.translate;

import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Instruction;

/**
 * Decodes a basic block: consecutive instructions from an address to the end of its page, the first
 * instruction outside the guest subset (included: running it faults as in the interpreter), the
 * first address that cannot be fetched, or {@link #MAX_INSTRUCTIONS}. Every page a decoded
 * instruction's bytes touch is watched ({@link SparseMemory#watchCode}), so that a guest write to it
 * drops the block.
 */
final class BlockDecoder {
    /** The longest block: long enough for the JIT to see a whole loop body, short enough to compile quickly. */
    static final int MAX_INSTRUCTIONS = 64;

    private final SparseMemory memory;
    private final Codec codec;
    private final byte[] fetchBuf = new byte[16];
    private final Instruction[] insns = new Instruction[MAX_INSTRUCTIONS];
    private final long[] pcs = new long[MAX_INSTRUCTIONS];
    private final int[] lengths = new int[MAX_INSTRUCTIONS];

    BlockDecoder(SparseMemory memory, Codec codec) {
        this.memory = memory;
        this.codec = codec;
    }

    /** The block at {@code start}, or null when not even the shortest instruction can be fetched there. */
    Block decode(long start) {
        int n = 0;
        long pc = start;
        while (n < MAX_INSTRUCTIONS) {
            int len = codec.maxLength();
            while (len >= codec.minLength() && !memory.read(pc, fetchBuf, 0, len)) {
                len--;
            }
            if (len < codec.minLength()) {
                break;
            }
            Instruction ins = codec.decode(fetchBuf, 0, len, pc);
            int length = ins.length();
            memory.watchCode(pc);
            memory.watchCode(pc + Math.max(length, 1) - 1);
            insns[n] = ins;
            pcs[n] = pc;
            lengths[n] = length;
            n++;
            long next = pc + length;
            if (!ins.isValid() || length <= 0 || next >>> SparseMemory.PAGE_SHIFT != start >>> SparseMemory.PAGE_SHIFT) {
                break;
            }
            pc = next;
        }
        if (n == 0) {
            return null;
        }
        return new Block(start, java.util.Arrays.copyOf(insns, n), java.util.Arrays.copyOf(pcs, n), java.util.Arrays.copyOf(lengths, n),
                codec.maxLength());
    }
}
