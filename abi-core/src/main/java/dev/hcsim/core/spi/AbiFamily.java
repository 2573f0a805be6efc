package dev.hcsim.core.spi;

import java.util.List;

/**
 * Another hypercall ABI the same trap instruction reaches before (or instead of) the architecture's KVM one, as the
 * kernel's dispatcher orders them (x86's {@code kvm_emulate_hypercall}: Xen, then Hyper-V, then {@code KVM_HC_*}).
 * Documentation data for {@code hcsim explain} and {@code hcsim table}; the architecture's per-VM part dispatches.
 *
 * @param name the ABI's name and kernel file ("Xen HVM (arch/x86/kvm/xen.c)")
 * @param order its place in the dispatch, from 1; the architecture's own {@link Architecture#hypercalls()} come after all
 * @param enabledBy the condition that sends a call here, with the switches that set it
 * @param convention the registers: number, arguments, result, in each mode
 * @param results what a call returns and where (its status codes)
 * @param calls the calls the kernel handles itself, in number order
 * @param notes the rest of the rules (exits, privilege, hand-offs), each with its source
 */
public record AbiFamily(String name, int order, String enabledBy, String convention, String results, List<Call> calls, List<String> notes) {
    /**
     * One call of the family.
     * @param number the number the guest passes
     * @param name the ABI's own name for it
     * @param summary what the kernel does, and when it exits instead
     * @param source the kernel function
     */
    public record Call(long number, String name, String summary, String source) {
    }

    /**
     * Copies the lists.
     * @param name the name
     * @param order the dispatch position
     * @param enabledBy the condition
     * @param convention the registers
     * @param results the results
     * @param calls the calls
     * @param notes the notes
     */
    public AbiFamily {
        calls = List.copyOf(calls);
        notes = List.copyOf(notes);
    }
}
