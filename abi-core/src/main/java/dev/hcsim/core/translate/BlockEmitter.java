package dev.hcsim.core.translate;

import static org.objectweb.asm.Opcodes.*;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Instruction;
import java.util.Arrays;
import java.util.BitSet;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The {@link Emitter} {@link BlockCompiler} hands to the instructions of a block: each register the block uses is a
 * {@code long} local of the generated method. It runs twice over a block: a dry pass into a sink that finds which
 * instructions emit and which registers they read and write (so that the block's entry can load them and its exits
 * write them back), then the pass that writes the bytecode, with the same locals.
 */
final class BlockEmitter implements Emitter {
    private static final String REGS = Type.getInternalName(RegisterFile.class);
    private static final String MEMORY_ACCESS = Type.getInternalName(MemoryAccess.class);
    private static final String CPU = Type.getInternalName(Cpu.class);
    private static final MethodVisitor SINK = new MethodVisitor(Opcodes.ASM9) {
    };

    private final int zero;
    private final int cpuArg;
    private final int scratch;
    private final int registerBase;
    private MethodVisitor mv = SINK;
    /** The local of each register the block uses (-1: none), in the order they were first used. */
    private int[] slotOf = new int[64];
    private final BitSet used = new BitSet();
    /** The locals of the registers read with {@link #getSynced} (loaded with the others, never written by emitted code). */
    private final java.util.Map<Integer, Integer> syncedSlotOf = new java.util.TreeMap<>();
    private final BitSet written = new BitSet();
    private int registers;
    private int temporaries;
    /** The current instruction's branch targets and the labels of their exits, in the order it branched. */
    private final java.util.List<Long> targets = new java.util.ArrayList<>();
    private final java.util.List<Label> exits = new java.util.ArrayList<>();
    private Instruction next;
    private long pc;
    private boolean writes;

    /**
     * @param zero the layout's zero register (-1: none)
     * @param cpuArg the local holding the {@link Cpu}
     * @param scratch two {@code long} locals (four slots) for memory accesses
     * @param registerBase the first local slot free for registers and temporaries
     */
    BlockEmitter(int zero, int cpuArg, int scratch, int registerBase) {
        this.zero = zero;
        this.cpuArg = cpuArg;
        this.scratch = scratch;
        this.registerBase = registerBase;
        Arrays.fill(slotOf, -1);
    }

    /** From now on, write bytecode to {@code out} (the registers found so far keep their locals). */
    void writeTo(MethodVisitor out) {
        mv = out;
    }

    /** Starts the code of the instruction at {@code address}; {@code following} is the block's instruction after it (null: none). */
    void begin(long address, Instruction following) {
        pc = address;
        targets.clear();
        exits.clear();
        next = following;
        writes = false;
        temporaries = 0;
    }

    /** Where the instruction just emitted branches: one guest address per exit. */
    java.util.List<Long> targets() {
        return targets;
    }

    /** The exits' labels, one per {@link #targets()} entry: each goes to its target when placed. */
    java.util.List<Label> exits() {
        return exits;
    }

    /** Whether the instruction just emitted writes guest memory. */
    boolean writesMemory() {
        return writes;
    }

    @Override
    public long pc() {
        return pc;
    }

    @Override
    public Instruction next() {
        return next;
    }

    boolean anyRegisters() {
        return !used.isEmpty() || !syncedSlotOf.isEmpty();
    }

    /** {@code local = regs.get(r)} for every register the block uses. */
    void loadAll(int regsArg) {
        for (int r = used.nextSetBit(0); r >= 0; r = used.nextSetBit(r + 1)) {
            mv.visitVarInsn(ALOAD, regsArg);
            push(mv, r);
            mv.visitMethodInsn(INVOKEVIRTUAL, REGS, "get", "(I)J", false);
            mv.visitVarInsn(LSTORE, slotOf[r]);
        }
        syncedSlotOf.forEach((r, slot) -> {
            mv.visitVarInsn(ALOAD, regsArg);
            push(mv, r);
            mv.visitMethodInsn(INVOKEVIRTUAL, REGS, "get", "(I)J", false);
            mv.visitVarInsn(LSTORE, slot);
        });
    }

    /** {@code regs.set(r, local)} for every register the block writes. */
    void storeWritten(int regsArg) {
        for (int r = written.nextSetBit(0); r >= 0; r = written.nextSetBit(r + 1)) {
            mv.visitVarInsn(ALOAD, regsArg);
            push(mv, r);
            mv.visitVarInsn(LLOAD, slotOf[r]);
            mv.visitMethodInsn(INVOKEVIRTUAL, REGS, "set", "(IJ)V", false);
        }
    }

    private int slot(int reg) {
        if (reg < 0) {
            throw new IllegalArgumentException("register " + reg);
        }
        if (reg >= slotOf.length) {
            int old = slotOf.length;
            slotOf = Arrays.copyOf(slotOf, Math.max(reg + 1, 2 * old));
            Arrays.fill(slotOf, old, slotOf.length, -1);
        }
        if (slotOf[reg] < 0) {
            if (mv != SINK) {
                throw new IllegalStateException("register " + reg + " first used in the second pass");
            }
            slotOf[reg] = registerBase + 2 * registers++; // shares the numbering with the synced locals
            used.set(reg);
        }
        return slotOf[reg];
    }

    @Override
    public void get(int reg) {
        if (reg == zero) {
            mv.visitInsn(LCONST_0);
            return;
        }
        mv.visitVarInsn(LLOAD, slot(reg));
    }

    @Override
    public void getSynced(int reg) {
        if (reg == zero) {
            mv.visitInsn(LCONST_0);
            return;
        }
        Integer s = syncedSlotOf.get(reg);
        if (s == null) {
            if (mv != SINK) {
                throw new IllegalStateException("register " + reg + " first used in the second pass");
            }
            s = registerBase + 2 * registers++;
            syncedSlotOf.put(reg, s);
        }
        mv.visitVarInsn(LLOAD, s);
    }

    @Override
    public void set(int reg) {
        if (reg == zero) {
            mv.visitInsn(POP2);
            return;
        }
        int s = slot(reg);
        written.set(reg);
        mv.visitVarInsn(LSTORE, s);
    }

    @Override
    public void constant(long value) {
        if (value == 0 || value == 1) {
            mv.visitInsn(LCONST_0 + (int) value);
        } else {
            mv.visitLdcInsn(value);
        }
    }

    @Override
    public int temporary() {
        return temporaries++;
    }

    private int temporarySlot(int t) {
        if (t < 0 || t >= temporaries) {
            throw new IllegalArgumentException("temporary " + t + " of " + temporaries);
        }
        return registerBase + 2 * registers + 2 * t;
    }

    @Override
    public void load(int slot) {
        mv.visitVarInsn(LLOAD, temporarySlot(slot));
    }

    @Override
    public void store(int slot) {
        mv.visitVarInsn(LSTORE, temporarySlot(slot));
    }

    @Override
    public void add() {
        mv.visitInsn(LADD);
    }

    @Override
    public void sub() {
        mv.visitInsn(LSUB);
    }

    @Override
    public void mul() {
        mv.visitInsn(LMUL);
    }

    @Override
    public void and() {
        mv.visitInsn(LAND);
    }

    @Override
    public void or() {
        mv.visitInsn(LOR);
    }

    @Override
    public void xor() {
        mv.visitInsn(LXOR);
    }

    @Override
    public void shl() {
        mv.visitInsn(L2I);
        mv.visitInsn(LSHL);
    }

    @Override
    public void shr() {
        mv.visitInsn(L2I);
        mv.visitInsn(LSHR);
    }

    @Override
    public void ushr() {
        mv.visitInsn(L2I);
        mv.visitInsn(LUSHR);
    }

    @Override
    public void negate() {
        mv.visitInsn(LNEG);
    }

    @Override
    public void bitCount() {
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "bitCount", "(J)I", false);
        mv.visitInsn(I2L);
    }

    @Override
    public void signExtend(int bits) {
        switch (bits) {
            case 8 -> {
                mv.visitInsn(L2I);
                mv.visitInsn(I2B);
            }
            case 16 -> {
                mv.visitInsn(L2I);
                mv.visitInsn(I2S);
            }
            case 32 -> mv.visitInsn(L2I);
            default -> throw new IllegalArgumentException("sign extension from " + bits + " bits");
        }
        mv.visitInsn(I2L);
    }

    @Override
    public void zeroExtend(int bits) {
        if (bits < 1 || bits > 63) {
            throw new IllegalArgumentException("zero extension from " + bits + " bits");
        }
        constant((1L << bits) - 1);
        mv.visitInsn(LAND);
    }

    @Override
    public void dup() {
        mv.visitInsn(DUP2);
    }

    @Override
    public void swap() {
        mv.visitInsn(DUP2_X2);
        mv.visitInsn(POP2);
    }

    @Override
    public void pop() {
        mv.visitInsn(POP2);
    }

    /** {@code a, b -> } an int whose sign says how a compares to b, and the {@code IF*} opcode that tests {@code c} on it. */
    private int compareOpcode(Condition c) {
        switch (c) {
            case LTU, GEU, GTU, LEU -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "compareUnsigned", "(JJ)I", false);
            default -> mv.visitInsn(LCMP);
        }
        return switch (c) {
            case EQ -> IFEQ;
            case NE -> IFNE;
            case LT, LTU -> IFLT;
            case GE, GEU -> IFGE;
            case GT, GTU -> IFGT;
            case LE, LEU -> IFLE;
        };
    }

    @Override
    public void compare(Condition c) {
        Label yes = new Label();
        Label end = new Label();
        mv.visitJumpInsn(compareOpcode(c), yes);
        mv.visitInsn(LCONST_0);
        mv.visitJumpInsn(GOTO, end);
        mv.visitLabel(yes);
        mv.visitInsn(LCONST_1);
        mv.visitLabel(end);
    }

    private Label branchTo(long to) {
        int i = targets.indexOf(to);
        if (i >= 0) {
            return exits.get(i);
        }
        Label l = new Label();
        targets.add(to);
        exits.add(l);
        return l;
    }

    @Override
    public void branchIf(Condition c, long to) {
        Label exit = branchTo(to);
        mv.visitJumpInsn(compareOpcode(c), exit);
    }

    @Override
    public void jump(long to) {
        mv.visitJumpInsn(GOTO, branchTo(to));
    }

    private void memory() {
        mv.visitVarInsn(ALOAD, cpuArg);
        mv.visitMethodInsn(INVOKEVIRTUAL, CPU, "memory", "()L" + MEMORY_ACCESS + ";", false);
    }

    private static void checkSize(int size) {
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("access of " + size + " bytes");
        }
    }

    @Override
    public void read(int size) {
        checkSize(size);
        mv.visitVarInsn(LSTORE, scratch);
        memory();
        mv.visitVarInsn(LLOAD, scratch);
        push(mv, size);
        mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY_ACCESS, "read", "(JI)J", false);
    }

    @Override
    public void write(int size) {
        checkSize(size);
        writes = true;
        mv.visitVarInsn(LSTORE, scratch + 2);
        mv.visitVarInsn(LSTORE, scratch);
        memory();
        mv.visitVarInsn(LLOAD, scratch);
        push(mv, size);
        mv.visitVarInsn(LLOAD, scratch + 2);
        mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY_ACCESS, "write", "(JIJ)V", false);
    }

    static void push(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }
}
