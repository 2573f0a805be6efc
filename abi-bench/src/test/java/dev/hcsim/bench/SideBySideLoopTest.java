package dev.hcsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.VmContext;
import dev.hcsim.core.translate.BlockEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The side-by-side guests of {@code scripts/bench-vs-qemu.sh} (what {@link GuestLoopRate} and {@link TrapCpuRate} time)
 * under the translating engine with each architecture's trap gate handling the call inside the block, as the machine's
 * scheduler does: once compiled, the loop (set-up, trap, decrement, branch back) is one block that loops in its own
 * method, so a run of many iterations looks up no block per iteration.
 */
class SideBySideLoopTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // arch/arm64/kvm/psci.c kvm_psci_1_x_call: PSCI_VERSION answers KVM_ARM_PSCI_LATEST (include/kvm/arm_psci.h), 1.3
        "arm64, aarch64-psci-version.S, x0, 0x10003",
        // QEMU hw/s390x/s390-hypercall.c handle_virtio_ccw_notify: no subchannel 0, -EINVAL
        "s390, s390x-diag500.S, r2, -22",
        // arch/riscv/kvm/vcpu_sbi_base.c kvm_sbi_ext_base_handler: GET_SPEC_VERSION answers 3.0 in a1
        "riscv, riscv64-sbi-base.S, a1, 0x3000000"})
    @DisplayName("the side-by-side loop runs as one compiled block: its calls answered inside it, no block lookup per iteration")
    void theLoopIsOneBlock(String arch, String file, String answerRegister, String answer) {
        GuestLoopRate.Board board = GuestLoopRate.BOARDS.get(arch);
        Vm vm = Vm.create(VmConfig.builder(arch).vcpus(1).memory(board.ramBase(), board.ramSize()).build());
        VmContext context = Engine.context(vm);
        SparseMemory memory = new SparseMemory(vm.config().memory());
        byte[] code = vm.assemble(GuestLoopRate.withLoops(guest(file), 1_000_000), board.code()).bytes();
        assertTrue(memory.write(board.code(), code, 0, code.length));
        RegisterFile regs = new RegisterFile(vm.architecture().registers());
        vm.resetVcpu(0, regs);
        regs.pc(board.code());
        Cpu cpu = new Cpu(context, 0, regs, new MemoryAccess(memory, vm.byteOrder()));
        BlockEngine engine = new BlockEngine(memory, context.codec(), 0); // compiled at the first run
        long[] calls = {0};
        engine.trapHandler((pc, site) -> {
            calls[0]++;
            return context.trap(0, regs, memory, VcpuControl.NONE, site).outcome() == Outcome.RESUME;
        });
        long r = engine.run(cpu, 1_000); // the prologue and the first iterations
        assertTrue(BlockEngine.signal(r) == Cpu.NEXT || BlockEngine.signal(r) == Cpu.JUMP, "the first run ended by its budget");
        long lookups = engine.lookups();
        long counter = regs.get(board.counter());
        r = engine.run(cpu, 50_000); // 10000 iterations of 5 instructions
        assertEquals(50_000, BlockEngine.executed(r));
        assertEquals(10_000, counter - regs.get(board.counter()), "10000 iterations, each counted down");
        assertEquals(Long.decode(answer), regs.get(answerRegister), "the call's answer");
        long looked = engine.lookups() - lookups;
        // without the trap inside the block: two lookups per iteration (the trap's block, the one after it)
        assertTrue(looked < 64, "10000 iterations looked up " + looked + " blocks");
        assertTrue(calls[0] > 10_000, "every iteration made its call: " + calls[0]);
        assertNull(engine.lastCompileFailure());
    }

    private static String guest(String file) {
        try (InputStream in = SideBySideLoopTest.class.getResourceAsStream("/guests/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
