package dev.hcsim.arch.s390;

import static dev.hcsim.arch.s390.S390Registers.PREFIX;
import static dev.hcsim.arch.s390.S390Registers.PREFIX_MASK;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Exit;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

/**
 * One small method per KVM diagnose function, and their {@link HypercallSpec}s.
 *
 * <p>Numbering: DIAGNOSE 0x500 is KVM's hypercall, its subcode in r1 is the call number (0..4).
 * Every other function code is selected by the DIAGNOSE instruction itself (low 16 bits of
 * {@code B2 + D2}); those are listed under their function code (0x10 and up), which never collides
 * with a 0x500 subcode. Their handlers name registers through the instruction's R1/R3 fields.
 */
public final class S390Hypercalls {
    /** The KVM hypercall function code. */
    public static final int DIAG_KVM_HYPERCALL = 0x500;

    /** DIAG 0x500 subcodes (arch/s390/include/uapi/asm/virtio-ccw.h, the removed kvm_virtio.h; QEMU s390-hypercall.h). */
    public static final long KVM_S390_VIRTIO_NOTIFY = 0;
    /** DIAG 0x500 subcode 1: legacy s390-virtio device reset (removed; a specification exception today). */
    public static final long KVM_S390_VIRTIO_RESET = 1;
    /** DIAG 0x500 subcode 2: legacy s390-virtio set device status (removed; a specification exception today). */
    public static final long KVM_S390_VIRTIO_SET_STATUS = 2;
    /** DIAG 0x500 subcode 3: virtio-ccw notify (r2 = subchannel id, r3 = queue index, r4 = cookie). */
    public static final long KVM_S390_VIRTIO_CCW_NOTIFY = 3;
    /** DIAG 0x500 subcode 4: the storage limit, the highest usable absolute address (QEMU). */
    public static final long DIAG500_STORAGE_LIMIT = 4;

    /** Diagnose function codes. */
    public static final int DIAG_RELEASE_PAGES = 0x10;
    /** DIAG 0x44: voluntary time-slice end (the vCPU yields). */
    public static final int DIAG_TIME_SLICE_END = 0x44;
    /** DIAG 0x9C: time-slice end directed to the vCPU whose address is in GPR[R1]. */
    public static final int DIAG_TIME_SLICE_END_DIRECTED = 0x9C;
    /** DIAG 0x258: page-reference services, the pfault handshake. */
    public static final int DIAG_PAGE_REF_SERVICE = 0x258;
    /** DIAG 0x288: timer event, the watchdog (arm, cancel, change). */
    public static final int DIAG_TIMEREVENT = 0x288;
    /** DIAG 0x308: IPL functions (reset and re-IPL). */
    public static final int DIAG_IPL = 0x308;
    /** DIAG 0x318: set the control-program name and version codes. */
    public static final int DIAG_SET_CONTROL_PROGRAM_CODES = 0x318;
    /** DIAG 0x501: the KVM software breakpoint (handled by the VMM when guest debugging is on). */
    public static final int DIAG_KVM_BREAKPOINT = 0x501;

    /** {@code VIRTIO_QUEUE_MAX} (QEMU include/hw/virtio/virtio.h). */
    static final int VIRTIO_QUEUE_MAX = 1024;

    /** KVM_S390_RESET_* flags (include/uapi/linux/kvm.h). */
    public static final long KVM_S390_RESET_CLEAR = 2;
    /** KVM_S390_RESET_SUBSYSTEM: reset the I/O subsystem. */
    public static final long KVM_S390_RESET_SUBSYSTEM = 4;
    /** KVM_S390_RESET_CPU_INIT: initial CPU reset. */
    public static final long KVM_S390_RESET_CPU_INIT = 8;
    /** KVM_S390_RESET_IPL: re-IPL after the reset. */
    public static final long KVM_S390_RESET_IPL = 16;

    /** DIAG 0x308 result codes in GPR[R1+1] (QEMU include/hw/s390x/ipl/diag308.h). */
    static final long DIAG_308_RC_OK = 0x0001;
    static final long DIAG_308_RC_NO_CONF = 0x0102;
    static final long DIAG_308_RC_INVALID = 0x0402;
    static final long DIAG_308_RC_NO_PV_CONF = 0x0902;
    static final long DIAG_308_RC_INVAL_FOR_PV = 0x0A02;

    private S390Hypercalls() {
    }

    /** True for the numbers that are DIAG 0x500 subcodes rather than function codes. */
    static boolean isDiag500Subcode(long n) {
        return n >= 0 && n <= DIAG500_STORAGE_LIMIT;
    }

    private static S390Vm state(Trap t) {
        return (S390Vm) t.vm().archVm();
    }

    private static void spec(Trap t) {
        state(t).raise(t, S390Status.PGM_SPECIFICATION, true);
    }

    // ---------------------------------------------------------------- DIAG 0x500

    /** Subcode 0, legacy s390-virtio notify / early printk: 0 when r2 is inside RAM, else -EINVAL (QEMU handle_virtio_notify). */
    static void virtioNotify(Trap t) {
        if (Long.compareUnsigned(t.arg(0), state(t).ramSize()) < 0) {
            t.ok(0);
        } else {
            t.fail(Status.INVALID_ADDRESS);
        }
    }

    /**
     * Subcodes 1 and 2 (legacy s390-virtio reset and set-status): gone from QEMU, so a specification
     * exception; with option legacy-virtio=userspace they go to the host as s390-diag.rst still says.
     */
    static void legacyVirtio(Trap t) {
        S390Vm s = state(t);
        if (s.legacyUserspace()) {
            // __diag_virtio_hypercall answers -EOPNOTSUPP; vcpu_post_run turns it into KVM_EXIT_S390_SIEIC with the
            // intercept's icptcode (4, instruction), ipa and ipb; the subcode stays in r1 for the VMM to read.
            s.toUserspace(t);
            return;
        }
        // an unknown subcode for today's QEMU, not a bad operand
        s.raise(t, S390Status.PGM_SPECIFICATION, false);
    }

    /**
     * Subcode 3, virtio-ccw notify: KVM's ioeventfd fast path (low 32 bits of r2 as the bus address,
     * r3 as data, r4 as cookie; r2 := bus index), else QEMU's checks of the subchannel id
     * (ioinst_disassemble_sch_ident) and the queue index (below VIRTIO_QUEUE_MAX), r2 := 0 or -EINVAL.
     */
    static void ccwNotify(Trap t) {
        S390Vm s = state(t);
        long schid = t.arg(0) & 0xFFFF_FFFFL;
        long data = t.arg(1);
        int cookie = s.sink().ioeventfd(t.vcpu(), schid, data, t.arg(2));
        if (cookie >= 0) {
            t.ok(cookie);
            return;
        }
        int id = (int) schid;
        if ((id & 0x0001_0000) == 0 || ((id & 0xFF00_0000) != 0 && (id & 0x0008_0000) == 0)) {
            t.fail(Status.NOT_PRESENT);
            return;
        }
        int queue = (int) (data & 0xFFFF);
        if (queue >= VIRTIO_QUEUE_MAX
                || !s.sink().queueNotify(t.vcpu(), (id >>> 19) & 1, id >>> 24, (id >>> 17) & 3, id & 0xFFFF, queue, data)) {
            t.fail(Status.NOT_PRESENT);
            return;
        }
        t.ok(0);
    }

    /** Subcode 4, storage limit: the highest usable absolute address, inclusive (QEMU handle_storage_limit). */
    static void storageLimit(Trap t) {
        t.ok(state(t).ramSize() - 1);
    }

    // ---------------------------------------------------------------- other function codes

    /**
     * DIAG 0x10, release pages: start = GPR[R1], end = GPR[R3] + 4 KiB; both page aligned, start below
     * end, start at least 8 KiB, else specification. The two prefix pages swap with absolute 0..8K
     * (arch/s390/kvm/diag.c diag_release_pages). Released pages read back as zero.
     */
    static void releasePages(Trap t) {
        S390Vm s = state(t);
        RegisterAccess r = t.registers();
        long start = r.get(s.fieldR1[t.vcpu()]);
        long end = r.get(s.fieldR3[t.vcpu()]) + 4096;
        if ((start & 0xFFF) != 0 || (end & 0xFFF) != 0 || Long.compareUnsigned(start, end) >= 0 || Long.compareUnsigned(start, 8192) < 0) {
            spec(t);
            return;
        }
        long prefix = r.get(PREFIX) & PREFIX_MASK;
        MemoryAccess m = t.memory();
        if (Long.compareUnsigned(end, prefix) <= 0 || Long.compareUnsigned(start, prefix + 8192) >= 0) {
            discard(m, start, end);
        } else {
            discard(m, start, prefix);
            if (Long.compareUnsigned(start, prefix) <= 0) {
                discard(m, 0, 4096);
            }
            if (Long.compareUnsigned(end, prefix + 4096) > 0) {
                discard(m, 4096, 8192);
            }
            discard(m, prefix + 8192, end);
        }
    }

    /** gmap_discard: zero whole pages of [from, to), as many as there are (no cap); stops at the first page that is not guest memory. */
    private static void discard(MemoryAccess m, long from, long to) {
        for (long p = from; Long.compareUnsigned(p, to) < 0; p += 4096) {
            try {
                m.writeZeros(p, 4096);
            } catch (GuestFault f) {
                return;
            }
        }
    }

    /** DIAG 0x44, voluntary time-slice end: kvm_vcpu_on_spin gives the physical CPU to another vCPU (diag.c __diag_time_slice_end). */
    static void timeSliceEnd(Trap t) {
        t.yieldTo(-1);
    }

    /**
     * DIAG 0x9C, directed yield to the CPU address in GPR[R1] (cut to an int): ignored for itself, an
     * unknown CPU, or one already running (diag9c forwarding is off by default); else yield to it when
     * it is runnable (diag.c __diag_time_slice_end_directed, kvm_vcpu_yield_to).
     */
    static void directedYield(Trap t) {
        S390Vm s = state(t);
        int tid = (int) t.registers().get(s.fieldR1[t.vcpu()]);
        VmContext vm = t.vm();
        if (tid == vm.vcpuId(t.vcpu())) {
            return;
        }
        int target = vm.vcpuIndex(tid);
        if (target < 0) {
            return;
        }
        if (t.control().state(target) == VcpuState.RUNNABLE) {
            t.yieldTo(target);
        }
    }

    /**
     * DIAG 0x258, page-reference services: GPR[R1] = real address of the 40-byte parameter block,
     * GPR[R3] := return code; TOKEN establishes the pfault handshake (0, or 8 when already active),
     * CANCEL ends it (0, or 4 when none was active) (diag.c __diag_page_ref_service).
     */
    static void pageRefService(Trap t) {
        S390Vm s = state(t);
        int v = t.vcpu();
        RegisterAccess r = t.registers();
        int rx = s.fieldR1[v];
        int ry = s.fieldR3[v];
        long block = r.get(rx);
        if ((block & 7) != 0) {
            spec(t);
            return;
        }
        MemoryAccess m = t.memory();
        // read_guest_real -> access_guest_real (gaccess.c): page by page, each fragment prefixed on its own.
        byte[] parm = s.parmBuffer(v);
        if (!s.readReal(m, block, r.get(PREFIX), parm, 40)) {
            s.raise(t, S390Status.PGM_ADDRESSING, false);
            return;
        }
        long code = Bytes.get(parm, 0, 2, true);
        long subcode = Bytes.get(parm, 2, 2, true);
        long len = Bytes.get(parm, 4, 2, true);
        long version = Bytes.get(parm, 6, 2, true);
        long tokenAddr = Bytes.get(parm, 8, 8, true);
        long select = Bytes.get(parm, 16, 8, true);
        long compare = Bytes.get(parm, 24, 8, true);
        long zarch = Bytes.get(parm, 32, 8, true);
        if (version != 2 || len < 5 || code != 0x258) {
            spec(t);
            return;
        }
        if (subcode == 0) {
            if (s.pfaultToken[v] != S390Vm.PFAULT_TOKEN_INVALID) {
                r.set(ry, 8);
                return;
            }
            if ((compare & select) != compare || (tokenAddr & 7) != 0 || zarch != 0x8000_0000_0000_0000L) {
                spec(t);
                return;
            }
            if (!m.readable(S390Registers.realToAbsolute(tokenAddr, r.get(PREFIX)), 1)) {
                s.raise(t, S390Status.PGM_ADDRESSING, false);
                return;
            }
            s.pfaultToken[v] = tokenAddr;
            s.pfaultSelect[v] = select;
            s.pfaultCompare[v] = compare;
            r.set(ry, 0);
        } else if (subcode == 1) {
            if (tokenAddr != 0 || select != 0 || compare != 0 || zarch != 0) {
                spec(t);
                return;
            }
            r.set(ry, s.pfaultToken[v] == S390Vm.PFAULT_TOKEN_INVALID ? 4 : 0);
            s.pfaultToken[v] = S390Vm.PFAULT_TOKEN_INVALID;
        } else if (s.userspaceExit()) {
            s.toUserspace(t);
        } else {
            // -EOPNOTSUPP: QEMU's handle_diag has no 0x258, so a specification exception.
            spec(t);
        }
    }

    /**
     * DIAG 0x288, watchdog (QEMU target/s390x/diag.c handle_diag_288, hw/watchdog/wdt_diag288.c):
     * GPR[R1] = function (0 init, 1 change, 2 cancel), GPR[R1+1] = timeout in seconds, GPR[R3] = action.
     */
    static void watchdog(Trap t) {
        S390Vm s = state(t);
        int r1 = s.fieldR1[t.vcpu()];
        RegisterAccess r = t.registers();
        if ((r1 & 1) != 0 || r.get(s.fieldR3[t.vcpu()]) != 0) {
            spec(t);
            return;
        }
        long func = r.get(r1);
        long timeout = r.get(r1 + 1);
        if (func != 2 && Long.compareUnsigned(timeout, 15) < 0) {
            spec(t);
            return;
        }
        long now = t.control().nowNanos();
        if (func == 0 || func == 1) {
            if (func == 0) {
                s.watchdogArmed = true;
            }
            if (!s.watchdogArmed) {
                spec(t);
                return;
            }
            long ns = Long.compareUnsigned(timeout, Long.MAX_VALUE / 1_000_000_000L) > 0 ? Long.MAX_VALUE - now : timeout * 1_000_000_000L;
            s.watchdogDeadline = now + ns;
        } else if (func == 2) {
            if (!s.watchdogArmed) {
                spec(t);
                return;
            }
            s.watchdogArmed = false;
        } else {
            spec(t);
        }
    }

    /**
     * DIAG 0x308, IPL functions. KVM takes subcodes 3 and 4 of the low 16 bits of GPR[R3]: the vCPU
     * stops and exits with KVM_EXIT_S390_RESET (flags 0x1E / 0x1C) (diag.c __diag_ipl_functions).
     * The rest goes to QEMU (target/s390x/diag.c handle_diag_308) with the subcode unmasked.
     */
    static void ipl(Trap t) {
        S390Vm s = state(t);
        int v = t.vcpu();
        int r1 = s.fieldR1[v];
        RegisterAccess r = t.registers();
        long subcode = r.get(s.fieldR3[v]);
        long low = subcode & 0xFFFF;
        if (low == 3 || low == 4) {
            long flags = (low == 3 ? KVM_S390_RESET_CLEAR : 0) | KVM_S390_RESET_SUBSYSTEM | KVM_S390_RESET_IPL | KVM_S390_RESET_CPU_INIT;
            S390Vm.exit(t, new Exit.S390Reset(flags)); // diag.c __diag_ipl_functions
            return;
        }
        if (s.userspaceExit()) {
            s.toUserspace(t);
            return;
        }
        if ((subcode & ~0xFFFFL) != 0) {
            spec(t);
            return;
        }
        boolean unpack = t.vm().feature(S390Architecture.FEATURE_UNPACK);
        if (subcode >= 8 && !unpack) {
            spec(t);
            return;
        }
        long addr = r.get(r1);
        MemoryAccess m = t.memory();
        switch ((int) subcode) {
            case 0, 1 -> {
                // QEMU handle_diag_308 -> s390_ipl_reset_request -> qemu_system_reset_request: one event per trap,
                // this trap's answer in KVM's system-event words (subcode 0 modified clear, 1 load normal).
                t.note(subcode == 0 ? "diag 308 subcode 0: modified clear reset" : "diag 308 subcode 1: load normal");
                t.exitToHost(new Exit.SystemEvent(SystemEventType.RESET), S390Vm.REENTER);
                return;
            }
            case 5, 8 -> {
                if (!parmCheck(t, r1, addr)) {
                    return;
                }
                long len = m.read32(addr);
                int pbt = (int) m.read8(addr + 12);
                boolean valid = Long.compareUnsigned(len, 4096) <= 0 && ((pbt == 0x00 && len >= 384) || (pbt == 0x02 && len >= 200)
                        || (pbt == 0x04 && len >= 376));
                if (subcode == 8) {
                    r.set(r1 + 1, DIAG_308_RC_INVAL_FOR_PV);
                } else if (!valid) {
                    r.set(r1 + 1, DIAG_308_RC_INVALID);
                } else {
                    byte[] block = new byte[(int) len];
                    m.readBytes(addr, block, 0, block.length);
                    s.iplb = block;
                    r.set(r1 + 1, DIAG_308_RC_OK);
                }
            }
            case 6, 9 -> {
                if (!parmCheck(t, r1, addr)) {
                    return;
                }
                byte[] block = subcode == 6 ? s.iplb : null;
                if (block == null) {
                    r.set(r1 + 1, subcode == 6 ? DIAG_308_RC_NO_CONF : DIAG_308_RC_NO_PV_CONF);
                } else {
                    m.writeBytes(addr, block, 0, block.length);
                    r.set(r1 + 1, DIAG_308_RC_OK);
                }
            }
            case 10 -> {
                // QEMU writes regs[r1 + 1] without a parity check; for R1 = 15 that is past the register file
                // (undefined there), answered here with a specification exception.
                if (r1 == 15) {
                    spec(t);
                } else {
                    r.set(r1 + 1, DIAG_308_RC_NO_PV_CONF);
                }
            }
            default -> spec(t);
        }
    }

    /** diag308_parm_check: R1 even and the address 4 KiB aligned (else specification), a 4 KiB block accessible (else addressing). */
    private static boolean parmCheck(Trap t, int r1, long addr) {
        if ((r1 & 1) != 0 || (addr & 0xFFF) != 0) {
            spec(t);
            return false;
        }
        if (!t.memory().readable(addr, 1) || !t.memory().readable(addr + 4095, 1)) {
            state(t).raise(t, S390Status.PGM_ADDRESSING, false);
            return false;
        }
        return true;
    }

    /** DIAG 0x318: GPR[R1] = control-program name/version code, set on every CPU (QEMU kvm.c handle_diag_318). */
    static void controlProgramCodes(Trap t) {
        S390Vm s = state(t);
        s.diag318Info = t.registers().get(s.fieldR1[t.vcpu()]);
    }

    /**
     * DIAG 0x501, software breakpoint: with a debugger (feature sw-breakpoints) the vCPU stops for it
     * (KVM_EXIT_DEBUG); without one the guest gets an operation exception (QEMU kvm.c
     * handle_sw_breakpoint returns -ENOENT, handle_instruction injects PGM_OPERATION).
     */
    static void breakpoint(Trap t) {
        if (t.vm().feature(S390Architecture.FEATURE_SW_BREAKPOINTS)) {
            S390Vm.exit(t, new Exit.Debug(t.pc()));
            return;
        }
        state(t).raise(t, S390Status.PGM_OPERATION, false);
    }

    // ---------------------------------------------------------------- the list

    private static final List<HypercallSpec> ALL = List.of(
            HypercallSpec.builder(KVM_S390_VIRTIO_NOTIFY, "KVM_S390_VIRTIO_NOTIFY", S390Hypercalls::virtioNotify)
                    .summary("diag 0x500, r1 = 0: legacy s390-virtio notify / early printk; r2 = guest address; r2 := 0 if inside RAM, else -EINVAL")
                    .source("QEMU hw/s390x/s390-hypercall.c handle_virtio_notify; arch/s390/include/uapi/asm/kvm_virtio.h (removed)")
                    .availability("implemented by QEMU (legacy)")
                    .statuses(Status.SUCCESS, Status.INVALID_ADDRESS, Status.PERMISSION).build(),
            HypercallSpec.builder(KVM_S390_VIRTIO_RESET, "KVM_S390_VIRTIO_RESET", S390Hypercalls::legacyVirtio)
                    .summary("diag 0x500, r1 = 1: legacy s390-virtio device reset")
                    .source("QEMU hw/s390x/s390-hypercall.c handle_diag_500 default; Documentation/virt/kvm/s390/s390-diag.rst")
                    .availability("removed: specification exception (option legacy-virtio=userspace: exit to the host, as s390-diag.rst says)")
                    .statuses(Status.NOT_IMPLEMENTED, Status.SUCCESS, Status.PERMISSION).build(),
            HypercallSpec.builder(KVM_S390_VIRTIO_SET_STATUS, "KVM_S390_VIRTIO_SET_STATUS", S390Hypercalls::legacyVirtio)
                    .summary("diag 0x500, r1 = 2: legacy s390-virtio set device status")
                    .source("QEMU hw/s390x/s390-hypercall.c handle_diag_500 default; Documentation/virt/kvm/s390/s390-diag.rst")
                    .availability("removed: specification exception (option legacy-virtio=userspace: exit to the host, as s390-diag.rst says)")
                    .statuses(Status.NOT_IMPLEMENTED, Status.SUCCESS, Status.PERMISSION).build(),
            HypercallSpec.builder(KVM_S390_VIRTIO_CCW_NOTIFY, "KVM_S390_VIRTIO_CCW_NOTIFY", S390Hypercalls::ccwNotify)
                    .summary("diag 0x500, r1 = 3: virtio-ccw notify; r2 = subchannel id, r3 = queue index / notification data, r4 = cookie; "
                            + "r2 := cookie (KVM ioeventfd path) or 0 / -EINVAL (QEMU)")
                    .source("arch/s390/kvm/diag.c __diag_virtio_hypercall; QEMU hw/s390x/s390-hypercall.c handle_virtio_ccw_notify")
                    .statuses(Status.SUCCESS, Status.NOT_PRESENT, Status.PERMISSION).build(),
            HypercallSpec.builder(DIAG500_STORAGE_LIMIT, "DIAG500_STORAGE_LIMIT", S390Hypercalls::storageLimit)
                    .summary("diag 0x500, r1 = 4: storage limit; r2 := highest usable absolute address (RAM size - 1)")
                    .source("QEMU hw/s390x/s390-hypercall.c handle_storage_limit; arch/s390/boot/physmem_info.c DIAG500_SC_STOR_LIMIT")
                    .statuses(Status.SUCCESS, Status.PERMISSION).build(),
            HypercallSpec.builder(DIAG_RELEASE_PAGES, "DIAG_RELEASE_PAGES", S390Hypercalls::releasePages)
                    .summary("diag R1,R3,0x10: release pages GPR[R1] .. GPR[R3] + 4K (page aligned, start >= 8K); prefix pages swapped")
                    .source("arch/s390/kvm/diag.c diag_release_pages")
                    .statuses(Status.SUCCESS, Status.INVALID_PARAMETER, Status.PERMISSION).build(),
            HypercallSpec.builder(DIAG_TIME_SLICE_END, "DIAG_TIME_SLICE_END", S390Hypercalls::timeSliceEnd)
                    .summary("diag 0,0,0x44: voluntary time-slice end; yields the physical CPU (kvm_vcpu_on_spin)")
                    .source("arch/s390/kvm/diag.c __diag_time_slice_end")
                    .statuses(Status.SUCCESS, Status.PERMISSION).build(),
            HypercallSpec.builder(DIAG_TIME_SLICE_END_DIRECTED, "DIAG_TIME_SLICE_END_DIRECTED", S390Hypercalls::directedYield)
                    .summary("diag R1,0,0x9c: directed yield to the CPU address (int) in GPR[R1]; ignored for self, unknown or running targets")
                    .source("arch/s390/kvm/diag.c __diag_time_slice_end_directed")
                    .statuses(Status.SUCCESS, Status.PERMISSION).build(),
            HypercallSpec.builder(DIAG_PAGE_REF_SERVICE, "DIAG_PAGE_REF_SERVICE", S390Hypercalls::pageRefService)
                    .summary("diag R1,R3,0x258: pfault TOKEN (subcode 0) / CANCEL (1) with a 40-byte block at real GPR[R1]; "
                            + "GPR[R3] := 0, 4 (cancel, none active) or 8 (token, already active)")
                    .source("arch/s390/kvm/diag.c __diag_page_ref_service; arch/s390/mm/pfault.c")
                    .statuses(Status.SUCCESS, Status.INVALID_PARAMETER, Status.FAULT, Status.PERMISSION).build(),
            HypercallSpec.builder(DIAG_TIMEREVENT, "DIAG_TIMEREVENT", S390Hypercalls::watchdog)
                    .feature(S390Architecture.FEATURE_DIAG288)
                    .summary("diag R1,R3,0x288: watchdog; GPR[R1] = 0 init / 1 change / 2 cancel, GPR[R1+1] = timeout (>= 15 s), "
                            + "GPR[R3] = action (0)")
                    .source("QEMU target/s390x/diag.c handle_diag_288; hw/watchdog/wdt_diag288.c")
                    .statuses(Status.SUCCESS, Status.INVALID_PARAMETER, Status.PERMISSION).build(),
            HypercallSpec.builder(DIAG_IPL, "DIAG_IPL", S390Hypercalls::ipl)
                    .summary("diag R1,R3,0x308: IPL functions; subcode GPR[R3]: 3/4 (KVM, low 16 bits) reset with KVM_EXIT_S390_RESET; "
                            + "0/1 system reset; 5/6 set/store IPL block at GPR[R1], GPR[R1+1] := result; 8-10 protected virtualization")
                    .source("arch/s390/kvm/diag.c __diag_ipl_functions; QEMU target/s390x/diag.c handle_diag_308")
                    .statuses(Status.SUCCESS, Status.INVALID_PARAMETER, Status.FAULT, Status.PERMISSION).build(),
            HypercallSpec.builder(DIAG_SET_CONTROL_PROGRAM_CODES, "DIAG_SET_CONTROL_PROGRAM_CODES", S390Hypercalls::controlProgramCodes)
                    .feature(S390Architecture.FEATURE_DIAG318)
                    .summary("diag R1,0,0x318: set the control-program name/version code GPR[R1] on every CPU")
                    .source("QEMU target/s390x/kvm/kvm.c handle_diag_318")
                    .statuses(Status.SUCCESS, Status.NOT_IMPLEMENTED, Status.PERMISSION).build(),
            HypercallSpec.builder(DIAG_KVM_BREAKPOINT, "DIAG_KVM_BREAKPOINT", S390Hypercalls::breakpoint)
                    .summary("diag 0,0,0x501: software breakpoint; stops for the debugger (feature sw-breakpoints), else operation exception")
                    .source("QEMU target/s390x/kvm/kvm.c handle_sw_breakpoint, handle_instruction")
                    .statuses(Status.SUCCESS, Status.NOT_SUPPORTED, Status.PERMISSION).build());

    /** Every diagnose function and DIAG 0x500 subcode, in number order. */
    static List<HypercallSpec> all() {
        return ALL;
    }
}
