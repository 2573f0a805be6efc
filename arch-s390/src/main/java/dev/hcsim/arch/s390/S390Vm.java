package dev.hcsim.arch.s390;

import static dev.hcsim.arch.s390.S390Registers.PREFIX;
import static dev.hcsim.arch.s390.S390Registers.PREFIX_MASK;
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

    // lowcore offsets (arch/s390/include/asm/lowcore.h)
    static final int LC_PGM_ILC = 0x8C;
    static final int LC_PGM_CODE = 0x8E;
    static final int LC_PGM_LAST_BREAK = 0x110;
    static final int LC_RESTART_OLD_PSW = 0x120;
    static final int LC_PGM_OLD_PSW = 0x150;
    static final int LC_RESTART_PSW = 0x1A0;
    static final int LC_PGM_NEW_PSW = 0x1D0;
    static final int LC_EXT_CPU_ADDR = 0x84;
    static final int LC_EXT_INT_CODE = 0x86;
    static final int LC_EXT_OLD_PSW = 0x130;
    static final int LC_EXT_NEW_PSW = 0x1B0;
    static final int LC_GPREGS_SAVE_AREA = 0x1280;
    static final int LC_PSW_SAVE_AREA = 0x1300;
    static final int LC_PREFIX_SAVE_AREA = 0x1318;
    /** The first lowcore byte an interruption stores (the external CPU address at 0x84, rounded down). */
    static final int LOWCORE_FIELDS_START = 0x80;
    /** The end of the last new PSW an interruption reads (the program new PSW at 0x1D0, 16 bytes). */
    static final int LOWCORE_FIELDS_END = 0x1E0;

    /** Re-entry after an exit that answers nothing in a register (a system event, a debug stop): the PSW as it stands. */
    private static final Trap.ExitCompletion REENTER = (t, ret) -> t.status(null);
    /** Re-entry after an exit leaves r2 as it was (the engine would otherwise write the host's value there). */
    private static final Trap.ExitCompletion KEEP_R2 = (t, ret) -> t.result(0, t.registers().get(2));

    private final VmContext vm;
    private final int vcpus;
    private final long ramSize;
    private final boolean reportOnly;
    private final boolean legacyUserspace;
    private final boolean userspaceExit;
    private final boolean senseRunning;
    private final byte[] sysib;

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

    /** Highest usable absolute address + 1 (QEMU's ram_size). */
    long ramSize() {
        return ramSize;
    }

    VirtioNotifySink sink() {
        return sink;
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
     * @param functionCode the DIAGNOSE function code, for traces (the VMM decodes it from ipb)
     */
    void toUserspace(Trap t, long functionCode) {
        if (!t.dispatched()) {
            t.number(functionCode); // no subcode was read: the function code names the call in traces
        }
        t.exitToHost(sieic(t, Exit.S390Sieic.ICPT_INST), KEEP_R2);
        pastIntercept(t);
    }

    /** The SIE block's view of the trapping instruction: ipa = its first halfword, ipb = the next two. */
    private static Exit.S390Sieic sieic(Trap t, int icptcode) {
        int ipa = (t.insnByte(0) << 8) | t.insnByte(1);
        long ipb = ((long) t.insnByte(2) << 24) | (t.insnByte(3) << 16) | (t.insnByte(4) << 8) | t.insnByte(5);
        if (ilc(t.insnByte(0)) < 3) {
            ipb &= 0xFFFF_0000L; // a 4-byte instruction has only B2D2 in ipb
        }
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
        if (watchdogArmed && t.control() != null && t.control().nowNanos() >= watchdogDeadline) {
            // wdt_diag288 expired: QEMU's default watchdog action is a system reset (hw/watchdog/wdt_diag288.c).
            // One event per trap: the reset is this trap's answer, in KVM's system-event words (QEMU's
            // watchdog_perform_action -> qemu_system_reset_request; KVM itself exits with no event here).
            watchdogArmed = false;
            t.note("DIAG_TIMEREVENT watchdog expired: QEMU resets the system");
            t.exitToHost(new Exit.SystemEvent(SystemEventType.RESET), REENTER);
            return;
        }
        int op = t.insnByte(0);
        int sub = t.insnByte(1);
        switch (op) {
            case 0x83 -> diagnose(t);
            case 0xAE -> sigp(t);
            case 0xB2 -> {
                switch (sub) {
                    case 0x7D -> stsi(t);
                    case 0xB2 -> lpswe(t);
                    case 0x12, 0x09 -> privileged(t, sub == 0x12 ? "STAP" : "STPT");
                    default -> operationException(t, "not an intercepted instruction");
                }
            }
            default -> operationException(t, "not an intercepted instruction");
        }
    }

    private static long base(RegisterAccess r, int b2) {
        return b2 == 0 ? 0 : r.get(b2);
    }

    /** The second-operand address of an RS/S instruction: (B2 ? GPR[B2] : 0) + D2 (kvm-s390.h kvm_s390_get_base_disp_rs). */
    private static long operand2(Trap t) {
        int b2 = t.insnByte(2) >>> 4;
        long d2 = ((t.insnByte(2) & 0xF) << 8) | t.insnByte(3);
        return base(t.registers(), b2) + d2;
    }

    private static boolean problemState(RegisterAccess r) {
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
            toUserspace(t, code);
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
            toUserspace(t, code);
            finish(t);
            return;
        }
        if (code == S390Hypercalls.DIAG_KVM_HYPERCALL) {
            t.callName("DIAG_KVM_HYPERCALL");
            t.readCall();
            long subcode = t.number();
            if (!S390Hypercalls.isDiag500Subcode(subcode) || !table.isOffered(subcode)) {
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
    private static void finish(Trap t) {
        t.complete();
        if (t.status() == null) {
            t.status(Status.SUCCESS);
        }
    }

    /** Called by a handler: answer with program interruption {@code code} instead of completing. */
    void raise(Trap t, int code, boolean invalidOperand) {
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

    /**
     * Program interruption {@code code} (arch/s390/kvm/interrupt.c __deliver_prog): the old PSW points
     * after the instruction (the intercept already moved it), the ILC is 2 (a 4-byte instruction). With
     * a program new PSW in the lowcore, it is delivered here (lowcore written, PSW loaded:
     * {@link dev.hcsim.core.Outcome#INTERRUPTED}); without one, or with program-interruptions=report,
     * nothing is written and the embedder injects it ({@link dev.hcsim.core.Outcome#FAULT}).
     */
    void program(Trap t, int code, boolean invalidOperand) {
        t.status(S390Status.of(code, invalidOperand));
        long next = t.pc() + 4;
        Fault.S390 what = new Fault.S390(code, 2, next);
        t.resumeAt(next);
        if (reportOnly) {
            t.fault(what, null);
            return;
        }
        RegisterAccess r = t.registers();
        long lc = r.get(PREFIX) & PREFIX_MASK;
        MemoryAccess m = t.memory();
        long mask;
        long addr;
        try {
            if (!lowcoreInMemory(m, lc)) {
                throw new GuestFault(lc, LOWCORE_FIELDS_END, true); // nothing is stored: see lowcoreInMemory
            }
            mask = m.read64(lc + LC_PGM_NEW_PSW);
            addr = m.read64(lc + LC_PGM_NEW_PSW + 8);
        } catch (GuestFault f) {
            t.fault(what, "no lowcore in guest memory");
            return;
        }
        if (mask == 0 && addr == 0) {
            t.fault(what, "no program new PSW installed");
            return;
        }
        m.write(lc + LC_PGM_ILC, 2, what.instructionLength());
        m.write(lc + LC_PGM_LAST_BREAK, 8, r.get(S390Registers.BEAR)); // sie_block->gbea
        m.write(lc + LC_PGM_CODE, 2, code);
        m.write(lc + LC_PGM_OLD_PSW, 8, r.get(PSWM));
        m.write(lc + LC_PGM_OLD_PSW + 8, 8, next);
        r.set(PSWM, mask);
        r.pc(addr);
        t.interrupted(what, "delivered through the program new PSW");
        t.resumeAt(addr);
    }

    // ---------------------------------------------------------------- STSI (discovery), STAP, LPSWE

    /** STORE SYSTEM INFORMATION (arch/s390/kvm/priv.c handle_stsi): fc 0 and 3.2.2; other levels answer cc 3. */
    private void stsi(Trap t) {
        RegisterAccess r = t.registers();
        t.callName("STSI");
        if (problemState(r)) {
            program(t, S390Status.PGM_PRIVILEGED_OP, false);
            return;
        }
        long r0 = r.get(0);
        long r1 = r.get(1);
        int fc = (int) ((r0 & 0xF000_0000L) >>> 28);
        int sel1 = (int) (r0 & 0xFF);
        int sel2 = (int) (r1 & 0xFFFF);
        if (fc > 3) {
            // fc 15 needs the CPU-topology facility, which this model does not offer: "no data", cc 3.
            setCc(r, 3);
            finish(t);
            return;
        }
        if ((r0 & 0x0FFF_FF00L) != 0 || (r1 & 0xFFFF_0000L) != 0) {
            program(t, S390Status.PGM_SPECIFICATION, true);
            return;
        }
        if (fc == 0) {
            r.set(0, 3L << 28);
            setCc(r, 0);
            finish(t);
            return;
        }
        long operand = operand2(t);
        if ((operand & 0xFFF) != 0) {
            program(t, S390Status.PGM_SPECIFICATION, true);
            return;
        }
        if (fc != 3 || sel1 != 2 || sel2 != 2) {
            // fc 1 and 2 describe the host machine and LPAR (stsi on the host): not modelled, "no data" cc 3.
            setCc(r, 3);
            finish(t);
            return;
        }
        try {
            t.memory().writeCopy(S390Registers.realToAbsolute(operand, r.get(PREFIX)), sysib, 0, sysib.length);
        } catch (GuestFault f) {
            program(t, S390Status.PGM_ADDRESSING, false);
            return;
        }
        setCc(r, 0);
        r.set(0, 0);
        if (userspaceExit) {
            // KVM_CAP_S390_USER_STSI: after storing the block KVM exits so that userspace can complete it
            // (priv.c insert_stsi_usr_data: addr, ar, fc, sel1, sel2); the PSW already points past the STSI.
            int ar = t.insnByte(2) >>> 4; // kvm_s390_get_base_disp_s: the access register is the B2 field
            t.exitToHost(new Exit.S390Stsi(operand, ar, fc, sel1, sel2), KEEP_R2);
            pastIntercept(t);
        }
        finish(t);
    }

    /** STAP and STPT reach the gate only in problem state: privileged operation. */
    private void privileged(Trap t, String name) {
        t.callName(name);
        program(t, S390Status.PGM_PRIVILEGED_OP, false);
    }

    /**
     * LPSWE reaches the gate in problem state (privileged operation) or with a wait PSW: an enabled
     * wait halts the vCPU until an interruption (kvm_s390_handle_wait), resuming at the PSW address;
     * a disabled wait ends the CPU (QEMU s390_handle_wait: shutdown for the quiesce PSW address
     * ...fff, else a guest crash once no other CPU runs).
     */
    private void lpswe(Trap t) {
        RegisterAccess r = t.registers();
        if (problemState(r)) {
            t.callName("LPSWE");
            program(t, S390Status.PGM_PRIVILEGED_OP, false);
            return;
        }
        long real = operand2(t);
        long mask;
        long addr;
        try {
            long abs = S390Registers.realToAbsolute(real, r.get(PREFIX));
            mask = t.memory().read64(abs);
            addr = t.memory().read64(abs + 8);
        } catch (GuestFault f) {
            t.callName("LPSWE");
            program(t, S390Status.PGM_ADDRESSING, false);
            return;
        }
        r.set(PSWM, mask & ~S390Registers.PSW_MASK_WAIT);
        t.resumeAt(addr);
        if ((mask & S390Registers.PSW_MASK_WAIT) == 0) {
            t.callName("LPSWE");
        } else if ((mask & (S390Registers.PSW_MASK_IO | S390Registers.PSW_MASK_EXT)) != 0) {
            t.callName("LPSWE");
            t.note("enabled wait");
            int v = t.vcpu();
            if ((mask & S390Registers.PSW_MASK_EXT) != 0 && pendingExternal[v] != 0
                    && swapExternal(t.memory(), r, pendingExternal[v], pendingExternalFrom[v], mask, addr)) {
                // A pending external call is deliverable now: the wait does not wait (kvm_s390_handle_wait finds a
                // deliverable interrupt), the interruption is taken with the wait PSW as its old PSW. The halt
                // returns at once on the interruption the scheduler holds pending since it was sent.
                pendingExternal[v] = 0;
                t.resumeAt(r.pc());
            } else {
                waiting[v] = true;
                waitPswMask[v] = mask;
            }
            t.halt();
        } else {
            t.callName("LPSWE");
            t.note("disabled wait");
            VcpuControl c = t.control();
            if (othersDown(c, t.vcpu())) {
                t.note((addr & 0xFFF) == 0xFFF ? "disabled wait, quiesce PSW" : "disabled wait");
                // KVM leaves a disabled wait to user space (kvm_s390_handle_wait: -EOPNOTSUPP); QEMU's s390_handle_wait
                // shuts down for the quiesce PSW address ...fff, else reports a guest crash. One event per trap: this
                // trap's answer, in KVM's system-event words.
                r.pc(addr); // the wait PSW is loaded when the wait is intercepted: the VMM sees it
                t.exitToHost(new Exit.SystemEvent((addr & 0xFFF) == 0xFFF ? SystemEventType.SHUTDOWN : SystemEventType.CRASH), REENTER);
                return;
            }
            t.stop();
        }
        finish(t);
    }

    private boolean othersDown(VcpuControl c, int self) {
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

    // ---------------------------------------------------------------- SIGP

    /** SIGP order codes (arch/s390/include/asm/sigp.h). */
    /** SIGP condition code 2, "busy": the order cannot be taken now (sigp.c SIGP_CC_BUSY), here when the control cannot reach the target. */
    static final int SIGP_CC_BUSY = 2;
    static final int SIGP_SENSE = 1;
    static final int SIGP_EXTERNAL_CALL = 2;
    static final int SIGP_EMERGENCY_SIGNAL = 3;
    static final int SIGP_START = 4;
    static final int SIGP_STOP = 5;
    static final int SIGP_RESTART = 6;
    static final int SIGP_STOP_AND_STORE_STATUS = 9;
    static final int SIGP_INITIAL_CPU_RESET = 11;
    static final int SIGP_CPU_RESET = 12;
    static final int SIGP_SET_PREFIX = 13;
    static final int SIGP_STORE_STATUS_AT_ADDRESS = 14;
    static final int SIGP_SET_ARCHITECTURE = 18;
    static final int SIGP_COND_EMERGENCY_SIGNAL = 19;
    static final int SIGP_SENSE_RUNNING = 21;

    /** SIGP status bits stored in the low word of R1 with cc 1 (arch/s390/include/asm/sigp.h). */
    static final long SIGP_STATUS_INVALID_ORDER = 0x2;
    static final long SIGP_STATUS_STOPPED = 0x40;
    static final long SIGP_STATUS_INVALID_PARAMETER = 0x100;
    static final long SIGP_STATUS_INCORRECT_STATE = 0x200;
    static final long SIGP_STATUS_NOT_RUNNING = 0x400;

    /** External interruption codes of the two IPIs; the vectors passed to {@link VcpuControl#interrupt}. */
    public static final int EXT_EMERGENCY_SIGNAL = 0x1201;
    /** External interruption code of SIGP EXTERNAL CALL. */
    public static final int EXT_EXTERNAL_CALL = 0x1202;

    private static final String[] SIGP_NAMES = new String[256];

    static {
        java.util.Arrays.fill(SIGP_NAMES, "SIGP (unknown order)");
        SIGP_NAMES[SIGP_SENSE] = "SIGP_SENSE";
        SIGP_NAMES[SIGP_EXTERNAL_CALL] = "SIGP_EXTERNAL_CALL";
        SIGP_NAMES[SIGP_EMERGENCY_SIGNAL] = "SIGP_EMERGENCY_SIGNAL";
        SIGP_NAMES[SIGP_START] = "SIGP_START";
        SIGP_NAMES[SIGP_STOP] = "SIGP_STOP";
        SIGP_NAMES[SIGP_RESTART] = "SIGP_RESTART";
        SIGP_NAMES[SIGP_STOP_AND_STORE_STATUS] = "SIGP_STOP_AND_STORE_STATUS";
        SIGP_NAMES[SIGP_INITIAL_CPU_RESET] = "SIGP_INITIAL_CPU_RESET";
        SIGP_NAMES[SIGP_CPU_RESET] = "SIGP_CPU_RESET";
        SIGP_NAMES[SIGP_SET_PREFIX] = "SIGP_SET_PREFIX";
        SIGP_NAMES[SIGP_STORE_STATUS_AT_ADDRESS] = "SIGP_STORE_STATUS_AT_ADDRESS";
        SIGP_NAMES[SIGP_SET_ARCHITECTURE] = "SIGP_SET_ARCHITECTURE";
        SIGP_NAMES[SIGP_COND_EMERGENCY_SIGNAL] = "SIGP_COND_EMERGENCY_SIGNAL";
        SIGP_NAMES[SIGP_SENSE_RUNNING] = "SIGP_SENSE_RUNNING";
    }

    /**
     * SIGNAL PROCESSOR: order = low 8 bits of the second-operand address, CPU address = low 16 bits
     * of GPR[R3], parameter = GPR[R1+1] (GPR[R1] when R1 is odd); the condition code is set and a
     * status goes to the low word of GPR[R1] (arch/s390/kvm/sigp.c kvm_s390_handle_sigp; the orders
     * QEMU takes with KVM_CAP_S390_USER_SIGP follow target/s390x/sigp.c).
     */
    private void sigp(Trap t) {
        RegisterAccess r = t.registers();
        int order = (int) (operand2(t) & 0xFF);
        t.callName(SIGP_NAMES[order]);
        if (problemState(r)) {
            program(t, S390Status.PGM_PRIVILEGED_OP, false);
            return;
        }
        int r1 = t.insnByte(1) >>> 4;
        int r3 = t.insnByte(1) & 0xF;
        long parameter = ((r1 & 1) != 0 ? r.get(r1) : r.get(r1 + 1)) & 0xFFFF_FFFFL;
        int cpuAddr = (int) (r.get(r3) & 0xFFFF);
        int cc;
        if (order == SIGP_SET_ARCHITECTURE) {
            cc = status(r, r1, othersDown(control(t), t.vcpu()) ? SIGP_STATUS_INVALID_PARAMETER : SIGP_STATUS_INCORRECT_STATE);
        } else {
            int target = vm.vcpuIndex(cpuAddr);
            cc = target < 0 ? 3 : sigpTo(t, r, r1, order, target, parameter);
        }
        setCc(r, cc);
        if (selfRestart[t.vcpu()]) {
            selfRestart[t.vcpu()] = false;
            // SIGP RESTART to itself: the old PSW (with this cc, after the SIGP) goes to 0x120 and the restart new PSW
            // is loaded (QEMU target/s390x/sigp.c sigp_restart on an operating CPU: cpu_inject_restart).
            long lc = r.get(PREFIX) & PREFIX_MASK;
            try {
                if (!lowcoreInMemory(t.memory(), lc)) {
                    throw new GuestFault(lc, LOWCORE_FIELDS_END, true);
                }
                t.memory().write(lc + LC_RESTART_OLD_PSW, 8, r.get(PSWM));
                t.memory().write(lc + LC_RESTART_OLD_PSW + 8, 8, t.pc() + 4);
                long mask = t.memory().read64(lc + LC_RESTART_PSW);
                long addr = t.memory().read64(lc + LC_RESTART_PSW + 8);
                r.set(PSWM, mask);
                t.resumeAt(addr);
            } catch (GuestFault f) {
                // no lowcore: the restart cannot be delivered; the SIGP itself completed
            }
        }
        finish(t);
    }

    private static VcpuControl control(Trap t) {
        return t.control(); // never null: the engine stands in VcpuControl.NONE for an embedder that passes none
    }

    /** Stores a SIGP status in the low word of GPR[R1] and returns cc 1 ("status stored"). */
    private static int status(RegisterAccess r, int r1, long status) {
        r.set(r1, (r.get(r1) & 0xFFFF_FFFF_0000_0000L) | status);
        return 1;
    }

    private static boolean stopped(VcpuState s) {
        return s == VcpuState.OFF || s == VcpuState.STOPPED || s == VcpuState.EXITED;
    }

    private int sigpTo(Trap t, RegisterAccess r, int r1, int order, int target, long parameter) {
        VcpuControl c = control(t);
        boolean self = target == t.vcpu();
        VcpuState state = self ? VcpuState.RUNNING : c.state(target);
        switch (order) {
            case SIGP_SENSE -> {
                // __sigp_sense: cc 0 when operating; else status "stopped" (external-call-pending is not tracked).
                return stopped(state) ? status(r, r1, SIGP_STATUS_STOPPED) : 0;
            }
            case SIGP_EXTERNAL_CALL -> {
                deliverExternal(t, c, target, EXT_EXTERNAL_CALL);
                c.interrupt(target, EXT_EXTERNAL_CALL);
                return 0;
            }
            case SIGP_EMERGENCY_SIGNAL, SIGP_COND_EMERGENCY_SIGNAL -> {
                // __sigp_conditional_emergency tests is_vcpu_stopped(vcpu) on the *sending* vCPU, which is
                // never stopped while it executes SIGP: the signal is always injected (sigp.c, as of today).
                deliverExternal(t, c, target, EXT_EMERGENCY_SIGNAL);
                c.interrupt(target, EXT_EMERGENCY_SIGNAL);
                return 0;
            }
            case SIGP_START -> {
                if (state == VcpuState.OFF) {
                    // QEMU sigp_start (run_on_cpu): the target continues where it stopped; its PC is read in its own context
                    long[] pc = {vm.architecture().defaultEntry()};
                    c.onVcpu(target, tr -> pc[0] = tr.pc());
                    keepStateOnStart[target] = true;
                    c.start(target, pc[0], -1, 0);
                    keepStateOnStart[target] = false;
                }
                return 0;
            }
            case SIGP_STOP, SIGP_STOP_AND_STORE_STATUS -> {
                if (order == SIGP_STOP_AND_STORE_STATUS) {
                    onTarget(t, target, tr -> storeStatus(t.memory(), tr, tr.get(PREFIX) & PREFIX_MASK, self ? t.pc() + 4 : tr.pc(), 0x1200));
                }
                if (self) {
                    t.stop();
                } else if (!stopped(state)) {
                    c.stop(target);
                }
                return 0;
            }
            case SIGP_RESTART -> {
                if (self) {
                    // The restart interruption is taken after SIGP completes: see sigp().
                    selfRestart[t.vcpu()] = true;
                    return 0;
                }
                return restart(t, c, target, state) ? 0 : SIGP_CC_BUSY;
            }
            case SIGP_INITIAL_CPU_RESET, SIGP_CPU_RESET -> {
                // The reset orders put the target in the stopped state and cancel its pfault handshake
                // (kvm-s390.c kvm_arch_vcpu_ioctl_normal_reset / initial_reset; QEMU sigp_(initial_)cpu_reset).
                boolean initial = order == SIGP_INITIAL_CPU_RESET && !self;
                if (!onTarget(t, target, tr -> {
                    pfaultToken[target] = PFAULT_TOKEN_INVALID;
                    if (initial) {
                        tr.set(PSWM, 0);
                        tr.set(PREFIX, 0);
                    }
                })) {
                    return SIGP_CC_BUSY;
                }
                if (!self && !stopped(state)) {
                    c.stop(target);
                }
                return 0;
            }
            case SIGP_SET_PREFIX -> {
                // QEMU sigp_set_prefix (user SIGP): the target must be stopped, then the new lowcore must be memory.
                if (!stopped(state)) {
                    return status(r, r1, SIGP_STATUS_INCORRECT_STATE);
                }
                long address = parameter & PREFIX_MASK;
                if (!t.memory().readable(address, 1) || !t.memory().readable(address + 0x1FFF, 1)) {
                    return status(r, r1, SIGP_STATUS_INVALID_PARAMETER);
                }
                return onTarget(t, target, tr -> tr.set(PREFIX, address)) ? 0 : SIGP_CC_BUSY;
            }
            case SIGP_STORE_STATUS_AT_ADDRESS -> {
                if (!stopped(state)) {
                    return status(r, r1, SIGP_STATUS_INCORRECT_STATE);
                }
                long address = parameter & 0x7FFF_FE00L;
                if (!t.memory().readable(address, 512)) {
                    return status(r, r1, SIGP_STATUS_INVALID_PARAMETER);
                }
                return onTarget(t, target, tr -> storeStatus(t.memory(), tr, address, tr.pc(), 0)) ? 0 : SIGP_CC_BUSY;
            }
            case SIGP_SENSE_RUNNING -> {
                if (!senseRunning) {
                    return status(r, r1, SIGP_STATUS_INVALID_ORDER);
                }
                return running[target] || self ? 0 : status(r, r1, SIGP_STATUS_NOT_RUNNING);
            }
            default -> {
                // QEMU handle_sigp_single_dst: unknown order, status "invalid order", cc 1.
                return status(r, r1, SIGP_STATUS_INVALID_ORDER);
            }
        }
    }

    /**
     * A target waiting in an enabled wait takes the external interruption at once, as
     * arch/s390/kvm/interrupt.c __deliver_external_call / __deliver_emergency_signal store it: the
     * interruption code at lowcore 0x86, the sending CPU's address at 0x84, the wait PSW as the
     * external old PSW at 0x130, and the external new PSW from 0x1B0 is loaded. A guest that installed
     * no external new PSW (all zero) simply continues after its wait. A target that is not waiting
     * keeps the interruption pending (the scheduler counts it) and takes it at its next enabled wait.
     */
    private void deliverExternal(Trap t, VcpuControl c, int target, int code) {
        long from = vm.vcpuId(t.vcpu());
        boolean delivered = waiting[target] && c.state(target) == VcpuState.HALTED
                && onTarget(t, target, tr -> {
                    if (swapExternal(t.memory(), tr, code, from, waitPswMask[target], tr.pc())) {
                        waiting[target] = false;
                    }
                });
        if (!delivered && !stopped(c.state(target))) {
            pendingExternal[target] = code; // taken at the target's next enabled wait (lpswe)
            pendingExternalFrom[target] = from;
        }
    }

    /**
     * Takes external interruption {@code code} on the CPU whose registers are {@code tr}: stores the code, the
     * sender's address and the old PSW in its lowcore and loads the external new PSW. False, with nothing written,
     * when the lowcore is not guest memory or holds no external new PSW.
     */
    private boolean swapExternal(MemoryAccess m, RegisterAccess tr, int code, long from, long oldMask, long oldAddr) {
        long lc = tr.get(PREFIX) & PREFIX_MASK;
        try {
            if (!lowcoreInMemory(m, lc)) {
                return false;
            }
            long mask = m.read64(lc + LC_EXT_NEW_PSW);
            long addr = m.read64(lc + LC_EXT_NEW_PSW + 8);
            if (mask == 0 && addr == 0) {
                return false;
            }
            m.write(lc + LC_EXT_INT_CODE, 2, code);
            m.write(lc + LC_EXT_CPU_ADDR, 2, from);
            m.write(lc + LC_EXT_OLD_PSW, 8, oldMask);
            m.write(lc + LC_EXT_OLD_PSW + 8, 8, oldAddr);
            tr.set(PSWM, mask);
            tr.pc(addr);
            return true;
        } catch (GuestFault f) {
            return false; // no lowcore in guest memory: the interruption stays pending only
        }
    }

    /**
     * SIGP RESTART: the restart old PSW (0x120) gets the target's PSW, the restart new PSW (0x1A0) of
     * the target's lowcore is loaded, and a stopped target starts (QEMU target/s390x/sigp.c
     * sigp_restart, do_restart_interrupt).
     */
    private boolean restart(Trap t, VcpuControl c, int target, VcpuState state) {
        MemoryAccess m = t.memory();
        long[] addr = {-1};
        boolean reached = c.onVcpu(target, tr -> {
            long lc = tr.get(PREFIX) & PREFIX_MASK;
            try {
                if (!lowcoreInMemory(m, lc)) {
                    return;
                }
                m.write(lc + LC_RESTART_OLD_PSW, 8, tr.get(PSWM));
                m.write(lc + LC_RESTART_OLD_PSW + 8, 8, tr.pc());
                tr.set(PSWM, m.read64(lc + LC_RESTART_PSW));
                addr[0] = m.read64(lc + LC_RESTART_PSW + 8);
                if (state != VcpuState.OFF && !stopped(state)) {
                    tr.pc(addr[0]);
                }
            } catch (GuestFault f) {
                // no lowcore: the restart cannot be delivered
            }
        });
        if (!reached) {
            return false;
        }
        if (addr[0] == -1) {
            return true;
        }
        if (state == VcpuState.OFF) {
            keepStateOnStart[target] = true;
            c.start(target, addr[0], -1, 0);
            keepStateOnStart[target] = false;
        } else if (!stopped(state)) {
            c.kick(target);
        }
        return true;
    }

    /**
     * True when every lowcore field an interruption stores or loads (0x80..0x1e0 past the prefix) is guest memory.
     * KVM's deliveries (interrupt.c __deliver_prog, __deliver_restart, __deliver_external_call) store several
     * fields one after another; hcsim stores them only when all of them can be, so that a guest never finds an
     * interruption code without its old PSW.
     */
    static boolean lowcoreInMemory(MemoryAccess m, long lc) {
        return m.readable(lc + LOWCORE_FIELDS_START, LOWCORE_FIELDS_END - LOWCORE_FIELDS_START);
    }

    /**
     * Runs {@code action} on vCPU {@code target}'s registers: the caller's own directly, another's through
     * {@link VcpuControl#onVcpu} in that vCPU's context (QEMU run_on_cpu), never from this thread.
     * @return false when the control cannot reach the target (the order answers busy)
     */
    private static boolean onTarget(Trap t, int target, java.util.function.Consumer<RegisterAccess> action) {
        if (target == t.vcpu()) {
            action.accept(t.registers());
            return true;
        }
        return control(t).onVcpu(target, action);
    }

    /** Stores the status (GPRs, PSW, prefix) of a CPU at {@code base} + the save-area offsets (z/Architecture store status). */
    private static void storeStatus(MemoryAccess m, RegisterAccess tr, long base, long pc, long lowcoreBias) {
        try {
            long gprs = base + LC_GPREGS_SAVE_AREA - 0x1200 + lowcoreBias;
            if (!m.readable(gprs, LC_PREFIX_SAVE_AREA + 4 - LC_GPREGS_SAVE_AREA)) {
                return; // the save area is stored whole or not at all
            }
            for (int i = 0; i < 16; i++) {
                m.write(gprs + 8L * i, 8, tr.get(i));
            }
            m.write(base + LC_PSW_SAVE_AREA - 0x1200 + lowcoreBias, 8, tr.get(PSWM));
            m.write(base + LC_PSW_SAVE_AREA - 0x1200 + lowcoreBias + 8, 8, pc);
            m.write(base + LC_PREFIX_SAVE_AREA - 0x1200 + lowcoreBias, 4, tr.get(PREFIX));
        } catch (GuestFault ignored) {
            // the kernel ignores a failed store for STOP AND STORE STATUS of an unreadable lowcore
        }
    }
}
