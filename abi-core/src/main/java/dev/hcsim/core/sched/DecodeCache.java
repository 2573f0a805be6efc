package dev.hcsim.core.sched;

import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Instruction;
import java.util.Arrays;

/**
 * The decoded-instruction cache of one machine: decoding happens once per address, and the cache is
 * dropped only when the guest writes a page it holds code from. The length is kept beside the
 * instruction so that advancing the PC needs no call.
 */
final class DecodeCache {
    private static final int SIZE = 1 << 12;

    private final SparseMemory memory;
    private final Codec codec;
    private final byte[] fetchBuf = new byte[16];
    private final long[] tag = new long[SIZE];
    private final Instruction[] insn = new Instruction[SIZE];
    private final int[] length = new int[SIZE];
    private long generation = -1;

    DecodeCache(SparseMemory memory, Codec codec) {
        this.memory = memory;
        this.codec = codec;
    }

    /**
     * The cache slot of the instruction at {@code pc}, decoding it on a miss, or -1 when not even the
     * shortest instruction can be read there.
     */
    int fetch(long pc) {
        long gen = memory.codeGeneration();
        if (gen != generation) {
            Arrays.fill(insn, null);
            generation = gen;
        }
        int i = (int) (pc ^ (pc >>> 12)) & (SIZE - 1);
        if (insn[i] != null && tag[i] == pc) {
            return i;
        }
        int n = codec.maxLength();
        while (n >= codec.minLength() && !memory.read(pc, fetchBuf, 0, n)) {
            n--;
        }
        if (n < codec.minLength()) {
            return -1;
        }
        memory.watchCode(pc);
        memory.watchCode(pc + n - 1);
        Instruction ins = codec.decode(fetchBuf, 0, n, pc);
        tag[i] = pc;
        insn[i] = ins;
        length[i] = ins.length();
        return i;
    }

    /** The instruction in {@code slot}, as returned by {@link #fetch}. */
    Instruction instruction(int slot) {
        return insn[slot];
    }

    /** The length in bytes of the instruction in {@code slot}. */
    int length(int slot) {
        return length[slot];
    }
}
