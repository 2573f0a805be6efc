package dev.hcsim.arch.loongarch;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.KvmIoctls;
import dev.hcsim.core.spi.KvmVcpuLimits;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

/**
 * The per-VM part of LoongArch: the trap gate of arch/loongarch/kvm/exit.c (EXCCODE_HVC:
 * kvm_handle_hypercall; EXCCODE_GSPR: kvm_emu_cpucfg and IDLE), the VM's PV feature mask
 * (kvm->arch.pv_features), and each vCPU's steal-time registration with the schedule-in/out hooks
 * that keep its record (arch/loongarch/kvm/vcpu.c kvm_update_stolen_time, kvm_arch_vcpu_put).
 *
 * <p>The record, struct kvm_steal_time (asm/kvm_para.h), little-endian, 64 bytes: steal u64 at 0,
 * version u32 at 8 (odd while KVM writes), flags u32 at 12 (never written by KVM), preempted u8 at
 * 16 (KVM_FEATURE_PREEMPT kernels), pad to 64.
 */
public final class LoongArchVm implements ArchitectureVm {
    /**
     * KVM_MAX_VCPUS = 256 (arch/loongarch/include/asm/kvm_host.h); the id here is the physical CPU id (CSR.CPUID),
     * which kvm_set_cpuid refuses at or above KVM_MAX_PHYID = 256.
     */
    static final KvmVcpuLimits LIMITS = new KvmVcpuLimits(256, "KVM_MAX_VCPUS", LoongArchHypercalls.KVM_MAX_PHYID,
            "kvm_set_cpuid: KVM_MAX_PHYID");

    /** Offset of kvm_steal_time.steal. */
    public static final int ST_STEAL = 0;
    /** Offset of kvm_steal_time.version. */
    public static final int ST_VERSION = 8;
    /** Offset of kvm_steal_time.flags. */
    public static final int ST_FLAGS = 12;
    /** Offset of kvm_steal_time.preempted. */
    public static final int ST_PREEMPTED = 16;
    /** sizeof(struct kvm_steal_time). */
    public static final int ST_SIZE = 64;
    /** KVM_VCPU_PREEMPTED, bit 0 of the preempted byte. */
    public static final int KVM_VCPU_PREEMPTED = 1;
    /** -EINVAL, as the VMM's ioctls answer. */
    public static final int EINVAL = -22;
    /** -ENXIO. */
    public static final int ENXIO = -6;


    private final VmContext vm;
    private final boolean v7;
    private final boolean guestDebug;
    private long pvFeatures;
    private final long[] guestAddr;
    private final long[] lastSteal;
    private final long[] runDelay;
    private final boolean[] preempted;
    private final long[] irqPending;
    private final byte[][] recordProbe;
    private final LoongArchIoctls ioctls = new LoongArchIoctls(this);

    LoongArchVm(VmContext vm) {
        this.vm = vm;
        LIMITS.check(vm);
        this.v7 = LoongArchArchitecture.VARIANT_V7.equals(vm.option(LoongArchArchitecture.VARIANT));
        this.guestDebug = !"none".equals(vm.option(LoongArchArchitecture.GUEST_DEBUG));
        long bits = 0;
        for (LoongArchArchitecture.Feature f : LoongArchArchitecture.FEATURES) {
            if (vm.feature(f.spec().name())) {
                bits |= f.mask();
            }
        }
        // v7 (Mar 2024): CPUCFG_KVM_FEATURE read KVM_FEATURE_PV_IPI only, and there was no per-VM mask.
        this.pvFeatures = v7 ? LoongArchDiscovery.FEATURE_IPI : bits;
        int n = vm.vcpuCount();
        this.guestAddr = new long[n];
        this.lastSteal = new long[n];
        this.runDelay = new long[n];
        this.preempted = new boolean[n];
        this.irqPending = new long[n];
        this.recordProbe = new byte[n][ST_SIZE];
    }

    // ---------------------------------------------------------------- the trap gate

    /** KVM_HCALL_INVALID_CODE: -1UL (arch/loongarch/include/asm/kvm_para.h). */
    private static final long KVM_HCALL_INVALID_CODE = -1L;

    /**
     * The gate's decoded form ({@link Trap#decoded()}) of {@code hvcl KVM_HCALL_SERVICE}, the PV service call: the
     * gate decodes that one once per call site and every other word at each trap (they are rare).
     */
    private static final Object SERVICE = new Object();

    @Override
    public void trap(Trap t) {
        if (t.fetchedLength() < 4) {
            // exit.c kvm_handle_rdwr_fault: "A code fetch fault doesn't count as an MMIO": ADE with EsubCode ADEF
            t.instructionLength(Math.max(t.fetchedLength(), 0));
            t.fault(new Fault.LoongArch(Fault.LoongArch.ADE, Fault.LoongArch.ADEF, t.pc(), t.pc()), "instruction fetch outside guest memory");
            return;
        }
        t.instructionLength(4);
        if (t.decoded() == SERVICE) {
            hvcl(t, LoongArchHypercalls.KVM_HCALL_SERVICE); // the common call, decoded once per call site
            return;
        }
        int w = (int) t.insnWord(4);
        if ((w & LoongArchCodec.REG0I15_MASK) == LoongArchCodec.HVCL) {
            if ((w & 0x7FFF) == LoongArchHypercalls.KVM_HCALL_SERVICE) {
                t.decoded(SERVICE);
            }
            hvcl(t, w & 0x7FFF);
        } else if ((w & LoongArchCodec.REG2_MASK) == LoongArchCodec.CPUCFG) {
            cpucfg(t, w & 31, (w >>> 5) & 31);
        } else if ((w & LoongArchCodec.REG0I15_MASK) == LoongArchCodec.IDLE) {
            // kvm_trap_handle_gspr: update_pc first, then kvm_emu_idle blocks the vCPU until an interrupt.
            t.callName("IDLE");
            t.halt();
            t.complete();
        } else if ((w & LoongArchCodec.REG0I15_MASK) == LoongArchCodec.SYSCALL) {
            t.notAHypercall(new Fault.LoongArch(Fault.LoongArch.SYS, 0, t.pc(), 0), "SYSCALL (EXCCODE_SYS goes to the guest kernel, not to KVM)");
        } else if ((w & LoongArchCodec.REG0I15_MASK) == LoongArchCodec.BREAK) {
            t.notAHypercall(new Fault.LoongArch(Fault.LoongArch.BP, 0, t.pc(), 0), "BREAK (EXCCODE_BRK goes to the guest kernel, not to KVM)");
        } else {
            // kvm_trap_handle_gspr / kvm_fault_ni: EMULATE_FAIL rolls the PC back and injects EXCCODE_INE.
            t.fault(new Fault.LoongArch(Fault.LoongArch.INE, 0, t.pc(), 0), "KVM emulates no such instruction");
        }
    }

    /** EXCCODE_HVC: kvm_handle_hypercall switches on the 15-bit code taken from the trapping word (BADI). */
    private void hvcl(Trap t, int code) {
        if (code == LoongArchHypercalls.KVM_HCALL_SERVICE) {
            t.dispatch(); // kvm_handle_service: a0 = function, a0 := result, PC + 4
            return;
        }
        if (code == LoongArchHypercalls.KVM_HCALL_SWDBG && !v7) {
            t.callName("KVM_HCALL_SWDBG");
            if (guestDebug) {
                // vcpu->guest_debug & KVM_GUESTDBG_SW_BP_MASK (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP): any enabled
                // debugging, single-step alone included, takes KVM_EXIT_DEBUG, RESUME_HOST, PC not advanced.
                t.exitToHost(new Exit.Debug(t.pc()), LoongArchVm::reenterAtBreakpoint); // kvm_debug_exit_arch is empty
                t.complete();
                return;
            }
            // fallthrough in exit.c: handled like an unknown code
        } else if (code == LoongArchHypercalls.KVM_HCALL_USER_SERVICE && !v7) {
            t.callName("KVM_HCALL_USER_SERVICE");
            if (hasFeature(LoongArchDiscovery.FEATURE_USER_HCALL)) {
                RegisterAccess r = t.registers();
                long[] args = new long[6];
                for (int i = 0; i < 6; i++) {
                    args[i] = r.get(LoongArchRegisters.A0 + i);
                }
                // run->hypercall: nr = 0x102, args[0..5] = a0..a5, flags = 0, ret preset to KVM_HCALL_INVALID_CODE
                // ("Set invalid return value by default, let user-mode VMM modify it").
                t.exitToHost(new Exit.Hypercall(code, args, KVM_HCALL_INVALID_CODE, 0), LoongArchVm::completeUserService);
                t.complete();
                return;
            }
        }
        // default: "Treat it as noop instruction, only set return value"
        t.reject(Status.NOT_IMPLEMENTED);
    }

    /** kvm_complete_user_service: PC + 4, a0 := run->hypercall.ret (which the VMM left at -1 or changed). */
    static void completeUserService(Trap t, long ret) {
        Status s = LoongArchStatus.CODEC.decode(ret);
        if (s != null) {
            t.fail(s);
        } else {
            t.status(Status.SUCCESS);
            t.result(0, ret);
        }
    }

    /** After KVM_EXIT_DEBUG the vCPU re-enters at the hvcl itself: nothing is written, the PC stays. */
    static void reenterAtBreakpoint(Trap t, long ret) {
        t.resumeAt(t.pc());
    }

    /** EXCCODE_GSPR, CPUCFG: rd := leaf(rj as unsigned int), PC + 4; no privilege filter (the v7 patch had one for the KVM leaves). */
    private void cpucfg(Trap t, int rd, int rj) {
        RegisterAccess r = t.registers();
        long index = r.get(rj); // $zero reads 0 (the layout's hardwired r0)
        long value = LoongArchDiscovery.cpucfg(index, pvFeatures);
        if (v7 && LoongArchDiscovery.isKvmLeaf(index) && (r.get(LoongArchRegisters.PLV) & 3) != 0) {
            value = 0; // v7 kvm_emu_cpucfg: "Return value with 0 if executed in user mode" ((plv & CSR_CRMD_PLV) != PLV_KERN)
        }
        r.set(rd, value); // kvm_emu_cpucfg writes gprs[rd] unchecked; the layout's hardwired r0 drops a write to $zero
        t.callName("CPUCFG");
        t.complete();
    }

    @Override
    public boolean offers(HypercallSpec call) {
        if (call.number() == LoongArchHypercalls.KVM_HCALL_FUNC_IPI) {
            return v7 || hasFeature(LoongArchDiscovery.FEATURE_IPI);
        }
        if (call.number() == LoongArchHypercalls.KVM_HCALL_FUNC_NOTIFY) {
            return !v7 && hasFeature(LoongArchDiscovery.FEATURE_STEAL_TIME);
        }
        return true;
    }

    // ---------------------------------------------------------------- VM state

    /**
     * True when the VM runs the v7 patch's interface (option variant=v7).
     * @return whether the v7 variant was selected when the VM was created
     */
    public boolean isV7() {
        return v7;
    }

    /**
     * True when the VM's PV feature mask has {@code mask} (one of the LoongArchDiscovery.FEATURE_* bits).
     * @param mask the feature bit (or bits) to test
     * @return whether every bit of {@code mask} is set in the current PV feature mask
     */
    public boolean hasFeature(long mask) {
        return (pvFeatures & mask) != 0;
    }

    /**
     * The CPUCFG_KVM_FEATURE leaf as the guest reads it.
     * @return the feature word, the LoongArchDiscovery.FEATURE_* bits this VM offers
     */
    public long featureLeaf() {
        return pvFeatures & LoongArchDiscovery.PV_FEAT_MASK;
    }

    /**
     * The VMM's KVM_SET_DEVICE_ATTR on group KVM_LOONGARCH_VCPU_CPUCFG, attr CPUCFG_KVM_FEATURE
     * (vcpu.c kvm_loongarch_cpucfg_set_attr): bits outside LOONGARCH_PV_FEAT_MASK give -EINVAL;
     * once set, a different value gives -EINVAL (every vCPU must agree). Returns 0 or -EINVAL.
     * The hypercall table asks {@link #offers} at call time, which reads this mask, so narrowing takes
     * effect at once.
     * @param value the feature mask the VMM asks for
     * @return 0 on success, -EINVAL (-22) when refused, as the ioctl returns it
     */
    synchronized int setPvFeatures(long value) {
        if ((value & ~LoongArchDiscovery.PV_FEAT_MASK) != 0) {
            return EINVAL;
        }
        if ((pvFeatures & LoongArchDiscovery.PV_FEAT_UPDATED) != 0 && (pvFeatures & LoongArchDiscovery.PV_FEAT_MASK) != value) {
            return EINVAL;
        }
        pvFeatures = value | LoongArchDiscovery.PV_FEAT_UPDATED;
        return 0;
    }

    /**
     * The steal-time GPA vCPU {@code vcpu} registered (valid bit included), or 0.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the registered GPA with its KVM_STEAL_PHYS_VALID bit, or 0 when never registered
     */
    public long stealTimeGpa(int vcpu) {
        return guestAddr[vcpu];
    }

    /**
     * The VMM's KVM_SET_DEVICE_ATTR on group KVM_LOONGARCH_VCPU_PVTIME_CTRL, attr
     * KVM_LOONGARCH_VCPU_PVTIME_GPA (vcpu.c kvm_loongarch_pvtime_set_attr), used for migration:
     * -ENXIO when steal time is off, -EINVAL for stray low bits or a valid GPA outside guest
     * memory, else 0. The record is written at the vCPU's next schedule-in.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param gpa the steal-time record's guest physical address with its valid bit, or 0 to unregister
     * @return 0 on success, -ENXIO (-6) or -EINVAL (-22) as the ioctl returns them
     */
    int setStealTimeGpa(int vcpu, long gpa) {
        if (!hasFeature(LoongArchDiscovery.FEATURE_STEAL_TIME)) {
            return ENXIO;
        }
        if ((gpa & ~(LoongArchHypercalls.KVM_STEAL_PHYS_MASK | LoongArchHypercalls.KVM_STEAL_PHYS_VALID)) != 0) {
            return EINVAL;
        }
        if ((gpa & LoongArchHypercalls.KVM_STEAL_PHYS_VALID) == 0) {
            guestAddr[vcpu] = gpa;
            return 0;
        }
        if (!vm.config().inMemory(gpa & LoongArchHypercalls.KVM_STEAL_PHYS_MASK, 1)) {
            return EINVAL; // kvm_is_error_hva(gfn_to_hva(...)): the VM's memory regions are its memslots
        }
        guestAddr[vcpu] = gpa;
        lastSteal[vcpu] = runDelay[vcpu];
        return 0;
    }

    @Override
    public KvmIoctls ioctls() {
        return ioctls;
    }

    @Override
    public synchronized void save(VmSnapshot.State.Builder v, List<VmSnapshot.State.Builder> cpus) {
        v.put("pvFeatures", pvFeatures);
        for (int i = 0; i < cpus.size(); i++) {
            cpus.get(i).put("stealTimeGpa", guestAddr[i]).put("lastSteal", lastSteal[i]).put("runDelay", runDelay[i])
                    .put("preempted", preempted[i]).put("irqPending", irqPending[i]);
        }
    }

    @Override
    public synchronized void restore(VmSnapshot.State v, List<VmSnapshot.State> cpus) {
        pvFeatures = v.num("pvFeatures");
        for (int i = 0; i < cpus.size(); i++) {
            VmSnapshot.State c = cpus.get(i);
            guestAddr[i] = c.num("stealTimeGpa");
            lastSteal[i] = c.num("lastSteal");
            runDelay[i] = c.num("runDelay");
            preempted[i] = c.flag("preempted");
            irqPending[i] = c.num("irqPending");
        }
    }

    /**
     * Total time {@code vcpu} waited runnable, the simulator's sched_info.run_delay.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the run delay in virtual nanoseconds
     */
    public long runDelay(int vcpu) {
        return runDelay[vcpu];
    }

    /**
     * kvm_save_notify with a valid id and data: guest_addr := data; with the valid bit, the
     * baseline is reset to the current run_delay and KVM_REQ_STEAL_UPDATE is made, which KVM serves
     * before the next guest entry, that is before the guest's next instruction: so the record is
     * updated here. The GPA is not checked: a record outside guest memory is simply never written.
     */
    void registerStealTime(int vcpu, long data, MemoryAccess memory) {
        guestAddr[vcpu] = data;
        if ((data & LoongArchHypercalls.KVM_STEAL_PHYS_VALID) == 0) {
            return;
        }
        lastSteal[vcpu] = runDelay[vcpu];
        updateStolenTime(vcpu, memory);
    }

    /**
     * Whether interrupt {@code irq} is pending for {@code vcpu} in KVM's {@code vcpu->arch.irq_pending}: a PV IPI sets
     * it with kvm_queue_irq whatever the target's state, and kvm_deliver_intr moves it into the guest's ESTAT at the
     * vCPU's next entry (here: its next schedule-in). An off vCPU keeps it until it runs or its reset clears it.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param irq the interrupt number (INT_SWI0 = 0 ... 13)
     * @return whether it is pending
     */
    public boolean irqPending(int vcpu, int irq) {
        return (irqPending[vcpu] & (1L << irq)) != 0;
    }

    /** kvm_queue_irq: set_bit(irq, &vcpu->arch.irq_pending). */
    void queueIrq(int vcpu, int irq) {
        irqPending[vcpu] |= 1L << irq;
    }

    /**
     * KVM_REG_LOONGARCH_VCPU_RESET (vcpu.c kvm_set_one_reg): st.guest_addr = 0, irq_pending and irq_clear cleared.
     */
    @Override
    public void resetVcpu(int vcpu, RegisterAccess regs) {
        guestAddr[vcpu] = 0;
        preempted[vcpu] = false;
        irqPending[vcpu] = 0;
    }

    // ---------------------------------------------------------------- scheduler hooks

    /** vcpu_load raises KVM_REQ_STEAL_UPDATE; kvm_check_requests serves it before entry. */
    @Override
    public void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
        irqPending[vcpu] = 0; // kvm_deliver_intr before entry moves irq_pending into the guest's ESTAT
        runDelay[vcpu] += stealNanos;
        updateStolenTime(vcpu, memory);
    }

    /** kvm_arch_vcpu_put: a vCPU put while still runnable (vcpu->preempted) gets preempted = 1. */
    @Override
    public void scheduleOut(int vcpu, long nowNanos, boolean wasPreempted, MemoryAccess memory) {
        if (wasPreempted && !v7 && hasFeature(LoongArchDiscovery.FEATURE_PREEMPT)) {
            setPvPreempted(vcpu, memory);
        }
    }

    /**
     * vcpu.c kvm_update_stolen_time: with PREEMPT, clear the preempted byte; read version, make an
     * odd (junk) version even, make it odd and store, add the run_delay since the last update to
     * steal and store, make version even and store. A record not wholly in guest memory is skipped
     * (kvm_gfn_to_hva_cache_init fails).
     */
    private void updateStolenTime(int vcpu, MemoryAccess memory) {
        long gpa = guestAddr[vcpu];
        if ((gpa & LoongArchHypercalls.KVM_STEAL_PHYS_VALID) == 0) {
            return;
        }
        gpa &= LoongArchHypercalls.KVM_STEAL_PHYS_MASK;
        if (!memory.readable(gpa, ST_SIZE)) {
            return;
        }
        try {
            if (!v7 && hasFeature(LoongArchDiscovery.FEATURE_PREEMPT)) {
                memory.write(gpa + ST_PREEMPTED, 1, 0);
                preempted[vcpu] = false;
            }
            long version = memory.read32(gpa + ST_VERSION);
            if ((version & 1) != 0) {
                version += 1; // first time write, random junk
            }
            version += 1;
            memory.write(gpa + ST_VERSION, 4, version);
            long steal = memory.read64(gpa + ST_STEAL);
            steal += runDelay[vcpu] - lastSteal[vcpu];
            lastSteal[vcpu] = runDelay[vcpu];
            memory.write(gpa + ST_STEAL, 8, steal);
            version += 1;
            memory.write(gpa + ST_VERSION, 4, version);
        } catch (GuestFault f) {
            // unsafe_put_user failed: KVM gives up silently (the "out" label)
        }
    }

    /** vcpu.c kvm_vcpu_set_pv_preempted: once per preemption, store KVM_VCPU_PREEMPTED. */
    private void setPvPreempted(int vcpu, MemoryAccess memory) {
        long gpa = guestAddr[vcpu];
        if ((gpa & LoongArchHypercalls.KVM_STEAL_PHYS_VALID) == 0 || preempted[vcpu]) {
            return;
        }
        gpa &= LoongArchHypercalls.KVM_STEAL_PHYS_MASK;
        if (!memory.readable(gpa, ST_SIZE)) {
            return;
        }
        try {
            memory.write(gpa + ST_PREEMPTED, 1, KVM_VCPU_PREEMPTED);
            preempted[vcpu] = true;
        } catch (GuestFault f) {
            // as above
        }
    }
}
