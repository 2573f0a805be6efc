package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;

import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.util.Arrays;
import java.util.List;

/**
 * The Performance Monitoring Unit extension as far as a guest sees it (arch/riscv/kvm/vcpu_sbi_pmu.c,
 * vcpu_pmu.c). Without Sscofpmf on the host (option {@code host-pmu=none}, the default) the extension is
 * unavailable: PROBE_EXT answers 0 and every call SBI_ERR_NOT_SUPPORTED. With it, the counter layout,
 * counter info, configuration matching, start/stop bookkeeping and all their errors, the firmware counters
 * (which KVM counts itself: SET_TIMER, IPIs, remote fences) and the snapshot area are modelled; the
 * hardware events count nothing (no host perf events behind them: a read gives the initial value) and
 * overflow interrupts are never raised.
 */
final class RiscvSbiPmu {
    /** SBI_PMU_FW_SET_TIMER (enum sbi_pmu_fw_generic_events_t). */
    static final int FW_SET_TIMER = 5;
    /** SBI_PMU_FW_IPI_SENT. */
    static final int FW_IPI_SENT = 6;
    /** SBI_PMU_FW_IPI_RCVD. */
    static final int FW_IPI_RCVD = 7;
    /** SBI_PMU_FW_FENCE_I_SENT. */
    static final int FW_FENCE_I_SENT = 8;
    /** SBI_PMU_FW_HFENCE_VVMA_SENT (what KVM counts for REMOTE_SFENCE_VMA). */
    static final int FW_HFENCE_VVMA_SENT = 18;
    /** SBI_PMU_FW_HFENCE_VVMA_ASID_SENT. */
    static final int FW_HFENCE_VVMA_ASID_SENT = 20;
    /** SBI_PMU_FW_MAX. */
    static final int FW_MAX = 22;
    /** RISCV_KVM_MAX_COUNTERS. */
    static final int MAX_COUNTERS = 64;
    /** RISCV_KVM_MAX_HW_CTRS. */
    static final int MAX_HW_CTRS = 32;
    /** CSR_CYCLE, the first counter CSR. */
    static final int CSR_CYCLE = 0xC00;
    /** SBI_PMU_EVENT_TYPE_FW. */
    static final int TYPE_FW = 0xF;
    /** SBI_PMU_CFG_FLAG_SKIP_MATCH. */
    static final long CFG_SKIP_MATCH = 1;
    /** SBI_PMU_CFG_FLAG_CLEAR_VALUE. */
    static final long CFG_CLEAR_VALUE = 2;
    /** SBI_PMU_CFG_FLAG_AUTO_START. */
    static final long CFG_AUTO_START = 4;
    /** SBI_PMU_START_FLAG_SET_INIT_VALUE. */
    static final long START_SET_INIT_VALUE = 1;
    /** SBI_PMU_START_FLAG_INIT_SNAPSHOT. */
    static final long START_INIT_SNAPSHOT = 2;
    /** SBI_PMU_STOP_FLAG_RESET. */
    static final long STOP_RESET = 1;
    /** SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT. */
    static final long STOP_TAKE_SNAPSHOT = 2;
    /** SBI_PMU_EVENT_IDX_INVALID. */
    static final long EVENT_IDX_INVALID = 0xFFFF_FFFFL;
    /** sizeof(struct riscv_pmu_snapshot_data): ctr_overflow_mask, ctr_values[64], reserved[447]. */
    static final int SNAPSHOT_SIZE = 4096;

    private static final String SRC = "arch/riscv/kvm/vcpu_pmu.c ";

    private RiscvSbiPmu() {
    }

    /** One vCPU's struct kvm_pmu. */
    static final class Counters {
        private final boolean available;
        private final int numHw;
        private final int numFw;
        private final long[] cinfo = new long[MAX_COUNTERS];
        final long[] eventIdx = new long[MAX_COUNTERS];
        final long[] counterVal = new long[MAX_COUNTERS];
        final boolean[] started = new boolean[MAX_COUNTERS];
        final boolean[] perfEvent = new boolean[MAX_COUNTERS];
        long inUse;
        long overflown;
        final boolean[] fwStarted = new boolean[FW_MAX];
        final long[] fwValue = new long[FW_MAX];
        long snapshot = RiscvVm.INVALID_GPA;
        final byte[] sdata = new byte[SNAPSHOT_SIZE];

        /** kvm_riscv_vcpu_pmu_init: the time counter (1) is skipped; 0..2 are 63 bits wide, 3.. hpm_width; firmware counters after. */
        Counters(boolean hostPmu, int hostHwCounters, int hpmWidth) {
            this.available = hostPmu && hostHwCounters > 0 && hpmWidth > 0;
            this.numHw = available ? Math.min(hostHwCounters + 1, MAX_HW_CTRS) : 0;
            this.numFw = available ? FW_MAX : 0;
            for (int i = 0; i < numHw + numFw; i++) {
                if (i == 1) {
                    continue;
                }
                if (i < numHw) {
                    cinfo[i] = (CSR_CYCLE + i) | (long) (i < 3 ? 63 : hpmWidth) << 12;
                } else {
                    cinfo[i] = 63L << 12 | 1L << 63;
                }
            }
            reset();
        }

        boolean available() {
            return available;
        }

        int count() {
            return numHw + numFw;
        }

        /** kvm_riscv_vcpu_pmu_reset (= deinit): counters released, firmware events cleared, snapshot gone. */
        void reset() {
            Arrays.fill(eventIdx, EVENT_IDX_INVALID);
            Arrays.fill(counterVal, 0);
            Arrays.fill(started, false);
            Arrays.fill(perfEvent, false);
            Arrays.fill(fwStarted, false);
            Arrays.fill(fwValue, 0);
            inUse = 0;
            overflown = 0;
            snapshot = RiscvVm.INVALID_GPA;
        }

        /**
         * kvm_riscv_vcpu_pmu_incr_fw: counts only while the firmware event is started. Its {@code fid >= SBI_PMU_FW_MAX}
         * check is left out: every caller passes an SBI_PMU_FW_* constant; and without a PMU no event is ever started.
         */
        void incrFw(int fid) {
            if (fwStarted[fid]) {
                fwValue[fid]++;
            }
        }

        /**
         * The value of firmware event {@code fid} (SBI_PMU_FW_*), for tests and traces.
         * @param fid the event code
         * @return its count
         */
        long fwEvent(int fid) {
            return fwValue[fid];
        }

        boolean fw(int idx) {
            return (cinfo[idx] >>> 63) != 0;
        }

        /** kvm_pmu_validate_counter_mask. */
        boolean validMask(long base, long mask) {
            long n = count();
            return mask != 0 && Long.compareUnsigned(base, n) < 0 && Long.compareUnsigned(base + (63 - Long.numberOfLeadingZeros(mask)), n) < 0;
        }

        /** test_bit(idx, pmc_in_use); every caller passes an index below num_ctrs (<= 54), checked by validMask first. */
        boolean inUse(long idx) {
            return (inUse & (1L << idx)) != 0;
        }
    }

    static Counters pmu(Trap t) {
        return state(t).pmu(t.vcpu());
    }

    /** kvm_sbi_ext_pmu_handler's prologue: NOT_SUPPORTED unless init_done (the gate has already refused a disabled PMU). */
    private static Counters ready(Trap t) {
        Counters p = pmu(t);
        if (!p.available()) {
            error(t, Status.NOT_SUPPORTED);
            return null;
        }
        return p;
    }

    /** NUM_COUNTERS: num_hw_ctrs + num_fw_ctrs. */
    static void numCounters(Trap t) {
        Counters p = ready(t);
        if (p != null) {
            value(t, p.count());
        }
    }

    /** COUNTER_GET_INFO(a0 = cidx): cidx >= 64 or 1 (time): -3; else the counter info (0 for an unused slot). */
    static void counterInfo(Trap t) {
        Counters p = ready(t);
        if (p == null) {
            return;
        }
        long cidx = t.arg(0);
        if (Long.compareUnsigned(cidx, MAX_COUNTERS) >= 0 || cidx == 1) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        value(t, p.cinfo[(int) cidx]);
    }

    /** Whether a perf event for {@code eidx} could be created on a host with a PMU (kvm_pmu_get_perf_event_config != U64_MAX). */
    private static boolean perfConfigurable(long eidx) {
        int type = (int) (eidx >> 16) & 0xF;
        int code = (int) eidx & 0xFFFF;
        return switch (type) {
            case 0 -> code < 11; // SBI_PMU_HW_GENERAL_MAX
            case 1 -> ((code & 0xFFF8) >> 3) < 7 && ((code & 6) >> 1) < 3; // PERF_COUNT_HW_CACHE_MAX, _OP_MAX (result is one bit)
            case 2, 3 -> true; // RAW, RAW_V2
            default -> false;
        };
    }

    /**
     * COUNTER_CFG_MATCH(a0 = base, a1 = mask, a2 = flags, a3 = event_idx, a4 = event_data),
     * kvm_riscv_vcpu_pmu_ctr_cfg_match: a bad mask: -3; a firmware event code >= SBI_PMU_FW_MAX: -2;
     * SKIP_MATCH with the first masked counter unused: -1; no free counter (or an event the host cannot
     * count): -2; else a1 = the counter. Cycles (HW 1) always take counter 0 and instructions (HW 2)
     * counter 2, whatever the mask; other hardware events the first free counter from 3, firmware events
     * the first free one after the hardware counters.
     */
    static void cfgMatch(Trap t) {
        Counters p = ready(t);
        if (p == null) {
            return;
        }
        long base = t.arg(0);
        long mask = t.arg(1);
        long flags = t.arg(2);
        long eidx = t.arg(3);
        if (!p.validMask(base, mask)) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        int type = (int) (eidx >> 16) & 0xF;
        int code = (int) eidx & 0xFFFF;
        boolean fevent = type == TYPE_FW;
        if (fevent && code >= FW_MAX) {
            error(t, Status.NOT_SUPPORTED);
            return;
        }
        int idx;
        if ((flags & CFG_SKIP_MATCH) != 0) {
            idx = (int) (base + Long.numberOfTrailingZeros(mask));
            if (!p.inUse(idx)) {
                error(t, Status.INTERNAL_FAILURE);
                return;
            }
        } else {
            idx = counterFor(p, eidx, base, mask);
            if (idx < 0) {
                error(t, Status.NOT_SUPPORTED);
                return;
            }
        }
        if (fevent) {
            if ((flags & CFG_AUTO_START) != 0) {
                p.fwStarted[code] = true;
            }
        } else {
            if (!perfConfigurable(eidx)) {
                error(t, Status.NOT_SUPPORTED);
                return;
            }
            if ((flags & CFG_CLEAR_VALUE) != 0) {
                p.counterVal[idx] = 0;
            }
            p.perfEvent[idx] = true; // AUTO_START enables the perf event but leaves pmc->started false, as KVM does
        }
        p.inUse |= 1L << idx;
        p.eventIdx[idx] = eidx;
        value(t, idx);
    }

    /** pmu_get_pmc_index: the fixed counters first, then kvm_pmu_get_programmable_pmc_index. */
    private static int counterFor(Counters p, long eidx, long base, long mask) {
        int type = (int) (eidx >> 16) & 0xF;
        int code = (int) eidx & 0xFFFF;
        if (type == 0 && code == 1) {
            return 0;
        }
        if (type == 0 && code == 2) {
            return 2;
        }
        int min = type == TYPE_FW ? p.numHw : 3;
        int max = type == TYPE_FW ? p.numHw + p.numFw : p.numHw;
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) == 0) {
                continue;
            }
            long idx = i + base;
            if (idx >= min && idx < max && !p.inUse(idx)) {
                return (int) idx;
            }
        }
        return -1;
    }

    /**
     * The prologue START and STOP share: a PMU (-2 without), kvm_pmu_validate_counter_mask on a0/a1 (-3), and the
     * snapshot flag {@code snapshotFlag} in a2 only with a snapshot area (-9, SBI_ERR_NO_SHMEM). Null when answered.
     */
    private static Counters masked(Trap t, long snapshotFlag) {
        Counters p = ready(t);
        if (p == null) {
            return null;
        }
        if (!p.validMask(t.arg(0), t.arg(1))) {
            error(t, Status.INVALID_PARAMETER);
            return null;
        }
        if ((t.arg(2) & snapshotFlag) != 0 && p.snapshot == RiscvVm.INVALID_GPA) {
            error(t, Status.NOT_PRESENT);
            return null;
        }
        return p;
    }

    /** COUNTER_START(a0 = base, a1 = mask, a2 = flags, a3 = initial value), kvm_riscv_vcpu_pmu_ctr_start. */
    static void start(Trap t) {
        Counters p = masked(t, START_INIT_SNAPSHOT);
        if (p == null) {
            return;
        }
        long base = t.arg(0);
        long mask = t.arg(1);
        long flags = t.arg(2);
        boolean snap = (flags & START_INIT_SNAPSHOT) != 0;
        if (snap) {
            try {
                t.memory().readBytes(p.snapshot, p.sdata, 0, SNAPSHOT_SIZE);
            } catch (GuestFault f) {
                error(t, Status.INTERNAL_FAILURE);
                return;
            }
        }
        Status result = Status.SUCCESS;
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) == 0) {
                continue;
            }
            int idx = (int) ((i + base) & 63);
            if (!p.inUse(idx)) {
                continue;
            }
            p.overflown &= ~(1L << idx);
            if ((flags & START_SET_INIT_VALUE) != 0) {
                p.counterVal[idx] = t.arg(3);
            } else if (snap) {
                p.counterVal[idx] = dev.hcsim.core.Bytes.get(p.sdata, 8 + 8 * i, 8, false);
            }
            if (p.fw(idx)) {
                int code = (int) p.eventIdx[idx] & 0xFFFF;
                if (code >= FW_MAX) {
                    result = Status.INVALID_PARAMETER;
                    break;
                }
                if (p.fwStarted[code]) {
                    result = Status.BUSY;
                    continue;
                }
                p.fwStarted[code] = true;
                p.fwValue[code] = p.counterVal[idx];
            } else if (p.perfEvent[idx]) {
                if (p.started[idx]) {
                    result = Status.BUSY;
                    continue;
                }
                p.started[idx] = true;
            } else {
                result = Status.INVALID_PARAMETER;
            }
        }
        finish(t, result);
    }

    private static void finish(Trap t, Status s) {
        if (s == Status.SUCCESS) {
            success(t);
        } else {
            error(t, s);
        }
    }

    /** COUNTER_STOP(a0 = base, a1 = mask, a2 = flags), kvm_riscv_vcpu_pmu_ctr_stop. */
    static void stop(Trap t) {
        Counters p = masked(t, STOP_TAKE_SNAPSHOT);
        if (p == null) {
            return;
        }
        long base = t.arg(0);
        long mask = t.arg(1);
        long flags = t.arg(2);
        boolean snap = (flags & STOP_TAKE_SNAPSHOT) != 0;
        Status result = Status.SUCCESS;
        boolean update = false;
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) == 0) {
                continue;
            }
            int idx = (int) ((i + base) & 63);
            if (!p.inUse(idx)) {
                continue;
            }
            if (p.fw(idx)) {
                int code = (int) p.eventIdx[idx] & 0xFFFF;
                if (code >= FW_MAX) {
                    result = Status.INVALID_PARAMETER;
                    break;
                }
                if (!p.fwStarted[code]) {
                    result = Status.DISABLED;
                } else {
                    p.fwStarted[code] = false;
                    p.counterVal[idx] = p.fwValue[code];
                }
            } else if (p.perfEvent[idx]) {
                if (p.started[idx]) {
                    p.started[idx] = false;
                } else {
                    result = Status.DISABLED;
                }
                if ((flags & STOP_RESET) != 0) {
                    p.perfEvent[idx] = false;
                }
            } else {
                result = Status.INVALID_PARAMETER;
            }
            if (snap && result == Status.SUCCESS) {
                if ((p.overflown & (1L << idx)) != 0) {
                    setSnapshotMask(p, getSnapshotMask(p) | 1L << i);
                }
                dev.hcsim.core.Bytes.put(p.sdata, 8 + 8 * i, 8, p.counterVal[idx], false);
                update = true;
            }
            if ((flags & STOP_RESET) != 0) {
                p.eventIdx[idx] = EVENT_IDX_INVALID;
                p.inUse &= ~(1L << idx);
                p.overflown &= ~(1L << idx);
                if (snap) {
                    setSnapshotMask(p, getSnapshotMask(p) & ~(1L << i));
                    update = true;
                }
            }
        }
        if (update) {
            try {
                t.memory().writeBytes(p.snapshot, p.sdata, 0, SNAPSHOT_SIZE);
            } catch (GuestFault f) {
                result = Status.INTERNAL_FAILURE;
            }
        }
        finish(t, result);
    }

    private static long getSnapshotMask(Counters p) {
        return dev.hcsim.core.Bytes.get(p.sdata, 0, 8, false);
    }

    private static void setSnapshotMask(Counters p, long m) {
        dev.hcsim.core.Bytes.put(p.sdata, 0, 8, m, false);
    }

    /**
     * COUNTER_FW_READ(a0 = cidx), pmu_ctr_read: cidx out of range or 1: -3; a firmware counter without an
     * event: -3; a hardware counter without a perf event: -3; else a1 = the value.
     */
    static void fwRead(Trap t) {
        Counters p = ready(t);
        if (p == null) {
            return;
        }
        long cidx = t.arg(0);
        if (Long.compareUnsigned(cidx, p.count()) >= 0 || cidx == 1) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        int idx = (int) cidx;
        if (p.fw(idx)) {
            if (p.eventIdx[idx] == EVENT_IDX_INVALID) {
                error(t, Status.INVALID_PARAMETER);
                return;
            }
            p.counterVal[idx] = p.fwValue[(int) p.eventIdx[idx] & 0xFFFF];
        } else if (!p.perfEvent[idx]) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        value(t, p.counterVal[idx]);
    }

    /** COUNTER_FW_READ_HI: RV32 only; on RV64 a1 = 0 and success. */
    static void fwReadHi(Trap t) {
        if (ready(t) != null) {
            value(t, 0);
        }
    }

    /**
     * SNAPSHOT_SET_SHMEM(a0 = lo, a1 = hi, a2 = flags), kvm_riscv_vcpu_pmu_snapshot_set_shmem: flags != 0:
     * -3; lo = hi = -1 clears it; hi != 0: -5; the 4096-byte zeroed area cannot be written: -5.
     */
    static void snapshotSetShmem(Trap t) {
        Counters p = ready(t);
        if (p == null) {
            return;
        }
        long lo = t.arg(0);
        long hi = t.arg(1);
        if (t.arg(2) != 0) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        if (lo == -1L && hi == -1L) {
            p.snapshot = RiscvVm.INVALID_GPA;
            success(t);
            return;
        }
        if (hi != 0) {
            error(t, Status.INVALID_ADDRESS);
            return;
        }
        p.snapshot = RiscvVm.INVALID_GPA;
        Arrays.fill(p.sdata, (byte) 0);
        MemoryAccess m = t.memory();
        if (!m.readable(lo, SNAPSHOT_SIZE)) {
            error(t, Status.INVALID_ADDRESS);
            return;
        }
        m.writeBytes(lo, p.sdata, 0, SNAPSHOT_SIZE);
        p.snapshot = lo;
        success(t);
    }

    /**
     * EVENT_GET_INFO(a0 = lo, a1 = hi, a2 = num_entries, a3 = flags), kvm_riscv_vcpu_pmu_event_info: flags,
     * a lo not 16-byte aligned, no entries or num_entries * 16 past 2^64: -3; hi != 0: -5; the array unreadable
     * (or too large to allocate): -1; each entry's
     * {@code output} (u32 at +4) = 1 when the host can count the event; the write back failing: -5.
     */
    static void eventInfo(Trap t) {
        Counters p = ready(t);
        if (p == null) {
            return;
        }
        long lo = t.arg(0);
        long hi = t.arg(1);
        long n = t.arg(2);
        // check_mul_overflow(num_events, 16): only a count whose byte size passes 2^64 is a bad parameter
        if (t.arg(3) != 0 || (lo & 15) != 0 || n == 0 || Long.compareUnsigned(n, -1L >>> 4) > 0) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        if (hi != 0) {
            error(t, Status.INVALID_ADDRESS);
            return;
        }
        MemoryAccess m = t.memory();
        // an array larger than any guest memory cannot be read (or, in KVM, allocated): SBI_ERR_FAILURE either way
        if (Long.compareUnsigned(n, Integer.MAX_VALUE / 16) > 0 || !m.readable(lo, (int) n * 16)) {
            error(t, Status.INTERNAL_FAILURE);
            return;
        }
        int size = (int) n * 16;
        byte[] buf = new byte[size];
        m.readBytes(lo, buf, 0, size);
        for (int i = 0; i < n; i++) {
            long eidx = dev.hcsim.core.Bytes.get(buf, 16 * i, 4, false);
            int type = (int) (eidx >> 16) & 0xF;
            boolean supported = type == TYPE_FW ? (eidx & 0xFFFF) < FW_MAX : perfConfigurable(eidx);
            dev.hcsim.core.Bytes.put(buf, 16 * i + 4, 4, supported ? 1 : 0, false);
        }
        m.writeBytes(lo, buf, 0, size);
        success(t);
    }

    static void specs(List<HypercallSpec.Builder> l) {
        String f = SbiExtension.PMU.feature();
        String h = "arch/riscv/kvm/vcpu_sbi_pmu.c kvm_sbi_ext_pmu_handler";
        l.add(call(EXT_PMU, 0, "SBI_EXT_PMU_NUM_COUNTERS", RiscvSbiPmu::numCounters, "a1 = hardware counters (host's + 1 for time) "
                + "+ 22 firmware counters; -2 without a host PMU", SRC + "kvm_riscv_vcpu_pmu_num_ctrs", Status.SUCCESS,
                Status.NOT_SUPPORTED).feature(f));
        l.add(call(EXT_PMU, 1, "SBI_EXT_PMU_COUNTER_GET_INFO", RiscvSbiPmu::counterInfo, "a0 = counter: a1 = csr | width << 12 | "
                + "type << 63; -3 for 1 (time) and >= 64", SRC + "kvm_riscv_vcpu_pmu_ctr_info", Status.SUCCESS,
                Status.INVALID_PARAMETER, Status.NOT_SUPPORTED).feature(f));
        l.add(call(EXT_PMU, 2, "SBI_EXT_PMU_COUNTER_CFG_MATCH", RiscvSbiPmu::cfgMatch, "a0 base, a1 mask, a2 flags, a3 event_idx, "
                + "a4 event_data: a1 = the counter chosen; -3 bad mask, -2 no counter or unsupported event, -1 SKIP_MATCH on an "
                + "unused counter", SRC + "kvm_riscv_vcpu_pmu_ctr_cfg_match", Status.SUCCESS, Status.INVALID_PARAMETER,
                Status.NOT_SUPPORTED, Status.INTERNAL_FAILURE).feature(f));
        l.add(call(EXT_PMU, 3, "SBI_EXT_PMU_COUNTER_START", RiscvSbiPmu::start, "a0 base, a1 mask, a2 flags, a3 initial value: -3 "
                + "bad mask, -7 already started, -9 snapshot flag without a snapshot area", SRC + "kvm_riscv_vcpu_pmu_ctr_start",
                Status.SUCCESS, Status.INVALID_PARAMETER, Status.BUSY, Status.NOT_PRESENT, Status.INTERNAL_FAILURE,
                Status.NOT_SUPPORTED).feature(f));
        l.add(call(EXT_PMU, 4, "SBI_EXT_PMU_COUNTER_STOP", RiscvSbiPmu::stop, "a0 base, a1 mask, a2 flags (RESET, TAKE_SNAPSHOT): "
                + "-3 bad mask, -8 already stopped, -9 no snapshot area", SRC + "kvm_riscv_vcpu_pmu_ctr_stop", Status.SUCCESS,
                Status.INVALID_PARAMETER, Status.DISABLED, Status.NOT_PRESENT, Status.INTERNAL_FAILURE, Status.NOT_SUPPORTED)
                .feature(f));
        l.add(call(EXT_PMU, 5, "SBI_EXT_PMU_COUNTER_FW_READ", RiscvSbiPmu::fwRead, "a0 = counter: a1 = its value (firmware "
                + "counters count KVM's own events); -3 out of range or unconfigured", SRC + "pmu_ctr_read", Status.SUCCESS,
                Status.INVALID_PARAMETER, Status.NOT_SUPPORTED).feature(f));
        l.add(call(EXT_PMU, 6, "SBI_EXT_PMU_COUNTER_FW_READ_HI", RiscvSbiPmu::fwReadHi, "RV32 only: a1 = 0 on RV64", h,
                Status.SUCCESS, Status.NOT_SUPPORTED).feature(f));
        l.add(call(EXT_PMU, 7, "SBI_EXT_PMU_SNAPSHOT_SET_SHMEM", RiscvSbiPmu::snapshotSetShmem, "a0 lo, a1 hi, a2 flags: zeroes a "
                + "4096-byte snapshot area; -1/-1 clears it; -3 flags, -5 bad address", SRC + "kvm_riscv_vcpu_pmu_snapshot_set_shmem",
                Status.SUCCESS, Status.INVALID_PARAMETER, Status.INVALID_ADDRESS, Status.NOT_SUPPORTED).feature(f));
        l.add(call(EXT_PMU, 8, "SBI_EXT_PMU_EVENT_GET_INFO", RiscvSbiPmu::eventInfo, "a0 lo, a1 hi, a2 entries, a3 flags: each "
                + "16-byte entry's output = 1 when the host counts the event", SRC + "kvm_riscv_vcpu_pmu_event_info", Status.SUCCESS,
                Status.INVALID_PARAMETER, Status.INVALID_ADDRESS, Status.INTERNAL_FAILURE, Status.NOT_SUPPORTED).feature(f));
    }
}
