package dev.hcsim.arch.riscv;

import dev.hcsim.core.Fault;
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
import java.util.Arrays;
import java.util.List;

/**
 * The per-VM part of RISC-V: the trap gate of kvm_riscv_vcpu_exit for EXC_SUPERVISOR_SYSCALL and the
 * dispatch of kvm_riscv_vcpu_sbi_ecall (arch/riscv/kvm/vcpu_sbi.c), each vCPU's extension switches
 * ({@code sbi_context.ext_status}), the per-vCPU SBI state (STA shared memory, PMU counters, FWFT
 * features, the pending reset of HART_START and SYSTEM_SUSPEND), the scheduler hook that records steal
 * time, and the VMM's ONE_REG interface to all of it.
 *
 * <p>The userspace side of KVM is reachable as methods that return what the ioctl returns (0 or a
 * negative errno): {@link #setOneReg}, {@link #oneReg}. Scenarios reach the initial switches through the
 * {@code sbi-*} VM features and the host's properties through VM options.
 */
public final class RiscvVm implements ArchitectureVm {
    /**
     * kvm_vm_ioctl_create_vcpu: KVM_MAX_VCPUS = 1024 (arch/riscv/include/asm/kvm_host.h), and KVM_MAX_VCPU_IDS defaults to
     * the same (include/linux/kvm_host.h); the vCPU id is the hart ID.
     */
    static final KvmVcpuLimits LIMITS = new KvmVcpuLimits(1024, "arch/riscv/include/asm/kvm_host.h KVM_MAX_VCPUS", 1024,
            "KVM_MAX_VCPU_IDS = KVM_MAX_VCPUS (include/linux/kvm_host.h)");

    /** errno values (include/uapi/asm-generic/errno-base.h), returned negated. */
    public static final int ENOENT = 2;
    /** EBUSY: a switch changed after the vCPU ran (kvm_riscv_vcpu_set_reg_sbi_ext). */
    public static final int EBUSY = 16;
    /** EINVAL: invalid argument. */
    public static final int EINVAL = 22;

    /** KVM_REG_RISCV | KVM_REG_SIZE_U64 (include/uapi/linux/kvm.h, arch/riscv/include/uapi/asm/kvm.h). */
    public static final long KVM_REG_RISCV_U64 = 0x8030_0000_0000_0000L;
    /** KVM_REG_RISCV_SBI_EXT: type 8 in bits 31:24. */
    public static final long KVM_REG_RISCV_SBI_EXT = 8L << 24;
    /** KVM_REG_RISCV_SBI_STATE: type 9 in bits 31:24. */
    public static final long KVM_REG_RISCV_SBI_STATE = 9L << 24;
    /** KVM_REG_RISCV_SBI_SINGLE: subtype 0 of SBI_EXT, one switch per register number. */
    public static final long KVM_REG_RISCV_SBI_SINGLE = 0;
    /** KVM_REG_RISCV_SBI_MULTI_EN: subtype 1 of SBI_EXT, a bit mask of switches to enable. */
    public static final long KVM_REG_RISCV_SBI_MULTI_EN = 1L << 16;
    /** KVM_REG_RISCV_SBI_MULTI_DIS: subtype 2 of SBI_EXT, a bit mask of switches to disable. */
    public static final long KVM_REG_RISCV_SBI_MULTI_DIS = 2L << 16;
    /** KVM_REG_RISCV_SBI_STA: subtype 0 of SBI_STATE (shmem_lo = 0, shmem_hi = 1). */
    public static final long KVM_REG_RISCV_SBI_STA = 0;
    /** KVM_REG_RISCV_SBI_FWFT: subtype 1 of SBI_STATE (enable, flags, value per feature). */
    public static final long KVM_REG_RISCV_SBI_FWFT = 1L << 16;
    /** KVM_REG_RISCV_SUBTYPE_MASK. */
    public static final long SUBTYPE_MASK = 0xFF_0000L;

    /** kvm_riscv_sbi_ext_status. */
    static final byte UNINITIALIZED = 0;
    static final byte UNAVAILABLE = 1;
    static final byte ENABLED = 2;
    static final byte DISABLED = 3;

    static final long INVALID_GPA = -1L;
    private static final long M32 = 0xFFFF_FFFFL;

    private final VmContext vm;
    private final int vcpus;
    final byte[][] extStatus;
    final boolean[] ranOnce;
    private final long resetPriv;
    private final long specVersion;
    private final long impVersion;
    private final long mvendorid;
    private final long marchid;
    private final long mimpid;
    final long[] resetPc;
    final long[] resetA1;
    final long[] timerNext;
    final long[] staShmem;
    final long[] staLastSteal;
    final long[] runDelay;
    final RiscvSbiPmu.Counters[] pmu;
    final RiscvSbiFwft.Features[] fwft;
    private final RiscvIoctls ioctls = new RiscvIoctls(this);

    RiscvVm(VmContext vm) {
        this.vm = vm;
        LIMITS.check(vm);
        this.vcpus = vm.vcpuCount();
        this.resetPriv = vm.option("mode").equals("vu") ? 0 : 1;
        this.specVersion = RiscvHypercalls.specVersion(vm.option("sbi-version"));
        this.impVersion = RiscvHypercalls.linuxVersionCode(vm.option("linux-version"));
        this.mvendorid = vm.optionNumber("mvendorid");
        this.marchid = vm.optionNumber("marchid");
        this.mimpid = vm.optionNumber("mimpid");
        boolean hostPmu = !vm.option("host-pmu").equals("none");
        int hpmCounters = (int) vm.optionNumber("hpm-counters");
        int hpmWidth = (int) vm.optionNumber("hpm-width");
        this.extStatus = new byte[vcpus][SbiExtension.KVM_RISCV_SBI_EXT_MAX];
        this.ranOnce = new boolean[vcpus];
        this.resetPc = new long[vcpus];
        this.resetA1 = new long[vcpus];
        this.timerNext = new long[vcpus];
        this.staShmem = new long[vcpus];
        this.staLastSteal = new long[vcpus];
        this.runDelay = new long[vcpus];
        this.pmu = new RiscvSbiPmu.Counters[vcpus];
        this.fwft = new RiscvSbiFwft.Features[vcpus];
        Arrays.fill(staShmem, INVALID_GPA);
        Arrays.fill(timerNext, -1L);
        for (int v = 0; v < vcpus; v++) {
            // kvm_riscv_vcpu_pmu_init runs before kvm_riscv_vcpu_sbi_init (kvm_arch_vcpu_create).
            pmu[v] = new RiscvSbiPmu.Counters(hostPmu, hpmCounters, hpmWidth);
            fwft[v] = new RiscvSbiFwft.Features(vm.option("fwft-misaligned").equals("yes"), vm.option("svadu").equals("yes"),
                    vm.option("pmlen"));
            for (SbiExtension e : SbiExtension.values()) {
                if (e.index() < 0) {
                    continue;
                }
                // kvm_riscv_vcpu_sbi_init: a failed probe makes the extension UNAVAILABLE, else default_disabled decides;
                // the VM feature stands for the VMM's KVM_REG_RISCV_SBI_EXT write before the first run.
                boolean probed = e != SbiExtension.PMU || pmu[v].available();
                extStatus[v][e.index()] = !probed ? UNAVAILABLE : vm.feature(e.feature()) ? ENABLED : DISABLED;
            }
        }
    }

    // ---------------------------------------------------------------- the trap gate

    /**
     * kvm_riscv_vcpu_exit for scause EXC_SUPERVISOR_SYSCALL, then kvm_riscv_vcpu_sbi_ecall. An ecall
     * from VU-mode never reaches KVM (hedeleg delegates EXC_SYSCALL to VS-mode).
     */
    /** The gate's decoded form ({@link Trap#decoded()}), made once per call site: whether the word is ECALL. */
    private enum Form {
        ECALL,
        OTHER
    }

    private static Form form(Trap t) {
        return (int) t.insnWord(4) == RiscvCodec.ECALL ? Form.ECALL : Form.OTHER;
    }

    @Override
    public void trap(Trap t) {
        RegisterAccess r = t.registers();
        if (t.fetchedLength() < 4) {
            // [derived] nothing readable at the PC: an instruction access fault, stval = the address
            t.fault(new Fault.RiscV(RiscvHypercalls.EXC_INST_ACCESS, t.pc(), t.pc()), RiscvHypercalls.ILLEGAL_SHORT);
            return;
        }
        t.instructionLength(4);
        if (t.decoded(Form.class, RiscvVm::form) != Form.ECALL) {
            // an illegal instruction, stval = the instruction bits (as the hardware reports them)
            int word = (int) t.insnWord(4);
            t.fault(new Fault.RiscV(Fault.RiscV.ILLEGAL_INSTRUCTION, word & 0xFFFF_FFFFL, t.pc()), RiscvHypercalls.ILLEGAL_NOT_ECALL);
            return;
        }
        if (r.get(RiscvRegisters.PRIV) == 0) {
            t.notAHypercall(new Fault.RiscV(Fault.RiscV.ECALL_U, 0, t.pc()), RiscvHypercalls.ECALL_FROM_VU);
            return;
        }
        int v = t.vcpu();
        ranOnce[v] = true;
        long eid = r.get(RiscvRegisters.A7);
        long fid = r.get(RiscvRegisters.A6);
        t.readCall();
        SbiExtension ext = SbiExtension.ofEid(eid);
        if (ext == null || !enabled(v, ext)) {
            // "Return error for unsupported SBI calls": a0 = NOT_SUPPORTED, sepc + 4, a1 = out_val = 0.
            t.number(RiscvHypercalls.key(eid, fid));
            t.note(RiscvHypercalls.UNKNOWN_EXTENSION); // undocumented: no kernel name
            t.result(1, 0);
            t.fail(Status.NOT_IMPLEMENTED);
            t.complete();
            return;
        }
        if (ext.forwarded()) {
            RiscvSbiForward.forward(t, this, ext); // an exit: sepc stays at the ecall, nothing to complete
            return;
        }
        t.number(ext == SbiExtension.V01 ? RiscvHypercalls.key(eid, 0) : RiscvHypercalls.key(eid, fid));
        if (ext != SbiExtension.V01) {
            t.result(1, 0); // sbi_ret.out_val starts at 0 and lands in a1 (the legacy calls leave a1 alone)
        }
        t.invoke();
        if (t.callName() == null) {
            t.note(RiscvHypercalls.UNKNOWN_FUNCTION);
        }
        t.complete();
    }

    /** kvm_vcpu_sbi_find_ext's second half: BASE always, the others only when ENABLED on this vCPU. */
    boolean enabled(int vcpu, SbiExtension ext) {
        return ext.index() < 0 || extStatus[vcpu][ext.index()] == ENABLED;
    }

    /** Whether any vCPU has the call's extension enabled; the gate has already checked the calling one. */
    @Override
    public boolean offers(HypercallSpec call) {
        SbiExtension ext = SbiExtension.ofEid(call.number() >>> 32);
        if (ext == null || ext.index() < 0) {
            return true;
        }
        for (int v = 0; v < vcpus; v++) {
            if (extStatus[v][ext.index()] == ENABLED) {
                return true;
            }
        }
        return false;
    }

    /**
     * kvm_riscv_reset_vcpu: the general registers are zeroed (kvm_riscv_vcpu_context_reset), sstatus =
     * SPP | SPIE (VS-mode, interrupts off), and kvm_riscv_vcpu_sbi_load_reset_state puts the hart ID in a0
     * and the pending start address and opaque (HART_START, SYSTEM_SUSPEND) in sepc and a1; the SBI state
     * (STA shared memory, PMU counters, FWFT features) is reset with it.
     */
    @Override
    public void resetVcpu(int vcpu, RegisterAccess regs) {
        for (int i = 1; i < 32; i++) {
            regs.set(i, 0);
        }
        regs.set(RiscvRegisters.A0, vm.vcpuId(vcpu));
        regs.set(RiscvRegisters.PRIV, resetPriv);
        regs.set(RiscvRegisters.SSTATUS, RiscvRegisters.SR_SPP | RiscvRegisters.SR_SPIE);
        regs.set(RiscvRegisters.SSCRATCH, 0);
        regs.set(RiscvRegisters.SIP, 0);
        staShmem[vcpu] = INVALID_GPA;
        staLastSteal[vcpu] = 0;
        timerNext[vcpu] = -1;
        pmu[vcpu].reset();
        fwft[vcpu].reset();
    }

    /** The SBI ONE_REG registers, for dev.hcsim.core.KvmControl. */
    @Override
    public KvmIoctls ioctls() {
        return ioctls;
    }

    /** Every vCPU's SBI state (see {@link RiscvSnapshots}). */
    @Override
    public void save(VmSnapshot.State.Builder v, List<VmSnapshot.State.Builder> cpus) {
        RiscvSnapshots.save(this, v, cpus);
    }

    @Override
    public void restore(VmSnapshot.State v, List<VmSnapshot.State> cpus) {
        RiscvSnapshots.restore(this, v, cpus);
    }

    // ---------------------------------------------------------------- scheduler hooks

    /**
     * kvm_arch_vcpu_load raises KVM_REQ_STEAL_UPDATE; before the next entry kvm_riscv_vcpu_record_steal_time
     * bumps the sequence to odd, adds the run delay since the last record to steal, and bumps it to even.
     */
    @Override
    public void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
        runDelay[vcpu] += stealNanos;
        RiscvSbiSta.record(this, vcpu, memory);
    }

    // ---------------------------------------------------------------- the VMM's ONE_REG interface

    /**
     * KVM_SET_ONE_REG of an SBI register of vCPU {@code vcpu}: {@code KVM_REG_RISCV_SBI_EXT} (SINGLE: one
     * switch, value 0 or 1; MULTI_EN / MULTI_DIS: a mask of switches, register number = mask word) or
     * {@code KVM_REG_RISCV_SBI_STATE} (STA shmem_lo / shmem_hi; FWFT enable / flags / value). Errors as
     * kvm_riscv_vcpu_set_reg_sbi_ext and kvm_riscv_vcpu_set_reg_sbi: -EINVAL for a size other than 64 bits or
     * a bad value, -EBUSY for a switch once the vCPU has run, -ENOENT for an unknown or unavailable extension.
     * @param vcpu the vCPU index
     * @param id the register id, {@code KVM_REG_RISCV_U64 | type | subtype | number}
     * @param value the value
     * @return 0 or a negative errno, as the ioctl returns it
     */
    public synchronized int setOneReg(int vcpu, long id, long value) {
        if (vcpu < 0 || vcpu >= vcpus) {
            return -EINVAL;
        }
        if ((id & 0xFFF0_0000_0000_0000L) != KVM_REG_RISCV_U64) {
            return -EINVAL; // KVM_REG_SIZE(reg->id) != sizeof(unsigned long)
        }
        long type = id & 0xFF00_0000L;
        long subtype = id & SUBTYPE_MASK;
        long num = id & 0xFFFFL;
        if (type == KVM_REG_RISCV_SBI_EXT) {
            if (ranOnce[vcpu]) {
                return -EBUSY;
            }
            if (subtype == KVM_REG_RISCV_SBI_SINGLE) {
                return setSingle(vcpu, num, value);
            }
            if (subtype == KVM_REG_RISCV_SBI_MULTI_EN || subtype == KVM_REG_RISCV_SBI_MULTI_DIS) {
                if (num > (SbiExtension.KVM_RISCV_SBI_EXT_MAX - 1) / 64) {
                    return -ENOENT;
                }
                // KVM_RISCV_SBI_EXT_MAX <= 64: register 0 is the only one, and its bit i is switch i (ext_id = i + 0 * 64)
                for (int ext = 0; ext < SbiExtension.KVM_RISCV_SBI_EXT_MAX; ext++) {
                    if ((value & (1L << ext)) != 0) {
                        setSingle(vcpu, ext, subtype == KVM_REG_RISCV_SBI_MULTI_EN ? 1 : 0); // errors ignored, as KVM does
                    }
                }
                return 0;
            }
            return -ENOENT;
        }
        if (type == KVM_REG_RISCV_SBI_STATE) {
            if (subtype == KVM_REG_RISCV_SBI_STA) {
                return RiscvSbiSta.setReg(this, vcpu, num, value);
            }
            if (subtype == KVM_REG_RISCV_SBI_FWFT) {
                return fwft[vcpu].setReg(num, value);
            }
            return -EINVAL;
        }
        return -ENOENT;
    }

    /** riscv_vcpu_set_sbi_ext_single. */
    private int setSingle(int vcpu, long index, long value) {
        if (value != 0 && value != 1) {
            return -EINVAL;
        }
        SbiExtension e = SbiExtension.ofIndex(index);
        if (e == null || extStatus[vcpu][e.index()] == UNAVAILABLE) {
            return -ENOENT;
        }
        extStatus[vcpu][e.index()] = value == 1 ? ENABLED : DISABLED;
        return 0;
    }

    /**
     * KVM_GET_ONE_REG of an SBI register: the switch (0 or 1), the MULTI masks (MULTI_DIS reads inverted),
     * STA shmem_lo / shmem_hi, or an FWFT register; null stands for the ioctl's error (-ENOENT or -EINVAL).
     * @param vcpu the vCPU index
     * @param id the register id
     * @return the value, or null when the ioctl fails
     */
    public synchronized Long oneReg(int vcpu, long id) {
        if (vcpu < 0 || vcpu >= vcpus || (id & 0xFFF0_0000_0000_0000L) != KVM_REG_RISCV_U64) {
            return null;
        }
        long type = id & 0xFF00_0000L;
        long subtype = id & SUBTYPE_MASK;
        long num = id & 0xFFFFL;
        if (type == KVM_REG_RISCV_SBI_EXT) {
            if (subtype == KVM_REG_RISCV_SBI_SINGLE) {
                SbiExtension e = SbiExtension.ofIndex(num);
                if (e == null || extStatus[vcpu][e.index()] == UNAVAILABLE) {
                    return null;
                }
                return extStatus[vcpu][e.index()] == ENABLED ? 1L : 0L;
            }
            if (subtype == KVM_REG_RISCV_SBI_MULTI_EN || subtype == KVM_REG_RISCV_SBI_MULTI_DIS) {
                if (num > (SbiExtension.KVM_RISCV_SBI_EXT_MAX - 1) / 64) {
                    return null;
                }
                long mask = 0;
                for (int ext = 0; ext < SbiExtension.KVM_RISCV_SBI_EXT_MAX; ext++) { // register 0 only, as in setOneReg
                    if (extStatus[vcpu][ext] == ENABLED) {
                        mask |= 1L << ext;
                    }
                }
                return subtype == KVM_REG_RISCV_SBI_MULTI_DIS ? ~mask : mask;
            }
            return null;
        }
        if (type == KVM_REG_RISCV_SBI_STATE) {
            if (subtype == KVM_REG_RISCV_SBI_STA) {
                return num == 0 ? Long.valueOf(staShmem[vcpu]) : num == 1 ? Long.valueOf(0) : null;
            }
            if (subtype == KVM_REG_RISCV_SBI_FWFT) {
                return fwft[vcpu].reg(num);
            }
        }
        return null;
    }

    /**
     * The register id of switch {@code ext} (KVM_REG_RISCV_SBI_EXT, SINGLE).
     * @param ext the extension
     * @return the id for {@link #setOneReg} and {@link #oneReg}
     */
    public static long sbiExtRegister(SbiExtension ext) {
        return KVM_REG_RISCV_U64 | KVM_REG_RISCV_SBI_EXT | KVM_REG_RISCV_SBI_SINGLE | ext.index();
    }

    // ---------------------------------------------------------------- what handlers read

    VmContext vm() {
        return vm;
    }


    /** kvm_riscv_vcpu_sbi_request_reset: the start address and a1 the next reset loads. */
    void requestReset(int vcpu, long pc, long a1) {
        resetPc[vcpu] = pc;
        resetA1[vcpu] = a1;
    }

    long resetPc(int vcpu) {
        return resetPc[vcpu];
    }

    long resetA1(int vcpu) {
        return resetA1[vcpu];
    }

    long specVersion() {
        return specVersion;
    }

    long impVersion() {
        return impVersion;
    }

    long mvendorid() {
        return mvendorid;
    }

    long marchid() {
        return marchid;
    }

    long mimpid() {
        return mimpid;
    }

    /** What PROBE_EXT answers for {@code ext} on {@code vcpu}: its probe when enabled (1 for those without one), else 0. */
    long probe(int vcpu, SbiExtension ext) {
        if (!enabled(vcpu, ext)) {
            return 0;
        }
        return ext == SbiExtension.PMU ? (pmu[vcpu].available() ? 1 : 0) : 1;
    }

    void timerNext(int vcpu, long cycles) {
        timerNext[vcpu] = cycles;
    }

    /**
     * The next timer event the guest programmed through SET_TIMER, in time-CSR ticks, or -1.
     * @param vcpu the vCPU index
     * @return the deadline
     */
    public long timerDeadline(int vcpu) {
        return timerNext[vcpu];
    }

    long staShmem(int vcpu) {
        return staShmem[vcpu];
    }

    void staShmem(int vcpu, long gpa) {
        staShmem[vcpu] = gpa;
    }

    long staLastSteal(int vcpu) {
        return staLastSteal[vcpu];
    }

    void staLastSteal(int vcpu, long v) {
        staLastSteal[vcpu] = v;
    }

    long runDelay(int vcpu) {
        return runDelay[vcpu];
    }

    RiscvSbiPmu.Counters pmu(int vcpu) {
        return pmu[vcpu];
    }

    RiscvSbiFwft.Features fwft(int vcpu) {
        return fwft[vcpu];
    }

    int vcpus() {
        return vcpus;
    }

    static long lower32(long v) {
        return v & M32;
    }
}
