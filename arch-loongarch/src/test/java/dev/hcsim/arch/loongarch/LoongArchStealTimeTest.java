package dev.hcsim.arch.loongarch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * KVM_HCALL_FUNC_NOTIFY and the steal-time record (struct kvm_steal_time, 64 bytes, little-endian)
 * kept from the scheduler hooks: arch/loongarch/kvm/exit.c kvm_save_notify, vcpu.c
 * kvm_update_stolen_time / kvm_vcpu_set_pv_preempted / kvm_arch_vcpu_put, the PREEMPT patch
 * ("LoongArch: KVM: Add paravirt preempt feature in hypervisor side", Dec 2025), and
 * vcpu.c kvm_loongarch_cpucfg_set_attr / kvm_loongarch_pvtime_set_attr for the VMM side.
 */
class LoongArchStealTimeTest {
    static final long GPA = 0x8040;
    static final long MINUS_1 = -1L;

    /** One VM with its memory; traps are taken with vm.trap on vCPU 0's registers. */
    static final class Rig {
        final Vm vm;
        final Machine m;
        final RegisterFile regs;
        final MemoryAccess mem;
        final LoongArchVm x;

        Rig(VmConfig.Builder b) {
            vm = Engine.create(LoongArchInterpreterTest.ARCH, b.memory(0, 0x10000).build());
            m = new Machine(vm, "t");
            m.load(0x1000, new byte[] {0x00, (byte) 0x81, 0x2b, 0x00}); // hvcl 0x100
            regs = m.registers(0);
            mem = new MemoryAccess(m.memory(), vm.byteOrder());
            x = vm.archState(LoongArchVm.class);
        }

        long notify(long id, long data) {
            regs.pc(0x1000);
            regs.set(LoongArchRegisters.A0, LoongArchHypercalls.KVM_HCALL_FUNC_NOTIFY);
            regs.set(LoongArchRegisters.A1, id);
            regs.set(LoongArchRegisters.A2, data);
            TrapResult t = vm.trap(0, regs, m.memory(), m);
            assertEquals(0x1004, regs.pc());
            assertEquals(id, regs.get(LoongArchRegisters.A1));
            assertEquals(data, regs.get(LoongArchRegisters.A2));
            return regs.get(LoongArchRegisters.A0);
        }

        long steal() {
            return mem.read64(GPA + LoongArchVm.ST_STEAL);
        }

        long version() {
            return mem.read32(GPA + LoongArchVm.ST_VERSION);
        }

        long preempted() {
            return mem.read8(GPA + LoongArchVm.ST_PREEMPTED);
        }
    }

    static Rig rig() {
        return new Rig(VmConfig.builder("loongarch").vcpus(2));
    }

    @Test
    @DisplayName("#11 exit.c kvm_save_notify: a1 = 4, a2 = gpa|1 answers 0; the record is written before the next entry with "
            + "an even version and steal counted from the registration")
    void register() {
        Rig r = rig();
        r.x.scheduleIn(0, 0, 500, r.mem); // 500 ns waited before registration: not counted
        assertEquals(0, r.notify(4, GPA | 1));
        assertEquals(GPA | 1, r.x.stealTimeGpa(0));
        assertEquals(2, r.version());
        assertEquals(0, r.steal());
        r.x.scheduleIn(0, 1000, 300, r.mem);
        assertEquals(4, r.version());
        assertEquals(300, r.steal());
        r.x.scheduleIn(0, 2000, 0, r.mem);
        assertEquals(6, r.version());
        assertEquals(300, r.steal());
        assertEquals(0, r.mem.read32(GPA + LoongArchVm.ST_FLAGS), "flags is never written by KVM");
    }

    @Test
    @DisplayName("#12 exit.c kvm_save_notify: stray bits 5..1 (not 64-byte aligned) answer -2 and leave the registration unchanged")
    void strayBits() {
        Rig r = rig();
        assertEquals(0, r.notify(4, GPA | 1));
        assertEquals(-2, r.notify(4, 0x9000 | 0x21));
        assertEquals(-2, r.notify(4, 0x9000 | 0x2));
        assertEquals(GPA | 1, r.x.stealTimeGpa(0));
    }

    @Test
    @DisplayName("#13 exit.c kvm_save_notify default: a1 = 2 (the bit number, not BIT(2)) and any other id answer -1")
    void wrongId() {
        Rig r = rig();
        assertEquals(MINUS_1, r.notify(2, GPA | 1));
        assertEquals(MINUS_1, r.notify(0, GPA | 1));
        assertEquals(MINUS_1, r.notify(0x1_0000_0004L, GPA | 1));
        assertEquals(0, r.x.stealTimeGpa(0));
    }

    @Test
    @DisplayName("#14 exit.c kvm_save_notify: a2 = 0 answers 0 and the record is no longer updated")
    void unregister() {
        Rig r = rig();
        assertEquals(0, r.notify(4, GPA | 1));
        assertEquals(0, r.notify(4, 0));
        long v = r.version();
        r.x.scheduleIn(0, 10, 1000, r.mem);
        assertEquals(v, r.version());
        assertEquals(0, r.steal());
    }

    @Test
    @DisplayName("exit.c kvm_save_notify: a valid GPA outside guest memory is accepted (0) and simply never written")
    void unmapped() {
        Rig r = rig();
        assertEquals(0, r.notify(4, 0x7_0000_0000L | 1));
        r.x.scheduleIn(0, 10, 1000, r.mem); // no exception, nothing written
        assertEquals(0x7_0000_0001L, r.x.stealTimeGpa(0));
    }

    @Test
    @DisplayName("#15 exit.c kvm_save_notify: with steal time off (no sched_info or the VMM cleared bit 2) NOTIFY answers -1")
    void stealTimeOff() {
        Rig r = new Rig(VmConfig.builder("loongarch").feature("steal-time", false));
        assertEquals(MINUS_1, r.notify(4, GPA | 1));
        assertEquals(0, r.x.stealTimeGpa(0));
    }

    @Test
    @DisplayName("#21 vcpu.c kvm_update_stolen_time: an odd version (junk) is made even before the first increment")
    void oddVersion() {
        Rig r = rig();
        r.mem.write(GPA + LoongArchVm.ST_VERSION, 4, 5);
        r.mem.write(GPA + LoongArchVm.ST_STEAL, 8, 1000);
        assertEquals(0, r.notify(4, GPA | 1));
        assertEquals(8, r.version()); // 5 -> 6 (fix) -> 7 (writing) -> 8 (done)
        assertEquals(1000, r.steal(), "the host never zeroes the record; the guest must");
    }

    @Test
    @DisplayName("PREEMPT patch, vcpu.c kvm_arch_vcpu_put / kvm_vcpu_set_pv_preempted: a vCPU put while runnable gets preempted = 1 "
            + "once; the next steal update clears it; a halt (not preempted) leaves it")
    void preemptedFlag() {
        Rig r = rig();
        assertEquals(0, r.notify(4, GPA | 1));
        r.x.scheduleOut(0, 10, true, r.mem);
        assertEquals(1, r.preempted());
        r.mem.write(GPA + LoongArchVm.ST_PREEMPTED, 1, 0x80); // the guest scribbles; KVM does not store again while flagged
        r.x.scheduleOut(0, 11, true, r.mem);
        assertEquals(0x80, r.preempted());
        r.x.scheduleIn(0, 20, 5, r.mem);
        assertEquals(0, r.preempted());
        r.x.scheduleOut(0, 30, false, r.mem);
        assertEquals(0, r.preempted());
    }

    @Test
    @DisplayName("kernels before PREEMPT (feature preempt off): the byte at offset 16 is padding and never written")
    void noPreemptFeature() {
        Rig r = new Rig(VmConfig.builder("loongarch").feature("preempt", false));
        r.mem.write(GPA + LoongArchVm.ST_PREEMPTED, 1, 0x5A);
        assertEquals(0, r.notify(4, GPA | 1));
        r.x.scheduleOut(0, 10, true, r.mem);
        r.x.scheduleIn(0, 20, 5, r.mem);
        assertEquals(0x5A, r.preempted());
    }

    @Test
    @DisplayName("#22 vcpu.c kvm_loongarch_cpucfg_set_attr: BIT(4) is outside LOONGARCH_PV_FEAT_MASK (-EINVAL); a second, different "
            + "value is -EINVAL; a narrowed mask shows in CPUCFG and switches the services off")
    void vmmSetsFeatures() {
        Rig r = rig();
        assertEquals(LoongArchVm.EINVAL, r.x.setPvFeatures(1L << 4));
        assertEquals(0, r.x.setPvFeatures(LoongArchDiscovery.FEATURE_IPI));
        assertEquals(0, r.x.setPvFeatures(LoongArchDiscovery.FEATURE_IPI), "the same value again is fine");
        assertEquals(LoongArchVm.EINVAL, r.x.setPvFeatures(0x6));
        assertEquals(0x2, r.x.featureLeaf());
        assertEquals(MINUS_1, r.notify(4, GPA | 1));
    }

    @Test
    @DisplayName("vcpu.c kvm_loongarch_pvtime_set_attr: the VMM's GPA set checks stray bits and memslots; the record follows at schedule-in")
    void vmmSetsGpa() {
        Rig r = rig();
        assertEquals(LoongArchVm.EINVAL, r.x.setStealTimeGpa(1, GPA | 0x3));
        assertEquals(LoongArchVm.EINVAL, r.x.setStealTimeGpa(1, 0x7_0000_0000L | 1));
        assertEquals(0, r.x.setStealTimeGpa(1, GPA | 1));
        r.x.scheduleIn(1, 10, 70, r.mem);
        assertEquals(70, r.steal());
        assertEquals(2, r.version());
        Rig off = new Rig(VmConfig.builder("loongarch").feature("steal-time", false));
        assertEquals(LoongArchVm.ENXIO, off.x.setStealTimeGpa(0, GPA | 1));
    }

    @Test
    @DisplayName("under the scheduler (2 vCPUs, 1 physical CPU): steal in the record = run_delay since registration, version even")
    void underScheduler() {
        String src = "csrrd $t0, 0x20\nli.d $a2, 0x8001\nbeqz $t0, reg\nli.d $a2, 0x8081\nreg: li.d $a0, 2\nori $a1, $zero, 4\n"
                + "hvcl 0x100\nmove $s0, $a0\nori $t1, $zero, 300\nloop: addi.d $t1, $t1, -1\nbnez $t1, loop\nidle 0\n";
        Machine m = LoongArchInterpreterTest.machine(VmConfig.builder("loongarch").vcpus(2).pcpus(1).quantum(50).seed(3).build(), src);
        m.run(1_000_000, Long.MAX_VALUE);
        LoongArchVm x = m.vm().archState(LoongArchVm.class);
        MemoryAccess mem = new MemoryAccess(m.memory(), m.vm().byteOrder());
        for (int v = 0; v < 2; v++) {
            long gpa = v == 0 ? 0x8000 : 0x8080;
            assertEquals(0, m.registers(v).get("s0"), "NOTIFY answered 0");
            long steal = mem.read64(gpa);
            long version = mem.read32(gpa + 8);
            assertTrue(steal > 0 && steal <= m.stealNanos(v), "steal " + steal + " of run_delay " + m.stealNanos(v));
            assertEquals(x.runDelay(v), m.stealNanos(v));
            assertEquals(0, version % 2);
            assertTrue(version >= 4, "updated at registration and at least once more");
        }
    }
}
