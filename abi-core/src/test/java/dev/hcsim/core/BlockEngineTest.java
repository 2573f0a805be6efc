package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.translate.BlockEngine;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The translating engine on the toy architecture: blocks interpreted (threshold above the runs) and
 * compiled at their first run (threshold 0) stop where the interpreter's instruction-by-instruction
 * run would, with the same registers, PC and signal.
 */
class BlockEngineTest {
    private static final long CODE = 0x1000;

    private SparseMemory memory;
    private Cpu cpu;

    private BlockEngine engine(String source, int threshold) {
        Vm vm = Vm.create(VmConfig.builder("toy").build());
        memory = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        byte[] code = Assembler.assemble(ToyArchitecture.CODEC, source, CODE).bytes();
        assertTrue(memory.write(CODE, code, 0, code.length));
        RegisterFile regs = new RegisterFile(ToyArchitecture.LAYOUT);
        regs.pc(CODE);
        cpu = new Cpu(Engine.context(vm), 0, regs, new MemoryAccess(memory, vm.byteOrder()));
        return new BlockEngine(memory, ToyArchitecture.CODEC, threshold);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1_000_000})
    void aLoopRunsExactlyTheBudgetAndStopsMidBlock(int threshold) {
        BlockEngine e = engine("loop: inc r1\ninc r2\njmp loop", threshold);
        long r = e.run(cpu, 301);
        assertEquals(301, BlockEngine.executed(r));
        assertEquals(Cpu.NEXT, BlockEngine.signal(r));
        assertEquals(101, cpu.regs().get(1)); // the 101st pass ran its first instruction only
        assertEquals(100, cpu.regs().get(2));
        assertEquals(CODE + 2, cpu.regs().pc());
        r = e.run(cpu, 2);
        assertEquals(2, BlockEngine.executed(r));
        assertEquals(Cpu.JUMP, BlockEngine.signal(r));
        assertEquals(101, cpu.regs().get(2));
        assertEquals(CODE, cpu.regs().pc());
        assertEquals(threshold == 0 ? 2 : 0, e.compiledBlocks()); // the block at loop and the one at loop + 2
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1_000_000})
    void aTrapStopsTheRunAtTheTrapWithItsDecodedInstruction(int threshold) {
        BlockEngine e = engine("inc r1\ninc r1\ntrap\ninc r3", threshold);
        long r = e.run(cpu, 100);
        assertEquals(3, BlockEngine.executed(r));
        assertEquals(Cpu.TRAP, BlockEngine.signal(r));
        assertEquals(CODE + 4, cpu.regs().pc());
        assertEquals(CODE + 4, e.lastPc());
        assertEquals("trap", e.lastInstruction().text());
        assertEquals(2, cpu.regs().get(1));
        assertEquals(0, cpu.regs().get(3));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1_000_000})
    void aWaitLeavesThePcAtTheWaitWithItsLength(int threshold) {
        BlockEngine e = engine("inc r1\nhlt\ninc r3", threshold);
        long r = e.run(cpu, 100);
        assertEquals(2, BlockEngine.executed(r));
        assertEquals(Cpu.HALT, BlockEngine.signal(r));
        assertEquals(CODE + 2, cpu.regs().pc());
        assertEquals(2, e.lastLength());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1_000_000})
    void anUndecodableInstructionFaultsWithTheInterpretersReason(int threshold) {
        BlockEngine e = engine("inc r1\n.byte 0x7f, 0", threshold);
        long r = e.run(cpu, 100);
        assertEquals(2, BlockEngine.executed(r));
        assertEquals(Cpu.FAULT, BlockEngine.signal(r));
        assertEquals("instruction at 0x1002 (7f00) is not in the guest subset", cpu.faultReason());
    }

    @Test
    void aPcOutsideMemoryIsAFetchFaultWithNothingRun() {
        BlockEngine e = engine("nop", 0);
        cpu.regs().pc(0x20000);
        long r = e.run(cpu, 10);
        assertEquals(0, BlockEngine.executed(r));
        assertEquals(BlockEngine.FETCH_FAULT, BlockEngine.signal(r));
        assertEquals(0x20000, e.lastPc());
        assertNull(e.lastInstruction());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1_000_000})
    void writingThePageOfTranslatedCodeDropsTheBlock(int threshold) {
        BlockEngine e = engine("loop: inc r1\ninc r2\njmp loop", threshold);
        e.run(cpu, 30);
        long decoded = e.decodedBlocks();
        // inc r2 becomes inc r3: the next pass must run the new instruction
        assertTrue(memory.write(CODE + 2, new byte[] {3, 3}, 0, 2));
        e.run(cpu, 30);
        assertEquals(10, cpu.regs().get(2));
        assertEquals(10, cpu.regs().get(3));
        assertEquals(20, cpu.regs().get(1));
        assertTrue(e.decodedBlocks() > decoded);
        // a write to a page without code keeps the blocks
        decoded = e.decodedBlocks();
        assertTrue(memory.write(0x8000, new byte[] {1}, 0, 1));
        e.run(cpu, 30);
        assertEquals(decoded, e.decodedBlocks());
    }
}
