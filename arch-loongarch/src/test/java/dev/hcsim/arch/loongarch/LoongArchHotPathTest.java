package dev.hcsim.arch.loongarch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.testing.AllocationRounds;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedding path (decode, contract read, dispatch, contract write) allocates nothing for calls that touch no memory. */
class LoongArchHotPathTest {
    @Test
    @DisplayName("Vm.trap of PV IPI, an unknown function, an unknown hvcl code and CPUCFG allocates ~0 bytes per call (ThreadMXBean)")
    void noAllocation() throws Exception {
        Vm vm = Engine.create(LoongArchInterpreterTest.ARCH, VmConfig.builder("loongarch").vcpus(4).build());
        SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        int[] words = {0x002b8100, 0x002b8100, 0x002b8000, 0x00006ca4};
        byte[] code = new byte[16];
        for (int i = 0; i < 4; i++) {
            Bytes.put(code, 4 * i, 4, words[i], false);
        }
        mem.write(0x1000, code, 0, 16);
        RegisterFile regs = new RegisterFile(LoongArchRegisters.LAYOUT);
        LoongArchContractPropertiesTest.CountingControl control = new LoongArchContractPropertiesTest.CountingControl();
        int calls = 200_000;
        AllocationRounds.assertSettlesBelow(4096, calls + " calls", () -> {
            control.interrupts = 0; // the count below is the passing round's
            for (int i = 0; i < calls; i++) {
                int k = i & 3;
                regs.pc(0x1000 + 4 * k);
                regs.set(LoongArchRegisters.A0, k == 0 ? 1 : 0x4242);
                regs.set(LoongArchRegisters.A1, k == 3 ? 0x4000_0000L : 0b1010);
                regs.set(LoongArchRegisters.A3, 0);
                vm.trap(0, regs, mem, control);
            }
        });
        assertEquals(0x004D_564BL, regs.get(LoongArchRegisters.A0)); // the last call was CPUCFG into a0
        assertEquals(calls / 4 * 2, control.interrupts); // one call in four is the IPI, two targets each
    }
}
