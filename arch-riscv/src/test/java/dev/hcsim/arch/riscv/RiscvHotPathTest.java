package dev.hcsim.arch.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.testing.AllocationRounds;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedding path (decode, extension lookup, dispatch, contract write) allocates nothing for SBI calls that touch no memory. */
class RiscvHotPathTest {
    @Test
    @DisplayName("Vm.trap of BASE GET_SPEC_VERSION, HSM HART_STATUS, an unknown extension and an unknown FID allocates ~0 bytes per call")
    void noAllocation() throws Exception {
        Vm vm = Vm.create(VmConfig.builder("riscv").vcpus(4).build());
        SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        mem.write(0x1000, new byte[] {0x73, 0, 0, 0}, 0, 4);
        RegisterFile regs = new RegisterFile(RiscvRegisters.LAYOUT);
        vm.resetVcpu(0, regs);
        EffectLog control = new EffectLog(4);
        long[][] calls = {{0x10, 0}, {0x48534d, 2}, {0x4142_4344L, 0}, {0x10, 99}};
        int n = 200_000;
        AllocationRounds.assertSettlesBelow(4096, n + " calls", () -> {
            for (int i = 0; i < n; i++) {
                long[] c = calls[i & 3];
                regs.pc(0x1000);
                regs.set(RiscvRegisters.A7, c[0]);
                regs.set(RiscvRegisters.A6, c[1]);
                regs.set(RiscvRegisters.A0, 1);
                vm.trap(0, regs, mem, control);
            }
        });
        assertEquals(-2, regs.get(RiscvRegisters.A0)); // the last call was BASE FID 99: SBI_ERR_NOT_SUPPORTED
        assertEquals(0x1004, regs.pc());
    }
}
