package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * tools/testing/selftests/kvm/x86/private_mem_conversions_test.c (torvalds/linux, read at commit 5171573c), its
 * KVM_HC_MAP_GPA_RANGE / KVM_EXIT_HYPERCALL part, and kvm_hypercall_map_gpa_range of
 * tools/testing/selftests/kvm/include/x86/processor.h (read at commit 07676c04): with KVM_CAP_EXIT_HYPERCALL for
 * KVM_HC_MAP_GPA_RANGE, every conversion the guest asks for exits to the VMM (x86.c ____kvm_emulate_hypercall),
 * whose handle_exit_hypercall reads gpa, npages and the flags and answers run->hypercall.ret = 0, which the guest's
 * vmcall returns (complete_hypercall_exit). The port makes the guest's calls in guest_code's order (both
 * guest_test_explicit_conversion passes and both guest_test_punch_hole passes over test_ranges) as vmcalls on one
 * vCPU; the memory contents the selftest compares (guest_memfd, KVM_SET_MEMORY_ATTRIBUTES) are outside hcsim.
 */
class X86PrivateMemConversionsSelftest {
    static final long KVM_CAP_EXIT_HYPERCALL = 201;
    static final long KVM_HC_MAP_GPA_RANGE = 12;
    static final long PAGE_SIZE = 4096;
    static final long SZ_2M = 2L << 20;
    static final long BASE_DATA_GPA = 1L << 32;
    static final long PER_CPU_DATA_SIZE = SZ_2M + PAGE_SIZE;
    static final long MAP_GPA_SET_ATTRIBUTES = 1;
    static final long MAP_GPA_SHARED = 2;
    static final long MAP_GPA_DO_FALLOCATE = 4;
    /** test_ranges: {offset, size}. */
    static final long[][] TEST_RANGES = {{0, PAGE_SIZE}, {0, SZ_2M}, {PAGE_SIZE, PAGE_SIZE}, {PAGE_SIZE, SZ_2M}, {SZ_2M, PAGE_SIZE}};

    /** One kvm_hypercall_map_gpa_range(gpa, size, flags) of the guest. */
    record MapCall(long gpa, long size, long flags) {
    }

    static MapCall map(long gpa, long size, boolean shared, boolean fallocate) {
        return new MapCall(gpa, size, MAP_GPA_SET_ATTRIBUTES | (shared ? MAP_GPA_SHARED : 0) | (fallocate ? MAP_GPA_DO_FALLOCATE : 0));
    }

    /** guest_code(base_gpa)'s calls of kvm_hypercall_map_gpa_range, in order. */
    static List<MapCall> guestCalls(long base) {
        List<MapCall> calls = new ArrayList<>();
        for (boolean fallocate : new boolean[] {false, true}) { // guest_test_explicit_conversion
            for (long[] r : TEST_RANGES) {
                long gpa = base + r[0];
                long size = r[1];
                calls.add(map(gpa, size, false, fallocate)); // guest_map_private
                if (size <= PAGE_SIZE) {
                    for (long j = 0; j < size; j += PAGE_SIZE) {
                        if (((j >> 12) & 1) != 0) {
                            calls.add(map(gpa + j, PAGE_SIZE, true, fallocate)); // odd frames back to shared
                        }
                    }
                }
                calls.add(map(gpa, size, true, fallocate)); // skip: the whole region back to shared
                calls.add(map(base, PER_CPU_DATA_SIZE, true, true)); // free all private memory
            }
        }
        for (int pass = 0; pass < 2; pass++) { // guest_test_punch_hole(base_gpa, false / true)
            calls.add(map(base, PER_CPU_DATA_SIZE, false, false));
            for (long[] r : TEST_RANGES) {
                calls.add(new MapCall(base, PER_CPU_DATA_SIZE, MAP_GPA_SHARED | MAP_GPA_DO_FALLOCATE)); // guest_punch_hole
                calls.add(new MapCall(base + r[0], r[1], MAP_GPA_SHARED | MAP_GPA_DO_FALLOCATE));
            }
        }
        return calls;
    }

    /** What the VMM saw for each call, and the guest's return value after handle_exit_hypercall's ret = 0. */
    record Seen(MapCall call, Outcome outcome, Exit exit, long ret) {
    }

    /** test_mem_conversions with one vCPU: the VM, KVM_CAP_EXIT_HYPERCALL, and __test_mem_conversions' loop. */
    static List<Seen> run() {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(1).build());
        vm.control().enableCap(KVM_CAP_EXIT_HYPERCALL, 1L << KVM_HC_MAP_GPA_RANGE); // vm_enable_cap asserts 0
        Machine m = new Machine(vm, "private_mem_conversions");
        m.load(0x1000, vm.assemble("vmcall", 0x1000).bytes());
        List<Seen> seen = new ArrayList<>();
        for (MapCall c : guestCalls(BASE_DATA_GPA)) {
            var r = m.registers(0);
            r.pc(0x1000);
            r.set("rax", KVM_HC_MAP_GPA_RANGE); // kvm_hypercall(KVM_HC_MAP_GPA_RANGE, gpa, size >> PAGE_SHIFT, flags, 0)
            r.set("rbx", c.gpa());
            r.set("rcx", c.size() >> 12);
            r.set("rdx", c.flags());
            r.set("rsi", 0);
            TrapResult t = vm.trap(0, r, m.memory(), m); // the vCPU's frame: read it before the next KVM_RUN changes it
            Outcome outcome = t.outcome();
            Exit exit = t.exit();
            if (exit instanceof Exit.Hypercall h) {
                vm.completeExit(0, r, m.memory(), new Exit.Hypercall(h.nr(), h.args(), 0, h.flags())); // run->hypercall.ret = 0
            }
            seen.add(new Seen(c, outcome, exit, r.get("rax")));
        }
        return seen;
    }

    @Test
    @DisplayName("private_mem_conversions_test.c test_mem_conversions: vm_enable_cap(vm, KVM_CAP_EXIT_HYPERCALL, (1 << KVM_HC_MAP_GPA_RANGE))")
    void enableCap() {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(1).build());
        vm.control().enableCap(KVM_CAP_EXIT_HYPERCALL, 1L << KVM_HC_MAP_GPA_RANGE);
        assertEquals(1L << KVM_HC_MAP_GPA_RANGE, vm.control().checkExtension(KVM_CAP_EXIT_HYPERCALL) & 1L << KVM_HC_MAP_GPA_RANGE);
    }

    @Test
    @DisplayName("private_mem_conversions_test.c handle_exit_hypercall: TEST_ASSERT(run->hypercall.nr == KVM_HC_MAP_GPA_RANGE, "
            + "'Wanted MAP_GPA_RANGE'), with args[0] = gpa, args[1] = size / PAGE_SIZE, args[2] = the flags, for every call of guest_code")
    void everyCallExitsWithItsRange() {
        List<Seen> seen = run();
        assertEquals(2 * 5 * 3 + 2 * (1 + 5 * 2), seen.size());
        for (Seen s : seen) {
            assertEquals(Outcome.EXIT_TO_HOST, s.outcome(), "KVM_EXIT_HYPERCALL for " + s.call());
            Exit.Hypercall h = assertInstanceOf(Exit.Hypercall.class, s.exit());
            assertEquals(KVM_HC_MAP_GPA_RANGE, h.nr(), "Wanted MAP_GPA_RANGE (12), got '" + h.nr() + "'");
            assertEquals(s.call().gpa(), h.arg(0));
            assertEquals(s.call().size() / PAGE_SIZE, h.arg(1));
            assertEquals(s.call().flags(), h.arg(2));
        }
    }

    @Test
    @DisplayName("processor.h kvm_hypercall_map_gpa_range: GUEST_ASSERT(!ret) after handle_exit_hypercall's run->hypercall.ret = 0, "
            + "for every call of guest_code")
    void guestSeesZero() {
        for (Seen s : run()) {
            assertEquals(0, s.ret(), "ret for " + s.call());
        }
    }
}
