package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86HypervTlfs.HV_HYPERCALL_FAST_BIT;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_HYPERCALL_MAX_XMM_REGISTERS;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_HYPERCALL_REP_COMP_OFFSET;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_HYPERCALL_REP_START_OFFSET;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_HYPERCALL_VARHEAD_MASK;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_HYPERCALL_VARHEAD_OFFSET;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;

/**
 * One decoded Hyper-V hypercall, hyperv.c {@code struct kvm_hv_hcall}: the control word's fields, the input and
 * output values, the XMM0-5 input of an XMM fast call, and the read position of the variable input. One instance per
 * vCPU is reused for every call, with the sparse-bank and flush-entry buffers, so an in-kernel call allocates nothing.
 */
final class X86HypervCall {
    long param;
    long ingpa;
    long outgpa;
    int code;
    int varCnt;
    int repCnt;
    int repIdx;
    boolean fast;
    boolean rep;
    /** XMM0..5 as halves: xmm[2 * n] is bits 63..0 of XMMn, xmm[2 * n + 1] bits 127..64. */
    final long[] xmm = new long[2 * HV_HYPERCALL_MAX_XMM_REGISTERS];
    /** The read offset from {@link #ingpa} of a slow call (data_offset). */
    long dataOffset;
    /** The XMM halves a fast call has consumed (consumed_xmm_halves). */
    int consumedXmmHalves;
    /** hv_vcpu->sparse_banks. */
    final long[] sparseBanks = new long[X86HypervTlfs.HV_MAX_SPARSE_VCPU_BANKS];
    /** The flush entries of a LIST call (__tlb_flush_entries: one FIFO slot stays free for "flush all"). */
    final long[] flushEntries = new long[X86HypervTlfs.KVM_HV_TLB_FLUSH_FIFO_SIZE - 1];

    /**
     * kvm_hv_hypercall: the 64-bit convention (RCX control, RDX input, R8 output) or the 32-bit one (EDX:EAX control,
     * EBX:ECX input, EDI:ESI output), then the control word's fields.
     */
    void read(RegisterAccess r, boolean longMode) {
        if (longMode) {
            param = r.get(X86Registers.RCX);
            ingpa = r.get(X86Registers.RDX);
            outgpa = r.get(8); // R8
        } else {
            param = (r.get(X86Registers.RDX) << 32) | (r.get(X86Registers.RAX) & 0xFFFF_FFFFL);
            ingpa = (r.get(X86Registers.RBX) << 32) | (r.get(X86Registers.RCX) & 0xFFFF_FFFFL);
            outgpa = (r.get(X86Registers.RDI) << 32) | (r.get(X86Registers.RSI) & 0xFFFF_FFFFL);
        }
        decode(param);
    }

    /** The control word's fields, as kvm_hv_hypercall takes them apart. */
    void decode(long p) {
        param = p;
        code = (int) (p & 0xffff);
        varCnt = (int) ((p & HV_HYPERCALL_VARHEAD_MASK) >>> HV_HYPERCALL_VARHEAD_OFFSET);
        fast = (p & HV_HYPERCALL_FAST_BIT) != 0;
        repCnt = (int) ((p >>> HV_HYPERCALL_REP_COMP_OFFSET) & 0xfff);
        repIdx = (int) ((p >>> HV_HYPERCALL_REP_START_OFFSET) & 0xfff);
        rep = repCnt != 0 || repIdx != 0;
        dataOffset = 0;
        consumedXmmHalves = 0;
    }

    /**
     * kvm_hv_hypercall_read_xmm: XMM0..5 into the call. An embedder whose registers have none gets an error naming the
     * call, only here, when a call needs them.
     */
    void readXmm(RegisterAccess r) {
        if (r.vectorRegisters() < HV_HYPERCALL_MAX_XMM_REGISTERS) {
            throw new UnsupportedOperationException(String.format(java.util.Locale.ROOT,
                    "Hyper-V XMM fast hypercall 0x%x reads XMM0-XMM5, but %s gives %d vector registers: implement "
                            + "RegisterAccess.vectorRegisters/getVector", code, r.getClass().getName(), r.vectorRegisters()));
        }
        for (int n = 0; n < HV_HYPERCALL_MAX_XMM_REGISTERS; n++) {
            xmm[2 * n] = r.getVector(n, false);
            xmm[2 * n + 1] = r.getVector(n, true);
        }
    }

    /**
     * kvm_hv_get_hc_data: {@code min(origCnt, cntCap)} 64-bit words of variable input into {@code data}: from the XMM
     * halves not yet consumed (a fast call; more than are left is HV_STATUS_INVALID_HYPERCALL_INPUT, checked against
     * the uncapped count), else from guest memory at ingpa + data_offset (a failed read is non-zero too).
     * @return 0, or HV_STATUS_INVALID_HYPERCALL_INPUT
     */
    int getHcData(MemoryAccess mem, int origCnt, int cntCap, long[] data) {
        int cnt = Math.min(origCnt, cntCap);
        if (fast) {
            if (origCnt > 2 * HV_HYPERCALL_MAX_XMM_REGISTERS - consumedXmmHalves) {
                return X86HypervTlfs.HV_STATUS_INVALID_HYPERCALL_INPUT;
            }
            for (int i = 0; i < cnt; i++) {
                data[i] = xmm[i + consumedXmmHalves];
            }
            return 0;
        }
        long gpa = ingpa + dataOffset;
        if (!mem.readable(gpa, cnt * 8)) {
            return X86HypervTlfs.HV_STATUS_INVALID_HYPERCALL_INPUT; // kvm_read_guest fails as a whole
        }
        for (int i = 0; i < cnt; i++) {
            data[i] = mem.read64(gpa + 8L * i);
        }
        return 0;
    }
}
