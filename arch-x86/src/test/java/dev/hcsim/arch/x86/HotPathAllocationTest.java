package dev.hcsim.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.testing.AllocationRounds;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The embedding path allocates nothing for a call that touches no memory (docs/performance.md). */
class HotPathAllocationTest {
    private static final int CALLS = 200_000;

    @Test
    @DisplayName("Vm.trap of KVM_HC_VAPIC_POLL_IRQ and of an unknown number allocates 0 bytes per call (ThreadMXBean)")
    void noAllocation() throws Exception {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(2).build());
        RegisterFile regs = new RegisterFile(X86Registers.LAYOUT);
        assertTrapsSettle(vm, regs, i -> regs.set(X86Registers.RAX, (i & 1) == 0 ? 1 : 0x4242));
        assertEquals(-1000, regs.get(X86Registers.RAX));
    }

    /**
     * A call gated by a CPUID feature (KVM_HC_SEND_IPI, pv-send-ipi) is checked on every trap (guest_pv_has, cpuid.h):
     * that check must allocate nothing, with KVM_CAP_ENFORCE_PV_FEATURE_CPUID off (the default: no lookup at all) and
     * on (the feature's bit is looked up). Run with -XX:-DoEscapeAnalysis this also catches an allocation that only the
     * JIT removes (the List iterator of a for-each lookup made SchedulerHotPathTest fail now and then under load).
     */
    @ParameterizedTest(name = "enforce PV CPUID = {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("Vm.trap of KVM_HC_SEND_IPI (a CPUID-gated call) allocates 0 bytes per call, PV CPUID enforced or not")
    void gatedCallAllocatesNothing(boolean enforce) throws Exception {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(2).build());
        if (enforce) {
            vm.control().enableVcpuCap(0, X86Ioctls.KVM_CAP_ENFORCE_PV_FEATURE_CPUID, 1); // default CPUID: pv-send-ipi on
        }
        RegisterFile regs = new RegisterFile(X86Registers.LAYOUT);
        assertTrapsSettle(vm, regs, i -> {
            regs.set(X86Registers.RAX, X86Hypercalls.KVM_HC_SEND_IPI);
            regs.set(X86Registers.RBX, 0); // empty bitmaps: kvm_pv_send_ipi delivers to nobody and answers 0
            regs.set(X86Registers.RCX, 0);
            regs.set(X86Registers.RDX, 0);
            regs.set(X86Registers.RSI, 0);
        });
        assertEquals(0, regs.get(X86Registers.RAX), "SEND_IPI to an empty bitmap delivers to 0 vCPUs");
    }

    /**
     * The Hyper-V in-kernel calls read their input into the vCPU's reused call buffer (hyperv.c struct kvm_hv_hcall,
     * sparse banks, flush entries): a fast SEND_IPI, an XMM fast FLUSH_SPACE_EX to every VP, a slow FLUSH_LIST with
     * its entries in guest memory and an unknown code allocate nothing.
     */
    @Test
    @DisplayName("Vm.trap of Hyper-V SEND_IPI (fast), FLUSH_SPACE_EX (XMM fast), FLUSH_LIST (slow) and an unknown code allocates 0 bytes per call")
    void hypervCallsAllocateNothing() throws Exception {
        Vm vm = Vm.create(VmConfig.builder("x86").vcpus(2).feature(X86Architecture.HYPERV, true).build());
        RegisterFile regs = new RegisterFile(X86Registers.LAYOUT);
        regs.setVector(0, false, 1); // HV_GENERIC_SET_ALL
        long[] controls = {0x1000b, 0x10013, 0x1_0000_0003L, 0x7777};
        long[] inputs = {0x20, 0, 0x2000, 0};
        assertTrapsSettle(vm, regs, i -> {
            int k = i & 3;
            regs.set(X86Registers.RCX, controls[k]);
            regs.set(X86Registers.RDX, inputs[k]);
            regs.set(8, 0); // fast SEND_IPI: an empty processor mask
        });
        assertEquals(2, regs.get(X86Registers.RAX), "the unknown code came last: HV_STATUS_INVALID_HYPERCALL_CODE");
    }

    /** Rounds of CALLS vmcalls on vCPU 0, {@code setup} run before each, until one allocates under 4096 bytes (AllocationRounds). */
    private static void assertTrapsSettle(Vm vm, RegisterFile regs, IntConsumer setup) throws Exception {
        SparseMemory mem = new SparseMemory(List.of(new MemoryRegion(0, 0x10000)));
        mem.write(0x1000, new byte[] {0x0f, 0x01, (byte) 0xc1}, 0, 3);
        vm.resetVcpu(0, regs);
        EffectLog control = new EffectLog(2);
        AllocationRounds.assertSettlesBelow(4096, CALLS + " calls", () -> {
            for (int i = 0; i < CALLS; i++) {
                regs.pc(0x1000);
                setup.accept(i);
                vm.trap(0, regs, mem, control);
            }
        });
    }
}
