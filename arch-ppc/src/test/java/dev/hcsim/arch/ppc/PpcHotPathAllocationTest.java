package dev.hcsim.arch.ppc;

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

/** The trap path (decode, contract read, dispatch, contract write) allocates nothing for a call that touches no memory. */
class PpcHotPathAllocationTest {
    @Test
    @DisplayName("Vm.trap of KVM_HC_FEATURES, KVM_HC_PPC_MAP_MAGIC_PAGE and an unknown token allocates 0 bytes per call (ThreadMXBean)")
    void noAllocation() throws Exception {
        Vm vm = Vm.create(VmConfig.builder("ppc").vcpus(2).build());
        SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        mem.write(0x1000, new byte[] {0x44, 0, 0, 2}, 0, 4); // sc
        RegisterFile regs = new RegisterFile(PpcRegisters.LAYOUT);
        vm.resetVcpu(0, regs);
        EffectLog control = new EffectLog(2);
        long[] tokens = {0x2A0003, 0x2A0004, 0x12345678};
        int calls = 199_998; // a multiple of 3: the last call is the unknown token
        AllocationRounds.assertSettlesBelow(4096, calls + " calls", () -> {
            for (int i = 0; i < calls; i++) {
                regs.pc(0x1000);
                regs.set(0, PpcDiscovery.KVM_SC_MAGIC_R0);
                regs.set(3, -4096);
                regs.set(4, -4095);
                regs.set(11, tokens[i % 3]);
                vm.trap(0, regs, mem, control);
            }
        });
        assertEquals(PpcStatus.EV_UNIMPLEMENTED, regs.get(3));
        assertEquals(0, regs.get(4));
    }
}
