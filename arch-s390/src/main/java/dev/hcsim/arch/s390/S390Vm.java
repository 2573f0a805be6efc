package dev.hcsim.arch.s390;

import static dev.hcsim.arch.s390.S390Registers.PREFIX;
import static dev.hcsim.arch.s390.S390Registers.PSWM;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.HypercallTable;
import dev.hcsim.core.spi.KvmIoctls;
import dev.hcsim.core.spi.KvmVcpuLimits;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

/**
 * The per-VM part of s390: the trap gate for the intercepted instructions (DIAGNOSE, SIGP, STSI,
 * LPSWE of a wait PSW, privileged instructions in problem state), program-interruption delivery
 * into the lowcore, and per-vCPU state (pfault handshake, CPUSTAT_RUNNING, watchdog, IPL block).
 *
 * <p>Program interruptions are delivered as the guest sees them (arch/s390/kvm/interrupt.c
 * __deliver_prog): ILC 4 at lowcore 0x8C, the code at 0x8E, the old PSW (mask, address after the
 * instruction) at 0x150; then the program new PSW at 0x1D0 is loaded and the vCPU resumes there.
 * A guest that installed no program new PSW (all zero) gets {@link Outcome#FAULT} instead, which
 * stops it in the standalone engine. With option {@code program-interruptions=report} nothing is
 * stored and every program interruption is reported as a FAULT for the embedder to deliver.
 *
 * <p>As the kernel splits arch/s390/kvm into files, the gate hands the instructions on: DIAGNOSE stays here
 * (diag.c), SIGNAL PROCESSOR goes to {@link S390Sigp} (sigp.c), STSI, LPSWE and STAP/STPT to {@link S390Priv}
 * (priv.c), and interruption delivery through the lowcore is {@link S390Interrupts} (interrupt.c).
 */
public final class S390Vm implements ArchitectureVm {
    /**
     * KVM_MAX_VCPUS = 255 (arch/s390/include/asm/kvm_host.h); kvm_arch_vcpu_precreate refuses an id (the CPU address)
     * that sca_can_add_vcpu rejects: below KVM_S390_ESCA_CPU_SLOTS = 248 with the extended SCA every z13 or later has.
     */
    static final KvmVcpuLimits LIMITS = new KvmVcpuLimits(255, "KVM_MAX_VCPUS", 248,
            "kvm_arch_vcpu_precreate, sca_can_add_vcpu: KVM_S390_ESCA_CPU_SLOTS");

    /** {@code KVM_S390_PFAULT_TOKEN_INVALID} (include/uapi/linux/kvm.h): no pfault handshake. */
    public static final long PFAULT_TOKEN_INVALID = 0xFFFF_FFFF_FFFF_FFFFL;


    /**
     * Re-entry after an exit that answers nothing in a register (a system event, a debug stop, a disabled wait): the
     * next KVM_RUN changes no register and continues at the PSW as it stands (the wait PSW, the breakpoint), which is
     * not the instruction after the trap.
     */
    static final Trap.ExitCompletion REENTER = (t, ret) -> {
        t.status(null);
        t.resumeAt(t.registers().pc());
    };
    /** Re-entry after an exit leaves r2 as it was (the engine would otherwise write the host's value there). */
    static final Trap.ExitCompletion KEEP_R2 = (t, ret) -> t.result(0, t.registers().get(2));

    private final VmContext vm;
    private final int vcpus;
    private final long ramSize;
    private final boolean reportOnly;
    /** KVM_CREATE_VM with KVM_VM_S390_UCONTROL: every intercept goes to the VMM. */
    private final boolean ucontrol;
    private final boolean legacyUserspace;
    final boolean userspaceExit;
    final boolean senseRunning;
    final byte[] sysib;

    // per vCPU
    final long[] pfaultToken;
    final long[] pfaultSelect;
    final long[] pfaultCompare;
    final boolean[] running;
    final long[] ranNanos;
    final long[] lastIn;
    private final long todBase;
    final boolean[] keepStateOnStart;
    final boolean[] selfRestart;
    final boolean[] waiting;
    final long[] waitPswMask;
    /**
     * An external interruption sent while its target did not wait for it (code, 0 for none), and its sender's CPU
     * address: it stays pending (interrupt.c kvm_s390_inject_vcpu) and is taken when the target next enables it.
     */
    final int[] pendingExternal;
    final long[] pendingExternalFrom;
    final int[] pendingPgm;
    final boolean[] pendingInvalidOperand;
    final int[] fieldR1;
    final int[] fieldR3;
    private final byte[][] parmBuffers;

    // per VM, changed only by traps (QEMU keeps them per machine)
    boolean watchdogArmed;
    long watchdogDeadline;
    long diag318Info;
    byte[] iplb;
    private volatile VirtioNotifySink sink = new RecordingVirtioSink();
    private final S390Ioctls ioctls = new S390Ioctls(this);
    private final S390Sigp sigp = new S390Sigp(this);
    private final S390Priv priv = new S390Priv(this);
    final S390GuestDebug debug;

    S390Vm(VmContext vm) {
        this.vm = vm;
        LIMITS.check(vm);
        this.vcpus = vm.vcpuCount();
        long end = 0;
        for (MemoryRegion r : vm.config().memory()) {
            end = Math.max(end, r.end());
        }
        this.ramSize = end;
        this.reportOnly = "report".equals(vm.option(S390Architecture.OPT_PROGRAM_INTERRUPTIONS));
        this.ucontrol = S390Architecture.VM_TYPE_UCONTROL.equals(vm.option(S390Architecture.OPT_VM_TYPE));
        this.legacyUserspace = "userspace".equals(vm.option(S390Architecture.OPT_LEGACY_VIRTIO));
        this.userspaceExit = "exit".equals(vm.option(S390Architecture.OPT_USERSPACE));
        this.senseRunning = vm.feature(S390Architecture.FEATURE_SENSE_RUNNING);
        // KVM's SYSIB; QEMU completes it unless the embedder plays QEMU's part (userspace=exit)
        this.sysib = userspaceExit ? S390Discovery.sysib322(vcpus) : S390Discovery.sysib322Qemu(vcpus);
        this.pfaultToken = new long[vcpus];
        java.util.Arrays.fill(pfaultToken, PFAULT_TOKEN_INVALID);
        this.pfaultSelect = new long[vcpus];
        this.pfaultCompare = new long[vcpus];
        this.running = new boolean[vcpus];
        this.ranNanos = new long[vcpus];
        this.lastIn = new long[vcpus];
        this.todBase = TOD_UNIX_EPOCH + tod(vm.config().realtimeEpochNanos());
        this.keepStateOnStart = new boolean[vcpus];
        this.selfRestart = new boolean[vcpus];
        this.waiting = new boolean[vcpus];
        this.waitPswMask = new long[vcpus];
        this.pendingExternal = new int[vcpus];
        this.pendingExternalFrom = new long[vcpus];
        this.pendingPgm = new int[vcpus];
        this.pendingInvalidOperand = new boolean[vcpus];
        this.fieldR1 = new int[vcpus];
        this.fieldR3 = new int[vcpus];
        this.parmBuffers = new byte[vcpus][40];
        this.debug = new S390GuestDebug(this, vcpus);
    }

    /** A vCPU's scratch buffer for a DIAG parameter block (no allocation on the trap path). */
    byte[] parmBuffer(int vcpu) {
        return parmBuffers[vcpu];
    }

    /**
     * gaccess.c access_guest_real: reads {@code len} bytes at real address {@code real} one page fragment at a time,
     * each fragment translated by prefixing on its own (kvm_s390_real_to_abs). False when a fragment is not in guest
     * memory (the caller injects the addressing exception, kvm_s390_inject_prog_cond).
     */
    boolean readReal(MemoryAccess m, long real, long prefixRegister, byte[] dst, int len) {
        int off = 0;
        while (off < len) {
            long at = real + off;
            int fragment = (int) Math.min(len - off, 4096 - (at & 4095));
            long abs = S390Registers.realToAbsolute(at, prefixRegister);
            if (!m.readable(abs, fragment)) {
                return false;
            }
            m.readBytes(abs, dst, off, fragment);
            off += fragment;
        }
        return true;
    }

    // ---------------------------------------------------------------- public state

    /**
     * Installs the virtio notification sink (null: a fresh recording one).
     * @param s the sink DIAGNOSE 0x500 notifications go to, or null for a new RecordingVirtioSink
     */
    public void virtioSink(VirtioNotifySink s) {
        sink = s == null ? new RecordingVirtioSink() : s;
    }

    /**
     * The virtio notification sink.
     * @return the sink installed now, never null
     */
    public VirtioNotifySink virtioSink() {
        return sink;
    }

    /**
     * The pfault token address of {@code vcpu}, or {@link #PFAULT_TOKEN_INVALID} when no handshake is active.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the token address DIAG 0x258 subcode 0 registered
     */
    public long pfaultToken(int vcpu) {
        return pfaultToken[vcpu];
    }

    /**
     * True while {@code vcpu} sits on a physical CPU (KVM's CPUSTAT_RUNNING, what SIGP SENSE RUNNING STATUS reads).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return whether the vCPU is scheduled in now
     */
    public boolean isRunning(int vcpu) {
        return running[vcpu];
    }

    /**
     * The control-program code the guest last set with DIAG 0x318 (0 if none).
     * @return the 64-bit CPNC and CPVC value, as KVM stores it in diag318
     */
    public long diag318Info() {
        return diag318Info;
    }

    /**
     * True while the DIAG 0x288 watchdog is armed.
     * @return whether a timer event is pending
     */
    public boolean watchdogArmed() {
        return watchdogArmed;
    }

    VmContext vm() {
        return vm;
    }

    /** Highest usable absolute address + 1 (QEMU's ram_size). */
    long ramSize() {
        return ramSize;
    }

    VirtioNotifySink sink() {
        return sink;
    }

    boolean reportOnly() {
        return reportOnly;
    }

    /**
     * True for a user-controlled VM (KVM_CREATE_VM type KVM_VM_S390_UCONTROL).
     * @return whether every intercepted instruction goes to the VMM
     */
    public boolean ucontrol() {
        return ucontrol;
    }

    /**
     * KVM_S390_IRQ with {@code KVM_S390_PROGRAM_INT} for a vCPU stopped at an exit to the VMM, as a VMM does after it
     * emulated the instruction and found it raises one: the next KVM_RUN ({@link dev.hcsim.core.Vm#completeExit},
     * {@code Machine.reenter}) delivers the program interruption through the lowcore before the guest runs on, and a
     * single-step exit still pending is dropped so that the step ends in the interruption's handler
     * (kvm-s390.c kvm_arch_vcpu_async_ioctl clears KVM_GUESTDBG_EXIT_PENDING).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param code the program-interruption code, 1 to 0xFFFF (PGM_SPECIFICATION = 6, ...)
     * @throws IllegalArgumentException for a code outside 1..0xFFFF or a vCPU out of range
     * @throws IllegalStateException when the vCPU is not at an exit to the VMM
     */
    public void injectProgramInterruption(int vcpu, int code) {
        if (vcpu < 0 || vcpu >= vcpus) {
            throw new IllegalArgumentException("vCPU index " + vcpu + " is out of range: this VM has vCPUs 0 to " + (vcpus - 1));
        }
        if (code <= 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("a program-interruption code is 16 bits and not 0, got 0x" + Integer.toHexString(code));
        }
        if (vm.frame(vcpu).outcome() != Outcome.EXIT_TO_HOST || !(vm.frame(vcpu).exit() instanceof Exit.S390Sieic)) {
            throw new IllegalStateException("vCPU " + vcpu + " is not at a KVM_EXIT_S390_SIEIC: hcsim delivers an injected program "
                    + "interruption when the VMM re-enters after an instruction it emulated");
        }
        debug.injectProgram(vcpu, code);
    }

    boolean legacyUserspace() {
        return legacyUserspace;
    }

    /** True when the codes KVM leaves to userspace exit to the embedding VMM instead of being answered as QEMU does. */
    boolean userspaceExit() {
        return userspaceExit;
    }

    /**
     * KVM returns -EOPNOTSUPP and the vCPU exits with KVM_EXIT_S390_SIEIC (kvm-s390.c
     * vcpu_post_run_handle_fault / kvm_handle_sie_intercept): icptcode 4 (instruction), ipa and ipb as
     * the SIE block holds them (ipa = opcode and R1R3 byte, ipb = B2D2 in the top half of a 32-bit word).
     * The trace number is already the DIAGNOSE's function code (or the 0x500 subcode read); the VMM decodes the code from ipb.
     */
    void toUserspace(Trap t) {
        t.exitToHost(sieic(t, Exit.S390Sieic.ICPT_INST), debug.userspaceReentry);
        pastIntercept(t);
    }

    /**
     * A user-controlled VM (KVM_VM_S390_UCONTROL): kvm_handle_sie_intercept returns -EOPNOTSUPP for every intercept
     * (intercept.c), so each instruction SIE intercepts reaches the VMM as KVM_EXIT_S390_SIEIC with the PSW past it,
     * the diagnose codes KVM owns (0x10, 0x44, 0x9c, 0x258, 0x308, 0x500) included. SIE intercepts a DIAGNOSE in
     * problem state too (kvm_s390_handle_diag's own PSW_MASK_PSTATE check injects the privileged-operation exception
     * in a default VM), so in a ucontrol VM that one reaches the VMM as well, unchecked.
     */
    private void ucontrolIntercept(Trap t) {
        int op = t.insnByte(0);
        int sub = t.insnByte(1);
        boolean intercepted = op == 0x83 || op == 0xAE || op == 0xB2 && (sub == 0x7D || sub == 0xB2 || sub == 0x12 || sub == 0x09);
        if (!intercepted) {
            operationException(t, "not an intercepted instruction");
            return;
        }
        t.callName("KVM_EXIT_S390_SIEIC (ucontrol)");
        t.number(op == 0x83 ? operand2(t) & 0xFFFF : op);
        t.exitToHost(sieic(t, Exit.S390Sieic.ICPT_INST), debug.userspaceReentry);
        pastIntercept(t);
    }

    /** The SIE block's view of the trapping instruction: ipa = its first halfword, ipb = the next two. */
    private static Exit.S390Sieic sieic(Trap t, int icptcode) {
        int ipa = (t.insnByte(0) << 8) | t.insnByte(1);
        // every instruction SIE intercepts here (DIAGNOSE, SIGP, B2xx) is 4 bytes long: ipb holds only its B2D2 halfword
        long ipb = ((long) t.insnByte(2) << 24) | (t.insnByte(3) << 16);
        return new Exit.S390Sieic(icptcode, ipa, ipb);
    }

    /** The instruction-length code of an instruction starting with opcode byte {@code op}: 1, 2 or 3 halfwords (PoP). */
    static int ilc(int op) {
        int bits = op >>> 6;
        return bits == 0 ? 1 : bits == 3 ? 3 : 2;
    }

    /** The function codes KVM's kvm_s390_handle_diag handles itself (at least for some subcodes). */
    private static boolean kvmOwned(int code) {
        return code == S390Hypercalls.DIAG_RELEASE_PAGES || code == S390Hypercalls.DIAG_TIME_SLICE_END
                || code == S390Hypercalls.DIAG_TIME_SLICE_END_DIRECTED || code == S390Hypercalls.DIAG_PAGE_REF_SERVICE
                || code == S390Hypercalls.DIAG_IPL || code == S390Hypercalls.DIAG_KVM_HYPERCALL;
    }

    // ---------------------------------------------------------------- ArchitectureVm

    @Override
    public boolean offers(HypercallSpec call) {
        return call.feature() == null || vm.feature(call.feature());
    }

    @Override
    public KvmIoctls ioctls() {
        return ioctls;
    }

    @Override
    public void save(VmSnapshot.State.Builder v, List<VmSnapshot.State.Builder> cpus) {
        S390Snapshots.save(this, v, cpus);
    }

    @Override
    public void restore(VmSnapshot.State v, List<VmSnapshot.State> cpus) {
        S390Snapshots.restore(this, v, cpus);
    }

    @Override
    public void resetVcpu(int vcpu, RegisterAccess regs) {
        if (keepStateOnStart[vcpu]) {
            // SIGP START / RESTART continue a stopped CPU: no reset (QEMU target/s390x/sigp.c sigp_start, sigp_restart).
            keepStateOnStart[vcpu] = false;
            return;
        }
        regs.set(PSWM, S390Registers.PSW_MASK_RESET);
        regs.set(PREFIX, 0);
        regs.set(S390Registers.BEAR, 1); // kvm_s390_vcpu_initial_reset: sie_block->gbea = 1
        pfaultToken[vcpu] = PFAULT_TOKEN_INVALID;
        pendingExternal[vcpu] = 0; // a CPU reset clears the pending local interruptions (kvm_s390_clear_local_irqs)
    }

    @Override
    public void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
        // kvm_arch_vcpu_load sets CPUSTAT_RUNNING (arch/s390/kvm/kvm-s390.c); SIGP SENSE RUNNING STATUS reads it.
        // The guest CPU timer starts running again (kvm_s390_vcpu_start_accounting).
        running[vcpu] = true;
        lastIn[vcpu] = nowNanos;
        waiting[vcpu] = false;
    }

    @Override
    public void scheduleOut(int vcpu, long nowNanos, boolean preempted, MemoryAccess memory) {
        // kvm_arch_vcpu_put clears CPUSTAT_RUNNING: a preempted vCPU senses as "not running" (SIGP status 0x400),
        // and its CPU timer stops (kvm_s390_vcpu_stop_accounting): the time it waits is steal time.
        if (running[vcpu]) {
            ranNanos[vcpu] += nowNanos - lastIn[vcpu];
        }
        running[vcpu] = false;
    }

    /** The TOD clock value of 1970-01-01 00:00 UTC (the TOD epoch is 1900). */
    static final long TOD_UNIX_EPOCH = 0x7D91_048B_CA00_0000L;

    /** Nanoseconds in TOD clock units (bit 51 = 1 microsecond: 4.096 units per nanosecond). */
    static long tod(long nanos) {
        return nanos / 1000 * 4096 + nanos % 1000 * 4096 / 1000;
    }

    /**
     * The TOD clock at virtual time {@code nowNanos}: the VM's realtime epoch plus virtual time.
     * @param nowNanos the virtual time in nanoseconds since the VM started
     * @return the 64-bit TOD clock value (bit 51 counts microseconds)
     */
    public long todClock(long nowNanos) {
        return todBase + tod(nowNanos);
    }

    /**
     * The CPU timer of {@code vcpu} at virtual time {@code nowNanos}: it starts at 0 and counts down
     * only while the vCPU is on a physical CPU.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param nowNanos the virtual time in nanoseconds since the VM started
     * @return the CPU timer in TOD units (negative once the vCPU has run)
     */
    public long cpuTimer(int vcpu, long nowNanos) {
        long ran = ranNanos[vcpu] + (running[vcpu] ? nowNanos - lastIn[vcpu] : 0);
        return -tod(ran);
    }

    // ---------------------------------------------------------------- the trap gate

    @Override
    public void trap(Trap t) {
        if (t.fetchedLength() < 4) {
            if (t.fetchedLength() == 0) {
                // [derived] nothing readable at the PSW address: an addressing exception on the fetch (nullified, no ILC)
                t.fault(new Fault.S390(Fault.S390.ADDRESSING, 0, t.pc()), "instruction fetch outside guest memory");
            } else {
                operationException(t, "not an intercepted instruction: fewer than 4 bytes");
            }
            return;
        }
        t.instructionLength(4);
        if (watchdogArmed && t.control().nowNanos() >= watchdogDeadline) { // never null: the engine stands in VcpuControl.NONE
            // wdt_diag288 expired: QEMU's default watchdog action is a system reset (hw/watchdog/wdt_diag288.c).
            // One event per trap: the reset is this trap's answer, in KVM's system-event words (QEMU's
            // watchdog_perform_action -> qemu_system_reset_request; KVM itself exits with no event here).
            watchdogArmed = false;
            t.note("DIAG_TIMEREVENT watchdog expired: QEMU resets the system");
            t.exitToHost(new Exit.SystemEvent(SystemEventType.RESET), REENTER);
            return;
        }
        if (ucontrol) {
            ucontrolIntercept(t); // no PER processing either: kvm_handle_sie_intercept returns before it
            return;
        }
        switch (t.decoded(Form.class, S390Vm::form)) {
            case DIAGNOSE -> diagnose(t);
            case SIGP -> sigp.sigp(t);
            case STSI -> priv.stsi(t);
            case LPSWE -> priv.lpswe(t);
            case STAP -> priv.privileged(t, "STAP");
            case STPT -> priv.privileged(t, "STPT");
            default -> operationException(t, "not an intercepted instruction");
        }
        debug.afterIntercept(t);
    }

    /** The intercepted instruction by opcode: the gate's decoded form ({@link Trap#decoded()}), made once per call site. */
    private enum Form {
        /** 83: DIAGNOSE. */
        DIAGNOSE,
        /** AE: SIGNAL PROCESSOR. */
        SIGP,
        /** B27D: STORE SYSTEM INFORMATION. */
        STSI,
        /** B2B2: LOAD PSW EXTENDED. */
        LPSWE,
        /** B212: STORE CPU ADDRESS. */
        STAP,
        /** B209: STORE CPU TIMER. */
        STPT,
        /** Anything else: an operation exception. */
        OTHER
    }

    private static Form form(Trap t) {
        int sub = t.insnByte(1);
        return switch (t.insnByte(0)) {
            case 0x83 -> Form.DIAGNOSE;
            case 0xAE -> Form.SIGP;
            case 0xB2 -> switch (sub) {
                case 0x7D -> Form.STSI;
                case 0xB2 -> Form.LPSWE;
                case 0x12 -> Form.STAP;
                case 0x09 -> Form.STPT;
                default -> Form.OTHER;
            };
            default -> Form.OTHER;
        };
    }

    private static long base(RegisterAccess r, int b2) {
        return b2 == 0 ? 0 : r.get(b2);
    }

    /** The second-operand address of an RS/S instruction: (B2 ? GPR[B2] : 0) + D2 (kvm-s390.h kvm_s390_get_base_disp_rs). */
    static long operand2(Trap t) {
        int b2 = t.insnByte(2) >>> 4;
        long d2 = ((t.insnByte(2) & 0xF) << 8) | t.insnByte(3);
        return base(t.registers(), b2) + d2;
    }

    static boolean problemState(RegisterAccess r) {
        return (r.get(PSWM) & S390Registers.PSW_MASK_PSTATE) != 0;
    }

    /** DIAGNOSE: privilege first, then the function code (arch/s390/kvm/diag.c kvm_s390_handle_diag; QEMU kvm.c handle_diag). */
    private void diagnose(Trap t) {
        RegisterAccess r = t.registers();
        int v = t.vcpu();
        if (problemState(r)) {
            program(t, S390Status.PGM_PRIVILEGED_OP, false);
            return;
        }
        int code = (int) (operand2(t) & 0xFFFF);
        t.number(code); // the function code comes from the instruction; DIAG 0x500 replaces it with r1's subcode below
        fieldR1[v] = t.insnByte(1) >>> 4;
        fieldR3[v] = t.insnByte(1) & 0xF;
        pendingPgm[v] = 0;
        HypercallTable table = vm.hypercalls();
        if (userspaceExit && !kvmOwned(code)) {
            HypercallSpec owned = S390Hypercalls.isDiag500Subcode(code) ? null : table.lookup(code);
            if (owned != null) {
                t.callName(owned.name());
            }
            toUserspace(t);
            finish(t);
            return;
        }
        if (code == S390Hypercalls.DIAG_KVM_HYPERCALL && userspaceExit) {
            // __diag_virtio_hypercall: only subcode 3 with a matching ioeventfd stays in the kernel.
            t.callName("DIAG_KVM_HYPERCALL");
            RegisterAccess r0 = t.registers();
            if (r0.get(1) == S390Hypercalls.KVM_S390_VIRTIO_CCW_NOTIFY) {
                int cookie = sink.ioeventfd(v, r0.get(2) & 0xFFFF_FFFFL, r0.get(3), r0.get(4));
                if (cookie >= 0) {
                    t.callName("KVM_S390_VIRTIO_CCW_NOTIFY");
                    r0.set(2, cookie);
                    finish(t);
                    return;
                }
            }
            toUserspace(t);
            finish(t);
            return;
        }
        if (code == S390Hypercalls.DIAG_KVM_HYPERCALL) {
            t.readCall();
            long subcode = t.number();
            // the call site's cached spec and answer: table.isOffered(subcode) without a table probe or predicate per call
            HypercallSpec diag500 = S390Hypercalls.isDiag500Subcode(subcode) ? t.lookup() : null;
            if (diag500 == null || !t.offered(diag500)) { // the site's cached answer, too
                t.callName("DIAG_KVM_HYPERCALL"); // invoke() names a call it runs by its spec: set only here, since
                // alternating two names costs a reference store (a G1 write barrier) per trap
                program(t, S390Status.PGM_SPECIFICATION, false);
                return;
            }
            t.invoke();
            if (pendingPgm[v] != 0) {
                program(t, pendingPgm[v], pendingInvalidOperand[v]);
                return;
            }
            t.complete();
            return;
        }
        HypercallSpec spec = S390Hypercalls.isDiag500Subcode(code) ? null : table.lookup(code);
        if (spec == null || !table.isOffered(code)) {
            if (spec != null) {
                t.callName(spec.name());
            }
            program(t, S390Status.PGM_SPECIFICATION, false);
            return;
        }
        t.callName(spec.name());
        try {
            spec.handler().handle(t);
        } catch (GuestFault f) {
            pendingPgm[v] = S390Status.PGM_ADDRESSING;
        }
        if (pendingPgm[v] != 0) {
            program(t, pendingPgm[v], pendingInvalidOperand[v]);
            return;
        }
        finish(t);
    }

    /** Completes a trap that wrote its registers itself: PC by the contract, no result register, status SUCCESS. */
    static void finish(Trap t) {
        t.complete();
        if (t.status() == null) {
            t.status(Status.SUCCESS);
        }
    }

    /** Called by a handler: answer with program interruption {@code code} instead of completing. */
    void raise(Trap t, int code, boolean invalidOperand) {
        t.status(S390Status.of(code, invalidOperand)); // the handler's answer, so Trap.invoke sees one
        pendingPgm[t.vcpu()] = code;
        pendingInvalidOperand[t.vcpu()] = invalidOperand;
    }

    /**
     * Hands the trap to the host; re-entry keeps r2 (the result register) as the host left it.
     * @param t the trap
     * @param exit what the host gets
     */
    static void exit(Trap t, Exit exit) {
        t.exitToHost(exit, exit instanceof Exit.Debug ? REENTER : KEEP_R2);
        if (!(exit instanceof Exit.Debug)) {
            pastIntercept(t);
        }
    }

    /**
     * KVM's PSW at an instruction intercept it hands to user space: SIE has already moved it past the
     * instruction (which is why the kernel rewinds it with kvm_s390_rewind_psw to retry one, and QEMU's
     * handlers never advance it); the next KVM_RUN continues there.
     */
    static void pastIntercept(Trap t) {
        long next = t.pc() + 2L * ilc(t.insnByte(0));
        t.registers().pc(next);
        t.resumeAt(next);
    }

    /**
     * An instruction that is not intercepted (KVM would never see it): the CPU's operation exception,
     * a suppressing exception, so the old PSW points past the instruction (ILC from its opcode).
     */
    private static void operationException(Trap t, String why) {
        int ilc = ilc(t.insnByte(0));
        t.fault(new Fault.S390(Fault.S390.OPERATION, ilc, t.pc() + 2L * ilc), why);
    }

    /** Program interruption {@code code}, delivered or reported as the VM is configured (see S390Interrupts#program). */
    void program(Trap t, int code, boolean invalidOperand) {
        S390Interrupts.program(t, code, invalidOperand, reportOnly);
    }

    boolean othersDown(VcpuControl c, int self) {
        for (int i = 0; i < vcpus; i++) {
            if (i != self) {
                VcpuState s = c.state(i);
                if (s != VcpuState.OFF && s != VcpuState.STOPPED && s != VcpuState.EXITED) {
                    return false;
                }
            }
        }
        return true;
    }

    static void setCc(RegisterAccess r, int cc) {
        r.set(PSWM, S390Registers.withCc(r.get(PSWM), cc));
    }

    /** External interruption codes of the two IPIs; the vectors passed to {@link VcpuControl#interrupt}. */
    public static final int EXT_EMERGENCY_SIGNAL = 0x1201;
    /** External interruption code of SIGP EXTERNAL CALL. */
    public static final int EXT_EXTERNAL_CALL = 0x1202;
}
