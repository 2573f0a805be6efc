package dev.hcsim.arch.riscv;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import dev.hcsim.core.Exit;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.spi.HypercallHandler;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One small method per SBI function KVM RISC-V answers in the kernel for BASE, TIME, IPI, RFENCE and SRST
 * (arch/riscv/kvm/vcpu_sbi_base.c, vcpu_sbi_replace.c), the helpers every extension shares, and the list of
 * every call's spec. The other extensions have their own classes: {@link RiscvSbiLegacy} (v0.1),
 * {@link RiscvSbiHsm}, {@link RiscvSbiSystem} (SUSP), {@link RiscvSbiPmu}, {@link RiscvSbiSta},
 * {@link RiscvSbiFwft} and {@link RiscvSbiForward} (DBCN, MPXY, experimental, vendor).
 *
 * <p>A spec's number is {@code EID << 32 | FID} (the legacy calls: {@code EID << 32}); EIDs are 32-bit
 * values by the SBI specification, so the key is unique and sorts by extension.
 */
public final class RiscvHypercalls {
    // Extension IDs (arch/riscv/include/asm/sbi.h enum sbi_ext_id)
    /** SBI_EXT_0_1_SET_TIMER. */
    public static final long EXT_0_1_SET_TIMER = 0x0;
    /** SBI_EXT_0_1_CONSOLE_PUTCHAR. */
    public static final long EXT_0_1_CONSOLE_PUTCHAR = 0x1;
    /** SBI_EXT_0_1_CONSOLE_GETCHAR. */
    public static final long EXT_0_1_CONSOLE_GETCHAR = 0x2;
    /** SBI_EXT_0_1_CLEAR_IPI. */
    public static final long EXT_0_1_CLEAR_IPI = 0x3;
    /** SBI_EXT_0_1_SEND_IPI. */
    public static final long EXT_0_1_SEND_IPI = 0x4;
    /** SBI_EXT_0_1_REMOTE_FENCE_I. */
    public static final long EXT_0_1_REMOTE_FENCE_I = 0x5;
    /** SBI_EXT_0_1_REMOTE_SFENCE_VMA. */
    public static final long EXT_0_1_REMOTE_SFENCE_VMA = 0x6;
    /** SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID. */
    public static final long EXT_0_1_REMOTE_SFENCE_VMA_ASID = 0x7;
    /** SBI_EXT_0_1_SHUTDOWN. */
    public static final long EXT_0_1_SHUTDOWN = 0x8;
    /** SBI_EXT_BASE. */
    public static final long EXT_BASE = 0x10;
    /** SBI_EXT_TIME ("TIME"). */
    public static final long EXT_TIME = 0x54494D45L;
    /** SBI_EXT_IPI ("sPI"). */
    public static final long EXT_IPI = 0x735049;
    /** SBI_EXT_RFENCE ("RFNC"). */
    public static final long EXT_RFENCE = 0x52464E43L;
    /** SBI_EXT_HSM ("HSM"). */
    public static final long EXT_HSM = 0x48534D;
    /** SBI_EXT_SRST ("SRST"). */
    public static final long EXT_SRST = 0x53525354L;
    /** SBI_EXT_SUSP ("SUSP"). */
    public static final long EXT_SUSP = 0x53555350L;
    /** SBI_EXT_PMU ("PMU"). */
    public static final long EXT_PMU = 0x504D55;
    /** SBI_EXT_DBCN ("DBCN"). */
    public static final long EXT_DBCN = 0x4442434EL;
    /** SBI_EXT_STA ("STA"). */
    public static final long EXT_STA = 0x535441;
    /** SBI_EXT_FWFT ("FWFT"). */
    public static final long EXT_FWFT = 0x46574654L;
    /** SBI_EXT_MPXY ("MPXY"). */
    public static final long EXT_MPXY = 0x4D505859L;
    /** SBI_EXT_EXPERIMENTAL_START. */
    public static final long EXT_EXPERIMENTAL_START = 0x0800_0000L;
    /** SBI_EXT_EXPERIMENTAL_END. */
    public static final long EXT_EXPERIMENTAL_END = 0x08FF_FFFFL;
    /** SBI_EXT_VENDOR_START. */
    public static final long EXT_VENDOR_START = 0x0900_0000L;
    /** SBI_EXT_VENDOR_END. */
    public static final long EXT_VENDOR_END = 0x09FF_FFFFL;

    /** KVM_SBI_IMPID (arch/riscv/include/asm/kvm_vcpu_sbi.h): KVM's SBI implementation ID. */
    public static final long KVM_SBI_IMPID = 3;
    /** SBI_SPEC_VERSION_MAJOR_SHIFT. */
    public static final int SPEC_VERSION_MAJOR_SHIFT = 24;

    /** KVM_SYSTEM_EVENT_SHUTDOWN (include/uapi/linux/kvm.h). */
    public static final int SYSTEM_EVENT_SHUTDOWN = 1;
    /** KVM_SYSTEM_EVENT_RESET. */
    public static final int SYSTEM_EVENT_RESET = 2;
    /** EXC_INST_ACCESS (arch/riscv/include/asm/csr.h): instruction access fault, scause 1. */
    public static final long EXC_INST_ACCESS = 1;
    /** EXC_LOAD_ACCESS: load access fault, scause 5. */
    public static final long EXC_LOAD_ACCESS = 5;

    /** IRQ_S_SOFT: the guest's supervisor software interrupt (sip.SSIP, bit 1), what IRQ_VS_SOFT shows as in VS-mode. */
    public static final int IRQ_S_SOFT = 1;
    /** IRQ_S_TIMER: sip.STIP, bit 5. */
    public static final int IRQ_S_TIMER = 5;

    static final String UNKNOWN_EXTENSION = "unknown or disabled SBI extension";
    static final String UNKNOWN_FUNCTION = "unknown SBI function of a known extension";
    static final String ILLEGAL_SHORT = "instruction fetch outside guest memory";
    static final String ILLEGAL_NOT_ECALL = "not ecall";
    static final String ECALL_FROM_VU = "a system call, delegated to the guest's own S-mode handler";

    static final long M32 = 0xFFFF_FFFFL;
    static final long[] NO_ARGS = new long[0];

    private RiscvHypercalls() {
    }

    /**
     * The table key of extension {@code eid}, function {@code fid}: {@code eid << 32 | fid}; a FID or EID
     * wider than 32 bits names no function ({@code 0xffffffff} in its half).
     * @param eid the extension ID (a7)
     * @param fid the function ID (a6)
     * @return the key specs are listed under
     */
    public static long key(long eid, long fid) {
        long e = (eid >>> 32) != 0 ? M32 : eid;
        long f = (fid >>> 32) != 0 ? M32 : fid;
        return e << 32 | f;
    }

    static RiscvVm state(Trap t) {
        return (RiscvVm) t.vm().archVm();
    }

    /** sbi_ret: err_val = SBI_SUCCESS, out_val = {@code value} in a1. */
    static void value(Trap t, long value) {
        t.status(Status.SUCCESS);
        t.result(1, value);
    }

    /** sbi_ret: err_val = SBI_SUCCESS, out_val left at 0. */
    static void success(Trap t) {
        t.status(Status.SUCCESS);
    }

    /** sbi_ret.err_val = {@code s}; out_val left as it is (0 unless the handler set it). */
    static void error(Trap t, Status s) {
        t.fail(s);
    }

    /** "6.18" as LINUX_VERSION_CODE: KERNEL_VERSION(6, 18, 0) = 0x61200. */
    static long linuxVersionCode(String v) {
        List<String> p = Splitter.on('.').splitToList(v.trim());
        try {
            long major = Long.parseLong(p.get(0));
            long minor = p.size() > 1 ? Long.parseLong(p.get(1)) : 0;
            long patch = p.size() > 2 ? Math.min(255, Long.parseLong(p.get(2))) : 0;
            return major << 16 | minor << 8 | patch;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("linux-version: '" + v + "' is not a kernel version such as 6.18");
        }
    }

    /** "3.0" as GET_SPEC_VERSION answers it: major << 24 | minor. */
    static long specVersion(String v) {
        List<String> p = Splitter.on('.').splitToList(v.trim());
        return Long.parseLong(p.get(0)) << SPEC_VERSION_MAJOR_SHIFT | (p.size() > 1 ? Long.parseLong(p.get(1)) : 0);
    }

    // ---------------------------------------------------------------- BASE (vcpu_sbi_base.c kvm_sbi_ext_base_handler)

    /** GET_SPEC_VERSION: KVM_SBI_VERSION_MAJOR << 24 | KVM_SBI_VERSION_MINOR. */
    static void getSpecVersion(Trap t) {
        value(t, state(t).specVersion());
    }

    /** GET_IMP_ID: KVM_SBI_IMPID = 3. */
    static void getImpId(Trap t) {
        value(t, KVM_SBI_IMPID);
    }

    /** GET_IMP_VERSION: LINUX_VERSION_CODE of the host kernel. */
    static void getImpVersion(Trap t) {
        value(t, state(t).impVersion());
    }

    /**
     * PROBE_EXT(a0): an ID in the experimental or vendor range is forwarded to the VMM (who alone knows);
     * otherwise the extension's probe (PMU: a host PMU, STA: sched_info_on) when it is enabled, 1 without a
     * probe, 0 when unknown or disabled.
     */
    static void probeExt(Trap t) {
        long id = t.arg(0);
        if ((id >= EXT_EXPERIMENTAL_START && id <= EXT_EXPERIMENTAL_END) || (id >= EXT_VENDOR_START && id <= EXT_VENDOR_END)) {
            RiscvSbiForward.forward(t, state(t), SbiExtension.BASE); // named PROBE_EXT already: BASE never shows
            return;
        }
        SbiExtension ext = SbiExtension.ofEid(id);
        value(t, ext == null ? 0 : state(t).probe(t.vcpu(), ext));
    }

    /** GET_MVENDORID: vcpu->arch.mvendorid (the host's, or what the VMM set through ONE_REG CONFIG). */
    static void getMvendorid(Trap t) {
        value(t, state(t).mvendorid());
    }

    /** GET_MARCHID. */
    static void getMarchid(Trap t) {
        value(t, state(t).marchid());
    }

    /** GET_MIMPID. */
    static void getMimpid(Trap t) {
        value(t, state(t).mimpid());
    }

    // ---------------------------------------------------------------- TIME, IPI, RFENCE, SRST (vcpu_sbi_replace.c)

    /**
     * TIME SET_TIMER(a0 = stime_value): kvm_riscv_vcpu_timer_next_event clears the pending timer interrupt
     * and programs the next event; a deadline already past makes STIP pending at once. Counts
     * SBI_PMU_FW_SET_TIMER.
     */
    static void setTimer(Trap t) {
        RiscvVm s = state(t);
        s.pmu(t.vcpu()).incrFw(RiscvSbiPmu.FW_SET_TIMER);
        programTimer(t, s, t.arg(0));
        success(t);
    }

    static void programTimer(Trap t, RiscvVm s, long cycles) {
        RegisterAccess r = t.registers();
        s.timerNext(t.vcpu(), cycles);
        long now = ticks(t.vm(), t.control().nowNanos());
        long sip = r.get(RiscvRegisters.SIP) & ~(1L << IRQ_S_TIMER);
        if (Long.compareUnsigned(cycles, now) <= 0) {
            sip |= 1L << IRQ_S_TIMER;
        }
        r.set(RiscvRegisters.SIP, sip);
    }

    /** The time CSR at {@code nanos}: virtual nanoseconds at the VM's timebase (VmConfig tscHz). */
    static long ticks(VmContext vm, long nanos) {
        long hz = vm.config().tscHz();
        return (nanos / 1_000_000_000L) * hz + (nanos % 1_000_000_000L) * hz / 1_000_000_000L;
    }

    /**
     * IPI SEND_IPI(a0 = hart_mask, a1 = hart_mask_base): kvm_sbi_ext_ipi_handler. Base -1 means every vCPU.
     * Otherwise vCPUs are visited in index order: ids below the base are skipped, an id at base + XLEN or
     * above ends the walk, ids whose mask bit is set get IRQ_VS_SOFT. A mask bit naming no vCPU makes
     * the answer SBI_ERR_INVALID_PARAM, with the IPIs to the others already sent.
     */
    static void sendIpi(Trap t) {
        RiscvVm s = state(t);
        long hmask = t.arg(0);
        long hbase = t.arg(1);
        s.pmu(t.vcpu()).incrFw(RiscvSbiPmu.FW_IPI_SENT);
        VmContext vm = t.vm();
        long sent = 0;
        for (int i = 0; i < vm.vcpuCount(); i++) {
            long bit = 0;
            if (hbase != -1L) {
                long id = vm.vcpuId(i);
                if (Long.compareUnsigned(id, hbase) < 0) {
                    continue;
                }
                bit = id - hbase;
                if (Long.compareUnsigned(bit, 64) >= 0) {
                    break; // goto done
                }
                if ((hmask & (1L << bit)) == 0) {
                    continue;
                }
            }
            ipi(t, s, i);
            sent |= 1L << bit;
        }
        if (hbase != -1L && (hmask ^ sent) != 0) {
            error(t, Status.INVALID_PARAMETER);
        } else {
            success(t);
        }
    }

    /** kvm_riscv_vcpu_set_interrupt(IRQ_VS_SOFT) on vCPU {@code i}, counted as SBI_PMU_FW_IPI_RCVD there. */
    static void ipi(Trap t, RiscvVm s, int i) {
        t.control().interrupt(i, IRQ_S_SOFT); // the scheduler wakes a wfi; the target's sip is not simulated
        s.pmu(i).incrFw(RiscvSbiPmu.FW_IPI_RCVD);
    }

    /** RFENCE REMOTE_FENCE_I: kvm_riscv_fence_i on the harts of the mask (no TLB or icache is simulated); SBI_PMU_FW_FENCE_I_SENT. */
    static void remoteFenceI(Trap t) {
        state(t).pmu(t.vcpu()).incrFw(RiscvSbiPmu.FW_FENCE_I_SENT);
        success(t);
    }

    /** RFENCE REMOTE_SFENCE_VMA: kvm_riscv_hfence_vvma_all / _gva; counted as SBI_PMU_FW_HFENCE_VVMA_SENT. */
    static void remoteSfenceVma(Trap t) {
        state(t).pmu(t.vcpu()).incrFw(RiscvSbiPmu.FW_HFENCE_VVMA_SENT);
        success(t);
    }

    /** RFENCE REMOTE_SFENCE_VMA_ASID: kvm_riscv_hfence_vvma_asid_*; counted as SBI_PMU_FW_HFENCE_VVMA_ASID_SENT. */
    static void remoteSfenceVmaAsid(Trap t) {
        state(t).pmu(t.vcpu()).incrFw(RiscvSbiPmu.FW_HFENCE_VVMA_ASID_SENT);
        success(t);
    }

    /** The four HFENCE functions: "Until nested virtualization is implemented, the SBI HFENCE calls should return not supported". */
    static void remoteHfence(Trap t) {
        error(t, Status.NOT_SUPPORTED);
    }

    /**
     * SRST SYSTEM_RESET(a0 = type, a1 = reason, both u32): SHUTDOWN (0) exits with KVM_SYSTEM_EVENT_SHUTDOWN,
     * COLD_REBOOT (1) and WARM_REBOOT (2) with KVM_SYSTEM_EVENT_RESET, data[0] = reason, every vCPU stopped
     * (kvm_riscv_vcpu_sbi_system_reset); any other type: SBI_ERR_NOT_SUPPORTED.
     */
    static void systemReset(Trap t) {
        long type = t.arg(0) & M32;
        long reason = t.arg(1) & M32;
        if (type == 0) {
            systemEvent(t, SYSTEM_EVENT_SHUTDOWN, reason, "shutdown (SBI SRST)");
        } else if (type == 1 || type == 2) {
            systemEvent(t, SYSTEM_EVENT_RESET, reason, type == 1 ? "reset (SBI SRST cold reboot)" : "reset (SBI SRST warm reboot)");
        } else {
            error(t, Status.NOT_SUPPORTED);
        }
    }

    /**
     * kvm_riscv_vcpu_sbi_system_reset: every vCPU stopped, KVM_EXIT_SYSTEM_EVENT with ndata = 1 and
     * data[0] = {@code reason}. Nothing is written and sepc stays at the ecall (retdata->uexit: next_sepc =
     * false); the next KVM_RUN writes nothing either (only KVM_EXIT_RISCV_SBI has a return path).
     */
    static void systemEvent(Trap t, int type, long reason, String kind) {
        // no status of its own: Trap.invoke answers SUCCESS for an exit that set none (err_val stays 0)
        for (int i = 0; i < t.vm().vcpuCount(); i++) {
            t.control().stop(i); // mp_state = KVM_MP_STATE_STOPPED for every vCPU, the caller too
        }
        t.note(kind);
        t.exitToHost(new Exit.SystemEvent(SystemEventType.of(type), reason), UNCHANGED_ON_REENTRY);
    }

    /** Re-entry after a system event: a0 and a1 as they are, sepc still at the ecall. */
    static final Trap.ExitCompletion UNCHANGED_ON_REENTRY = (t, hostReturn) -> {
        RegisterAccess r = t.registers();
        t.result(0, r.get(RiscvRegisters.A0));
        t.result(1, r.get(RiscvRegisters.A1));
        t.status(null);
        t.resumeAt(t.pc());
    };

    // ---------------------------------------------------------------- the specs

    private static final String BASE_SRC = "arch/riscv/kvm/vcpu_sbi_base.c kvm_sbi_ext_base_handler";
    private static final String REPLACE = "arch/riscv/kvm/vcpu_sbi_replace.c ";

    static HypercallSpec.Builder call(long eid, long fid, String name, HypercallHandler h, String summary, String source,
            Status... statuses) {
        return HypercallSpec.builder(key(eid, fid), name, h).summary(summary).source(source).statuses(statuses);
    }

    /** Every call, in key order. */
    static final List<HypercallSpec> ALL = build();

    private static List<HypercallSpec> build() {
        List<HypercallSpec.Builder> l = new ArrayList<>();
        RiscvSbiLegacy.specs(l);
        l.add(call(EXT_BASE, 0, "SBI_EXT_BASE_GET_SPEC_VERSION", RiscvHypercalls::getSpecVersion, "a1 = KVM_SBI_VERSION_MAJOR << 24 "
                + "| MINOR (3.0: 0x3000000; option sbi-version)", BASE_SRC, Status.SUCCESS));
        l.add(call(EXT_BASE, 1, "SBI_EXT_BASE_GET_IMP_ID", RiscvHypercalls::getImpId, "a1 = KVM_SBI_IMPID = 3 (KVM)", BASE_SRC,
                Status.SUCCESS));
        l.add(call(EXT_BASE, 2, "SBI_EXT_BASE_GET_IMP_VERSION", RiscvHypercalls::getImpVersion, "a1 = LINUX_VERSION_CODE of the host "
                + "(option linux-version)", BASE_SRC, Status.SUCCESS));
        l.add(call(EXT_BASE, 3, "SBI_EXT_BASE_PROBE_EXT", RiscvHypercalls::probeExt, "a0 = EID: a1 = the extension's probe (1 when "
                + "it has none) if enabled, else 0; an experimental or vendor EID exits KVM_EXIT_RISCV_SBI", BASE_SRC, Status.SUCCESS));
        l.add(call(EXT_BASE, 4, "SBI_EXT_BASE_GET_MVENDORID", RiscvHypercalls::getMvendorid, "a1 = vcpu->arch.mvendorid (option "
                + "mvendorid)", BASE_SRC, Status.SUCCESS));
        l.add(call(EXT_BASE, 5, "SBI_EXT_BASE_GET_MARCHID", RiscvHypercalls::getMarchid, "a1 = vcpu->arch.marchid (option marchid)",
                BASE_SRC, Status.SUCCESS));
        l.add(call(EXT_BASE, 6, "SBI_EXT_BASE_GET_MIMPID", RiscvHypercalls::getMimpid, "a1 = vcpu->arch.mimpid (option mimpid)",
                BASE_SRC, Status.SUCCESS));
        l.add(call(EXT_TIME, 0, "SBI_EXT_TIME_SET_TIMER", RiscvHypercalls::setTimer, "a0 = absolute time-CSR deadline: clears STIP, "
                + "programs the timer (STIP at once when already past)", REPLACE + "kvm_sbi_ext_time_handler", Status.SUCCESS)
                .feature(SbiExtension.TIME.feature()));
        l.add(call(EXT_IPI, 0, "SBI_EXT_IPI_SEND_IPI", RiscvHypercalls::sendIpi, "a0 = hart mask, a1 = mask base (-1: all harts): "
                + "IRQ_VS_SOFT to each; a mask bit naming no hart: -3 (the others are still sent)", REPLACE
                + "kvm_sbi_ext_ipi_handler", Status.SUCCESS, Status.INVALID_PARAMETER).feature(SbiExtension.IPI.feature()));
        l.add(call(EXT_RFENCE, 0, "SBI_EXT_RFENCE_REMOTE_FENCE_I", RiscvHypercalls::remoteFenceI, "a0 = hart mask, a1 = base: "
                + "remote fence.i (no icache is simulated)", REPLACE + "kvm_sbi_ext_rfence_handler", Status.SUCCESS)
                .feature(SbiExtension.RFENCE.feature()));
        l.add(call(EXT_RFENCE, 1, "SBI_EXT_RFENCE_REMOTE_SFENCE_VMA", RiscvHypercalls::remoteSfenceVma, "a0 mask, a1 base, a2 start, "
                + "a3 size: hfence.vvma on the harts (no TLB is simulated)", REPLACE + "kvm_sbi_ext_rfence_handler", Status.SUCCESS)
                .feature(SbiExtension.RFENCE.feature()));
        l.add(call(EXT_RFENCE, 2, "SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID", RiscvHypercalls::remoteSfenceVmaAsid, "a0 mask, a1 base, "
                + "a2 start, a3 size, a4 asid", REPLACE + "kvm_sbi_ext_rfence_handler", Status.SUCCESS)
                .feature(SbiExtension.RFENCE.feature()));
        String[] hfence = {"HFENCE_GVMA_VMID", "HFENCE_GVMA", "HFENCE_VVMA_ASID", "HFENCE_VVMA"};
        for (int i = 0; i < hfence.length; i++) {
            l.add(call(EXT_RFENCE, 3 + i, "SBI_EXT_RFENCE_REMOTE_" + hfence[i], RiscvHypercalls::remoteHfence, "no nested "
                    + "virtualization: -2 (NOPs before 6.16)", REPLACE + "kvm_sbi_ext_rfence_handler", Status.NOT_SUPPORTED)
                    .feature(SbiExtension.RFENCE.feature()).availability("not supported: SBI_ERR_NOT_SUPPORTED"));
        }
        l.add(call(EXT_SRST, 0, "SBI_EXT_SRST_RESET", RiscvHypercalls::systemReset, "a0 = type (u32: 0 shutdown, 1 cold, 2 warm), "
                + "a1 = reason: KVM_EXIT_SYSTEM_EVENT SHUTDOWN / RESET, data[0] = reason, every hart stopped; other types -2",
                REPLACE + "kvm_sbi_ext_srst_handler", Status.SUCCESS, Status.NOT_SUPPORTED).feature(SbiExtension.SRST.feature()));
        RiscvSbiHsm.specs(l);
        RiscvSbiSystem.specs(l);
        RiscvSbiPmu.specs(l);
        RiscvSbiForward.specs(l);
        RiscvSbiSta.specs(l);
        RiscvSbiFwft.specs(l);
        return l.stream().map(HypercallSpec.Builder::build).sorted(Comparator.comparingLong(HypercallSpec::number))
                .collect(ImmutableList.toImmutableList());
    }
}
