package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedding path allocates nothing for a call that touches no memory (docs/performance.md). */
class HotPathAllocationTest {
    @Test
    @DisplayName("Vm.trap of KVM_HC_VAPIC_POLL_IRQ and of an unknown number allocates 0 bytes per call (ThreadMXBean)")
    void noAllocation() throws Exception {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(2).build());
        SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        mem.write(0x1000, new byte[] {0x0f, 0x01, (byte) 0xc1}, 0, 3);
        RegisterFile regs = new RegisterFile(X86Registers.LAYOUT);
        vm.archVm().resetVcpu(0, regs);
        EffectLog control = new EffectLog(2);
        // com.sun.management.ThreadMXBean#getThreadAllocatedBytes, reached reflectively because this
        // module does not read java.management (the few bytes of the reflective call are within the bound).
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        long tid = Thread.currentThread().getId();
        int calls = 200_000;
        for (int round = 0; round < 3; round++) {
            long before = (Long) allocatedBytes.invoke(mx, tid);
            for (int i = 0; i < calls; i++) {
                regs.pc(0x1000);
                regs.set(X86Registers.RAX, (i & 1) == 0 ? 1 : 0x4242);
                vm.trap(0, regs, mem, control);
            }
            long allocated = (Long) allocatedBytes.invoke(mx, tid) - before;
            if (round == 2) {
                assertTrue(allocated < 4096, allocated + " bytes allocated over " + calls + " calls");
            }
        }
        assertEquals(-1000, regs.get(X86Registers.RAX));
    }
}
