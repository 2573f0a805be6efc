package dev.hcsim.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedding API's listeners and its error model: every misuse is one clear exception (issue 14 items 5 and 8, issue 21 item 17). */
class EmbeddingContractTest {
    private final Vm vm = Vm.create(VmConfig.builder("toy").vcpus(2).build());
    private final SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x1000)));
    private final RegisterFile regs = new RegisterFile(ToyArchitecture.LAYOUT);

    EmbeddingContractTest() {
        mem.write(0x100, new byte[] {1, 0}, 0, 2); // trap
        regs.pc(0x100);
        regs.set(0, 1); // TOY_NOP-like number the toy answers in the kernel
    }

    @Test
    @DisplayName("any number of trap listeners, called in the order they were added, before and after; a removed one is not called")
    void listenersInOrder() {
        List<String> calls = new ArrayList<>();
        TrapListener a = new TrapListener() {
            @Override
            public void before(int vcpu, RegisterAccess r) {
                calls.add("a before " + vcpu);
            }

            @Override
            public void after(int vcpu, TrapResult result, RegisterAccess r) {
                calls.add("a after " + result.outcome());
            }
        };
        TrapListener b = new TrapListener() {
            @Override
            public void before(int vcpu, RegisterAccess r) {
                calls.add("b before " + vcpu);
            }
        };
        vm.addTrapListener(a);
        vm.addTrapListener(b);
        vm.trap(1, regs, mem, null);
        assertEquals(List.of("a before 1", "b before 1", "a after RESUME"), calls);
        assertTrue(vm.removeTrapListener(a));
        assertFalse(vm.removeTrapListener(a), "a was registered once");
        calls.clear();
        regs.pc(0x100);
        vm.trap(0, regs, mem, null);
        assertEquals(List.of("b before 0"), calls);
        assertThrows(IllegalArgumentException.class, () -> vm.addTrapListener(null));
    }

    @Test
    @DisplayName("a vCPU index outside the VM is one IllegalArgumentException naming the range, in trap, completeExit and vcpuId")
    void badVcpuIndex() {
        for (int bad : new int[] {-1, 2, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vm.trap(bad, regs, mem, null));
            assertEquals("vCPU " + bad + " does not exist: the VM has vCPUs 0 to 1", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> vm.trap(bad, regs, mem, null, new byte[] {1, 0}));
            assertThrows(IllegalArgumentException.class, () -> vm.completeExit(bad, regs, mem, 0));
            assertThrows(IllegalArgumentException.class, () -> vm.vcpuId(bad));
            assertEquals("vCPU " + bad + " does not exist: the VM has vCPUs 0 to 1",
                    assertThrows(IllegalArgumentException.class, () -> vm.scheduleIn(bad, 0, 0, new MemoryAccess(mem, java.nio.ByteOrder.LITTLE_ENDIAN))).getMessage());
            assertThrows(IllegalArgumentException.class, () -> vm.scheduleOut(bad, 0, true, new MemoryAccess(mem, java.nio.ByteOrder.LITTLE_ENDIAN)));
            assertThrows(IllegalArgumentException.class, () -> vm.resetVcpu(bad, regs));
        }
    }

    @Test
    @DisplayName("null registers, memory or instruction bytes are an IllegalArgumentException, not a NullPointerException from inside")
    void nulls() {
        assertEquals("the registers of vCPU 0 are null", assertThrows(IllegalArgumentException.class, () -> vm.trap(0, null, mem, null)).getMessage());
        assertEquals("the guest memory is null", assertThrows(IllegalArgumentException.class, () -> vm.trap(0, regs, null, null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> vm.trap(0, regs, mem, null, null));
        assertThrows(IllegalArgumentException.class, () -> vm.completeExit(0, null, mem, 0));
    }

    @Test
    @DisplayName("completeExit without a pending exit is an IllegalStateException; an answer of another kind is an IllegalArgumentException")
    void completeExitMisuse() {
        vm.trap(0, regs, mem, null);
        assertEquals("vCPU 0 has no exit to complete", assertThrows(IllegalStateException.class, () -> vm.completeExit(0, regs, mem, 0)).getMessage());
        regs.pc(0x100);
        regs.set(0, 6); // TOY_EXIT: KVM_EXIT_HYPERCALL
        assertEquals(Outcome.EXIT_TO_HOST, vm.trap(0, regs, mem, null).outcome());
        assertThrows(IllegalArgumentException.class, () -> vm.completeExit(0, regs, mem, new Exit.SystemEvent(SystemEventType.RESET)));
        assertThrows(IllegalArgumentException.class, () -> vm.completeExit(0, regs, mem, (Exit) null));
        assertEquals(Outcome.RESUME, vm.completeExit(0, regs, mem, 7).outcome());
    }

    @Test
    @DisplayName("SparseMemory.read/write with an off + len that overflows int answer false instead of throwing")
    void memoryOffsetOverflow() {
        byte[] b = new byte[16];
        assertFalse(mem.read(0x100, b, 8, Integer.MAX_VALUE));
        assertFalse(mem.write(0x100, b, 8, Integer.MAX_VALUE));
        assertFalse(mem.read(0x100, b, Integer.MAX_VALUE, 8));
        assertFalse(mem.write(0x100, b, -1, 8));
        assertTrue(mem.read(0x100, b, 8, 8));
    }

    @Test
    @DisplayName("tscHz above KVM_SET_TSC_KHZ's u32 kHz (2^63-1 included) or below 1 is refused with one line")
    void tscHzBounds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VmConfig.builder("toy").tscHz(Long.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("TSC frequency must be 1 to 4294967295000 Hz"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VmConfig.builder("toy").tscHz(0));
        assertEquals(VmConfig.MAX_TSC_HZ, VmConfig.builder("toy").tscHz(VmConfig.MAX_TSC_HZ).build().tscHz());
    }
}
