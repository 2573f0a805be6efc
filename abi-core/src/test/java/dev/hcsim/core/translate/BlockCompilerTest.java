package dev.hcsim.core.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.Emitter;
import dev.hcsim.core.spi.Instruction;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The compiled form of blocks whose instructions emit their own code ({@link Instruction#emit}): the register locals
 * go back to the register file on every exit, the fault path included, and a block whose emitted code would be too
 * long for the JIT is compiled with its instructions executed instead.
 */
class BlockCompilerTest {
    private static final long START = 0x1000;

    /** {@code r[reg] += times} as {@code times} emitted increments (long code), or one add when executed. */
    private record AddRepeatedly(int reg, int times) implements Instruction {
        @Override
        public int length() {
            return 4;
        }

        @Override
        public String text() {
            return "add r" + reg + ", " + times;
        }

        @Override
        public int effects() {
            return EFFECTS_REGISTERS;
        }

        @Override
        public boolean emit(Emitter e) {
            for (int i = 0; i < times; i++) {
                e.get(reg);
                e.constant(1);
                e.add();
                e.set(reg);
            }
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            cpu.regs().set(reg, cpu.regs().get(reg) + times);
            return Cpu.NEXT;
        }
    }

    /** {@code r[reg] = read64(address)}: faults when the address is outside guest memory. */
    private record LoadFrom(int reg, long address) implements Instruction {
        @Override
        public int length() {
            return 4;
        }

        @Override
        public String text() {
            return "load r" + reg;
        }

        @Override
        public int effects() {
            return EFFECTS_READS_MEMORY;
        }

        @Override
        public boolean emit(Emitter e) {
            e.constant(address);
            e.read(8);
            e.set(reg);
            return true;
        }

        @Override
        public int execute(Cpu cpu) {
            cpu.regs().set(reg, cpu.memory().read64(address));
            return Cpu.NEXT;
        }
    }

    private final Vm vm = Vm.create(VmConfig.builder("toy").build());
    private final SparseMemory memory = new SparseMemory(vm.config().memory());
    private final RegisterFile regs = new RegisterFile(vm.architecture().registers());
    private final Cpu cpu = new Cpu(Engine.context(vm), 0, regs, new MemoryAccess(memory, vm.byteOrder()));
    private final BlockEngine engine = new BlockEngine(memory, Engine.context(vm).codec(), 0);

    private static Block block(Instruction... code) {
        long[] pcs = new long[code.length];
        int[] lengths = new int[code.length];
        for (int k = 0; k < code.length; k++) {
            pcs[k] = START + 4L * k;
            lengths[k] = 4;
        }
        return new Block(START, code, pcs, lengths, 4);
    }

    @Test
    @DisplayName("a block of emitted instructions runs on locals and leaves its results and the PC in the register file")
    void emittedBlockWritesBack() {
        Block b = block(new AddRepeatedly(1, 3), new AddRepeatedly(2, 2), new AddRepeatedly(1, 1));
        CompiledBlock code = BlockCompiler.compile(b, regs.layout().zeroRegister());
        assertTrue(b.emitted[0] && b.emitted[1] && b.emitted[2]);
        regs.set(1, 10);
        long r = code.run(engine, cpu, regs, memory, 0, 100);
        assertEquals(3, BlockEngine.executed(r));
        assertEquals(Cpu.NEXT, BlockEngine.signal(r));
        assertEquals(14, regs.get(1));
        assertEquals(2, regs.get(2));
        assertEquals(START + 12, regs.pc());
    }

    @Test
    @DisplayName("an emitted instruction that faults: the registers the instructions before it wrote are in the register file, the PC at it")
    void faultWritesBackTheLocals() {
        long outside = 0x7FFF_FFFF_0000L;
        Block b = block(new AddRepeatedly(1, 5), new LoadFrom(2, outside), new AddRepeatedly(1, 100));
        CompiledBlock code = BlockCompiler.compile(b, regs.layout().zeroRegister());
        long r = code.run(engine, cpu, regs, memory, 0, 100);
        assertEquals(Cpu.FAULT, BlockEngine.signal(r));
        assertEquals(2, BlockEngine.executed(r)); // as the interpreter counts it: the faulting instruction included
        assertEquals(5, regs.get(1));
        assertEquals(0, regs.get(2));
        assertEquals(START + 4, regs.pc());
        assertTrue(cpu.faultReason().contains("instruction at 0x1004"), cpu.faultReason());
    }

    @Test
    @DisplayName("a block whose code would pass HotSpot's 8000-byte method limit is compiled up to where it fits; the PC goes on from there")
    void tooLongForTheJitIsCompiledInPart() {
        Instruction[] code = new Instruction[BlockDecoder.MAX_INSTRUCTIONS];
        Arrays.fill(code, new AddRepeatedly(1, 40));
        Block b = block(code);
        CompiledBlock compiled = BlockCompiler.compile(b, regs.layout().zeroRegister());
        assertTrue(b.codeSize <= BlockCompiler.MAX_CODE_SIZE, "code size " + b.codeSize);
        int m = b.compiledCount;
        assertTrue(m > 0 && m < code.length, m + " of " + code.length);
        for (int k = 0; k < m; k++) {
            assertTrue(b.emitted[k]);
        }
        long r = compiled.run(engine, cpu, regs, memory, 0, 1000);
        assertEquals(m, BlockEngine.executed(r));
        assertEquals(Cpu.NEXT, BlockEngine.signal(r));
        assertEquals(40L * m, regs.get(1));
        assertEquals(START + 4L * m, regs.pc());
    }
}
