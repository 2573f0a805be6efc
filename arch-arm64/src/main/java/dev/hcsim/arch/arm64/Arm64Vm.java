package dev.hcsim.arch.arm64;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.KvmIoctls;
import dev.hcsim.core.spi.KvmVcpuLimits;
import dev.hcsim.core.spi.SeededRandom;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

/**
 * The per-VM part of arm64: the trap gate of {@code handle_hvc} / {@code handle_smc} (and the AArch32
 * forms), the EL2 ARCH_WORKAROUND fast path, the SMCCC filter and the firmware bitmaps of
 * {@code kvm_smccc_call_handler}, the PSCI version, the per-vCPU PV-time and PV-lock structures
 * userspace registered, and the scheduler hooks that keep them.
 *
 * <p>The userspace side of KVM (the ioctls a VMM makes before it runs the VM) is
 * {@link dev.hcsim.core.Vm#control()}, served by {@link Arm64Ioctls}; the package-private methods
 * here return what the ioctl returns (0 or a negative errno). Scenarios reach the
 * common settings through VM options ({@code pvtime-ipa}, {@code pvlock-ipa}, {@code filter-deny},
 * {@code filter-fwd}, {@code psci}).
 *
 * <p>As arch/arm64/kvm splits them into files, the firmware pseudo-registers and the bitmaps that gate
 * the services are {@link Arm64FirmwareRegisters} (hypercalls.c), the stolen-time and PV-lock structures
 * {@link Arm64PvTime} (pvtime.c), PSCI {@link Arm64Psci} (psci.c); this class is the gate and the SMCCC filter.
 */
public final class Arm64Vm implements ArchitectureVm {
    /**
     * kvm_vm_ioctl_create_vcpu: max_vcpus = kvm_arm_default_max_vcpus(), VGIC_V3_MAX_CPUS = 512 with a GICv3 (the
     * configuration modelled; 8 with a GICv2); the vCPU id is the index, from which reset_mpidr derives the MPIDR.
     */
    static final KvmVcpuLimits LIMITS = new KvmVcpuLimits(512, "kvm_arm_default_max_vcpus with GICv3: VGIC_V3_MAX_CPUS", -1,
            "the MPIDR is derived from the vCPU index");

    /** errno values (include/uapi/asm-generic/errno-base.h), returned negated. */
    public static final int ENOENT = 2;
    /** ENXIO: no such device or address. */
    public static final int ENXIO = 6;
    /** EFAULT: bad address. */
    public static final int EFAULT = 14;
    /** EBUSY: device or resource busy (a change after a vCPU has run). */
    public static final int EBUSY = 16;
    /** EEXIST: already set. */
    public static final int EEXIST = 17;
    /** EINVAL: invalid argument. */
    public static final int EINVAL = 22;

    /** The SMCCC filter actions (arch/arm64/include/uapi/asm/kvm.h enum kvm_smccc_filter_action). */
    public static final int FILTER_HANDLE = 0;
    /** KVM_SMCCC_FILTER_DENY: the call gets SMCCC_RET_NOT_SUPPORTED without reaching a handler. */
    public static final int FILTER_DENY = 1;
    /** KVM_SMCCC_FILTER_FWD_TO_USER: the call exits to the VMM as KVM_EXIT_HYPERCALL. */
    public static final int FILTER_FWD_TO_USER = 2;


    /** Conduits. */
    static final int HVC = 0;
    static final int SMC = 1;

    private static final long M32 = 0xFFFF_FFFFL;
    private static final long UNSET = -1L; // INVALID_GPA
    // kvm_prepare_hypercall_exit zeroes struct kvm_run: hypercall.args are all 0, the VMM reads the registers.
    private static final long[] NO_EXIT_ARGS = new long[6];

    private final VmContext vm;
    private final int vcpus;
    private final boolean pvlock;
    /** KVM_ARCH_FLAG_SYSTEM_SUSPEND_ENABLED: the feature, or KVM_CAP_ARM_SYSTEM_SUSPEND later. */
    private volatile boolean systemSuspend;
    private final boolean archCounter;
    private final long resetEl;
    private final long resetNrw;
    private final long resetThumb;
    // vcpu->arch.reset_state as kvm_psci_vcpu_on leaves it for kvm_reset_vcpu: pending, Thumb entry, caller's endianness.
    private final boolean[] psciResetPending;
    private final boolean[] psciResetThumb;
    private final boolean[] psciResetBe;

    private final Arm64FirmwareRegisters firmware;
    private final Arm64PvTime pvTime;

    private volatile SmcccFilter smcccFilter = SmcccFilter.EMPTY;
    private final Arm64Ioctls ioctls = new Arm64Ioctls(this);

    private final long[][] trngBits;
    private final Object trngLock = new Object();
    private SeededRandom trng;
    /** How many longs the TRNG stream has given: a snapshot restores the stream by drawing as many again. */
    private long trngDraws;

    Arm64Vm(VmContext vm) {
        this.vm = vm;
        LIMITS.check(vm);
        this.vcpus = vm.vcpuCount();
        this.pvlock = vm.option("pvlock").equals("on");
        this.systemSuspend = vm.feature(Arm64Architecture.SYSTEM_SUSPEND);
        this.firmware = new Arm64FirmwareRegisters(vm, pvlock);
        this.pvTime = new Arm64PvTime(vm, pvlock);
        this.archCounter = vm.option("clocksource").equals("arch-counter");
        this.resetEl = Long.parseLong(vm.option("el"));
        String mode = vm.option("mode");
        this.resetNrw = mode.equals("aarch64") ? 0 : 1;
        this.resetThumb = mode.equals("thumb") ? 1 : 0;
        this.psciResetPending = new boolean[vcpus];
        this.psciResetThumb = new boolean[vcpus];
        this.psciResetBe = new boolean[vcpus];
        this.trngBits = new long[vcpus][3];
        this.trng = newTrng(); // "TRNGkvm": entropy from the VM seed only
        applyOptions();
    }

    /** The VMM's set-up from VM options, with the ioctls' own checks. */
    private void applyOptions() {
        long pvtime = vm.optionNumber("pvtime-ipa");
        long lock = vm.optionNumber("pvlock-ipa");
        for (int v = 0; v < vcpus; v++) {
            if (pvtime != UNSET) {
                require(pvTime.setPvtimeIpa(v, pvtime + 64L * v), "pvtime-ipa: KVM_ARM_VCPU_PVTIME_IPA for vCPU " + v);
            }
            if (lock != UNSET) {
                require(pvTime.setPvlockIpa(v, lock + 64L * v), "pvlock-ipa: KVM_ARM_VCPU_PVLOCK_IPA for vCPU " + v);
            }
        }
        long deny = vm.optionNumber("filter-deny");
        if (deny != UNSET) {
            require(setSmcccFilter(deny, 1, FILTER_DENY, 0), "filter-deny: KVM_ARM_VM_SMCCC_FILTER");
        }
        long fwd = vm.optionNumber("filter-fwd");
        if (fwd != UNSET) {
            require(setSmcccFilter(fwd, 1, FILTER_FWD_TO_USER, 0), "filter-fwd: KVM_ARM_VM_SMCCC_FILTER");
        }
    }

    private static void require(int errno, String what) {
        if (errno != 0) {
            throw new IllegalArgumentException(what + " fails with " + errnoName(errno));
        }
    }

    /**
     * "-EINVAL" for -22 and so on.
     * @param errno a negated errno, or 0
     * @return its name with the sign, "0" for 0, or the number itself when it has no name here
     */
    public static String errnoName(int errno) {
        return switch (-errno) {
            case 0 -> "0";
            case ENOENT -> "-ENOENT";
            case ENXIO -> "-ENXIO";
            case EFAULT -> "-EFAULT";
            case EBUSY -> "-EBUSY";
            case EEXIST -> "-EEXIST";
            case EINVAL -> "-EINVAL";
            default -> String.valueOf(errno);
        };
    }

    // ---------------------------------------------------------------- the trap gate

    @Override
    public void trap(Trap t) {
        RegisterAccess r = t.registers();
        if (r.get(Arm64Registers.NRW) != 0) {
            trapAArch32(t, r);
            return;
        }
        if (t.fetchedLength() < 4) {
            fetchAbort(t, r);
            return;
        }
        t.instructionLength(4);
        A64Form form = t.decoded(A64Form.class, Arm64Vm::a64Form); // only the AArch64 gate leaves one
        if (form == A64Form.SVC) {
            // A system call: the guest's own EL1 vector handles it, ESR_EL1 = SVC64 with imm16, ELR the next instruction.
            int w = (int) t.insnWord(4);
            t.notAHypercall(new Fault.Arm64(Fault.Arm64.EC_SVC64, (w >>> 5) & 0xFFFF, 1, t.pc() + 4), Arm64Hypercalls.SVC);
            return;
        }
        if (form == A64Form.UNDEFINED) {
            t.fault(Fault.Arm64.undefined(t.pc()), Arm64Hypercalls.UNDEF_NOT_A_CALL);
            return;
        }
        if ((r.get(Arm64Registers.EL) & 3) == 0) {
            // HVC/SMC are UNDEFINED at EL0: the guest's EL1 takes it, KVM never sees it
            t.fault(Fault.Arm64.undefined(t.pc()), Arm64Hypercalls.UNDEF_EL0);
            return;
        }
        if (form == A64Form.SMC_IMMEDIATE) {
            smcWithImmediate(t, r);
            return;
        }
        smccc(t, r, form == A64Form.SMC ? SMC : HVC);
    }

    /** The A64 instruction at a trap, by class: the gate's decoded form ({@link Trap#decoded()}), made once per call site. */
    private enum A64Form {
        /** HVC #imm16 (the immediate is ignored: handle_exit.c handle_hvc). */
        HVC,
        /** SMC #0. */
        SMC,
        /** SMC #imm16, imm16 != 0 (handle_exit.c handle_smc). */
        SMC_IMMEDIATE,
        /** SVC #imm16: the guest's own system call. */
        SVC,
        /** Anything else. */
        UNDEFINED
    }

    private static A64Form a64Form(Trap t) {
        int w = (int) t.insnWord(4);
        if ((w & 0xFFE0001F) == 0xD4000002) {
            return A64Form.HVC;
        }
        if ((w & 0xFFE0001F) == 0xD4000003) {
            return ((w >>> 5) & 0xFFFF) != 0 ? A64Form.SMC_IMMEDIATE : A64Form.SMC;
        }
        return (w & 0xFFE0001F) == 0xD4000001 ? A64Form.SVC : A64Form.UNDEFINED;
    }

    /**
     * handle_smc: "We don't support SMC calls with a non-zero immediate": PC past the SMC, x0 = -1
     * (SMCCC_RET_NOT_SUPPORTED), nothing else written, nothing dispatched.
     */
    private static void smcWithImmediate(Trap t, RegisterAccess r) {
        r.set(0, -1L); // only the AArch64 gate gets here: an AArch32 SMC reports no immediate (trapAArch32)
        long next = t.pc() + 4;
        r.pc(next);
        t.resumeAt(next);
        t.note(Arm64Hypercalls.SMC_IMMEDIATE); // no function is called: callName stays null
    }

    /**
     * At an exit, KVM's PC is already past the call: an HVC's exception returns to the next instruction,
     * and handle_smc moves the PC past an SMC (kvm_incr_pc) before kvm_smccc_call_handler runs. The next
     * KVM_RUN does not move it again.
     * @param t the trap that exits
     */
    static void pastTheCall(Trap t) {
        long next = t.pc() + 4;
        t.registers().pc(next);
        t.resumeAt(next);
    }

    /**
     * Nothing readable at the PC: the fetch takes an instruction abort, as KVM injects one for an IPA
     * outside every memslot (inject_fault.c inject_abt64: EC IABT_LOW from EL0 or IABT_CUR, FSC
     * EXTABT, FAR = the address).
     */
    private static void fetchAbort(Trap t, RegisterAccess r) {
        int ec = (r.get(Arm64Registers.EL) & 3) == 0 ? Fault.Arm64.EC_IABT_LOW : Fault.Arm64.EC_IABT_CUR;
        t.fault(new Fault.Arm64(ec, Fault.Arm64.FSC_EXTABT, 1, t.pc()), Arm64Hypercalls.FETCH_ABORT);
    }

    /**
     * AArch32 and T32 forms. HVC is unconditional; an SMC whose condition fails is skipped with
     * nothing else done (handle_exit.c handle_trap_exceptions, kvm_condition_valid). SMC32 reports no
     * immediate in ESR_EL2 (its ISS has only CV/COND), so the non-zero-immediate rule never applies.
     */
    private void trapAArch32(Trap t, RegisterAccess r) {
        t.narrow(true);
        boolean thumb = r.get(Arm64Registers.THUMB) != 0;
        if (t.fetchedLength() < 4) {
            fetchAbort(t, r);
            return;
        }
        t.instructionLength(4);
        boolean hvc;
        boolean smc;
        int cond = 14;
        if (thumb) {
            int hw1 = t.insnByte(0) | t.insnByte(1) << 8;
            int hw2 = t.insnByte(2) | t.insnByte(3) << 8;
            hvc = (hw1 & 0xFFF0) == 0xF7E0 && (hw2 & 0xF000) == 0x8000;
            smc = (hw1 & 0xFFF0) == 0xF7F0 && hw2 == 0x8000;
        } else {
            int w = (int) t.insnWord(4);
            cond = w >>> 28;
            hvc = (w & 0xFFF000F0) == 0xE1400070;
            smc = (w & 0x0FFFFFF0) == 0x01600070 && cond != 15;
        }
        if (!hvc && !smc) {
            t.fault(Fault.Arm64.undefined(t.pc()), Arm64Hypercalls.UNDEF_NOT_A_CALL);
            return;
        }
        if ((r.get(Arm64Registers.EL) & 3) == 0) {
            t.fault(Fault.Arm64.undefined(t.pc()), Arm64Hypercalls.UNDEF_EL0);
            return;
        }
        // Only an SMC can fail here: an HVC's cond is AL (14), the A32 match requires 0xE and T32 carries none.
        if (!Arm64Interpreter.conditionHolds(cond, r.get(Arm64Registers.NZCV))) {
            long next = t.pc() + 4;
            r.pc(next);
            t.resumeAt(next);
            t.note(Arm64Hypercalls.SMC_CONDITION_FAILED);
            return;
        }
        smccc(t, r, smc ? SMC : HVC);
    }

    /**
     * kvm_smccc_call_handler, preceded by the EL2 fast path of hyp-entry.S for HVC. Every HVC and SMC
     * encoding is 32 bits long (T32 included), so a forwarded call never carries KVM_HYPERCALL_EXIT_16BIT.
     */
    private void smccc(Trap t, RegisterAccess r, int via) {
        long id = r.get(0) & M32;
        if (via == HVC && Arm64Hypercalls.isWorkaround(id)) {
            t.dispatch(); // answered in the EL2 vectors: no filter, no bitmap
            return;
        }
        int action = filterAction(id);
        if (action == FILTER_DENY) {
            deny(t, id);
            return;
        }
        if (action == FILTER_FWD_TO_USER) {
            // kvm_prepare_hypercall_exit: nr = function ID, flags say SMC and 16-bit; no register changes.
            t.readCall();
            HypercallSpec s = vm.hypercalls().lookup(id);
            if (s != null) {
                t.callName(s.name());
            }
            t.status(Status.SUCCESS);
            t.exitToHost(new Exit.Hypercall(id, NO_EXIT_ARGS, 0, via == SMC ? Exit.Hypercall.ARM64_SMC : 0), Arm64Hypercalls.HOST_WRITES_X0);
            pastTheCall(t);
            t.complete();
            return;
        }
        if (!firmware.allowed(id)) {
            deny(t, id);
            return;
        }
        t.readCall();
        t.invoke(); // the table asks offers() now, so a bitmap the VMM changed counts at once
        if (t.callName() == null) {
            t.note(FunctionId.unknownName(id)); // the decoded fields, for traces; undocumented, so no call name
        }
        t.complete();
    }

    /** KVM_SMCCC_FILTER_DENY, explicit or from the bitmaps: x0 = -1, x1..x3 = 0. */
    private void deny(Trap t, long id) {
        t.readCall();
        HypercallSpec s = vm.hypercalls().lookup(id);
        if (s != null) {
            t.callName(s.name());
        } else {
            t.note(FunctionId.unknownName(id));
        }
        t.fail(Status.NOT_IMPLEMENTED);
        t.complete();
    }

    /** Asked by the hypercall table at call time: the firmware bitmaps as they are now, and the SYSTEM_SUSPEND capability. */
    @Override
    public boolean offers(HypercallSpec call) {
        if (Arm64Hypercalls.isWorkaround(call.number())) {
            return true; // answered by the EL2 vectors for HVC; the gate denies them over SMC first
        }
        if (!firmware.allowed(call.number())) {
            return false;
        }
        String f = call.feature();
        return f == null || !f.equals(Arm64Architecture.SYSTEM_SUSPEND) || systemSuspend;
    }

    /** kvm_arch_vcpu_load: the stolen-time record and PV-lock word are updated (pvtime.c; see Arm64PvTime). */
    @Override
    public void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
        pvTime.scheduleIn(vcpu, nowNanos, stealNanos, memory);
    }

    /** kvm_arch_vcpu_put: the PV-lock RFC marks the vCPU preempted. */
    @Override
    public void scheduleOut(int vcpu, long nowNanos, boolean preempted, MemoryAccess memory) {
        pvTime.scheduleOut(vcpu, nowNanos, preempted, memory);
    }

    @Override
    public KvmIoctls ioctls() {
        return ioctls;
    }

    @Override
    public void resetVcpu(int vcpu, RegisterAccess regs) {
        // kvm_reset_vcpu: the general registers are zeroed; PSTATE is EL1h (or the AArch32 SVC mode).
        for (int i = 0; i <= Arm64Registers.SP; i++) {
            regs.set(i, 0);
        }
        regs.set(Arm64Registers.EL, resetEl);
        regs.set(Arm64Registers.NZCV, 0);
        regs.set(Arm64Registers.MPIDR, vm.vcpuId(vcpu) | 1L << 31); // MPIDR_EL1 RES1 bit 31 (sys_regs.c reset_mpidr)
        regs.set(Arm64Registers.NRW, resetNrw);
        regs.set(Arm64Registers.THUMB, resetThumb);
        regs.set(Arm64Registers.BE, 0); // SCTLR_EL1 and the 32-bit CPSR reset little-endian
        if (psciResetPending[vcpu]) {
            // kvm_emulate.h kvm_reset_vcpu_psci: Thumb from the entry's bit 0 (PSTATE of a 32-bit reset has T clear),
            // the caller's endianness (kvm_vcpu_set_be).
            psciResetPending[vcpu] = false;
            regs.set(Arm64Registers.THUMB, psciResetThumb[vcpu] ? 1 : 0);
            regs.set(Arm64Registers.BE, psciResetBe[vcpu] ? 1 : 0);
        }
    }

    /** True when vCPUs reset into AArch32 (KVM_ARM_VCPU_EL1_32BIT): vcpu_mode_is_32bit of a freshly reset target. */
    boolean resetsAArch32() {
        return resetNrw != 0;
    }

    /**
     * psci.c kvm_psci_vcpu_on: the reset state the target's kvm_reset_vcpu consumes (or that is dropped when the
     * start fails).
     * @param vcpu the target
     * @param thumb the entry had bit 0 set and the target is AArch32
     * @param be the caller was big-endian (kvm_vcpu_is_be)
     * @param pending true to leave it, false to drop it
     */
    void psciResetState(int vcpu, boolean thumb, boolean be, boolean pending) {
        psciResetThumb[vcpu] = thumb;
        psciResetBe[vcpu] = be;
        psciResetPending[vcpu] = pending;
    }

    /**
     * KVM_SET_DEVICE_ATTR group KVM_ARM_VM_SMCCC_CTRL, attr KVM_ARM_VM_SMCCC_FILTER
     * (hypercalls.c kvm_smccc_set_filter): {@code struct kvm_smccc_filter {u32 base; u32 nr_functions;
     * u8 action; u8 pad[15];}}. -EINVAL for non-zero padding, an empty or wrapping range, or an action
     * >= 3; -EBUSY once a vCPU has run; -EEXIST for a range that overlaps one already set, including
     * the Arm architecture ranges 0x80000000-0x8000ffff and 0xc0000000-0xc000ffff that the first
     * filter reserves. No limit on the number of ranges (the kernel's maple tree has none). {@code padNonZero} stands for the padding bytes (0 = all zero).
     * @param base the first function ID of the range
     * @param nrFunctions how many IDs the range holds
     * @param action FILTER_HANDLE, FILTER_DENY or FILTER_FWD_TO_USER
     * @param padNonZero 0 when the padding bytes are all zero, anything else when not
     * @return 0, -EINVAL, -EBUSY or -EEXIST, as the ioctl returns them
     */
    synchronized int setSmcccFilter(long base, long nrFunctions, int action, int padNonZero) {
        if (padNonZero != 0) {
            return -EINVAL;
        }
        long start = base & M32;
        long end = (start + (nrFunctions & M32) - 1) & M32;
        // An empty range is -EINVAL at any base: smccc_filter.c test_invalid_nr_functions asserts it for base 0 as
        // well, where the u32 sum of the stored hypercalls.c wraps to a full range (docs/kvm-selftests.md).
        if ((nrFunctions & M32) == 0 || end < start || action < 0 || action >= 3) {
            return -EINVAL;
        }
        if (vm.hasRun()) {
            return -EBUSY;
        }
        SmcccFilter next = smcccFilter.with(start, end, action);
        if (next == null) {
            smcccFilter = smcccFilter.reservedOnly(); // the reserved ranges stay, as in the kernel's tree
            return -EEXIST;
        }
        smcccFilter = next;
        return 0;
    }

    /**
     * KVM_ARM_VM_SMCCC_FILTER as it stands: every range set so far, with the reserved ones.
     * @return the VM's SMCCC filter, an immutable value
     */
    public SmcccFilter smcccFilter() {
        return smcccFilter;
    }

    /** kvm_smccc_filter_get_action: HANDLE when no filter is set or no range holds {@code id}. */
    int filterAction(long id) {
        return smcccFilter.action(id);
    }

    private SeededRandom newTrng() {
        return new SeededRandom(vm.config().seed() ^ 0x5452_4e47_6b76_6dL);
    }

    // ---------------------------------------------------------------- snapshot

    @Override
    public void save(VmSnapshot.State.Builder v, List<VmSnapshot.State.Builder> cpus) {
        v.put("systemSuspend", systemSuspend);
        firmware.save(v);
        v.put("smcccFilter", Arm64Snapshots.filter(smcccFilter));
        synchronized (trngLock) {
            v.put("trngDraws", trngDraws);
        }
        for (int i = 0; i < vcpus; i++) {
            pvTime.save(i, cpus.get(i));
            cpus.get(i).put("psciResetPending", psciResetPending[i]).put("psciResetThumb", psciResetThumb[i])
                    .put("psciResetBe", psciResetBe[i]);
        }
    }

    @Override
    public void restore(VmSnapshot.State v, List<VmSnapshot.State> cpus) {
        systemSuspend = v.flag("systemSuspend");
        firmware.restore(v);
        smcccFilter = Arm64Snapshots.filter(v.nums("smcccFilter"));
        SeededRandom r = newTrng();
        long draws = v.num("trngDraws");
        for (long i = 0; i < draws; i++) {
            r.nextLong();
        }
        synchronized (trngLock) {
            trng = r;
            trngDraws = draws;
        }
        for (int i = 0; i < vcpus; i++) {
            VmSnapshot.State c = cpus.get(i);
            pvTime.restore(i, c);
            psciResetPending[i] = c.flag("psciResetPending");
            psciResetThumb[i] = c.flag("psciResetThumb");
            psciResetBe[i] = c.flag("psciResetBe");
        }
    }

    // ---------------------------------------------------------------- what handlers read

    boolean aarch32(Trap t) {
        return t.narrow();
    }

    /**
     * KVM_REG_ARM_PSCI_VERSION: 1 (0.1), 2 (0.2), 0x10000 | minor (1.x).
     * @return the PSCI version the vCPUs implement, as KVM encodes it
     */
    public int psciVersion() {
        return firmware.psciVersion();
    }

    /**
     * The firmware pseudo-registers (KVM_GET_ONE_REG / KVM_SET_ONE_REG of KVM_REG_ARM_FW and the feature bitmaps).
     * @return this VM's registers
     */
    Arm64FirmwareRegisters firmware() {
        return firmware;
    }

    /** The stolen-time and PV-lock structures userspace registered per vCPU. */
    Arm64PvTime pvTime() {
        return pvTime;
    }

    boolean systemSuspendEnabled() {
        return systemSuspend;
    }

    void enableSystemSuspend() {
        systemSuspend = true;
    }

    boolean pvlockOption() {
        return pvlock;
    }









    boolean archCounter() {
        return archCounter;
    }



    /** kvm_trng_do_rnd: ceil(n/64) random longs into bits[0..], the rest zero, bits at and above n cleared. */
    long[] trngBits(int vcpu, int n) {
        long[] bits = trngBits[vcpu];
        synchronized (trngLock) {
            for (int i = 0; i < 3; i++) {
                if (i * 64 < n) {
                    bits[i] = trng.nextLong();
                    trngDraws++;
                } else {
                    bits[i] = 0;
                }
            }
        }
        // bitmap_clear(bits, num_bits, ...): the longs not drawn are 0 already; only the last one drawn can be partial.
        int partial = n % 64;
        if (partial != 0) {
            bits[n / 64] &= (1L << partial) - 1;
        }
        return bits;
    }

    /** The virtual counter at {@code nowNanos} (CNTVCT with a zero VM offset). */
    long counter(long nowNanos) {
        long hz = vm.config().tscHz();
        return (nowNanos / 1_000_000_000L) * hz + (nowNanos % 1_000_000_000L) * hz / 1_000_000_000L;
    }
}
