package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.testing.ForwardingVcpuControl;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The trap frame reads a call's arguments from the registers when a handler asks for them (issue 18 item 2), yet a
 * handler sees the arguments the call passed whatever it changed first: a register written through
 * {@code Trap.registers()}, the caller's registers reached through the embedder's control ({@code VcpuControl.onVcpu}),
 * or the registers the host edits between an exit and the re-entry that completes it. Each of these fails when
 * {@code Trap.arg} reads the live register.
 */
class TrapArgumentsTest {
    private static final long CODE = 0x1000;

    private static final class Fixture {
        final Vm vm = Vm.create(VmConfig.builder("toy").build());
        final SparseMemory memory = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        final RegisterFile regs = new RegisterFile(ToyArchitecture.LAYOUT);

        Fixture() {
            byte[] trap = Assembler.assemble(ToyArchitecture.CODEC, "trap", CODE).bytes();
            memory.write(CODE, trap, 0, trap.length);
        }

        TrapResult call(long nr, long a0, long a1, VcpuControl control) {
            regs.pc(CODE);
            regs.set(0, nr);
            regs.set(1, a0);
            regs.set(2, a1);
            return vm.trap(0, regs, memory, control);
        }
    }

    @Test
    @DisplayName("for all arguments, a handler that writes both argument registers through registers() and then reads "
            + "arg(0) and arg(1) sees the values the call passed")
    void aHandlersOwnWritesDoNotChangeItsArguments() {
        Fixture f = new Fixture();
        qt().withExamples(200).forAll(longs().between(0, 1_000_000), longs().between(0, 999)).checkAssert((a0, a1) -> {
            TrapResult r = f.call(12, a0, a1, VcpuControl.NONE);
            assertEquals(Outcome.RESUME, r.outcome());
            assertEquals(a0 * 1000 + a1, f.regs.get(0), "result of TOY_WRITE_THEN_READ(" + a0 + ", " + a1 + ")");
            assertEquals(0xDEAD, f.regs.get(1), "the handler's write stays");
        });
    }

    @Test
    @DisplayName("a handler whose control() call writes the caller's argument register reads the argument the call passed")
    void aWriteThroughTheControlDoesNotChangeTheArguments() {
        Fixture f = new Fixture();
        VcpuControl control = new ForwardingVcpuControl(VcpuControl.NONE) {
            @Override
            public boolean onVcpu(int vcpu, Consumer<RegisterAccess> action) {
                action.accept(f.regs); // the embedder runs the action on vCPU 0's registers: the caller's own
                return true;
            }
        };
        f.call(13, 4242, 0, control);
        assertEquals(4242, f.regs.get(0));
        assertEquals(0xDEAD, f.regs.get(1));
    }

    @Test
    @DisplayName("an exit's completion reads the argument the call passed, though the host changed the register before re-entry")
    void anExitsCompletionReadsTheCallsArguments() {
        Fixture f = new Fixture();
        assertEquals(Outcome.EXIT_TO_HOST, f.call(14, 700, 0, VcpuControl.NONE).outcome());
        f.regs.set(1, 0xDEAD); // the VMM edits registers while the vCPU is out
        f.vm.completeExit(0, f.regs, f.memory, 5);
        assertEquals(705, f.regs.get(0));
    }
}
