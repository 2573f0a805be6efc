package dev.hcsim.core.translate;

import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.TrapSite;

/**
 * A guest basic block, decoded once: the straight-line instructions from {@link #start} up to the end
 * of its page, an instruction outside the guest subset, or {@link BlockDecoder#MAX_INSTRUCTIONS}.
 * Branches, traps and waits inside it need no marking: the block stops at the first instruction whose
 * signal is not {@link dev.hcsim.core.spi.Cpu#NEXT}, so a not-taken conditional branch falls through
 * to the rest of the block as it would in the interpreter.
 */
final class Block {
    final long start;
    final Instruction[] instructions;
    final long[] pcs;
    final int[] lengths;
    /** The address after the last instruction: where the PC goes when the block falls off its end. */
    final long end;
    /** Runs so far; the block is compiled to bytecode when this reaches the engine's threshold. */
    int runs;
    /** Which instructions the bytecode form runs as emitted code (null until it is compiled). */
    boolean[] emitted;
    /** The length of the bytecode form's method, in bytes (0 until it is compiled). */
    int codeSize;
    /** How many of the instructions the bytecode form runs: all, or the first ones when all would be too long. */
    int compiledCount;
    /** The bytecode form, or null while the block is still interpreted. */
    CompiledBlock compiled;
    /** The call site of each instruction that trapped so far (null until one did): the block knows its traps' sites. */
    private TrapSite[] sites;

    /** The most bytes a trap instruction fetch reads (the codec's longest instruction): the length of the sites' kept bytes. */
    private final int siteLength;

    Block(long start, Instruction[] instructions, long[] pcs, int[] lengths, int siteLength) {
        this.siteLength = siteLength;
        this.start = start;
        this.instructions = instructions;
        this.pcs = pcs;
        this.lengths = lengths;
        int n = instructions.length;
        this.end = pcs[n - 1] + lengths[n - 1];
    }

    int size() {
        return instructions.length;
    }

    /**
     * The call site of instruction {@code k}, made at its first trap (or when the block is compiled: a constant of the
     * compiled form). It lives as long as the block: a guest write to the block's code drops the block and with it the
     * site (which checks its kept bytes by itself anyway).
     */
    TrapSite site(int k) {
        TrapSite[] s = sites;
        if (s == null) {
            s = new TrapSite[instructions.length];
            sites = s;
        }
        TrapSite site = s[k];
        if (site == null) {
            site = new TrapSite(siteLength);
            s[k] = site;
        }
        return site;
    }
}
