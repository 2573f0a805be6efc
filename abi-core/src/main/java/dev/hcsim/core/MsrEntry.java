package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * One {@code struct kvm_msr_entry} (arch/x86/include/uapi/asm/kvm.h) as KVM_SET_MSRS and
 * KVM_GET_MSRS pass it: part of the KVM uAPI mirror.
 *
 * @param index the MSR number (a __u32)
 * @param data the value
 */
@API(status = STABLE, since = "1.0")
public record MsrEntry(long index, long data) {
    /**
     * Checks the index is a __u32.
     * @param index the MSR number
     * @param data the value
     */
    public MsrEntry {
        if (index < 0 || index > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("an MSR index is a __u32, got 0x" + Long.toHexString(index));
        }
    }
}
