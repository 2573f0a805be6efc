package dev.hcsim.core.translate;

import dev.hcsim.core.GuestFault;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.TrapSite;
import java.util.Arrays;
import java.util.Locale;

/**
 * Runs a vCPU's guest code a block at a time: each basic block is decoded once
 * ({@link BlockDecoder}), interpreted from its decoded instructions for its first runs, and compiled
 * to a hidden class ({@link BlockCompiler}) once it has run {@link #threshold()} times.
 *
 * <p>The contract with a scheduler ({@link #run}): run up to {@code budget} instructions of one vCPU
 * and return how many ran and the signal of the last one. An instruction runs exactly as the
 * interpreter runs it (the same {@link Instruction#execute} on the same {@link Cpu}); the engine
 * only decides how many run per call. A run stops after an instruction whose signal is not
 * {@link Cpu#NEXT} or {@link Cpu#JUMP} (a trap, a wait, a fault), after an instruction that wrote a
 * page holding decoded code (the next one is decoded again), after an instruction during which the
 * scheduler {@linkplain #requestBreak() asked for a break} (another vCPU became runnable, a system
 * event), and when the budget is used. While it runs, {@link #progress()} says how many instructions
 * of the call came before the one executing, so that a scheduler can tell the virtual time of an
 * instruction that reads it.
 *
 * <p>Not thread-safe: one engine per machine, used by the thread that runs the machine.
 */
public final class BlockEngine {
    /** Not even the shortest instruction can be fetched at the PC: nothing ran (a run that already ran some stops before it). */
    public static final int FETCH_FAULT = 5;
    /**
     * A trap instruction ran inside the run and the {@link TrapHandler} handled it without letting the vCPU run on
     * (the trap's result says what happens next: halt, yield, exit, fault, ...).
     */
    public static final int TRAP_DONE = 6;
    /** Compile a block after this many interpreted runs, unless {@code hcsim.translate.threshold} says otherwise. */
    public static final int DEFAULT_THRESHOLD = 64;
    /** Blocks the cache holds at first: it doubles when a miss would evict another block (a sweep builds one engine per seed). */
    private static final int CACHE_INITIAL = 1 << 4;
    private static final int CACHE_MAX = 1 << 12;

    private final SparseMemory memory;
    private final BlockDecoder decoder;
    private final int threshold;
    private long[] tag = new long[CACHE_INITIAL];
    private Block[] blocks = new Block[CACHE_INITIAL];
    private long generation = -1;
    private long compiledCount;
    private long decodedCount;
    private long lookupCount;
    private RuntimeException lastCompileFailure;

    // Written by the generated code (same package): plain fields, read by the scheduler on the same thread.
    long progress;
    boolean breakRequested;
    Block lastBlock;
    int lastIndex;
    private long lastPc;
    /** Read by the generated code, which calls the handler itself at a trap (BlockCompiler.trapInBlock). */
    TrapHandler traps;

    /**
     * The scheduler's trap path inside a run: a trap instruction is handled where it runs, and when the vCPU may run on
     * (the call returned to the guest and the scheduler's state did not change) the run goes on after it without
     * returning to the scheduler: a compiled block goes on with its next instruction, in the same method.
     */
    @FunctionalInterface
    public interface TrapHandler {
        /**
         * Handles the trap at {@code pc}, the {@link #lastInstruction()} of the run, counted in {@link #progress()}'s
         * next value; the registers' PC is at it.
         * @param pc the trap instruction's address
         * @param site the call site of the instruction at {@code pc}, kept by its block (the same object at every trap
         *   there while the block lives)
         * @return true when the vCPU runs on (its PC set by the trap); false when the run ends with {@link #TRAP_DONE}
         */
        boolean trap(long pc, TrapSite site);
    }

    /**
     * Handles trap instructions inside runs from now on (null: a run ends at a trap with {@link Cpu#TRAP}, and the
     * caller handles it).
     * @param h the handler, or null
     */
    public void trapHandler(TrapHandler h) {
        this.traps = h;
    }

    /**
     * An engine over {@code memory} decoding with {@code codec}, compiling after {@link #DEFAULT_THRESHOLD} runs
     * (or the system property {@code hcsim.translate.threshold}).
     * @param memory the machine's guest memory
     * @param codec the architecture's decoder
     */
    public BlockEngine(SparseMemory memory, Codec codec) {
        this(memory, codec, Integer.getInteger("hcsim.translate.threshold", DEFAULT_THRESHOLD));
    }

    /**
     * An engine compiling a block after {@code threshold} interpreted runs (0: at its first run).
     * @param memory the machine's guest memory
     * @param codec the architecture's decoder
     * @param threshold interpreted runs before a block is compiled; negative: never compile
     */
    public BlockEngine(SparseMemory memory, Codec codec, int threshold) {
        this.memory = memory;
        this.decoder = new BlockDecoder(memory, codec);
        this.threshold = threshold;
    }

    /**
     * Interpreted runs before a block is compiled.
     * @return the threshold; negative when blocks are never compiled
     */
    public int threshold() {
        return threshold;
    }

    /**
     * Runs {@code cpu} from its PC for up to {@code budget} instructions (see the class comment for where it stops).
     * @param cpu the vCPU
     * @param budget the most instructions to run, at least 1
     * @return {@code (executed << 3) | signal}: see {@link #executed} and {@link #signal}
     */
    public long run(Cpu cpu, long budget) {
        breakRequested = false;
        RegisterFile regs = cpu.regs();
        long done = 0;
        while (true) {
            long pc = regs.pc();
            Block b = lookup(pc);
            if (b == null) {
                if (done > 0) {
                    return done << 3 | Cpu.JUMP; // the next run reports the fetch fault, with nothing run
                }
                lastBlock = null;
                lastPc = pc;
                return FETCH_FAULT;
            }
            long r;
            CompiledBlock code = b.compiled;
            if (code == null && threshold >= 0 && ++b.runs > threshold) {
                code = compile(b, regs);
            }
            if (code != null && budget - done >= b.size()) {
                r = code.run(this, cpu, regs, memory, done, budget);
            } else {
                r = interpret(b, cpu, regs, done, budget);
            }
            done = r >>> 3;
            int signal = (int) r & 7;
            if (signal == Cpu.TRAP && traps != null) {
                progress = done - 1; // the trap's own place in the run: what a VcpuControl call during it catches up to
                if (!traps.trap(lastPc(), lastBlock.site(lastIndex))) {
                    return done << 3 | TRAP_DONE;
                }
                signal = Cpu.JUMP; // the trap wrote the PC
                r = done << 3 | Cpu.JUMP;
            }
            if ((signal != Cpu.NEXT && signal != Cpu.JUMP) || done >= budget || breakRequested) {
                return r;
            }
        }
    }

    /**
     * The instructions a {@link #run} result counts, the last one included.
     * @param result what {@link #run} returned
     * @return the instructions executed
     */
    public static long executed(long result) {
        return result >>> 3;
    }

    /**
     * The signal of the last instruction a {@link #run} executed: {@link Cpu#NEXT} or {@link Cpu#JUMP} when the run
     * stopped for the budget or a break (the PC is then where to go on), else {@link Cpu#TRAP} (the PC is at the trap
     * instruction), {@link Cpu#HALT} (the PC is still at the wait: {@link #lastLength()} says how far to advance it),
     * {@link Cpu#FAULT} (the reason is in {@link Cpu#faultReason()}), {@link #FETCH_FAULT}, or {@link #TRAP_DONE}
     * (the {@link TrapHandler} handled the trap at {@link #lastPc()}).
     * @param result what {@link #run} returned
     * @return the signal
     */
    public static int signal(long result) {
        return (int) result & 7;
    }

    /**
     * The address of the last instruction the last {@link #run} executed (or failed to fetch).
     * @return the guest address
     */
    public long lastPc() {
        return lastBlock != null ? lastBlock.pcs[lastIndex] : lastPc;
    }

    /**
     * The length of the last instruction the last {@link #run} executed.
     * @return the length in bytes (0 after {@link #FETCH_FAULT})
     */
    public int lastLength() {
        return lastBlock != null ? lastBlock.lengths[lastIndex] : 0;
    }

    /**
     * The last instruction the last {@link #run} executed: the trap instruction after {@link Cpu#TRAP}, already decoded.
     * @return the instruction, or null after {@link #FETCH_FAULT}
     */
    public Instruction lastInstruction() {
        return lastBlock != null ? lastBlock.instructions[lastIndex] : null;
    }

    /**
     * During {@link #run}: how many instructions of the call came before the one executing.
     * @return the count
     */
    public long progress() {
        return progress;
    }

    /** Asks the running {@link #run} to stop after the instruction executing now (the scheduler's state changed). */
    public void requestBreak() {
        breakRequested = true;
    }

    /**
     * Blocks compiled to bytecode since the engine was made.
     * @return the count
     */
    public long compiledBlocks() {
        return compiledCount;
    }

    /**
     * Why the last block that could not be compiled was not (it stays interpreted): for tests, which expect none.
     * @return the failure, or null when every block compiled
     */
    public RuntimeException lastCompileFailure() {
        return lastCompileFailure;
    }

    /**
     * Blocks looked up since the engine was made: one per block entered from {@link #run}'s loop (a compiled block's
     * loop back to its own start, and its code after a trap that let the vCPU run on, need none).
     * @return the count
     */
    public long lookups() {
        return lookupCount;
    }

    /**
     * Blocks decoded since the engine was made (again after self-modifying code).
     * @return the count
     */
    public long decodedBlocks() {
        return decodedCount;
    }

    /**
     * The block starting at {@code pc}, decoding it on a miss; null when nothing can be fetched there. All decoded
     * blocks are dropped when the guest has written a page holding decoded code since the last lookup.
     */
    private Block lookup(long pc) {
        lookupCount++;
        long gen = memory.codeGeneration();
        if (gen != generation) {
            Arrays.fill(blocks, null);
            generation = gen;
        }
        int i = slot(pc, blocks.length);
        Block b = blocks[i];
        if (b != null) {
            if (tag[i] == pc) {
                return b;
            }
            if (blocks.length < CACHE_MAX) {
                growCache();
                i = slot(pc, blocks.length);
            }
        }
        b = decoder.decode(pc);
        if (b != null) {
            decodedCount++;
            // decoding watched new code pages: that does not change the generation, so the cache stays valid
            tag[i] = pc;
            blocks[i] = b;
        }
        return b;
    }

    /**
     * The slot of the code at {@code pc} in a direct-mapped table of {@code size} (a power of two) entries, shared with
     * the interpreter's decode cache: consecutive addresses take consecutive slots, and a page's number, multiplied by
     * an odd constant, offsets its slots so that code at the same offset of different pages (page-aligned programs)
     * does not take the same ones. {@code slot(pc, 2 * size)} is {@code slot(pc, size)} or that plus {@code size}, so
     * a table can double without two of its entries meeting.
     * @param pc the code's address
     * @param size the table's size, a power of two
     * @return the slot, 0 to size - 1
     */
    public static int slot(long pc, int size) {
        return (int) (pc + (pc >>> 12) * 0x9E3779B1L) & (size - 1);
    }

    /** Doubles the block cache, keeping what it holds. */
    private void growCache() {
        long[] t = new long[tag.length * 2];
        Block[] bs = new Block[t.length];
        for (int j = 0; j < blocks.length; j++) {
            if (blocks[j] != null) {
                int k = slot(tag[j], t.length);
                t[k] = tag[j];
                bs[k] = blocks[j];
            }
        }
        tag = t;
        blocks = bs;
    }

    private CompiledBlock compile(Block b, RegisterFile regs) {
        try {
            b.compiled = BlockCompiler.compile(b, regs.layout().zeroRegister());
            compiledCount++;
        } catch (RuntimeException | LinkageError e) {
            // Translation is an optimisation: a block that cannot be compiled stays interpreted.
            b.runs = Integer.MIN_VALUE;
            lastCompileFailure = new IllegalStateException("the block at 0x" + Long.toHexString(b.start) + " was not compiled", e);
        }
        return b.compiled;
    }

    /** The block's decoded instructions one after the other, stopping as {@link CompiledBlock#run} does. */
    private long interpret(Block b, Cpu cpu, RegisterFile regs, long done, long limit) {
        long gen = memory.codeGeneration();
        Instruction[] code = b.instructions;
        for (int k = 0; k < code.length; k++) {
            if (done >= limit) {
                regs.pc(b.pcs[k]);
                return done << 3 | Cpu.NEXT;
            }
            progress = done;
            long pc = b.pcs[k];
            regs.pc(pc);
            int signal;
            try {
                signal = code[k].execute(cpu);
            } catch (RuntimeException e) {
                return failed(b, k, done, e, cpu);
            }
            done++;
            if (signal != Cpu.NEXT) {
                lastBlock = b;
                lastIndex = k;
                return done << 3 | signal;
            }
            if (memory.codeGeneration() != gen || breakRequested) {
                regs.pc(pc + b.lengths[k]);
                return done << 3 | Cpu.NEXT;
            }
        }
        regs.pc(b.end);
        return done << 3 | Cpu.NEXT;
    }

    /**
     * Why a vCPU stops when instruction {@code ins} at {@code pc} threw {@code e}: the guest fault's own words (an access
     * outside guest memory) with the instruction, or the exception for anything else. The interpreter and the engine
     * say the same.
     * @param e what the instruction's {@link Instruction#execute} threw
     * @param pc the instruction's address
     * @param ins the instruction
     * @return the one-line reason
     */
    public static String faultReason(RuntimeException e, long pc, Instruction ins) {
        if (e instanceof GuestFault f) {
            return String.format(Locale.ROOT, "%s (instruction at 0x%x: %s)", f.getMessage(), pc, ins.text());
        }
        return String.format(Locale.ROOT, "instruction at 0x%x (%s) failed: %s", pc, ins.text(), e);
    }

    /**
     * Instruction {@code k} of {@code b} threw: the vCPU faults with the reason the interpreter gives. Called by the
     * generated code's exception handler.
     */
    long failed(Block b, int k, long before, Throwable t, Cpu cpu) {
        long pc = b.pcs[k];
        Instruction ins = b.instructions[k];
        if (ins.effects() != Instruction.EFFECTS_UNKNOWN || (b.emitted != null && b.emitted[k])) {
            // the compiled block stores the PC only before unknown instructions it executes; the interpreter's is here
            cpu.regs().pc(pc);
        }
        if (t instanceof RuntimeException e) {
            cpu.fault(faultReason(e, pc, ins));
        } else if (t instanceof Error e) {
            throw e;
        } else {
            throw new IllegalStateException(t);
        }
        lastBlock = b;
        lastIndex = k;
        return (before + 1) << 3 | Cpu.FAULT;
    }
}
