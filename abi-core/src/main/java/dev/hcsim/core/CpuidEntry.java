package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * One {@code struct kvm_cpuid_entry2} (include/uapi/linux/kvm.h / arch/x86/include/uapi/asm/kvm.h) as
 * KVM_SET_CPUID2 and KVM_GET_CPUID2 pass it: part of the KVM uAPI mirror, like the exit records.
 *
 * @param function the leaf (EAX on input to CPUID)
 * @param index the sub-leaf (ECX on input), 0 when the leaf has none
 * @param flags KVM_CPUID_FLAG_* bits
 * @param eax EAX on output (unsigned 32 bits)
 * @param ebx EBX on output
 * @param ecx ECX on output
 * @param edx EDX on output
 */
@API(status = STABLE, since = "1.0")
public record CpuidEntry(long function, long index, long flags, long eax, long ebx, long ecx, long edx) {
    /**
     * Checks that every field is an unsigned 32-bit value, as in the C struct.
     * @param function the leaf
     * @param index the sub-leaf
     * @param flags KVM_CPUID_FLAG_* bits
     * @param eax EAX
     * @param ebx EBX
     * @param ecx ECX
     * @param edx EDX
     */
    public CpuidEntry {
        for (long v : new long[] {function, index, flags, eax, ebx, ecx, edx}) {
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("a kvm_cpuid_entry2 field is a __u32, got 0x" + Long.toHexString(v));
            }
        }
    }

    /**
     * A leaf without sub-leaf or flags.
     * @param function the leaf
     * @param eax EAX
     * @param ebx EBX
     * @param ecx ECX
     * @param edx EDX
     * @return the entry
     */
    public static CpuidEntry of(long function, long eax, long ebx, long ecx, long edx) {
        return new CpuidEntry(function, 0, 0, eax, ebx, ecx, edx);
    }
}
