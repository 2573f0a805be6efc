package dev.hcsim.arch.x86;

import static dev.hcsim.arch.x86.X86HypervTlfs.HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST;
import static dev.hcsim.arch.x86.X86HypervTlfs.HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE;
import static dev.hcsim.arch.x86.X86HypervTlfs.HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX;
import static dev.hcsim.arch.x86.X86HypervTlfs.HVCALL_SEND_IPI;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_FLUSH_ALL_PROCESSORS;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_GENERIC_SET_ALL;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_GENERIC_SET_SPARSE_4K;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_HYPERCALL_REP_COMP_OFFSET;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_IPI_HIGH_VECTOR;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_IPI_LOW_VECTOR;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_MAX_SPARSE_VCPU_BANKS;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_STATUS_INVALID_HYPERCALL_INPUT;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_STATUS_SUCCESS;
import static dev.hcsim.arch.x86.X86HypervTlfs.HV_VCPUS_PER_SPARSE_BANK;
import static dev.hcsim.arch.x86.X86HypervTlfs.KVM_HV_MAX_SPARSE_VCPU_SET_BITS;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.spi.Trap;

/**
 * The two in-kernel Hyper-V calls that name a set of virtual processors, as arch/x86/kvm/hyperv.c implements them:
 * {@code kvm_hv_flush_tlb} (HvFlushVirtualAddressSpace/List and their Ex forms) and {@code kvm_hv_send_ipi}
 * (HvCallSendSyntheticClusterIpi and its Ex form), with the sparse VP sets of the Ex forms ({@code struct hv_vpset}).
 * Everything is read into the vCPU's {@link X86HypervCall} buffers: no allocation.
 */
final class X86HypervTlbIpi {
    private X86HypervTlbIpi() {
    }

    /**
     * hv_is_vp_in_sparse_set: VP {@code vpId} is in the set when its bank's bit is in {@code validBankMask} and its bit
     * is set in that bank, the banks being packed in ascending order (the bank's slot is the number of valid banks
     * below it).
     */
    static boolean vpInSparseSet(long vpId, long validBankMask, long[] sparseBanks) {
        long bank = vpId / HV_VCPUS_PER_SPARSE_BANK;
        if (bank >= 64 || (validBankMask & (1L << bank)) == 0) {
            return false;
        }
        int sbank = bank == 0 ? 0 : Long.bitCount(validBankMask & ((1L << bank) - 1));
        return (sparseBanks[sbank] & (1L << (vpId % HV_VCPUS_PER_SPARSE_BANK))) != 0;
    }

    /**
     * kvm_hv_flush_tlb. Returns the result word: HV_STATUS_SUCCESS with "reps completed" = rep count (KVM always does a
     * full flush), or HV_STATUS_INVALID_HYPERCALL_INPUT (reps completed 0).
     */
    static long flushTlb(Trap t, X86Hyperv hv, X86HypervCall hc) {
        MemoryAccess mem = t.memory();
        long[] sparse = hc.sparseBanks;
        long validBankMask;
        boolean allCpus;
        if (hc.code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST || hc.code == HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE) {
            long flags;
            long processorMask;
            if (hc.fast) {
                flags = hc.outgpa; // address_space = ingpa: KVM flushes whatever the address space
                processorMask = hc.xmm[0];
                hc.consumedXmmHalves = 1;
            } else {
                if (!mem.readable(hc.ingpa, 24)) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT; // struct hv_tlb_flush {address_space, flags, processor_mask}
                }
                flags = mem.read64(hc.ingpa + 8);
                processorMask = mem.read64(hc.ingpa + 16);
                hc.dataOffset = 24;
            }
            validBankMask = 1;
            sparse[0] = processorMask;
            // "Work around possible WS2012 bug": processor_mask == 0 counts as HV_FLUSH_ALL_PROCESSORS
            allCpus = (flags & HV_FLUSH_ALL_PROCESSORS) != 0 || processorMask == 0;
        } else {
            long format;
            if (hc.fast) {
                format = hc.xmm[0]; // hv_vp_set = XMM0: format, valid_bank_mask
                validBankMask = hc.xmm[1];
                hc.consumedXmmHalves = 2;
            } else {
                if (!mem.readable(hc.ingpa, 32)) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT; // struct hv_tlb_flush_ex {address_space, flags, hv_vp_set}
                }
                format = mem.read64(hc.ingpa + 16);
                validBankMask = mem.read64(hc.ingpa + 24);
                hc.dataOffset = 32;
            }
            allCpus = format != HV_GENERIC_SET_SPARSE_4K;
            if (hc.varCnt != Long.bitCount(validBankMask)) {
                return HV_STATUS_INVALID_HYPERCALL_INPUT;
            }
            if (!allCpus) {
                if (hc.varCnt == 0) {
                    return success(hc); // an empty set: nothing to flush, still "all reps completed"
                }
                if (getSparseVpSet(mem, hc) != 0) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
            }
            // The TLFS does not forbid banks with HV_GENERIC_SET_ALL: the entries always follow var_cnt banks.
            if (hc.fast) {
                hc.consumedXmmHalves += hc.varCnt;
            } else {
                hc.dataOffset += 8L * hc.varCnt;
            }
        }
        long[] entries = null;
        if (!(hc.code == HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE || hc.code == HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX
                || hc.repCnt > hc.flushEntries.length)) {
            if (hc.getHcData(mem, hc.repCnt, hc.repCnt, hc.flushEntries) != 0) {
                return HV_STATUS_INVALID_HYPERCALL_INPUT; // kvm_hv_get_tlb_flush_entries
            }
            entries = hc.flushEntries;
        }
        int n = t.vm().vcpuCount();
        for (int v = 0; v < n; v++) {
            if (allCpus || inVcpuMask(hv, v, validBankMask, sparse)) {
                hv.tlbFlushEnqueue(v, entries, hc.repCnt); // kvm_make_vcpus_request_mask(KVM_REQ_HV_TLB_FLUSH): no wake-up
            }
        }
        return success(hc);
    }

    private static long success(X86HypervCall hc) {
        return HV_STATUS_SUCCESS | ((long) hc.repCnt << HV_HYPERCALL_REP_COMP_OFFSET);
    }

    /**
     * sparse_set_to_vcpu_mask: bank i of the packed set covers VP indices 64 * i .. 64 * i + 63. When every vCPU's VP
     * index is its vCPU index the mask is those bits directly; otherwise each vCPU is tested by its VP index. Both
     * come to: vCPU {@code v} is in when its VP index is in the sparse set.
     */
    private static boolean inVcpuMask(X86Hyperv hv, int v, long validBankMask, long[] sparse) {
        return vpInSparseSet(hv.vpIndex(v), validBankMask & mask(KVM_HV_MAX_SPARSE_VCPU_SET_BITS), sparse);
    }

    private static long mask(int bits) {
        return bits >= 64 ? -1L : (1L << bits) - 1;
    }

    /**
     * kvm_get_sparse_vp_set: more than HV_MAX_SPARSE_VCPU_BANKS banks is -EINVAL; the banks past
     * KVM_HV_MAX_SPARSE_VCPU_SET_BITS (no legal VP index) are not read.
     * @return 0, or non-zero for HV_STATUS_INVALID_HYPERCALL_INPUT
     */
    static int getSparseVpSet(MemoryAccess mem, X86HypervCall hc) {
        if (hc.varCnt > HV_MAX_SPARSE_VCPU_BANKS) {
            return -22; // -EINVAL
        }
        return hc.getHcData(mem, hc.varCnt, KVM_HV_MAX_SPARSE_VCPU_SET_BITS, hc.sparseBanks);
    }

    /**
     * kvm_hv_send_ipi: the vector and set of HvCallSendSyntheticClusterIpi (64 VPs from a mask) or its Ex form (a
     * sparse set, or HV_GENERIC_SET_ALL), the vector checked against 0x10..0xff, then a fixed interrupt to every vCPU
     * in the set (kvm_hv_send_ipi_to_many: kvm_apic_set_irq, refused only by a disabled APIC).
     * @return HV_STATUS_SUCCESS or HV_STATUS_INVALID_HYPERCALL_INPUT
     */
    static long sendIpi(Trap t, X86Hyperv hv, X86HypervCall hc) {
        MemoryAccess mem = t.memory();
        long[] sparse = hc.sparseBanks;
        long vector;
        long validBankMask;
        boolean allCpus;
        if (hc.code == HVCALL_SEND_IPI) {
            if (!hc.fast) {
                if (!mem.readable(hc.ingpa, 16)) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT; // struct hv_send_ipi {vector, reserved, cpu_mask}
                }
                vector = mem.read32(hc.ingpa);
                sparse[0] = mem.read64(hc.ingpa + 8);
            } else {
                if ((hc.ingpa >>> 32) != 0) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT; // the 'reserved' half of hv_send_ipi must be 0
                }
                sparse[0] = hc.outgpa;
                vector = hc.ingpa & 0xFFFF_FFFFL;
            }
            allCpus = false;
            validBankMask = 1;
        } else {
            long format;
            if (!hc.fast) {
                if (!mem.readable(hc.ingpa, 24)) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT; // struct hv_send_ipi_ex {vector, reserved, vp_set}
                }
                vector = mem.read32(hc.ingpa);
                format = mem.read64(hc.ingpa + 8);
                validBankMask = mem.read64(hc.ingpa + 16);
            } else {
                vector = hc.ingpa & 0xFFFF_FFFFL;
                format = hc.outgpa;
                validBankMask = hc.xmm[0];
            }
            allCpus = format == HV_GENERIC_SET_ALL; // unlike the flush, any other format is a sparse set
            if (hc.varCnt != Long.bitCount(validBankMask)) {
                return HV_STATUS_INVALID_HYPERCALL_INPUT;
            }
            if (!allCpus) {
                if (hc.varCnt == 0) {
                    return HV_STATUS_SUCCESS; // an empty set: success before the vector is looked at
                }
                if (hc.fast) {
                    hc.consumedXmmHalves = 1;
                } else {
                    hc.dataOffset = 24; // offsetof(struct hv_send_ipi_ex, vp_set.bank_contents)
                }
                if (getSparseVpSet(mem, hc) != 0) {
                    return HV_STATUS_INVALID_HYPERCALL_INPUT;
                }
            }
        }
        if (vector < HV_IPI_LOW_VECTOR || vector > HV_IPI_HIGH_VECTOR) {
            return HV_STATUS_INVALID_HYPERCALL_INPUT;
        }
        X86Vm x = (X86Vm) t.vm().archVm();
        VcpuControl c = t.control();
        int n = t.vm().vcpuCount();
        for (int v = 0; v < n; v++) {
            if (!allCpus && !vpInSparseSet(hv.vpIndex(v), validBankMask, sparse)) {
                continue;
            }
            if (x.apicEnabled(v)) {
                c.interrupt(v, (int) vector); // kvm_apic_set_irq: "We fail only when APIC is disabled"
            }
        }
        return HV_STATUS_SUCCESS;
    }
}
