package dev.hcsim.core.translate;

import static org.objectweb.asm.Opcodes.*;

import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.TrapSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * Generates the bytecode of a {@link Block} as a hidden class (ASM), one per block, unloaded with it.
 *
 * <p>Each instruction is a {@code static final} field of the class, set from the class data, so the
 * JIT sees it as a constant: the {@code invokeinterface Instruction.execute} at its own call site
 * becomes a direct call that it inlines, with the instruction record's operand fields (register
 * numbers, immediates, branch targets, whether flags are set) folded in. Within one compiled method
 * the register file's slots then behave as locals: a value stored by one instruction is forwarded to
 * the next one's load, a store overwritten before anything reads it (a flags register set by an add
 * and set again by the compare after it) is dropped with the computation feeding it, and what
 * remains is written at the block's exits. A branch back to the block's own start loops inside the
 * method while the budget allows a whole pass, so a hot loop is one compiled loop.
 *
 * <p>What the generated {@code run} does, for instructions 0..n-1 at {@code pc[k]}:
 * <pre>
 * gen = memory.codeGeneration()
 * top: for k in 0..n-1:
 *        engine.progress = done + k; regs.pc(pc[k])                         (unknown effects only)
 *        signal = I[k].execute(cpu)
 *        if signal != NEXT: done += k + 1; goto exit
 *        if memory.codeGeneration() != gen: regs.pc(pc[k] + len[k]); return done + k + 1, NEXT   (unknown or writes memory)
 *        if engine.breakRequested: the same                                  (unknown effects only)
 *      regs.pc(end); return done + n, NEXT
 * exit: if signal == JUMP &amp;&amp; regs.pc() == start &amp;&amp; limit - done &gt;= n &amp;&amp; nothing changed: goto top
 *       return done, signal
 * an exception from I[k]: return engine.failed(block, k, done + k, exception, cpu)
 * </pre>
 * <p>An instruction that {@linkplain Instruction#emit emits} its own code (through {@link BlockEmitter}) runs on
 * {@code long} locals instead: the registers the block uses are loaded into locals at its entry, and the ones it writes
 * go back to the register file at every exit (the common {@code leave} tail, the exception handler when an emitted
 * instruction failed) and before each instruction that is not emitted, whose {@code execute} works on the register
 * file (the locals are loaded again after it). A taken emitted branch knows its target when the block is compiled: a
 * branch to the block's own start loops without writing anything back. Within the loop the JIT then sees plain
 * arithmetic on locals, and drops what nothing reads (a flags value the next instruction sets again).
 *
 * <p>An instruction whose {@link Instruction#effects()} are known neither reads the PC nor calls the scheduler, so the
 * progress and the PC are stored only before the others (and at every exit); only one that writes memory can change
 * code, and only an unknown one can make the scheduler ask for a break. With the PC and progress stores gone, the
 * JIT keeps a run of known instructions' register values in machine registers between their loads and stores.
 */
final class BlockCompiler {
    private static final String SUPER = Type.getInternalName(CompiledBlock.class);
    private static final String ENGINE = Type.getInternalName(BlockEngine.class);
    private static final String REGS = Type.getInternalName(RegisterFile.class);
    private static final String MEMORY = Type.getInternalName(SparseMemory.class);
    private static final String INSN = Type.getInternalName(Instruction.class);
    private static final String INSN_DESC = Type.getDescriptor(Instruction.class);
    private static final String BLOCK_DESC = Type.getDescriptor(Block.class);
    private static final String RUN_DESC = Type.getMethodDescriptor(Type.LONG_TYPE, Type.getType(BlockEngine.class), Type.getType(Cpu.class),
            Type.getType(RegisterFile.class), Type.getType(SparseMemory.class), Type.LONG_TYPE, Type.LONG_TYPE);
    private static final String SITE = Type.getInternalName(TrapSite.class);
    private static final String SITE_DESC = Type.getDescriptor(TrapSite.class);
    private static final String HANDLER = Type.getInternalName(BlockEngine.TrapHandler.class);
    private static final String HANDLER_DESC = Type.getDescriptor(BlockEngine.TrapHandler.class);
    private static final String TRAP_DESC = Type.getMethodDescriptor(Type.BOOLEAN_TYPE, Type.LONG_TYPE, Type.getType(TrapSite.class));
    private static final String FAILED_DESC = Type.getMethodDescriptor(Type.LONG_TYPE, Type.getType(Block.class), Type.INT_TYPE, Type.LONG_TYPE,
            Type.getType(Throwable.class), Type.getType(Cpu.class));

    // locals of run
    private static final int ENGINE_ARG = 1;
    private static final int CPU_ARG = 2;
    private static final int REGS_ARG = 3;
    private static final int MEMORY_ARG = 4;
    private static final int DONE = 5;
    private static final int LIMIT = 7;
    private static final int GEN = 9;
    private static final int INDEX = 11;
    private static final int SIGNAL = 12;
    private static final int THROWN = 13;
    /** 1 while the register file holds the register locals' values (around an instruction that is not emitted). */
    private static final int SYNCED = 14;
    /** Two longs for the emitted memory accesses. */
    private static final int SCRATCH = 15;
    /** The register locals and the emitted instructions' temporaries start here. */
    private static final int FIRST_FREE = 19;

    /**
     * The most bytecode the generated method may have: HotSpot compiles no method longer than 8000 bytes
     * ({@code -XX:HugeMethodLimit}, {@code DontCompileHugeMethods}), and a block left to the bytecode interpreter would
     * run far slower than the interpreter's own loop. When a block's code comes out longer, only its first instructions
     * are compiled (as many as fit): the compiled form then ends there with the PC at the next one, which starts a block
     * of its own.
     */
    static final int MAX_CODE_SIZE = 7600;

    private BlockCompiler() {
    }

    /**
     * The compiled form of {@code b}.
     * @param zero the register layout's zero register (-1: none), which emitted code never writes
     */
    static CompiledBlock compile(Block b, int zero) {
        int n = b.size();
        Object[] data = new Object[2 * n + 1];
        System.arraycopy(b.instructions, 0, data, 0, n);
        data[n] = b;
        for (int k = 0; k < n; k++) {
            if (mayTrap(b, k)) {
                data[n + 1 + k] = b.site(k); // the same site the interpreted runs of the block used
            }
        }
        int count = n;
        byte[] bytes = generate(b, zero, count);
        while (b.codeSize > MAX_CODE_SIZE && count > 1) {
            count = Math.max(1, Math.min(count - 1, (int) ((long) count * MAX_CODE_SIZE * 9 / 10 / b.codeSize)));
            bytes = generate(b, zero, count);
        }
        b.compiledCount = count;
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, data, true);
            return (CompiledBlock) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("compiling the block at 0x" + Long.toHexString(b.start), t);
        }
    }

    /**
     * The hidden class of {@code b}'s first {@code count} instructions; {@link Block#codeSize} says how long its method
     * came out.
     */
    static byte[] generate(Block b, int zero, int count) {
        int n = b.size();
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String type1, String type2) {
                return "java/lang/Object"; // only reference locals of one type each are merged; no class loading
            }
        };
        String name = "dev/hcsim/core/translate/Block_" + Long.toHexString(b.start);
        cw.visit(V17, ACC_FINAL | ACC_SUPER | ACC_SYNTHETIC, name, null, SUPER, null);
        for (int k = 0; k < n; k++) {
            cw.visitField(ACC_STATIC | ACC_FINAL | ACC_PRIVATE, "i" + k, INSN_DESC, null, null).visitEnd();
        }
        cw.visitField(ACC_STATIC | ACC_FINAL | ACC_PRIVATE, "block", BLOCK_DESC, null, null).visitEnd();
        for (int k = 0; k < n; k++) {
            if (mayTrap(b, k)) {
                cw.visitField(ACC_STATIC | ACC_FINAL | ACC_PRIVATE, "s" + k, SITE_DESC, null, null).visitEnd();
            }
        }
        classInit(cw, name, b);
        MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, SUPER, "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        run(cw, name, b, zero, count);
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * Whether instruction {@code k} may trap: one of unknown effects (one whose effects are known never calls the
     * scheduler). Its call site is a constant of the compiled form.
     */
    private static boolean mayTrap(Block b, int k) {
        return b.instructions[k].effects() == Instruction.EFFECTS_UNKNOWN;
    }

    /**
     * {@code static { Object[] d = MethodHandles.classData(lookup(), "_", Object[].class); i0 = (Instruction) d[0]; ...;
     * block = (Block) d[n]; s0 = (TrapSite) d[n + 1]; ... }}.
     */
    private static void classInit(ClassWriter cw, String name, Block b) {
        int n = b.size();
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
        mv.visitLdcInsn("_");
        mv.visitLdcInsn(Type.getType(Object[].class));
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
        mv.visitTypeInsn(CHECKCAST, "[Ljava/lang/Object;");
        mv.visitVarInsn(ASTORE, 0);
        for (int k = 0; k <= n; k++) {
            mv.visitVarInsn(ALOAD, 0);
            push(mv, k);
            mv.visitInsn(AALOAD);
            if (k < n) {
                mv.visitTypeInsn(CHECKCAST, INSN);
                mv.visitFieldInsn(PUTSTATIC, name, "i" + k, INSN_DESC);
            } else {
                mv.visitTypeInsn(CHECKCAST, Type.getInternalName(Block.class));
                mv.visitFieldInsn(PUTSTATIC, name, "block", BLOCK_DESC);
            }
        }
        for (int k = 0; k < n; k++) {
            if (mayTrap(b, k)) {
                mv.visitVarInsn(ALOAD, 0);
                push(mv, n + 1 + k);
                mv.visitInsn(AALOAD);
                mv.visitTypeInsn(CHECKCAST, SITE);
                mv.visitFieldInsn(PUTSTATIC, name, "s" + k, SITE_DESC);
            }
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * The dry pass over the first {@code n} instructions: which emit their own code (null when none does), with the
     * registers they use in {@code em}; one entry per instruction of the block.
     */
    private static boolean[] emitting(Block b, BlockEmitter em, int n) {
        boolean[] emitted = new boolean[b.size()];
        boolean any = false;
        for (int k = 0; k < n; k++) {
            em.begin(b.pcs[k], next(b, k));
            emitted[k] = b.instructions[k].emit(em);
            any |= emitted[k];
        }
        return any ? emitted : null;
    }

    private static Instruction next(Block b, int k) {
        return k + 1 < b.size() ? b.instructions[k + 1] : null;
    }

    private static void run(ClassWriter cw, String name, Block b, int zero, int n) {
        BlockEmitter em = new BlockEmitter(zero, CPU_ARG, SCRATCH, FIRST_FREE);
        boolean[] emitted = emitting(b, em, n);
        boolean locals = emitted != null && em.anyRegisters();
        if (emitted == null) {
            emitted = new boolean[b.size()];
        }
        b.emitted = emitted;
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "run", RUN_DESC, null, null);
        em.writeTo(mv);
        mv.visitCode();
        Label top = new Label();
        Label tryEnd = new Label();
        Label handler = new Label();
        Label exit = new Label();
        Label leave = new Label();
        Label[] taken = new Label[n];
        Label[] stopped = new Label[n];
        Label[] starts = new Label[n + 1]; // starts[n]: the end of the compiled part (where a trap in the last one goes on)
        List<List<Long>> targets = new ArrayList<>();
        List<List<Label>> exits = new ArrayList<>();
        boolean[] stops = new boolean[n];
        for (int k = 0; k < n; k++) {
            taken[k] = new Label();
            stopped[k] = new Label();
            starts[k] = new Label();
        }
        starts[n] = tryEnd;
        mv.visitTryCatchBlock(top, tryEnd, handler, "java/lang/Throwable");
        codeGeneration(mv);
        mv.visitVarInsn(LSTORE, GEN);
        push(mv, 0);
        mv.visitVarInsn(ISTORE, INDEX);
        push(mv, 0);
        mv.visitVarInsn(ISTORE, SIGNAL);
        push(mv, 0);
        mv.visitVarInsn(ISTORE, SYNCED);
        em.loadAll(REGS_ARG);
        mv.visitLabel(top);
        for (int k = 0; k < n; k++) {
            Instruction ins = b.instructions[k];
            int effects = ins.effects();
            boolean unknown = effects == Instruction.EFFECTS_UNKNOWN;
            mv.visitLabel(starts[k]);
            push(mv, k);
            mv.visitVarInsn(ISTORE, INDEX);
            if (emitted[k]) {
                // the instruction's own code, on the register locals; each taken branch goes to an exit of its own
                em.begin(b.pcs[k], next(b, k));
                if (!ins.emit(em)) {
                    throw new IllegalStateException(ins.text() + " emitted in the first pass only");
                }
                targets.add(List.copyOf(em.targets()));
                exits.add(List.copyOf(em.exits()));
                stops[k] = em.writesMemory();
            } else {
                targets.add(List.of());
                exits.add(List.of());
                stops[k] = unknown || (effects & Instruction.EFFECTS_WRITES_MEMORY) != 0;
                if (unknown) {
                    // it may call the scheduler (which reads the progress) or read the PC
                    mv.visitVarInsn(ALOAD, ENGINE_ARG);
                    mv.visitVarInsn(LLOAD, DONE);
                    if (k != 0) {
                        mv.visitLdcInsn((long) k);
                        mv.visitInsn(LADD);
                    }
                    mv.visitFieldInsn(PUTFIELD, ENGINE, "progress", "J");
                    setPc(mv, b.pcs[k]);
                }
                if (locals) {
                    // execute works on the register file: it gets the locals, and the locals get what it wrote
                    em.storeWritten(REGS_ARG);
                    push(mv, 1);
                    mv.visitVarInsn(ISTORE, SYNCED);
                }
                mv.visitFieldInsn(GETSTATIC, name, "i" + k, INSN_DESC);
                mv.visitVarInsn(ALOAD, CPU_ARG);
                mv.visitMethodInsn(INVOKEINTERFACE, INSN, "execute", "(Ldev/hcsim/core/spi/Cpu;)I", true);
                mv.visitVarInsn(ISTORE, SIGNAL);
                if (locals) {
                    em.loadAll(REGS_ARG);
                    push(mv, 0);
                    mv.visitVarInsn(ISTORE, SYNCED);
                }
                mv.visitVarInsn(ILOAD, SIGNAL);
                mv.visitJumpInsn(IFNE, taken[k]);
            }
            if (stops[k]) {
                codeGeneration(mv);
                mv.visitVarInsn(LLOAD, GEN);
                mv.visitInsn(LCMP);
                mv.visitJumpInsn(IFNE, stopped[k]);
            }
            if (unknown && !emitted[k]) {
                mv.visitVarInsn(ALOAD, ENGINE_ARG);
                mv.visitFieldInsn(GETFIELD, ENGINE, "breakRequested", "Z");
                mv.visitJumpInsn(IFNE, stopped[k]);
            }
        }
        mv.visitLabel(tryEnd);
        // fell off the end (of the compiled part)
        setPc(mv, n < b.size() ? b.pcs[n] : b.end);
        addDone(mv, n);
        push(mv, Cpu.NEXT);
        mv.visitVarInsn(ISTORE, SIGNAL);
        mv.visitJumpInsn(GOTO, leave);
        for (int k = 0; k < n; k++) {
            if (!emitted[k]) {
                // a taken branch, trap, wait or fault of execute, which set the PC: the common exit
                mv.visitLabel(taken[k]);
                if (mayTrap(b, k)) {
                    trapInBlock(mv, name, b, k, n, locals, em, starts[k + 1]);
                }
                addDone(mv, k + 1);
                lastIndex(mv, k);
                mv.visitJumpInsn(GOTO, exit);
            }
            for (int t = 0; t < targets.get(k).size(); t++) {
                // an emitted taken branch: its target is known; back to the top without leaving when it is the start
                long target = targets.get(k).get(t);
                mv.visitLabel(exits.get(k).get(t));
                addDone(mv, k + 1);
                lastIndex(mv, k);
                push(mv, Cpu.JUMP);
                mv.visitVarInsn(ISTORE, SIGNAL);
                if (target == b.start) {
                    loopAgain(mv, n, top);
                }
                mv.visitVarInsn(ALOAD, ENGINE_ARG);
                mv.visitFieldInsn(GETSTATIC, name, "block", BLOCK_DESC);
                mv.visitFieldInsn(PUTFIELD, ENGINE, "lastBlock", BLOCK_DESC);
                setPc(mv, target);
                mv.visitJumpInsn(GOTO, leave);
            }
            if (stops[k]) {
                // the code changed or the scheduler asked for a break after the instruction
                mv.visitLabel(stopped[k]);
                setPc(mv, b.pcs[k] + b.lengths[k]);
                addDone(mv, k + 1);
                push(mv, Cpu.NEXT);
                mv.visitVarInsn(ISTORE, SIGNAL);
                mv.visitJumpInsn(GOTO, leave);
            }
        }
        mv.visitLabel(exit);
        mv.visitVarInsn(ALOAD, ENGINE_ARG);
        mv.visitFieldInsn(GETSTATIC, name, "block", BLOCK_DESC);
        mv.visitFieldInsn(PUTFIELD, ENGINE, "lastBlock", BLOCK_DESC);
        mv.visitVarInsn(ILOAD, SIGNAL);
        push(mv, Cpu.JUMP);
        mv.visitJumpInsn(IF_ICMPNE, leave);
        mv.visitVarInsn(ALOAD, REGS_ARG);
        mv.visitMethodInsn(INVOKEVIRTUAL, REGS, "pc", "()J", false);
        mv.visitLdcInsn(b.start);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFNE, leave);
        loopAgain(mv, n, top);
        mv.visitLabel(leave);
        // every exit: the registers the block wrote go back to the register file
        em.storeWritten(REGS_ARG);
        mv.visitVarInsn(LLOAD, DONE);
        push(mv, 3);
        mv.visitInsn(LSHL);
        mv.visitVarInsn(ILOAD, SIGNAL);
        mv.visitInsn(I2L);
        mv.visitInsn(LOR);
        mv.visitInsn(LRETURN);
        // an exception from instruction INDEX: the vCPU faults as in the interpreter
        mv.visitLabel(handler);
        mv.visitVarInsn(ASTORE, THROWN);
        if (locals) {
            // an emitted instruction failed: the registers as the locals have them; an executed one: as it left them
            Label synced = new Label();
            mv.visitVarInsn(ILOAD, SYNCED);
            mv.visitJumpInsn(IFNE, synced);
            em.storeWritten(REGS_ARG);
            mv.visitLabel(synced);
        }
        mv.visitVarInsn(ALOAD, ENGINE_ARG);
        mv.visitFieldInsn(GETSTATIC, name, "block", BLOCK_DESC);
        mv.visitVarInsn(ILOAD, INDEX);
        mv.visitVarInsn(LLOAD, DONE);
        mv.visitVarInsn(ILOAD, INDEX);
        mv.visitInsn(I2L);
        mv.visitInsn(LADD);
        mv.visitVarInsn(ALOAD, THROWN);
        mv.visitVarInsn(ALOAD, CPU_ARG);
        mv.visitMethodInsn(INVOKEVIRTUAL, ENGINE, "failed", FAILED_DESC, false);
        mv.visitInsn(LRETURN);
        Label end = new Label();
        mv.visitLabel(end);
        b.codeSize = end.getOffset();
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * After instruction {@code k} (of the {@code n} compiled) signalled: when it is a trap and the engine has a
     * {@link BlockEngine.TrapHandler}, the handler handles it where it ran, called from here with the instruction's
     * address and call site as constants of the class ({@code engine.lastBlock} and {@code lastIndex} name it, and
     * {@code engine.progress} is at it already: it was stored before {@code execute}). The register file holds the
     * block's registers (stored before {@code execute}); the locals are read again after the call, which wrote them.
     * The block goes on at {@code next} (instruction {@code k + 1}, in this method) when the handler let the vCPU run
     * on, the PC is right after the trap, and the run would not have stopped there: no break was asked for, {@code
     * limit} leaves room for the rest of the compiled part ({@code limit - (done + k + 1) >= n - k - 1}), no code was
     * written. Otherwise the block ends at the trap as it ended before traps ran inside blocks: with {@link Cpu#JUMP}
     * when the vCPU runs on elsewhere or the run must look again ({@link BlockEngine#run} goes on from the PC, or stops
     * for the budget or the break), with {@link BlockEngine#TRAP_DONE} when the handler ended the run. Falls through to
     * the instruction's exit with the signal in {@code SIGNAL}: unchanged ({@link Cpu#TRAP} with no handler, or any other
     * signal) or as the trap left it.
     */
    private static void trapInBlock(MethodVisitor mv, String name, Block b, int k, int n, boolean locals, BlockEmitter em, Label next) {
        Label notTrap = new Label();
        Label noHandler = new Label();
        Label ended = new Label();
        Label jumped = new Label();
        Label sameBlock = new Label();
        mv.visitVarInsn(ILOAD, SIGNAL);
        push(mv, Cpu.TRAP);
        mv.visitJumpInsn(IF_ICMPNE, notTrap);
        mv.visitVarInsn(ALOAD, ENGINE_ARG);
        mv.visitFieldInsn(GETFIELD, ENGINE, "traps", HANDLER_DESC);
        mv.visitInsn(DUP);
        mv.visitJumpInsn(IFNULL, noHandler);
        // engine.lastBlock = block (no reference store, and no G1 write barrier, when it is already); lastIndex = k
        mv.visitVarInsn(ALOAD, ENGINE_ARG);
        mv.visitFieldInsn(GETFIELD, ENGINE, "lastBlock", BLOCK_DESC);
        mv.visitFieldInsn(GETSTATIC, name, "block", BLOCK_DESC);
        mv.visitJumpInsn(IF_ACMPEQ, sameBlock);
        mv.visitVarInsn(ALOAD, ENGINE_ARG);
        mv.visitFieldInsn(GETSTATIC, name, "block", BLOCK_DESC);
        mv.visitFieldInsn(PUTFIELD, ENGINE, "lastBlock", BLOCK_DESC);
        mv.visitLabel(sameBlock);
        lastIndex(mv, k);
        long pc = b.pcs[k];
        mv.visitLdcInsn(pc);
        mv.visitFieldInsn(GETSTATIC, name, "s" + k, SITE_DESC);
        mv.visitMethodInsn(INVOKEINTERFACE, HANDLER, "trap", TRAP_DESC, true);
        if (locals) {
            em.loadAll(REGS_ARG);
        }
        mv.visitJumpInsn(IFEQ, ended);
        // limit - (done + k + 1) >= n - k - 1: room for the rest of the compiled part
        runsOn(mv, n, jumped);
        mv.visitVarInsn(ALOAD, REGS_ARG);
        mv.visitMethodInsn(INVOKEVIRTUAL, REGS, "pc", "()J", false);
        mv.visitLdcInsn(pc + b.lengths[k]);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFEQ, next);
        mv.visitLabel(jumped);
        push(mv, Cpu.JUMP);
        mv.visitVarInsn(ISTORE, SIGNAL);
        mv.visitJumpInsn(GOTO, notTrap);
        mv.visitLabel(ended);
        push(mv, BlockEngine.TRAP_DONE);
        mv.visitVarInsn(ISTORE, SIGNAL);
        mv.visitJumpInsn(GOTO, notTrap);
        mv.visitLabel(noHandler);
        mv.visitInsn(POP);
        mv.visitLabel(notTrap);
    }

    /** {@code engine.lastIndex = k}. */
    private static void lastIndex(MethodVisitor mv, int k) {
        mv.visitVarInsn(ALOAD, ENGINE_ARG);
        push(mv, k);
        mv.visitFieldInsn(PUTFIELD, ENGINE, "lastIndex", "I");
    }

    /** {@code done += count}. */
    private static void addDone(MethodVisitor mv, int count) {
        mv.visitVarInsn(LLOAD, DONE);
        mv.visitLdcInsn((long) count);
        mv.visitInsn(LADD);
        mv.visitVarInsn(LSTORE, DONE);
    }

    /** {@code if (limit - done >= n && memory.codeGeneration() == gen && !engine.breakRequested) goto top}; else falls through. */
    private static void loopAgain(MethodVisitor mv, int n, Label top) {
        Label no = new Label();
        runsOn(mv, n, no);
        mv.visitJumpInsn(GOTO, top);
        mv.visitLabel(no);
    }

    /**
     * {@code if (limit - done < n || memory.codeGeneration() != gen || engine.breakRequested) goto no}: where the run
     * would stop (the budget has no room for {@code n} more instructions, code was written, the scheduler asked for a
     * break); else falls through.
     */
    private static void runsOn(MethodVisitor mv, int n, Label no) {
        mv.visitVarInsn(LLOAD, LIMIT);
        mv.visitVarInsn(LLOAD, DONE);
        mv.visitInsn(LSUB);
        mv.visitLdcInsn((long) n);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFLT, no);
        codeGeneration(mv);
        mv.visitVarInsn(LLOAD, GEN);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFNE, no);
        mv.visitVarInsn(ALOAD, ENGINE_ARG);
        mv.visitFieldInsn(GETFIELD, ENGINE, "breakRequested", "Z");
        mv.visitJumpInsn(IFNE, no);
    }

    private static void codeGeneration(MethodVisitor mv) {
        mv.visitVarInsn(ALOAD, MEMORY_ARG);
        mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "codeGeneration", "()J", false);
    }

    private static void setPc(MethodVisitor mv, long pc) {
        mv.visitVarInsn(ALOAD, REGS_ARG);
        mv.visitLdcInsn(pc);
        mv.visitMethodInsn(INVOKEVIRTUAL, REGS, "pc", "(J)V", false);
    }

    private static void push(MethodVisitor mv, int v) {
        BlockEmitter.push(mv, v);
    }
}
