package dev.hcsim.arch.x86;

import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Outcome;
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
import java.util.Locale;

/**
 * The per-VM part of x86: the trap gate of {@code kvm_emulate_hypercall} (instruction check,
 * wrong-vendor patching, mode and CPL), the PV-feature gate, the steal-time area each vCPU
 * registered, and the schedule-in/out hooks that maintain it.
 */
public final class X86Vm implements ArchitectureVm {
    /**
     * kvm_vm_ioctl_create_vcpu: KVM_MAX_VCPUS = CONFIG_KVM_MAX_NR_VCPUS, 4096 with CONFIG_MAXSMP (the configuration
     * modelled; 1024 without it), and the vCPU id, which is the APIC ID, below KVM_MAX_VCPU_IDS = KVM_MAX_VCPUS *
     * KVM_VCPU_ID_RATIO (arch/x86/include/asm/kvm_host.h, arch/x86/kvm/Kconfig).
     */
    static final KvmVcpuLimits LIMITS = new KvmVcpuLimits(4096, "CONFIG_KVM_MAX_NR_VCPUS with CONFIG_MAXSMP", 16384,
            "KVM_MAX_VCPU_IDS = 4096 * KVM_VCPU_ID_RATIO");

    /** MSR_KVM_STEAL_TIME (arch/x86/include/uapi/asm/kvm_para.h). */
    public static final long MSR_KVM_STEAL_TIME = 0x4b564d03L;
    /** sizeof(struct kvm_steal_time) (arch/x86/include/uapi/asm/kvm_para.h). */
    static final int STEAL_TIME_SIZE = 64;
    /** KVM_VCPU_PREEMPTED, bit 0 of kvm_steal_time.preempted. */
    public static final int KVM_VCPU_PREEMPTED = 1;

    private static final byte[] VMCALL = {0x0F, 0x01, (byte) 0xC1};
    private static final byte[] VMMCALL = {0x0F, 0x01, (byte) 0xD9};

    private final VmContext vm;
    private final boolean intel;
    /** KVM_X86_QUIRK_FIX_HYPERCALL_INSN still in force (not disabled with KVM_CAP_DISABLE_QUIRKS2). */
    private volatile boolean quirkFixHypercall;
    /** KVM_CAP_ENFORCE_PV_FEATURE_CPUID (vcpu->arch.pv_cpuid.enforce; one value for the VM here). */
    private volatile boolean enforcePvCpuid;
    /** kvm->arch.hypercall_exit_enabled: KVM_CAP_EXIT_HYPERCALL's bit mask. */
    private volatile long hypercallExitEnabled;
    /** KVM_X86_DISABLE_EXITS_HLT (kvm_hlt_in_guest). */
    private volatile boolean hltInGuest;
    private final long resetCpl;
    private final boolean resetLongMode;
    private final boolean resetProtected;
    private final boolean host64;
    private final boolean hostClocksourceTsc;
    private final boolean tscCatchup;
    private final boolean apicMap;
    private final long apicDisabledMask;
    private final boolean broadcastQuirk;
    private final boolean x2apic;
    private final X86Discovery discovery;
    private final X86PvMsrs msrs;
    private final X86Ioctls ioctls;
    private final byte[][] clockPairingBuffers;
    private final X86Xen xen;
    private final X86Hyperv hyperv;

    X86Vm(VmContext vm) {
        this.vm = vm;
        LIMITS.check(vm);
        this.intel = vm.option("vendor").equals("intel");
        this.quirkFixHypercall = vm.option("quirk-fix-hypercall").equals("on");
        this.enforcePvCpuid = vm.option("enforce-pv-cpuid").equals("on");
        this.resetCpl = vm.optionNumber("cpl"); // 0..3: the option's declared values, checked when the VM is configured
        this.resetLongMode = vm.option("mode").equals("64");
        this.resetProtected = !vm.option("mode").equals("real");
        this.host64 = vm.option("host-bits").equals("64");
        this.hostClocksourceTsc = vm.option("host-clocksource").equals("tsc");
        this.tscCatchup = vm.option("tsc-catchup").equals("on");
        this.apicMap = vm.option("apic-map").equals("present");
        this.apicDisabledMask = vm.optionNumber("apic-disabled");
        this.broadcastQuirk = vm.option("x2apic-broadcast-quirk").equals("on");
        this.x2apic = vm.option("apic-mode").equals("x2apic");
        long bits = 0;
        for (X86Architecture.Feature f : X86Architecture.FEATURES) {
            if (f.bit() >= 0 && vm.feature(f.spec().name())) {
                bits |= 1L << f.bit();
            }
        }
        if (vm.option("halt-exits").equals("off")) {
            bits &= ~(1L << 7); // KVM_FEATURE_PV_UNHALT is withdrawn when HLT exits are disabled (selftest kvm_pv_test.c)
        }
        this.discovery = new X86Discovery(vm, bits);
        this.msrs = new X86PvMsrs(vm, this);
        this.ioctls = new X86Ioctls(this);
        this.hypercallExitEnabled = vm.feature(X86Architecture.EXIT_HYPERCALL) ? 1L << X86Hypercalls.KVM_HC_MAP_GPA_RANGE : 0;
        this.hltInGuest = vm.option("halt-exits").equals("off");
        this.clockPairingBuffers = new byte[vm.vcpuCount()][];
        this.xen = new X86Xen(vm, intel);
        this.hyperv = new X86Hyperv(vm);
    }

    // ---------------------------------------------------------------- the trap gate

    @Override
    public void trap(Trap t) {
        Form form = t.fetchedLength() < 3 ? Form.OTHER : t.decoded(Form.class, X86Vm::form);
        if (form == Form.OTHER) {
            t.instructionLength(Math.min(t.fetchedLength(), 3));
            if (t.fetchedLength() == 0) {
                // Nothing readable at RIP: the fetch itself faults (not-present, instruction fetch).
                t.fault(Fault.X86.pf(Fault.X86.PFERR_FETCH | (cplOf(t) == 3 ? Fault.X86.PFERR_USER : 0), t.pc(), t.pc()),
                        "instruction fetch outside guest memory");
            } else {
                t.fault(Fault.X86.ud(t.pc()), "not vmcall or vmmcall");
            }
            return;
        }
        t.instructionLength(3);
        RegisterAccess r = t.registers();
        long cpl = cplOf(t);
        boolean isVmcall = form == Form.VMCALL;
        if (isVmcall != intel) {
            wrongVendor(t, isVmcall, cpl);
            return;
        }
        // kvm_emulate_hypercall (x86.c): Xen's dispatcher first when the VMM turned on its interception (it hands EAX bit
        // 31 to Hyper-V itself), then Hyper-V's when exposed and the guest wrote a non-zero guest OS ID, then KVM_HC_*.
        if (xen.hypercallEnabled()) {
            X86XenHypercalls.hypercall(t, this);
        } else if (hypervHypercallEnabled(t.vcpu())) {
            hypervHypercall(t);
        } else {
            kvmHypercall(t, r, cpl);
        }
        Outcome o = t.outcome();
        if (singleStepping(r) && (o == Outcome.RESUME || o == Outcome.YIELD)) {
            // kvm_skip_emulated_instruction: a call answered in the kernel (a directed yield included: kvm_sched_yield
            // runs inside the call) queues #DB once RIP is past the instruction.
            singleStep(t);
        }
    }

    /** The instruction at a trap: the gate's decoded form ({@link Trap#decoded()}), made once per call site. */
    private enum Form {
        /** 0F 01 C1, Intel's. */
        VMCALL,
        /** 0F 01 D9, AMD's. */
        VMMCALL,
        /** Anything else: #UD. */
        OTHER
    }

    private static Form form(Trap t) {
        if (t.insnByte(0) != 0x0F || t.insnByte(1) != 0x01) {
            return Form.OTHER;
        }
        return t.insnByte(2) == 0xC1 ? Form.VMCALL : t.insnByte(2) == 0xD9 ? Form.VMMCALL : Form.OTHER;
    }

    /** ____kvm_emulate_hypercall: the KVM_HC_* numbers, -KVM_EPERM at CPL &gt; 0 after the registers are read. */
    private static void kvmHypercall(Trap t, RegisterAccess r, long cpl) {
        t.narrow(!is64BitHypercall(r));
        t.readCall();
        if (cpl != 0) {
            t.reject(Status.PERMISSION);
        } else {
            t.invoke();
            t.complete();
        }
    }

    /**
     * hyperv.h kvm_hv_hypercall_enabled, for kvm_emulate_hypercall and for Xen's EAX bit 31 hand-off.
     * @param vcpu the calling vCPU
     * @return Hyper-V exposed and a non-zero guest OS ID written
     */
    boolean hypervHypercallEnabled(int vcpu) {
        return hyperv.enabled(vcpu);
    }

    /** hyperv.c kvm_hv_hypercall, with the trap's mode set as for every call. */
    void hypervHypercall(Trap t) {
        t.narrow(!is64BitHypercall(t.registers()));
        hyperv.hypercall(t);
    }

    /**
     * x86.h is_64_bit_hypercall: 64-bit mode is EFER.LMA and CS.L together; legacy and compatibility mode (EFER.LMA = 1,
     * CS.L = 0) call with 32-bit registers. One test for the KVM_HC_* and Hyper-V calls alike.
     */
    static boolean is64BitHypercall(RegisterAccess r) {
        return r.get(X86Registers.EFER_LMA) != 0 && r.get(X86Registers.CS_L) != 0;
    }

    /**
     * The VM's Xen HVM state and its VMM-side controls (KVM_XEN_HVM_CONFIG, KVM_XEN_HVM_SET_ATTR, ...).
     * @return the Xen state of this VM
     */
    public X86Xen xen() {
        return xen;
    }

    /**
     * True when the trapping vCPU has RFLAGS.TF set (the value before the instruction, as kvm_skip_emulated_instruction
     * and the emulator's ctxt->tf read it).
     */
    static boolean singleStepping(Trap t) {
        return (t.registers().get(X86Registers.RFLAGS) & X86Registers.TF) != 0;
    }

    /**
     * {@link #singleStepping(Trap)} through the registers the gate took before the call: after the handler, reading them
     * through {@link Trap#registers()} would make the frame keep the call's arguments for nothing (on-demand arguments).
     */
    private static boolean singleStepping(RegisterAccess r) {
        return (r.get(X86Registers.RFLAGS) & X86Registers.TF) != 0;
    }

    /**
     * kvm_vcpu_do_singlestep: kvm_queue_exception_p(vcpu, DB_VECTOR, DR6_BS), delivered at the PC already set. A
     * yield the call made in the kernel stays in {@code yieldTarget}.
     */
    static void singleStep(Trap t) {
        t.fault(Fault.X86.db(t.nextPc()), SINGLE_STEP);
    }

    /** What the single-step trap after an instruction KVM completed is (vector 1, its payload DR6.BS). */
    static final String SINGLE_STEP = "single step, DR6.BS";

    /**
     * The wrong vendor's instruction raises #UD; KVM's emulator (em_hypercall, emulate.c) either
     * patches the native bytes over it, leaving RIP on it so that it runs again, or injects #UD.
     * VMCALL's table entry carries Priv, so at CPL > 0 it gets #GP(0) first [derived].
     */
    private void wrongVendor(Trap t, boolean isVmcall, long cpl) {
        if (isVmcall && cpl != 0) {
            t.fault(Fault.X86.gp(0, t.pc()), "VMCALL at CPL > 0 in the emulator (Priv)");
            return;
        }
        if (!quirkFixHypercall) {
            t.fault(Fault.X86.ud(t.pc()), "the other vendor's instruction, KVM_X86_QUIRK_FIX_HYPERCALL_INSN off");
            return;
        }
        try {
            byte[] nativeBytes = intel ? VMCALL : VMMCALL;
            t.memory().writeCopy(t.pc(), nativeBytes, 0, 3); // a copy: the constant is shared by every VM
        } catch (GuestFault f) {
            // emulator_write_emulated fails: the emulator propagates a not-present write #PF at RIP (CPL 0 here).
            t.fault(Fault.X86.pf(Fault.X86.PFERR_WRITE, t.pc(), t.pc()), "writing the patched hypercall instruction");
            return;
        }
        t.callName("emulator_fix_hypercall"); // kvm_emulate_hypercall is not reached: the native bytes run next
        // RIP stays on the patched bytes (a fresh trap's next PC is its PC) and no register is written: nothing is left
        // for Trap.complete to do.
        if (singleStepping(t)) {
            // x86_emulate_instruction: after a successful emulation with ctxt->tf, kvm_vcpu_do_singlestep, with RIP on
            // the patched instruction (em_hypercall leaves _eip = eip).
            singleStep(t);
        }
    }

    private static long cplOf(Trap t) {
        return t.registers().get(X86Registers.CPL) & 3;
    }

    @Override
    public boolean offers(HypercallSpec call) {
        String f = call.feature();
        if (f == null) {
            return true;
        }
        if (f.equals(X86Architecture.EXIT_HYPERCALL)) {
            return (hypercallExitEnabled & (1L << X86Hypercalls.KVM_HC_MAP_GPA_RANGE)) != 0; // KVM_CAP_EXIT_HYPERCALL, not a CPUID bit
        }
        // guest_pv_has (cpuid.h): passes unconditionally unless KVM_CAP_ENFORCE_PV_FEATURE_CPUID is on. The feature's bit
        // is looked up only then: this runs on every gated call (SEND_IPI, KICK_CPU, SCHED_YIELD), which allocates nothing.
        return !enforcePvCpuid || (discovery.featureBits() & (1L << X86Architecture.bitOf(f))) != 0;
    }

    @Override
    public void resetVcpu(int vcpu, RegisterAccess regs) {
        regs.set(X86Registers.CPL, resetCpl);
        regs.set(X86Registers.EFER_LMA, resetLongMode ? 1 : 0);
        regs.set(X86Registers.CS_L, resetLongMode ? 1 : 0);
        regs.set(X86Registers.CR0_PE, resetProtected ? 1 : 0);
        regs.set(X86Registers.RFLAGS, 0x2); // bit 1 is always set
    }

    // ---------------------------------------------------------------- steal time

    /**
     * The guest's wrmsr of a KVM MSR (x86.c kvm_set_msr_common through {@link X86PvMsrs}). Returns
     * null, or the fault to deliver: every refusal is #GP(0) (kvm_emulate_wrmsr injects it).
     */
    String wrmsr(int vcpu, long msr, long value) {
        return wrmsr(vcpu, msr, value, null, null);
    }

    /**
     * The guest's wrmsr, with the vCPU's registers and guest memory for the MSRs that write guest memory now (the Xen
     * hypercall page: kvm_set_msr_common checks kvm_xen_is_hypercall_page_msr before any other MSR, for a
     * guest-initiated write; then the Hyper-V MSRs, whose HV_X64_MSR_HYPERCALL write fills the Hyper-V hypercall page).
     */
    String wrmsr(int vcpu, long msr, long value, RegisterAccess regs, MemoryAccess memory) {
        if (memory != null && xen.msr() != 0 && msr == xen.msr()) {
            boolean lm = regs.get(X86Registers.EFER_LMA) != 0; // is_long_mode: EFER.LMA, whatever CS.L says
            return X86XenHypercallPage.write(xen, value, lm, memory) ? null
                    : String.format(Locale.ROOT, "#GP(0) (wrmsr 0x%x = 0x%x: kvm_xen_write_hypercall_page failed)", msr, value);
        }
        if (X86Hyperv.handles(msr)) {
            return hyperv.setMsr(vcpu, msr, value, false, memory) ? null
                    : String.format(Locale.ROOT, "#GP(0) (wrmsr 0x%x = 0x%x: refused by kvm_hv_set_msr_common)", msr, value);
        }
        X86PvMsrs.Result r = msrs.set(vcpu, msr, value);
        return switch (r) {
            case OK -> null;
            case UNSUPPORTED -> String.format(Locale.ROOT, "#GP(0) (wrmsr 0x%x: KVM_MSR_RET_UNSUPPORTED, no CPUID feature bit or not emulated)", msr);
            case ERROR -> String.format(Locale.ROOT, "#GP(0) (wrmsr 0x%x = 0x%x: refused by kvm_set_msr_common)", msr, value);
        };
    }

    /**
     * The guest's rdmsr of a KVM MSR (kvm_get_msr_common). Returns the value, or null for #GP(0).
     */
    Long rdmsr(int vcpu, long msr) {
        if (X86Hyperv.handles(msr)) {
            return hyperv.getMsr(vcpu, msr, false);
        }
        return msrs.get(vcpu, msr);
    }

    /** guest_pv_has (cpuid.h): true unless KVM_CAP_ENFORCE_PV_FEATURE_CPUID is on and the CPUID bit is off. */
    boolean guestPvHas(int bit) {
        return !enforcePvCpuid || (discovery.featureBits() & (1L << bit)) != 0;
    }

    VmContext vm() {
        return vm;
    }

    /**
     * How many Hyper-V TLB flush requests (KVM_REQ_HV_TLB_FLUSH, hyperv.c kvm_hv_flush_tlb) vCPU {@code vcpu} received:
     * the only trace a flush leaves in a simulator without an MMU.
     * @param vcpu the vCPU index
     * @return the count since the VM was created
     */
    public long hypervTlbFlushRequests(int vcpu) {
        return hyperv.tlbFlushRequests(vcpu);
    }

    /**
     * KVM_HYPERV_EVENTFD (arch/x86/kvm/hyperv.c kvm_vm_ioctl_hv_eventfd): gives a Hyper-V connection ID an eventfd, or
     * takes it away, so that the guest's HVCALL_SIGNAL_EVENT to it is answered in the kernel (kvm_hvcall_signal_event)
     * instead of going the HVCALL_POST_MESSAGE way; hcsim counts the signals ({@link #hypervEventfdSignals}).
     * @param connId the connection ID (24 bits, KVM_HYPERV_CONN_ID_MASK)
     * @param deassign KVM_HYPERV_EVENTFD_DEASSIGN: take it away
     * @throws dev.hcsim.core.KvmException -EINVAL for an ID past 24 bits, -EEXIST to give one a second eventfd, -ENOENT
     *   to take away one it does not have
     */
    public void hypervEventfd(long connId, boolean deassign) {
        hyperv.eventfd(connId, deassign);
    }

    /**
     * How many times the guest signalled connection ID {@code connId}'s eventfd (HVCALL_SIGNAL_EVENT answered in the kernel).
     * @param connId the connection ID
     * @return the count, 0 for an ID without an eventfd
     */
    public long hypervEventfdSignals(long connId) {
        return hyperv.eventfdSignals(connId);
    }

    /** The VM's Hyper-V ABI (arch/x86/kvm/hyperv.c): {@code hyperv().enabled(vcpu)}, {@code hyperv().hypercall(t)}. */
    X86Hyperv hyperv() {
        return hyperv;
    }

    X86PvMsrs msrs() {
        return msrs;
    }

    void enforcePvCpuid(boolean on) {
        enforcePvCpuid = on;
    }

    void hypercallExitEnabled(long mask) {
        hypercallExitEnabled = mask;
    }

    void disableQuirkFixHypercall() {
        quirkFixHypercall = false;
    }

    boolean hltInGuest() {
        return hltInGuest;
    }

    void hltInGuest(boolean on) {
        hltInGuest = on;
    }

    @Override
    public KvmIoctls ioctls() {
        return ioctls;
    }

    @Override
    public void save(VmSnapshot.State.Builder v, List<VmSnapshot.State.Builder> cpus) {
        v.put("quirkFixHypercall", quirkFixHypercall).put("enforcePvCpuid", enforcePvCpuid).put("hypercallExitEnabled", hypercallExitEnabled).put("hltInGuest", hltInGuest)
                .put("wallClock", msrs.wallClock());
        long[] cpuid = discovery.savedEntries();
        v.put("cpuidSet", cpuid != null).put("cpuid", cpuid == null ? new long[0] : cpuid);
        for (int i = 0; i < cpus.size(); i++) {
            cpus.get(i).put("msrKvmSystemTime", msrs.systemTime[i]).put("msrKvmAsyncPfEn", msrs.asyncPfEn[i])
                    .put("msrKvmAsyncPfInt", msrs.asyncPfInt[i]).put("msrKvmStealTime", msrs.stealTime[i]).put("msrKvmPvEoiEn", msrs.pvEoi[i])
                    .put("msrKvmPollControl", msrs.pollControl[i]);
        }
        hyperv.save(v, cpus);
        xen.save(v, cpus);
    }

    @Override
    public void restore(VmSnapshot.State v, List<VmSnapshot.State> cpus) {
        quirkFixHypercall = v.flag("quirkFixHypercall");
        enforcePvCpuid = v.flag("enforcePvCpuid");
        hypercallExitEnabled = v.num("hypercallExitEnabled");
        hltInGuest = v.flag("hltInGuest");
        msrs.wallClock(v.num("wallClock"));
        if (v.flag("cpuidSet")) {
            discovery.restoreEntries(v.nums("cpuid"));
        } else {
            discovery.restoreDefaults(); // the VM restored into may have set entries the snapshot's VM never had
        }
        for (int i = 0; i < cpus.size(); i++) {
            VmSnapshot.State c = cpus.get(i);
            msrs.systemTime[i] = c.num("msrKvmSystemTime");
            msrs.asyncPfEn[i] = c.num("msrKvmAsyncPfEn");
            msrs.asyncPfInt[i] = c.num("msrKvmAsyncPfInt");
            msrs.stealTime[i] = c.num("msrKvmStealTime");
            msrs.pvEoi[i] = c.num("msrKvmPvEoiEn");
            msrs.pollControl[i] = c.num("msrKvmPollControl");
        }
        hyperv.restore(v, cpus);
        xen.restore(v, cpus);
    }

    /**
     * record_steal_time (x86.c): on entry, the version goes odd, {@code preempted} is cleared,
     * {@code steal} grows by the time the vCPU waited, the version goes even again. A record not wholly in
     * guest memory is not touched at all: kvm_gfn_to_hva_cache_init fails for it and record_steal_time returns
     * before its first write, so a guest never sees an odd version that stays odd.
     */
    @Override
    public void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
        if (xen.hypercallEnabled()) {
            // The vCPU is back from SCHEDOP_poll (its poll_mask bit and poll timer go), and kvm_xen_inject_pending_events
            // runs at entry.
            X86XenEvents.pollDone(xen, vcpu);
            // Its own per-vCPU vector is not raised here: the vCPU is entering and reads vcpu_info itself.
            X86XenEvents.vcpuEntry(xen, vcpu, memory, dev.hcsim.core.VcpuControl.NONE);
        }
        recordStealTime(vcpu, stealNanos, memory);
    }

    /**
     * A Xen timer (singleshot or poll timeout) is due: xen_timer_callback / cancel_evtchn_poll for every vCPU whose
     * time has come, and the next one armed again.
     */
    @Override
    public void timerExpired(int vcpu, long nowNanos, MemoryAccess memory, dev.hcsim.core.VcpuControl control) {
        long next = X86XenEvents.fireDue(xen, nowNanos, memory, control);
        if (next != Long.MAX_VALUE) {
            control.armTimer(vcpu, next);
        }
    }

    private void recordStealTime(int vcpu, long stealNanos, MemoryAccess memory) {
        long msr = msrs.stealTime[vcpu];
        if ((msr & 1) == 0 || !vm.feature("steal-time")) {
            return;
        }
        long gpa = msr & ~0x3FL;
        if (!memory.readable(gpa, STEAL_TIME_SIZE)) {
            return;
        }
        long version = memory.read32(gpa + 8);
        if ((version & 1) != 0) {
            version++; // "first time write, random junk": an odd version the guest left is made even first
        }
        memory.write(gpa + 8, 4, version + 1);
        memory.write(gpa + 16, 1, 0);
        memory.write(gpa, 8, memory.read64(gpa) + stealNanos);
        memory.write(gpa + 8, 4, version + 2);
    }

    /**
     * kvm_steal_time_set_preempted: a vCPU scheduled out while still runnable gets preempted = KVM_VCPU_PREEMPTED;
     * through the same cache as record_steal_time, so only when the whole record is guest memory.
     */
    @Override
    public void scheduleOut(int vcpu, long nowNanos, boolean preempted, MemoryAccess memory) {
        long msr = msrs.stealTime[vcpu];
        if (!preempted || (msr & 1) == 0 || !vm.feature("steal-time") || !memory.readable(msr & ~0x3FL, STEAL_TIME_SIZE)) {
            return;
        }
        memory.write((msr & ~0x3FL) + 16, 1, KVM_VCPU_PREEMPTED);
    }

    // ---------------------------------------------------------------- what the handlers read

    /**
     * The paravirtual CPUID leaves of this VM.
     * @return the discovery state the CPUID handler reads
     */
    public X86Discovery discovery() {
        return discovery;
    }

    /**
     * The guest TSC at virtual time {@code nowNanos}.
     * @param nowNanos the virtual time in nanoseconds since the VM started
     * @return the TSC value at the VM's configured TSC frequency
     */
    public long tsc(long nowNanos) {
        long hz = vm.config().tscHz();
        return (nowNanos / 1_000_000_000L) * hz + (nowNanos % 1_000_000_000L) * hz / 1_000_000_000L;
    }

    boolean host64() {
        return host64;
    }

    boolean hostClocksourceTsc() {
        return hostClocksourceTsc;
    }

    boolean tscCatchup() {
        return tscCatchup;
    }

    boolean apicMap() {
        return apicMap;
    }

    boolean apicEnabled(int vcpu) {
        return vcpu >= 64 || (apicDisabledMask & (1L << vcpu)) == 0;
    }

    boolean broadcastQuirk() {
        return broadcastQuirk;
    }

    /** Every local APIC of the VM in x2APIC mode (apic_x2apic_mode), else xAPIC. */
    boolean x2apic() {
        return x2apic;
    }

    byte[] clockPairingBuffer(int vcpu) {
        byte[] b = clockPairingBuffers[vcpu];
        if (b == null) {
            b = new byte[64];
            clockPairingBuffers[vcpu] = b;
        }
        return b;
    }
}
