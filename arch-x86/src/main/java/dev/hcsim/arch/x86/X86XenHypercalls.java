package dev.hcsim.arch.x86;

import dev.hcsim.core.Exit;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.spi.AbiFamily;
import dev.hcsim.core.spi.CallRegisters;
import dev.hcsim.core.spi.Trap;
import java.util.List;

/**
 * The Xen hypercall ABI as KVM emulates it (arch/x86/kvm/xen.c {@code kvm_xen_hypercall}): what
 * {@code kvm_emulate_hypercall} runs for every {@code vmcall}/{@code vmmcall} once the VMM turned on Xen hypercall
 * interception. RAX is the hypercall number; the arguments are RDI, RSI, RDX, R10, R8, R9 in 64-bit mode and EBX, ECX,
 * EDX, ESI, EDI, EBP (each cut to 32 bits) otherwise; the result is all of RAX, a value or a negative Linux errno.
 * A call at CPL &gt; 0, and every call or sub-operation the kernel does not handle, exits to the VMM as
 * {@code KVM_EXIT_XEN} (type HCALL); its result is written on re-entry only if RIP has not moved.
 */
public final class X86XenHypercalls {
    private X86XenHypercalls() {
    }

    /** __HYPERVISOR_set_timer_op (include/xen/interface/xen.h). */
    public static final long SET_TIMER_OP = 15;
    /** __HYPERVISOR_xen_version. */
    public static final long XEN_VERSION = 17;
    /** __HYPERVISOR_vcpu_op. */
    public static final long VCPU_OP = 24;
    /** __HYPERVISOR_sched_op. */
    public static final long SCHED_OP = 29;
    /** __HYPERVISOR_event_channel_op. */
    public static final long EVENT_CHANNEL_OP = 32;
    /** XENVER_version (include/xen/interface/version.h): the only xen_version command handled in the kernel. */
    public static final long XENVER_VERSION = 0;
    /** EVTCHNOP_send (include/xen/interface/event_channel.h). */
    public static final long EVTCHNOP_SEND = 4;
    /** SCHEDOP_yield (include/xen/interface/sched.h). */
    public static final int SCHEDOP_YIELD = 0;
    /** SCHEDOP_poll. */
    public static final int SCHEDOP_POLL = 3;
    /** VCPUOP_set_singleshot_timer (include/xen/interface/vcpu.h). */
    public static final int VCPUOP_SET_SINGLESHOT_TIMER = 8;
    /** VCPUOP_stop_singleshot_timer. */
    public static final int VCPUOP_STOP_SINGLESHOT_TIMER = 9;
    /** Bit 31 of EAX: a Hyper-V hypercall through Xen's dispatcher when Hyper-V is enabled. */
    public static final long HYPERV_BIT = 0x8000_0000L;
    /** "Xen (unofficially) limits number of pollers to 128" (kvm_xen_schedop_poll). */
    static final int MAX_POLL_PORTS = 128;
    /** The 100 ms set_timer_op uses for a negative or more than 2^50 ns away timeout ("Linux workaround"). */
    static final long TIMER_FALLBACK_NS = 100_000_000L;

    /** The Xen ABI as documentation data (hcsim explain, hcsim table); {@link #hypercall} is what dispatches. */
    public static final AbiFamily ABI = new AbiFamily("Xen HVM (arch/x86/kvm/xen.c)", X86Architecture.XEN, "rax",
            "first in kvm_emulate_hypercall when the VMM set KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL and a hypercall MSR (--feature xen, "
                    + "--xen-hypercall-msr; xen.h kvm_xen_hypercall_enabled): every vmcall/vmmcall is Xen's",
            List.of("number RAX (EAX outside 64-bit mode); arguments RDI, RSI, RDX, R10, R8, R9 in 64-bit mode, EBX, ECX, EDX, ESI, EDI, "
                            + "EBP (u32) otherwise; result all 64 bits of RAX, RIP + 3 (kvm_xen_hypercall_set_result)",
                    "CPL > 0: every call exits to the VMM before any is looked at (\"Only allow hypercall acceleration for CPL0\")",
                    "EAX bit 31 set with Hyper-V enabled (--feature hyperv): the call is Hyper-V's (kvm_hv_hypercall), checked first",
                    "an unhandled call exits: KVM_EXIT_XEN type KVM_XEN_HCALL {longmode, cpl, input, params[6], result}; on re-entry "
                            + "RAX = result and RIP + 3 only if RIP has not moved (kvm_xen_hypercall_complete_userspace)",
                    "hypercall page: the guest's wrmsr of --xen-hypercall-msr with a page GPA writes 128 stubs of 32 bytes: b8 <n as "
                            + "u32>, 0f 01 c1 (Intel) or 0f 01 d9 (AMD), c3, 23 x cc; page number != 0 is #GP (kvm_xen_write_hypercall_page)"),
            X86XenStatus.CODEC,
            List.of(new AbiFamily.Call(SET_TIMER_OP, "__HYPERVISOR_set_timer_op", "timeout (64-bit; params[0] | params[1] << 32 in "
                            + "32-bit mode): start the Xen timer, 0 stops it; a negative or > 2^50 ns timeout is now + 100 ms. Exits without "
                            + "a timer port (--xen-timer-port)", List.of("0"), "xen.c kvm_xen_hcall_set_timer_op"),
                    new AbiFamily.Call(XEN_VERSION, "__HYPERVISOR_xen_version", "XENVER_version (0): the VMM's --xen-version; other "
                            + "commands, or no version set, exit", List.of(), "xen.c kvm_xen_hypercall"),
                    new AbiFamily.Call(VCPU_OP, "__HYPERVISOR_vcpu_op", "VCPUOP_set_singleshot_timer (8) reads {u64 timeout_abs_ns, u32 "
                            + "flags} and starts the timer, VCPUOP_stop_singleshot_timer (9) stops it; the Xen vCPU id must match; other "
                            + "commands, or no timer port, exit", List.of("0", "-EFAULT", "-EINVAL"), "xen.c kvm_xen_hcall_vcpu_op"),
                    new AbiFamily.Call(SCHED_OP, "__HYPERVISOR_sched_op", "SCHEDOP_yield (0): directed yield. SCHEDOP_poll (3) with "
                            + "--xen-evtchn-send on: reads struct sched_poll, at most 128 ports, each below 4096 (1024 compat); halts until a "
                            + "port is pending in shared_info, a kick, an interrupt or the timeout; without EVTCHN_SEND it yields. Other "
                            + "commands exit", List.of("0", "-EFAULT", "-EINVAL"), "xen.c kvm_xen_hcall_sched_op, kvm_xen_schedop_poll"),
                    new AbiFamily.Call(EVENT_CHANNEL_OP, "__HYPERVISOR_event_channel_op", "EVTCHNOP_send (4) reads {u32 port}; a port "
                            + "the VMM registered (--xen-evtchn-port) raises its target port in shared_info and the target's vcpu_info "
                            + "(a masked port too) or signals its eventfd; an unregistered port or a failed delivery exits",
                            List.of("0", "-EFAULT"), "xen.c kvm_xen_hcall_evtchn_send, kvm_xen_set_evtchn_fast")));

    /** The 64-bit argument registers: RDI, RSI, RDX, R10, R8, R9. */
    private static final int[] ARGS64 = {X86Registers.RDI, X86Registers.RSI, X86Registers.RDX, 10, 8, 9};
    /** The 32-bit argument registers: EBX, ECX, EDX, ESI, EDI, EBP. */
    private static final int[] ARGS32 = {X86Registers.RBX, X86Registers.RCX, X86Registers.RDX, X86Registers.RSI, X86Registers.RDI,
        X86Registers.RBP};

    /** What a 64-bit Xen call read, by Xen's names (traces, hcsim call): RAX, then RDI, RSI, RDX, R10, R8, R9. */
    static final CallRegisters READ64 = new CallRegisters(List.of(CallRegisters.Entry.of("rax", X86Registers.RAX, 64),
            CallRegisters.Entry.of("rdi", X86Registers.RDI, 64), CallRegisters.Entry.of("rsi", X86Registers.RSI, 64),
            CallRegisters.Entry.of("rdx", X86Registers.RDX, 64), CallRegisters.Entry.of("r10", 10, 64), CallRegisters.Entry.of("r8", 8, 64),
            CallRegisters.Entry.of("r9", 9, 64)));
    /** What a 32-bit Xen call read: EAX, then EBX, ECX, EDX, ESI, EDI, EBP, each its low 32 bits. */
    static final CallRegisters READ32 = new CallRegisters(List.of(CallRegisters.Entry.of("eax", X86Registers.RAX, 32),
            CallRegisters.Entry.of("ebx", X86Registers.RBX, 32), CallRegisters.Entry.of("ecx", X86Registers.RCX, 32),
            CallRegisters.Entry.of("edx", X86Registers.RDX, 32), CallRegisters.Entry.of("esi", X86Registers.RSI, 32),
            CallRegisters.Entry.of("edi", X86Registers.RDI, 32), CallRegisters.Entry.of("ebp", X86Registers.RBP, 32)));

    /**
     * The name of a hypercall number, for traces.
     * @param nr the number
     * @return its __HYPERVISOR_* name, or null
     */
    public static String name(long nr) {
        if (nr == SET_TIMER_OP) {
            return "__HYPERVISOR_set_timer_op";
        } else if (nr == XEN_VERSION) {
            return "__HYPERVISOR_xen_version";
        } else if (nr == VCPU_OP) {
            return "__HYPERVISOR_vcpu_op";
        } else if (nr == SCHED_OP) {
            return "__HYPERVISOR_sched_op";
        } else if (nr == EVENT_CHANNEL_OP) {
            return "__HYPERVISOR_event_channel_op";
        }
        return null;
    }

    /** is_64_bit_hypercall (x86.h): EFER.LMA and CS.L. */
    static boolean longMode(RegisterAccess r) {
        return r.get(X86Registers.EFER_LMA) != 0 && r.get(X86Registers.CS_L) != 0;
    }

    /**
     * kvm_xen_hypercall. The trap's instruction is a native {@code vmcall}/{@code vmmcall} (the gate checked it).
     * @param t the trap
     * @param x86 the VM (Hyper-V's hand-off, the single-step rule)
     */
    static void hypercall(Trap t, X86Vm x86) {
        X86Xen x = x86.xen();
        RegisterAccess r = t.registers();
        boolean longmode = longMode(r);
        // kvm_register_read: outside 64-bit mode a register reads as its low 32 bits.
        long input = longmode ? r.get(X86Registers.RAX) : r.get(X86Registers.RAX) & 0xFFFF_FFFFL;
        if ((input & HYPERV_BIT) != 0 && x86.hypervHypercallEnabled(t.vcpu())) {
            x86.hypervHypercall(t); // "Hyper-V hypercalls get bit 31 set in EAX"
            return;
        }
        t.narrow(!longmode);
        t.number(input);
        t.codec(X86XenStatus.CODEC);
        t.callRegisters(longmode ? READ64 : READ32);
        long[] params = x.params[t.vcpu()];
        int[] from = longmode ? ARGS64 : ARGS32;
        for (int i = 0; i < 6; i++) {
            long v = r.get(from[i]);
            params[i] = longmode ? v : v & 0xFFFF_FFFFL;
        }
        int cpl = (int) (r.get(X86Registers.CPL) & 3);
        String name = name(input);
        if (name != null) {
            t.callName(name);
        }
        if (cpl > 0) {
            // "Only allow hypercall acceleration for CPL0. The rare hypercalls that are permitted in guest userspace can
            // be handled by the VMM."
            exit(t, longmode, cpl, input, params, "CPL > 0: every Xen hypercall goes to the VMM");
            return;
        }
        MemoryAccess m = t.memory();
        long now = t.control().nowNanos();
        X86XenEvents.fireDue(x, now, m, t.control());
        long result;
        try {
            result = inKernel(t, x, longmode, input, params, m, now);
        } catch (GuestFault f) {
            result = X86XenStatus.EFAULT; // a read that kvm_read_guest_virt could not complete
        }
        if (result == NOT_HANDLED) {
            exit(t, longmode, cpl, input, params, "not handled in the kernel: KVM_EXIT_XEN");
            return;
        }
        setResult(t, result);
    }

    /** A sentinel no handler returns: none of the in-kernel results is Long.MIN_VALUE. */
    private static final long NOT_HANDLED = Long.MIN_VALUE;

    /** The switch of kvm_xen_hypercall: the result, or NOT_HANDLED for "handle in userspace". */
    private static long inKernel(Trap t, X86Xen x, boolean longmode, long input, long[] params, MemoryAccess m, long now) {
        if (input == XEN_VERSION) {
            return params[0] == XENVER_VERSION && x.xenVersion() != 0 ? x.xenVersion() : NOT_HANDLED;
        } else if (input == EVENT_CHANNEL_OP) {
            return params[0] == EVTCHNOP_SEND ? evtchnSend(t, x, params[1], m) : NOT_HANDLED;
        } else if (input == SCHED_OP) {
            return schedOp(t, x, longmode, (int) params[0], params[1], m, now);
        } else if (input == VCPU_OP) {
            return vcpuOp(t, x, longmode, (int) params[0], (int) params[1], params[2], m, now);
        } else if (input == SET_TIMER_OP) {
            long timeout = params[0];
            if (!longmode) {
                timeout |= params[1] << 32; // "In 32-bit mode, the 64-bit timeout is in two 32-bit params."
            }
            return setTimerOp(t, x, timeout, m, now);
        }
        return NOT_HANDLED;
    }

    /**
     * kvm_xen_hcall_evtchn_send: reads {@code struct evtchn_send} (a u32 port); an unregistered port, or a delivery that
     * fails other than by masking, exits; an eventfd target is signalled.
     */
    private static long evtchnSend(Trap t, X86Xen x, long param, MemoryAccess m) {
        int sendPort = (int) m.read32(param);
        X86Xen.Port p = x.port(sendPort);
        if (p == null) {
            return NOT_HANDLED;
        }
        if (p.deliverPort() != 0) {
            long rc = X86XenEvents.setEvtchn(x, p.deliverPort(), p.vcpuId(), m, t.control());
            if (rc < 0 && rc != X86XenStatus.ENOTCONN) {
                return NOT_HANDLED;
            }
        } else {
            x.signalEventfd(sendPort);
        }
        return 0;
    }

    /** kvm_xen_hcall_sched_op: SCHEDOP_poll, falling through to SCHEDOP_yield when poll is not handled. */
    private static long schedOp(Trap t, X86Xen x, boolean longmode, int cmd, long param, MemoryAccess m, long now) {
        if (cmd == SCHEDOP_POLL) {
            long r = schedopPoll(t, x, longmode, param, m, now);
            if (r != NOT_HANDLED) {
                return r;
            }
        } else if (cmd != SCHEDOP_YIELD) {
            return NOT_HANDLED;
        }
        t.yieldTo(-1); // kvm_vcpu_on_spin(vcpu, true): a directed yield to a vCPU that is not running
        return 0;
    }

    /**
     * kvm_xen_schedop_poll: only with KVM_XEN_HVM_CONFIG_EVTCHN_SEND. Reads {@code struct sched_poll} (64-bit: ports
     * pointer u64, nr_ports u32, timeout u64 at 16; compat: u32, u32, u64 at 8), at most 128 ports, each below
     * max_evtchn_port; then halts unless one is pending in shared_info (or shared_info is unmapped), until a kick, an
     * interrupt or the timeout. Guest virtual addresses are guest physical here (no MMU in the model).
     */
    private static long schedopPoll(Trap t, X86Xen x, boolean longmode, long param, MemoryAccess m, long now) {
        if (!x.evtchnSendEnabled()) {
            return NOT_HANDLED;
        }
        long portsGva;
        long nrPorts;
        long timeout;
        if (!longmode) {
            portsGva = m.read32(param);
            nrPorts = m.read32(param + 4);
            timeout = m.read64(param + 8);
        } else {
            portsGva = m.read64(param);
            nrPorts = m.read32(param + 8);
            timeout = m.read64(param + 16);
        }
        if (nrPorts > MAX_POLL_PORTS) { // checked only for nr_ports > 1, which this implies
            return X86XenStatus.EINVAL;
        }
        int n = (int) nrPorts;
        if (n > 0 && !m.readable(portsGva, n * 4)) {
            return X86XenStatus.EFAULT;
        }
        int max = x.maxEvtchnPort();
        for (int i = 0; i < n; i++) {
            long port = m.read32(portsGva + 4L * i);
            if (port >= max) {
                return X86XenStatus.EINVAL;
            }
        }
        int v = t.vcpu();
        x.pollEvtchn[v] = n == 1 ? (int) m.read32(portsGva) : -1;
        x.polling[v] = true;
        if (!waitPendingEvent(x, n, portsGva, m)) {
            // vcpu->arch.mp_state = KVM_MP_STATE_HALTED; mod_timer(poll_timer, timeout); kvm_vcpu_halt
            if (timeout != 0) {
                x.pollDeadline[v] = now + timeout < now ? Long.MAX_VALUE - 1 : now + timeout;
                t.control().armTimer(v, x.pollDeadline[v]);
            }
            t.halt();
        } else {
            X86XenEvents.pollDone(x, v);
        }
        return 0;
    }

    /** wait_pending_event: true when shared_info is unmapped or one of the ports is pending. */
    private static boolean waitPendingEvent(X86Xen x, int n, long portsGva, MemoryAccess m) {
        if (!X86XenEvents.sharedInfoMapped(x, m)) {
            return true;
        }
        long pending = x.sharedInfoGpa() + X86XenEvents.PENDING_OFFSET;
        for (int i = 0; i < n; i++) {
            if (X86XenEvents.test(m, pending, (int) m.read32(portsGva + 4L * i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * kvm_xen_hcall_vcpu_op: only with the Xen timer enabled (a timer port set); set_singleshot_timer reads {@code
     * struct vcpu_set_singleshot_timer} (16 bytes, 12 in compat mode) and starts the timer; both operations check the
     * Xen vCPU id.
     */
    private static long vcpuOp(Trap t, X86Xen x, boolean longmode, int cmd, int vcpuId, long param, MemoryAccess m, long now) {
        int v = t.vcpu();
        if (x.timerVirq[v] == 0) {
            return NOT_HANDLED;
        }
        if (cmd == VCPUOP_SET_SINGLESHOT_TIMER) {
            if (x.xenVcpuId[v] != vcpuId) {
                return X86XenStatus.EINVAL;
            }
            if (!m.readable(param, longmode ? 16 : 12)) {
                return X86XenStatus.EFAULT;
            }
            long abs = m.read64(param);
            startTimer(t, x, v, abs, abs - now, m);
            return 0;
        } else if (cmd == VCPUOP_STOP_SINGLESHOT_TIMER) {
            if (x.xenVcpuId[v] != vcpuId) {
                return X86XenStatus.EINVAL;
            }
            X86XenEvents.stopTimer(x, v);
            return 0;
        }
        return NOT_HANDLED;
    }

    /**
     * kvm_xen_hcall_set_timer_op: 0 stops the timer; a negative timeout, or one more than 2^50 ns ahead, becomes
     * now + 100 ms (Xen's "Linux workaround" in do_set_timer_op).
     */
    private static long setTimerOp(Trap t, X86Xen x, long timeout, MemoryAccess m, long now) {
        int v = t.vcpu();
        if (x.timerVirq[v] == 0) {
            return NOT_HANDLED;
        }
        if (timeout != 0) {
            long delta = timeout - now;
            if (timeout < 0 || (delta > 0 && (int) (delta >> 50) != 0)) {
                delta = TIMER_FALLBACK_NS;
                timeout = now + delta;
            }
            startTimer(t, x, v, timeout, delta, m);
        } else {
            X86XenEvents.stopTimer(x, v);
        }
        return 0;
    }

    private static void startTimer(Trap t, X86Xen x, int v, long abs, long delta, MemoryAccess m) {
        X86XenEvents.startTimer(x, v, abs, delta, m, t.control());
        if (x.timerExpires[v] != 0) {
            t.control().armTimer(v, abs);
        }
    }

    /**
     * kvm_xen_hypercall_set_result: RAX = the result, all 64 bits in either mode, and RIP past the instruction
     * (kvm_skip_emulated_instruction; the gate adds the single-step trap).
     */
    private static void setResult(Trap t, long result) {
        Status s = X86XenStatus.CODEC.decode(result);
        if (s == null || s == Status.SUCCESS) {
            t.ok(result); // a value (xen_version's answer)
        } else {
            t.fail(s);
        }
        t.complete();
        t.registers().set(X86Registers.RAX, result); // the contract cut the value to u32 in 32-bit mode; Xen does not
    }

    /**
     * handle_in_userspace: KVM_EXIT_XEN, type KVM_EXIT_XEN_HCALL, with longmode, cpl, input and params[6];
     * hypercall_rip remembers the RIP. The kernel does not preset {@code result}; hcsim presets 0.
     */
    private static void exit(Trap t, boolean longmode, int cpl, long input, long[] params, String why) {
        t.note(why);
        t.exitToHost(new Exit.XenHcall(longmode, cpl, input, 0, List.of(params[0], params[1], params[2], params[3], params[4], params[5])),
                X86XenHypercalls::completeUserspace);
    }

    /**
     * kvm_xen_hypercall_complete_userspace: if the VMM moved RIP (kvm_is_linear_rip fails), nothing is written and the
     * vCPU goes on at the new RIP; else RAX = {@code xen.u.hcall.result} (64 bits) and RIP advances, with the
     * single-step trap when RFLAGS.TF is set.
     */
    static void completeUserspace(Trap t, long result) {
        RegisterAccess r = t.registers();
        if (r.pc() != t.pc()) {
            t.resumeAt(r.pc());
            return;
        }
        r.set(X86Registers.RAX, result);
        long next = t.pc() + 3;
        r.pc(next);
        t.resumeAt(next);
        if (X86Vm.singleStepping(t)) {
            X86Vm.singleStep(t);
        }
    }
}
