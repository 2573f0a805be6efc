package dev.hcsim.core.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.trace.TraceEvent;
import dev.hcsim.core.trace.TrapEvent;
import dev.hcsim.core.translate.BlockEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A loop around a call that returns to the guest, under the machine's scheduler with the translating engine: once its
 * block is compiled, the code after the trap runs in the same block (issue 18), so a run of many iterations enters one
 * block, not two per iteration (the trap's block, then the one after the trap).
 */
class InBlockTrapTest {
    private static final long CODE = 0x1000;

    @ParameterizedTest(name = "traced {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("a loop around a call that returns to the guest is one compiled block: no block lookup per iteration")
    void aLoopAroundACallIsOneBlock(boolean traced) {
        Vm vm = Vm.create(VmConfig.builder("toy").vcpus(1).pcpus(1).quantum(Long.MAX_VALUE).build());
        Machine m = new Machine(vm, "loop");
        m.translate(true);
        m.load(CODE, vm.assemble("loop: trap\ninc r3\njmp loop", CODE).bytes());
        m.registers(0).pc(CODE);
        m.registers(0).set(0, 0x4242); // a number no toy call has: answered in the kernel, the vCPU runs on
        m.initialState(0, VcpuState.RUNNABLE);
        List<TraceEvent> trace = new ArrayList<>();
        if (traced) {
            m.traceTo(trace::add);
        }
        BlockEngine e = m.blockEngine();
        m.run(3_000, Long.MAX_VALUE); // 1000 iterations: the block is compiled after its first 64 runs
        assertTrue(e.compiledBlocks() > 0, "the loop's block was compiled");
        long lookups = e.lookups();
        m.run(30_000, Long.MAX_VALUE); // 10000 iterations more
        assertEquals(11_000, m.registers(0).get(3), "every iteration ran its inc after the call");
        assertEquals(33_000, m.instructions(0));
        assertEquals(33_000, m.now()); // one nanosecond per instruction
        // Without the trap inside the block, each iteration enters two blocks (20000 lookups). With it, only the run's last
        // instructions do: fewer than a compiled block's length (64 here: the block runs on to the page end) from the
        // budget's end, the compiled block no longer has room for a whole pass and the rest is interpreted.
        long looked = e.lookups() - lookups;
        assertTrue(looked < 64, "10000 iterations looked up " + looked + " blocks");
        if (traced) {
            assertEquals(11_000, trace.stream().filter(t -> t instanceof TrapEvent).count(), "every call is in the trace");
        }
    }
}
