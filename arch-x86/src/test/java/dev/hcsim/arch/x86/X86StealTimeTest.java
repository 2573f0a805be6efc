package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * struct kvm_steal_time (64 bytes) is written all or nothing: arch/x86/kvm/x86.c record_steal_time and
 * kvm_steal_time_set_preempted go through one gfn_to_hva_cache for the whole record, and return before any write
 * when kvm_gfn_to_hva_cache_init fails for it (a record not wholly in a memory slot).
 */
class X86StealTimeTest {
    private static final class Rig {
        final Machine m;
        final X86Vm x;
        final MemoryAccess mem;

        Rig(long memorySize) {
            Vm vm = Engine.create(new X86Architecture(), VmConfig.builder("x86").memory(0, memorySize).build());
            m = new Machine(vm, "t");
            x = vm.archState(X86Vm.class);
            mem = new MemoryAccess(m.memory(), ByteOrder.LITTLE_ENDIAN);
        }

        byte[] bytes(long gpa, int len) {
            byte[] b = new byte[len];
            m.memory().read(gpa, b, 0, len);
            return b;
        }
    }

    @Test
    @DisplayName("x86.c record_steal_time: a record wholly in memory gets steal += wait, version 0 -> 2, preempted cleared")
    void wholeRecordIsUpdated() {
        Rig r = new Rig(0x2000);
        r.m.load(0x1010, new byte[] {1}); // preempted set
        assertNull(r.x.wrmsr(0, X86Vm.MSR_KVM_STEAL_TIME, 0x1000 | 1));
        r.x.scheduleIn(0, 0, 500, r.mem);
        assertEquals(500, r.mem.read64(0x1000));
        assertEquals(2, r.mem.read32(0x1008));
        assertEquals(0, r.mem.read8(0x1010));
        r.x.scheduleOut(0, 0, true, r.mem);
        assertEquals(1, r.mem.read8(0x1010), "kvm_steal_time_set_preempted");
    }

    @Test
    @DisplayName("x86.c record_steal_time: a record that runs past the end of guest memory is not touched at all (no odd version left)")
    void recordPastTheEndIsNotTorn() {
        Rig r = new Rig(0x1020); // the 64-byte record at 0x1000 has only its first 32 bytes in memory
        byte[] before = {7, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1};
        r.m.load(0x1000, before);
        assertNull(r.x.wrmsr(0, X86Vm.MSR_KVM_STEAL_TIME, 0x1000 | 1));
        r.x.scheduleIn(0, 0, 500, r.mem);
        assertArrayEquals(before, r.bytes(0x1000, before.length), "kvm_gfn_to_hva_cache_init fails: nothing is written");
        r.x.scheduleOut(0, 0, true, r.mem);
        r.m.load(0x1010, new byte[] {0});
        r.x.scheduleOut(0, 0, true, r.mem);
        assertEquals(0, r.mem.read8(0x1010), "kvm_steal_time_set_preempted uses the same cache: nothing is written either");
    }
}
