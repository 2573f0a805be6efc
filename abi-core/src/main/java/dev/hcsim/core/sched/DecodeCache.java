package dev.hcsim.core.sched;

import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.translate.BlockEngine;
import java.util.Arrays;

/**
 * The decoded-instruction cache of one machine: decoding happens once per address, and the cache is
 * dropped only when the guest writes a page it holds code from. The length is kept beside the
 * instruction so that advancing the PC needs no call.
 *
 * <p>The table starts small and doubles (up to {@value #MAX} slots) each time a miss would evict another
 * address: a machine is built once per seed in a seed sweep, and a guest of a few dozen instructions
 * should not cost a 64 KiB table to allocate and clear every time. Slots as the translating engine's
 * block cache places them ({@link BlockEngine#slot}).
 */
final class DecodeCache {
    /** Slots at first. */
    static final int INITIAL = 1 << 6;
    /** Slots at most: past this a miss evicts. */
    static final int MAX = 1 << 12;

    private final SparseMemory memory;
    private final Codec codec;
    private final byte[] fetchBuf = new byte[16];
    private long[] tag = new long[INITIAL];
    private Instruction[] insn = new Instruction[INITIAL];
    private int[] length = new int[INITIAL];
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
        int i = BlockEngine.slot(pc, insn.length);
        if (insn[i] != null) {
            if (tag[i] == pc) {
                return i;
            }
            if (insn.length < MAX) {
                grow();
                i = BlockEngine.slot(pc, insn.length);
            }
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

    /** Doubles the table, keeping what it holds (two slots of the old table never meet in the new one). */
    private void grow() {
        long[] t = new long[tag.length * 2];
        Instruction[] in = new Instruction[t.length];
        int[] len = new int[t.length];
        for (int j = 0; j < insn.length; j++) {
            if (insn[j] != null) {
                int k = BlockEngine.slot(tag[j], t.length);
                t[k] = tag[j];
                in[k] = insn[j];
                len[k] = length[j];
            }
        }
        tag = t;
        insn = in;
        length = len;
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
