package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.HypercallTable;
import dev.hcsim.core.spi.TrapSite;
import dev.hcsim.core.spi.VmContext;
import dev.hcsim.core.translate.BlockEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The trap path at a known call site (issue 18 item 2): a {@link TrapSite} keeps the trap's bytes only while guest memory
 * holds them and caches the spec by number; the translating engine handles a trap inside a block and runs on after it,
 * with the same registers, counters and trace as the interpreter, which ends every step at the trap.
 */
class TrapSiteTest {
    private static final long CODE = 0x1000;

    @Test
    @DisplayName("for all sequences of numbers, a site's cached spec is the table's lookup of that number")
    void theSpecCacheIsGuardedByTheNumber() {
        Vm vm = Vm.create(VmConfig.builder("toy").build());
        HypercallTable table = Engine.context(vm).hypercalls();
        // numbers 0..11: unknown ones (0, 10, 11) and every toy call, repeated and alternating
        qt().withExamples(500).forAll(lists().of(integers().between(0, 11)).ofSizeBetween(1, 40)).checkAssert(numbers -> {
            TrapSite site = new TrapSite(0);
            for (int n : numbers) {
                assertSame(table.lookup(n), site.spec(table, n), "number " + n + " in " + numbers);
            }
        });
    }

    @Test
    void aSiteFetchesAgainOnceTheGuestRewritesItsTrapInstruction() {
        Vm vm = Vm.create(VmConfig.builder("toy").build());
        VmContext ctx = Engine.context(vm);
        SparseMemory memory = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        byte[] trap = Assembler.assemble(ToyArchitecture.CODEC, "trap", CODE).bytes();
        assertTrue(memory.write(CODE, trap, 0, trap.length));
        RegisterFile regs = new RegisterFile(ToyArchitecture.LAYOUT);
        TrapSite site = new TrapSite(ToyArchitecture.CODEC.maxLength());
        regs.pc(CODE);
        regs.set(0, 0x4242); // no such call: -KVM_ENOSYS, and the PC moves past the trap
        TrapResult r = ctx.trap(0, regs, memory, VcpuControl.NONE, site);
        assertEquals(Outcome.RESUME, r.outcome());
        assertEquals(CODE + 2, regs.pc());
        // the guest writes an undecodable word over the trap: the toy gate sees byte 5 and answers #UD, as Vm.trap does
        assertTrue(memory.write(CODE, new byte[] {5, 0}, 0, 2));
        regs.pc(CODE);
        r = ctx.trap(0, regs, memory, VcpuControl.NONE, site);
        assertEquals(Outcome.FAULT, r.outcome());
        assertEquals(CODE, regs.pc());
        regs.pc(CODE);
        assertEquals(Outcome.FAULT, vm.trap(0, regs, memory, VcpuControl.NONE).outcome());
    }

    @Test
    @DisplayName("Vm.trap with a SparseMemory: the frame's own site keeps the bytes, yet a rewrite of the trap, or another "
            + "memory with other bytes at the same address and the same code generation, is fetched again")
    void theEmbeddedPathsOwnSiteFollowsTheMemory() {
        Vm vm = Vm.create(VmConfig.builder("toy").build());
        byte[] trap = Assembler.assemble(ToyArchitecture.CODEC, "trap", CODE).bytes();
        SparseMemory a = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        SparseMemory b = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        assertTrue(a.write(CODE, trap, 0, trap.length));
        assertTrue(b.write(CODE, new byte[] {5, 0}, 0, 2)); // undecodable: the toy gate answers #UD
        assertEquals(a.codeGeneration(), b.codeGeneration(), "neither page is watched yet: both generations are the same");
        RegisterFile regs = new RegisterFile(ToyArchitecture.LAYOUT);
        for (int round = 0; round < 3; round++) {
            regs.pc(CODE);
            regs.set(0, 0x4242);
            assertEquals(Outcome.RESUME, vm.trap(0, regs, a, VcpuControl.NONE).outcome(), "round " + round);
            regs.pc(CODE);
            assertEquals(Outcome.FAULT, vm.trap(0, regs, b, VcpuControl.NONE).outcome(), "round " + round);
        }
        regs.pc(CODE);
        assertEquals(Outcome.RESUME, vm.trap(0, regs, a, VcpuControl.NONE).outcome());
        assertTrue(a.write(CODE, new byte[] {5, 0}, 0, 2)); // the emulator's guest rewrites its trap
        regs.pc(CODE);
        assertEquals(Outcome.FAULT, vm.trap(0, regs, a, VcpuControl.NONE).outcome());
    }

    @Test
    @DisplayName("a gate decodes once per call site and distinct bytes: the engine's site, the frame's own site with a "
            + "SparseMemory, with another GuestMemory and with the embedder's bytes; a rewrite or other bytes decode again")
    void theDecodedFormIsMadeOncePerSiteAndBytes() {
        Vm vm = Vm.create(VmConfig.builder("toy").build());
        VmContext ctx = Engine.context(vm);
        byte[] trap = Assembler.assemble(ToyArchitecture.CODEC, "trap", CODE).bytes();
        SparseMemory memory = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        assertTrue(memory.write(CODE, trap, 0, trap.length));
        RegisterFile regs = new RegisterFile(ToyArchitecture.LAYOUT);
        TrapSite site = new TrapSite(ToyArchitecture.CODEC.maxLength());
        GuestMemory other = new GuestMemory() { // an emulator's own memory: the same bytes, no code generation
            @Override
            public boolean read(long gpa, byte[] dst, int off, int len) {
                return memory.read(gpa, dst, off, len);
            }

            @Override
            public boolean write(long gpa, byte[] src, int off, int len) {
                return memory.write(gpa, src, off, len);
            }
        };
        int before = ToyArchitecture.DECODES.get();
        for (int i = 0; i < 5; i++) {
            regs.pc(CODE);
            ctx.trap(0, regs, memory, VcpuControl.NONE, site);
        }
        assertEquals(1, ToyArchitecture.DECODES.get() - before, "the engine's site: once");
        for (int i = 0; i < 5; i++) {
            regs.pc(CODE);
            vm.trap(0, regs, memory, VcpuControl.NONE);
        }
        assertEquals(2, ToyArchitecture.DECODES.get() - before, "the frame's own site with the SparseMemory: once more");
        for (int i = 0; i < 5; i++) {
            regs.pc(CODE);
            vm.trap(0, regs, other, VcpuControl.NONE);
            regs.pc(CODE);
            vm.trap(0, regs, memory, VcpuControl.NONE, trap);
        }
        assertEquals(2, ToyArchitecture.DECODES.get() - before, "the same bytes from another memory or the embedder: no decode");
        assertTrue(memory.write(CODE, new byte[] {5, 0}, 0, 2));
        regs.pc(CODE);
        assertEquals(Outcome.FAULT, ctx.trap(0, regs, memory, VcpuControl.NONE, site).outcome());
        assertEquals(3, ToyArchitecture.DECODES.get() - before, "the rewritten trap at the engine's site: decoded again");
        regs.pc(CODE);
        assertEquals(Outcome.FAULT, vm.trap(0, regs, other, VcpuControl.NONE).outcome());
        assertEquals(4, ToyArchitecture.DECODES.get() - before, "other bytes at the own site: decoded again");
        regs.pc(CODE);
        assertEquals(Outcome.RESUME, vm.trap(0, regs, memory, VcpuControl.NONE, trap).outcome(), "the decoded form of the new bytes is not the old");
    }

    @Test
    void theEngineRunsOnAfterATrapItsHandlerLetsThrough() {
        Vm vm = Vm.create(VmConfig.builder("toy").build());
        SparseMemory memory = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        byte[] code = Assembler.assemble(ToyArchitecture.CODEC, "inc r1\ntrap\ninc r1\ntrap\ninc r3\nhlt", CODE).bytes();
        assertTrue(memory.write(CODE, code, 0, code.length));
        RegisterFile regs = new RegisterFile(ToyArchitecture.LAYOUT);
        regs.pc(CODE);
        Cpu cpu = new Cpu(Engine.context(vm), 0, regs, new MemoryAccess(memory, vm.byteOrder()));
        for (int threshold : new int[] {0, 1_000_000}) {
            BlockEngine e = new BlockEngine(memory, ToyArchitecture.CODEC, threshold);
            List<Long> seen = new ArrayList<>();
            List<TrapSite> sites = new ArrayList<>();
            e.trapHandler((pc, site) -> {
                seen.add(pc);
                sites.add(site);
                seen.add(e.progress()); // the trap's own place in the run
                regs.pc(pc + 2);
                return pc == CODE + 2; // the first trap lets the vCPU run on, the second ends the run
            });
            regs.pc(CODE);
            regs.set(1, 0);
            long r = e.run(cpu, 100);
            assertEquals(List.of(CODE + 2, 1L, CODE + 6, 3L), seen, "threshold " + threshold);
            assertEquals(BlockEngine.TRAP_DONE, BlockEngine.signal(r));
            assertEquals(4, BlockEngine.executed(r));
            assertEquals(CODE + 6, e.lastPc());
            assertEquals(2, regs.get(1));
            assertEquals(0, regs.get(3)); // nothing after the second trap ran
            assertNotSame(sites.get(0), sites.get(1), "each trap instruction has a site of its own");
            if (threshold == 0) {
                // compiled: the code after the first trap ran in the same block, so only the block at CODE was decoded
                assertEquals(1, e.decodedBlocks());
            }
            // a second run from the start: the block keeps its sites
            List<TrapSite> first = List.copyOf(sites);
            sites.clear();
            seen.clear();
            regs.pc(CODE);
            e.run(cpu, 100);
            assertSame(first.get(0), sites.get(0));
            assertSame(first.get(1), sites.get(1));
        }
    }

    /**
     * Three vCPUs on one physical CPU: vCPU 0 traps with a number no call has (answered in the kernel: it runs on inside
     * its block), vCPU 1 kicks vCPU 2 at every pass (a scheduler event: its block ends), vCPU 2 halts at every pass
     * (TOY_HALT: the trap ends the block and the vCPU waits). Translated and interpreted, the trace, the registers, the
     * clock and the counters are the same.
     */
    @Test
    void trapsInsideBlocksGiveTheInterpretersTraceAndCounters() {
        List<String> interpreted = new ArrayList<>();
        List<String> translated = new ArrayList<>();
        Machine a = kickAndHalt(false, interpreted);
        Machine b = kickAndHalt(true, translated);
        assertEquals(interpreted.size(), translated.size());
        assertEquals(interpreted, translated);
        assertTrue(interpreted.size() > 100, "the scenario makes trace events: " + interpreted.size());
        assertEquals(a.now(), b.now());
        assertEquals(a.events(), b.events());
        for (int v = 0; v < 3; v++) {
            assertEquals(a.instructions(v), b.instructions(v), "vCPU " + v);
            assertEquals(a.stateOf(v), b.stateOf(v), "vCPU " + v);
            for (int reg = 0; reg < ToyArchitecture.LAYOUT.size(); reg++) {
                assertEquals(a.registers(v).get(reg), b.registers(v).get(reg), "vCPU " + v + " r" + reg);
            }
            assertEquals(a.registers(v).pc(), b.registers(v).pc(), "vCPU " + v + " pc");
        }
        assertTrue(b.registers(0).get(3) > 100, "vCPU 0 ran its in-block traps: " + b.registers(0).get(3));
    }

    private static Machine kickAndHalt(boolean translate, List<String> trace) {
        Machine m = new Machine(VmConfig.builder("toy").vcpus(3).pcpus(1).quantum(50).build(), "traps");
        m.translate(translate);
        load(m, 0, 0x1000, "loop: trap\ninc r3\ninc r3\njmp loop", 0x4242, 0);
        load(m, 1, 0x2000, "loop: inc r0\ntrap\ninc r2\njmp loop", 0, 2); // r0 0 -> 1: TOY_KICK r1 = 2, answered 0
        load(m, 2, 0x3000, "loop: " + "inc r0\n".repeat(8) + "trap\ninc r2\njmp loop", 0, 0); // r0 8: TOY_HALT, answered 0
        m.traceTo(e -> trace.add(e.toString()));
        m.run(20_000, Long.MAX_VALUE);
        return m;
    }

    private static void load(Machine m, int v, long at, String source, long r0, long r1) {
        m.load(at, Assembler.assemble(ToyArchitecture.CODEC, source, at).bytes());
        m.registers(v).pc(at);
        m.registers(v).set(0, r0);
        m.registers(v).set(1, r1);
        m.initialState(v, VcpuState.RUNNABLE);
    }
}
