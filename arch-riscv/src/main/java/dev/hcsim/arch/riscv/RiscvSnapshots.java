package dev.hcsim.arch.riscv;

import dev.hcsim.core.VmSnapshot;
import java.util.Arrays;
import java.util.List;

/**
 * Every field of {@link RiscvVm} a snapshot needs, all of it per vCPU (KVM RISC-V keeps its SBI state in
 * struct kvm_vcpu_arch): the extension switches ({@code sbi_context.ext_status}) and whether the vCPU ran
 * (after which they are locked, kvm_riscv_vcpu_set_reg_sbi_ext's -EBUSY); the reset state HART_START and
 * SYSTEM_SUSPEND request ({@code sbi_context.reset_pc/reset_a1}, kvm_riscv_vcpu_sbi_request_reset); the
 * SET_TIMER deadline; STA's shared memory, last recorded steal and run delay (vcpu_sbi_sta.c); the PMU's
 * counters, firmware events and snapshot area with the kernel's copy of it ({@code kvm_pmu.sdata},
 * vcpu_pmu.c), which is state only while an area is registered; the FWFT enables, flags and values
 * (vcpu_sbi_fwft.c). What the configuration fixes (versions, machine IDs, the host's PMU counters and
 * FWFT support) is not written: a snapshot is restored into a VM of the same configuration. The HSM
 * state of a hart (started, stopped, suspended) is the scheduler's, which the embedder's VcpuControl
 * owns, as KVM's mp_state is saved by the VMM with KVM_GET_MP_STATE.
 */
final class RiscvSnapshots {
    private RiscvSnapshots() {
    }

    static void save(RiscvVm s, VmSnapshot.State.Builder vm, List<VmSnapshot.State.Builder> cpus) {
        synchronized (s) { // setOneReg and oneReg hold the same lock
            for (int v = 0; v < cpus.size(); v++) {
                VmSnapshot.State.Builder c = cpus.get(v);
                byte[] ext = s.extStatus[v];
                int[] status = new int[ext.length];
                for (int i = 0; i < ext.length; i++) {
                    status[i] = ext[i];
                }
                c.put("sbiExtStatus", status).put("ranOnce", s.ranOnce[v]).put("resetPc", s.resetPc[v]).put("resetA1", s.resetA1[v])
                        .put("timerNext", s.timerNext[v]).put("staShmem", s.staShmem[v]).put("staLastSteal", s.staLastSteal[v])
                        .put("runDelay", s.runDelay[v]);
                RiscvSbiPmu.Counters p = s.pmu[v];
                c.put("pmuEventIdx", p.eventIdx).put("pmuCounterVal", p.counterVal).put("pmuStarted", p.started)
                        .put("pmuPerfEvent", p.perfEvent).put("pmuInUse", p.inUse).put("pmuOverflown", p.overflown)
                        .put("pmuFwStarted", p.fwStarted).put("pmuFwValue", p.fwValue).put("pmuSnapshot", p.snapshot);
                if (p.snapshot != RiscvVm.INVALID_GPA) {
                    // SNAPSHOT_SET_SHMEM zeroes sdata before any use, so without an area its content cannot matter
                    c.putBytes("pmuSnapshotData", p.sdata);
                }
                RiscvSbiFwft.Features f = s.fwft[v];
                c.put("fwftEnabled", f.enabled).put("fwftFlags", f.flags).put("fwftValue", f.value);
            }
        }
    }

    static void restore(RiscvVm s, VmSnapshot.State vm, List<VmSnapshot.State> cpus) {
        synchronized (s) {
            for (int v = 0; v < cpus.size(); v++) {
                VmSnapshot.State c = cpus.get(v);
                byte[] ext = s.extStatus[v];
                int[] status = c.ints("sbiExtStatus", ext.length);
                for (int i = 0; i < ext.length; i++) {
                    if (status[i] < RiscvVm.UNINITIALIZED || status[i] > RiscvVm.DISABLED) {
                        throw new IllegalArgumentException("snapshot field 'sbiExtStatus' holds " + status[i]
                                + "; a switch is 0 (uninitialized), 1 (unavailable), 2 (enabled) or 3 (disabled)");
                    }
                    ext[i] = (byte) status[i];
                }
                s.ranOnce[v] = c.flag("ranOnce");
                s.resetPc[v] = c.num("resetPc");
                s.resetA1[v] = c.num("resetA1");
                s.timerNext[v] = c.num("timerNext");
                s.staShmem[v] = c.num("staShmem");
                s.staLastSteal[v] = c.num("staLastSteal");
                s.runDelay[v] = c.num("runDelay");
                RiscvSbiPmu.Counters p = s.pmu[v];
                System.arraycopy(c.nums("pmuEventIdx", p.eventIdx.length), 0, p.eventIdx, 0, p.eventIdx.length);
                System.arraycopy(c.nums("pmuCounterVal", p.counterVal.length), 0, p.counterVal, 0, p.counterVal.length);
                System.arraycopy(c.flags("pmuStarted", p.started.length), 0, p.started, 0, p.started.length);
                System.arraycopy(c.flags("pmuPerfEvent", p.perfEvent.length), 0, p.perfEvent, 0, p.perfEvent.length);
                p.inUse = c.num("pmuInUse");
                p.overflown = c.num("pmuOverflown");
                System.arraycopy(c.flags("pmuFwStarted", p.fwStarted.length), 0, p.fwStarted, 0, p.fwStarted.length);
                System.arraycopy(c.nums("pmuFwValue", p.fwValue.length), 0, p.fwValue, 0, p.fwValue.length);
                p.snapshot = c.num("pmuSnapshot");
                byte[] sdata = c.bytes("pmuSnapshotData");
                if (sdata == null) {
                    Arrays.fill(p.sdata, (byte) 0);
                } else {
                    copy(sdata, p.sdata, "pmuSnapshotData");
                }
                RiscvSbiFwft.Features f = s.fwft[v];
                System.arraycopy(c.flags("fwftEnabled", f.enabled.length), 0, f.enabled, 0, f.enabled.length);
                System.arraycopy(c.nums("fwftFlags", f.flags.length), 0, f.flags, 0, f.flags.length);
                System.arraycopy(c.nums("fwftValue", f.value.length), 0, f.value, 0, f.value.length);
            }
        }
    }

    private static void copy(byte[] from, byte[] to, String name) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("snapshot field '" + name + "' has " + from.length + " values, this VM needs " + to.length);
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }
}
